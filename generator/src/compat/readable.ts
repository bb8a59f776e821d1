/**
 * checkReadable: can a reader expecting schema `reader` accept every message valid under `writer`?
 * Serves drift (producer → consumer view), backward (old → new) and forward (new → old).
 *
 *   checkReadable(
 *     { type: 'object', properties: { amount: { type: 'number' } } },
 *     { type: 'object', properties: { amount: { type: 'integer' } }, required: ['amount'] },
 *   )
 *   // → [ { rule: 'required-missing', pointer: '/amount', schemaPointer: '/required', … },
 *   //     { rule: 'type-mismatch', pointer: '/amount', schemaPointer: '/properties/amount/type',
 *   //       writer: ['number'], reader: ['integer'], severity: 'breaking', … } ]
 *
 * This is the driver: it walks the two schemas (merging a writer allOf, checking a reader allOf
 * member by member, fitting each writer oneOf/anyOf branch into one reader branch, following
 * $ref cycles once) and hands every node pair to the keyword table in `keywords/`, one
 * comparator per family. Reader keywords no comparator judges are `unprovable` when they
 * differ. The writer model (tolerant reader; `strictOpenContent`) is described in
 * keywords/objects.ts.
 */
import {
  COMPARATORS,
  type Context,
  JUDGED_KEYWORDS,
  type Node,
  type ReadableOptions,
  report,
  unprovable,
  VALIDATION_KEYWORDS,
} from './keywords/index.ts';
import type { Finding } from './rules.ts';
import {
  ALL_TYPES,
  accepts,
  asSchema,
  deepEqual,
  effectiveTypes,
  enumerated,
  isObject,
  type JsonType,
  mergeAllOf,
  mergeTwo,
  omit,
  REF_KEY,
  type SchemaObject,
  showTypes,
  sortedTypes,
  str,
  subject,
  typeOf,
} from './schema.ts';

export type { ReadableOptions } from './keywords/index.ts';

/** Guards against runaway recursion in self-referencing schemas not caught by the pair guard. */
const MAX_DEPTH = 200;

interface Walk extends Context {
  /** (writer, reader) node pairs on the current path, to stop on circular schemas. */
  readonly active: Map<object, Set<object>>;
  depth: number;
}

function makeWalk(opts: Required<ReadableOptions>, active: Map<object, Set<object>>, depth: number): Walk {
  const walk: Walk = {
    opts,
    out: [],
    active,
    depth,
    visit: (w, r, ptr, sptr) => visit(walk, w, r, ptr, sptr),
    probe: (w, r, ptr, sptr) => {
      const sub = makeWalk(opts, walk.active, walk.depth);
      visit(sub, w, r, ptr, sptr);
      return sub.out.filter((f) => f.severity === 'breaking');
    },
  };
  return walk;
}

export function checkReadable(writer: unknown, reader: unknown, opts: ReadableOptions = {}): Finding[] {
  const walk = makeWalk(
    {
      writerLabel: opts.writerLabel ?? 'writer',
      readerLabel: opts.readerLabel ?? 'reader',
      strictOpenContent: opts.strictOpenContent ?? false,
      tolerantReader: opts.tolerantReader ?? false,
    },
    new Map(),
    0,
  );
  visit(walk, writer, reader, '', '');
  const seen = new Set<string>();
  return walk.out.filter((f) => {
    const key = `${f.rule} ${f.pointer} ${f.schemaPointer}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function visit(ctx: Walk, writer: unknown, reader: unknown, ptr: string, sptr: string): void {
  const ws = mergeAllOf(writer);
  if (ws === false) return; // the writer never sends a value here
  const rs0 = asSchema(reader);
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  if (rs0 === false) {
    const types = sortedTypes(effectiveTypes(ws));
    report(
      ctx,
      'type-mismatch',
      ptr,
      sptr,
      types,
      false,
      `${R} accepts no value (false schema), ${W} sends ${showTypes(types)}.`,
    );
    return;
  }
  let pairs = ctx.active.get(ws);
  if (pairs?.has(rs0)) return; // circular: assume compatible, the rest of the cycle is checked
  if (ctx.depth >= MAX_DEPTH) {
    unprovable(ctx, '$ref', ptr, sptr, undefined, undefined, 'the schemas nest too deeply to compare');
    return;
  }
  if (!pairs) {
    pairs = new Set();
    ctx.active.set(ws, pairs);
  }
  pairs.add(rs0);
  ctx.depth++;
  const mark = ctx.out.length;

  let rs = rs0;
  if (Array.isArray(rs.allOf)) {
    rs.allOf.forEach((member, i) => {
      visit(ctx, ws, member, ptr, `${sptr}/allOf/${i}`);
    });
    rs = omit(rs, 'allOf');
  }
  compareUnions(ctx, ws, rs, rs0, ptr, sptr);

  const wRef = str(ws, REF_KEY);
  const rRef = str(rs0, REF_KEY);
  if (wRef !== undefined && rRef !== undefined && wRef !== rRef) {
    const broken = ctx.out.slice(mark).some((f) => f.severity === 'breaking');
    ctx.out.splice(mark, 0, {
      rule: 'ref-changed',
      severity: broken ? 'breaking' : 'info',
      pointer: ptr,
      schemaPointer: sptr,
      writer: wRef,
      reader: rRef,
      message: `${subject(ptr)}: $ref target changed from ${wRef} (${W}) to ${rRef} (${R}); the resolved schemas are ${
        broken ? 'not compatible, see the findings below' : 'compatible'
      }.`,
    });
  }
  ctx.depth--;
  pairs.delete(rs0);
}

/** Writer union: every branch (merged with its siblings) must be readable. */
function writerBranches(ws: SchemaObject): SchemaObject[] | undefined {
  const list = Array.isArray(ws.oneOf) ? ws.oneOf : Array.isArray(ws.anyOf) ? ws.anyOf : undefined;
  if (!list) return undefined;
  const siblings = omit(ws, 'oneOf', 'anyOf', REF_KEY);
  const out: SchemaObject[] = [];
  for (const branch of list) {
    const b = mergeAllOf(branch);
    if (b !== false) out.push(mergeTwo(b, siblings));
  }
  return out;
}

function compareUnions(
  ctx: Walk,
  ws: SchemaObject,
  rs: SchemaObject,
  rsFull: SchemaObject,
  ptr: string,
  sptr: string,
): void {
  const branches = writerBranches(ws);
  if (branches) {
    for (const branch of branches) compareUnions(ctx, branch, rs, rsFull, ptr, sptr);
    return;
  }
  const unions = (['oneOf', 'anyOf'] as const).filter((k) => Array.isArray(rs[k]));
  if (unions.length === 0) {
    checkNode(ctx, ws, rs, rsFull, ptr, sptr);
    return;
  }
  checkNode(ctx, ws, omit(rs, 'oneOf', 'anyOf'), rsFull, ptr, sptr);
  for (const kw of unions) fitOneBranch(ctx, ws, rs[kw] as unknown[], kw, ptr, sptr);
}

function fitOneBranch(
  ctx: Walk,
  ws: SchemaObject,
  branches: unknown[],
  kw: 'oneOf' | 'anyOf',
  ptr: string,
  sptr: string,
): void {
  let closest: { index: number; findings: Finding[] } | undefined;
  for (const [index, branch] of branches.entries()) {
    const findings = ctx.probe(ws, branch, ptr, `${sptr}/${kw}/${index}`);
    if (findings.length === 0) return;
    if (!closest || findings.length < closest.findings.length) closest = { index, findings };
  }
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  const writer = str(ws, REF_KEY) ?? sortedTypes(effectiveTypes(ws));
  const reader = branches.map((b, i) => (isObject(b) ? str(b, REF_KEY) : undefined) ?? `${kw}/${i}`);
  const first = closest?.findings[0];
  const why =
    first && closest
      ? `; the closest, ${kw}/${closest.index}, fails ${first.rule} at '${first.pointer}'`
      : '';
  report(
    ctx,
    'composition-mismatch',
    ptr,
    `${sptr}/${kw}`,
    writer,
    reader,
    `${W} sends a value (${showTypes(writer)}) that fits no ${kw} branch of ${R}${why}.`,
  );
}

/** The finite set of values a writer can send, when it is finite (const, enum, boolean/null). */
function finiteValues(ws: SchemaObject, wt: Set<JsonType> | undefined): unknown[] | undefined {
  const listed = enumerated(ws);
  if (listed) return listed;
  if (wt && [...wt].every((t) => t === 'boolean' || t === 'null')) {
    return [...(wt.has('boolean') ? [false, true] : []), ...(wt.has('null') ? [null] : [])];
  }
  return undefined;
}

function checkNode(
  ctx: Walk,
  ws: SchemaObject,
  rs: SchemaObject,
  rsFull: SchemaObject,
  ptr: string,
  sptr: string,
): void {
  const wt = effectiveTypes(ws);
  const rt = effectiveTypes(rs);
  const writerTypes = wt ?? new Set(ALL_TYPES);
  const node: Node = {
    ws,
    rs,
    rsFull,
    ptr,
    sptr,
    wt,
    rt,
    values: finiteValues(ws, wt)?.filter((v) => !rt || accepts(rt, typeOf(v))),
    shared: (t) => writerTypes.has(t) && (!rt || accepts(rt, t)),
    integerOnly: writerTypes.has('integer') && !writerTypes.has('number'),
  };
  for (const comparator of COMPARATORS) comparator.check(ctx, node);
  for (const k of VALIDATION_KEYWORDS) {
    if (JUDGED_KEYWORDS.has(k) || !(k in rs) || deepEqual(ws[k], rs[k])) continue;
    unprovable(ctx, k, ptr, `${sptr}/${k}`, ws[k], rs[k], `the engine has no comparator for '${k}'`);
  }
}
