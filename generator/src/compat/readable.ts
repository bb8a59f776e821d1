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
 * Model and its deliberate approximations:
 * - A writer sends only the properties it declares (or lists in `required`), plus arbitrary keys
 *   when its `additionalProperties` is a schema (a map). An open writer object is tolerance, not a
 *   promise to send extras, so adding an optional property is safe. `strictOpenContent: true`
 *   switches to the schema-registry reading where an open writer may send anything undeclared.
 * - Writer `allOf` is merged into one schema; a reader `allOf` is checked member by member
 *   (exact: the reader accepts a value only if every member does).
 * - Writer `oneOf`/`anyOf`: every branch must be readable. Reader `oneOf`/`anyOf`: the writer
 *   must fit one branch (overlap between reader `oneOf` branches is not checked).
 * - Anything that cannot be proven (a changed pattern, `not`, `patternProperties`, …) is breaking.
 */
import type { Finding, RuleId } from './rules.ts';
import {
  ALL_TYPES,
  accepts,
  asSchema,
  childPointer,
  deepEqual,
  effectiveTypes,
  enumerated,
  includesValue,
  isObject,
  type JsonType,
  mergeAllOf,
  mergeTwo,
  num,
  omit,
  REF_KEY,
  type SchemaObject,
  schemaMap,
  show,
  showTypes,
  sortedTypes,
  str,
  strings,
  subject,
  typeOf,
  UNSUPPORTED_KEYWORDS,
} from './schema.ts';

export interface ReadableOptions {
  /** How messages name the writer side, e.g. 'old schema' or 'producer orders'. */
  writerLabel?: string;
  /** How messages name the reader side. */
  readerLabel?: string;
  /** Assume an open writer object may send any undeclared property (schema-registry style). */
  strictOpenContent?: boolean;
}

const DEFAULT_OPTIONS: Required<ReadableOptions> = {
  writerLabel: 'writer',
  readerLabel: 'reader',
  strictOpenContent: false,
};

/** Guards against runaway recursion in self-referencing schemas not caught by the pair guard. */
const MAX_DEPTH = 200;

interface Context {
  opts: Required<ReadableOptions>;
  out: Finding[];
  /** (writer, reader) node pairs on the current path, to stop on circular schemas. */
  active: Map<object, Set<object>>;
  depth: number;
}

export function checkReadable(writer: unknown, reader: unknown, opts: ReadableOptions = {}): Finding[] {
  const ctx: Context = {
    opts: {
      writerLabel: opts.writerLabel ?? DEFAULT_OPTIONS.writerLabel,
      readerLabel: opts.readerLabel ?? DEFAULT_OPTIONS.readerLabel,
      strictOpenContent: opts.strictOpenContent ?? DEFAULT_OPTIONS.strictOpenContent,
    },
    out: [],
    active: new Map(),
    depth: 0,
  };
  visit(ctx, writer, reader, '', '');
  const seen = new Set<string>();
  return ctx.out.filter((f) => {
    const key = `${f.rule} ${f.pointer} ${f.schemaPointer}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function add(
  ctx: Context,
  rule: RuleId,
  pointer: string,
  schemaPointer: string,
  writer: unknown,
  reader: unknown,
  text: string,
): void {
  ctx.out.push({
    rule,
    severity: 'breaking',
    pointer,
    schemaPointer,
    writer,
    reader,
    message: `${subject(pointer)}: ${text}`,
  });
}

function visit(ctx: Context, writer: unknown, reader: unknown, ptr: string, sptr: string): void {
  const ws = mergeAllOf(writer);
  if (ws === false) return; // the writer never sends a value here
  const rs0 = asSchema(reader);
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  if (rs0 === false) {
    const types = sortedTypes(effectiveTypes(ws));
    add(
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
    add(ctx, 'unsupported-keyword', ptr, sptr, undefined, undefined, `schemas nest too deeply to compare.`);
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
  compareUnions(ctx, ws, rs, ptr, sptr);

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

function compareUnions(ctx: Context, ws: SchemaObject, rs: SchemaObject, ptr: string, sptr: string): void {
  const branches = writerBranches(ws);
  if (branches) {
    for (const branch of branches) compareUnions(ctx, branch, rs, ptr, sptr);
    return;
  }
  const unions = (['oneOf', 'anyOf'] as const).filter((k) => Array.isArray(rs[k]));
  if (unions.length === 0) {
    checkNode(ctx, ws, rs, ptr, sptr);
    return;
  }
  checkNode(ctx, ws, omit(rs, 'oneOf', 'anyOf'), ptr, sptr);
  for (const kw of unions) fitOneBranch(ctx, ws, rs[kw] as unknown[], kw, ptr, sptr);
}

function fitOneBranch(
  ctx: Context,
  ws: SchemaObject,
  branches: unknown[],
  kw: 'oneOf' | 'anyOf',
  ptr: string,
  sptr: string,
): void {
  let closest: { index: number; findings: Finding[] } | undefined;
  for (const [index, branch] of branches.entries()) {
    const sub: Context = { ...ctx, out: [] };
    visit(sub, ws, branch, ptr, `${sptr}/${kw}/${index}`);
    const findings = sub.out.filter((f) => f.severity === 'breaking');
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
  add(
    ctx,
    'composition-mismatch',
    ptr,
    `${sptr}/${kw}`,
    writer,
    reader,
    `${W} sends a value (${showTypes(writer)}) that fits no ${kw} branch of ${R}${why}.`,
  );
}

function typePointer(sptr: string, rs: SchemaObject): string {
  if ('type' in rs) return `${sptr}/type`;
  return 'const' in rs ? `${sptr}/const` : `${sptr}/enum`;
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

function checkNode(ctx: Context, ws: SchemaObject, rs: SchemaObject, ptr: string, sptr: string): void {
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  const wt = effectiveTypes(ws);
  const rt = effectiveTypes(rs);

  if (rt) {
    if (!wt) {
      add(
        ctx,
        'type-mismatch',
        ptr,
        typePointer(sptr, rs),
        'any',
        sortedTypes(rt),
        `${R} accepts only ${showTypes(sortedTypes(rt))}, but ${W} does not constrain the type.`,
      );
    } else {
      const rejected = [...wt].filter((t) => !accepts(rt, t)).sort();
      const other = rejected.filter((t) => t !== 'null');
      if (other.length > 0) {
        add(
          ctx,
          'type-mismatch',
          ptr,
          typePointer(sptr, rs),
          sortedTypes(wt),
          sortedTypes(rt),
          `${W} allows ${showTypes(other)}, which ${R} does not accept (it accepts ${showTypes(sortedTypes(rt))}).`,
        );
      }
      if (rejected.includes('null')) {
        add(
          ctx,
          'null-rejected',
          ptr,
          typePointer(sptr, rs),
          sortedTypes(wt),
          sortedTypes(rt),
          `${W} allows null, ${R} does not.`,
        );
      }
    }
  }

  const writerTypes = wt ?? new Set(ALL_TYPES);
  const shared = (t: JsonType) => writerTypes.has(t) && (!rt || accepts(rt, t));
  const integerOnly = writerTypes.has('integer') && !writerTypes.has('number');
  const values = finiteValues(ws, wt)?.filter((v) => !rt || accepts(rt, typeOf(v)));

  checkValues(ctx, ws, rs, ptr, sptr, values);
  if (shared('string') || shared('number') || shared('integer')) checkFormat(ctx, ws, rs, ptr, sptr);
  if (shared('string')) {
    if (values)
      checkStringValues(
        ctx,
        rs,
        ptr,
        sptr,
        values.filter((v) => typeof v === 'string'),
      );
    else checkStringKeywords(ctx, ws, rs, ptr, sptr);
  }
  if (shared('number') || shared('integer')) {
    if (values)
      checkNumberValues(
        ctx,
        rs,
        ptr,
        sptr,
        values.filter((v) => typeof v === 'number'),
      );
    else checkNumberKeywords(ctx, ws, rs, ptr, sptr, integerOnly);
  }
  if (shared('array')) checkArray(ctx, ws, rs, ptr, sptr);
  if (shared('object')) checkObject(ctx, ws, rs, ptr, sptr);

  for (const k of UNSUPPORTED_KEYWORDS) {
    if (k in rs && !deepEqual(ws[k], rs[k])) {
      add(
        ctx,
        'unsupported-keyword',
        ptr,
        `${sptr}/${k}`,
        ws[k],
        rs[k],
        `${R} uses '${k}', which this tool cannot compare with ${W}; cannot prove compatibility.`,
      );
    }
  }
}

function checkValues(
  ctx: Context,
  ws: SchemaObject,
  rs: SchemaObject,
  ptr: string,
  sptr: string,
  values: unknown[] | undefined,
): void {
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  const writerTypes = sortedTypes(effectiveTypes(ws));
  if (Array.isArray(rs.enum)) {
    if (!values) {
      add(
        ctx,
        'enum-mismatch',
        ptr,
        `${sptr}/enum`,
        writerTypes,
        rs.enum,
        `${R} accepts only ${show(rs.enum)}, but ${W} allows any ${showTypes(writerTypes)} value.`,
      );
    } else {
      const enumValues = rs.enum;
      const missing = values.filter((v) => !includesValue(enumValues, v));
      if (missing.length > 0) {
        add(
          ctx,
          'enum-mismatch',
          ptr,
          `${sptr}/enum`,
          missing,
          rs.enum,
          `${W} may send ${show(missing)}, which ${R}'s enum lacks.`,
        );
      }
    }
  }
  if ('const' in rs) {
    const bad = values ? values.filter((v) => !deepEqual(v, rs.const)) : undefined;
    if (!bad || bad.length > 0) {
      const writer = bad ?? writerTypes;
      add(
        ctx,
        'const-mismatch',
        ptr,
        `${sptr}/const`,
        writer,
        rs.const,
        `${R} requires exactly ${show(rs.const)}, but ${W} allows ${bad ? show(bad) : `any ${showTypes(writerTypes)} value`}.`,
      );
    }
  }
}

function checkFormat(ctx: Context, ws: SchemaObject, rs: SchemaObject, ptr: string, sptr: string): void {
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  const rf = rs.format;
  if (rf === undefined || deepEqual(ws.format, rf)) return;
  const has = ws.format === undefined ? 'does not guarantee it' : `declares ${show(ws.format)}`;
  add(
    ctx,
    'format-mismatch',
    ptr,
    `${sptr}/format`,
    ws.format,
    rf,
    `${R} requires format ${show(rf)}, ${W} ${has}.`,
  );
}

function length(s: string): number {
  return [...s].length; // JSON Schema counts code points
}

function compilePattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

function checkStringValues(
  ctx: Context,
  rs: SchemaObject,
  ptr: string,
  sptr: string,
  values: string[],
): void {
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  const min = num(rs, 'minLength');
  const max = num(rs, 'maxLength');
  const tooShort = min === undefined ? [] : values.filter((v) => length(v) < min);
  const tooLong = max === undefined ? [] : values.filter((v) => length(v) > max);
  if (tooShort.length > 0) {
    add(
      ctx,
      'string-length-narrowed',
      ptr,
      `${sptr}/minLength`,
      tooShort,
      min,
      `${W} may send ${show(tooShort)}, shorter than ${R}'s minLength ${min}.`,
    );
  }
  if (tooLong.length > 0) {
    add(
      ctx,
      'string-length-narrowed',
      ptr,
      `${sptr}/maxLength`,
      tooLong,
      max,
      `${W} may send ${show(tooLong)}, longer than ${R}'s maxLength ${max}.`,
    );
  }
  const pattern = str(rs, 'pattern');
  if (pattern === undefined) return;
  const re = compilePattern(pattern);
  const bad = re ? values.filter((v) => !re.test(v)) : values;
  if (bad.length > 0) {
    add(
      ctx,
      'pattern-mismatch',
      ptr,
      `${sptr}/pattern`,
      bad,
      pattern,
      `${W} may send ${show(bad)}, which ${R}'s pattern ${pattern} does not match.`,
    );
  }
}

function checkStringKeywords(
  ctx: Context,
  ws: SchemaObject,
  rs: SchemaObject,
  ptr: string,
  sptr: string,
): void {
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  const rMin = num(rs, 'minLength') ?? 0;
  const wMin = num(ws, 'minLength') ?? 0;
  if (rMin > wMin) {
    add(
      ctx,
      'string-length-narrowed',
      ptr,
      `${sptr}/minLength`,
      ws.minLength,
      rMin,
      `${R} requires minLength ${rMin}, ${W} allows strings of length ${wMin}.`,
    );
  }
  const rMax = num(rs, 'maxLength');
  const wMax = num(ws, 'maxLength');
  if (rMax !== undefined && (wMax === undefined || wMax > rMax)) {
    add(
      ctx,
      'string-length-narrowed',
      ptr,
      `${sptr}/maxLength`,
      wMax,
      rMax,
      `${R} allows at most ${rMax} characters, ${W} allows ${wMax ?? 'any number'}.`,
    );
  }
  const rp = str(rs, 'pattern');
  const wp = str(ws, 'pattern');
  if (rp !== undefined && rp !== wp) {
    const has = wp === undefined ? 'has no pattern' : `has pattern ${wp}`;
    add(
      ctx,
      'pattern-mismatch',
      ptr,
      `${sptr}/pattern`,
      wp,
      rp,
      `${R} requires pattern ${rp}, ${W} ${has}; cannot prove compatibility.`,
    );
  }
}

interface Bound {
  value: number;
  exclusive: boolean;
  key: string;
}

function bound(s: SchemaObject, side: 'lower' | 'upper'): Bound | undefined {
  const [incKey, exKey] =
    side === 'lower' ? ['minimum', 'exclusiveMinimum'] : ['maximum', 'exclusiveMaximum'];
  const candidates: Bound[] = [];
  const inc = num(s, incKey);
  const ex = s[exKey];
  // draft-04 boolean exclusiveMinimum/Maximum modifies minimum/maximum
  if (inc !== undefined) candidates.push({ value: inc, exclusive: ex === true, key: incKey });
  if (typeof ex === 'number') candidates.push({ value: ex, exclusive: true, key: exKey });
  const sign = side === 'lower' ? -1 : 1;
  candidates.sort((a, b) => sign * (a.value - b.value) || Number(b.exclusive) - Number(a.exclusive));
  return candidates[0];
}

/** The bound as an inclusive integer, for writers that only send integers. */
function integerBound(b: Bound, side: 'lower' | 'upper'): number {
  if (side === 'lower') return b.exclusive ? Math.floor(b.value) + 1 : Math.ceil(b.value);
  return b.exclusive ? Math.ceil(b.value) - 1 : Math.floor(b.value);
}

function isMultiple(value: number, of: number): boolean {
  const q = value / of;
  return Math.abs(q - Math.round(q)) < 1e-9 * Math.max(1, Math.abs(q));
}

function checkNumberValues(
  ctx: Context,
  rs: SchemaObject,
  ptr: string,
  sptr: string,
  values: number[],
): void {
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  for (const side of ['lower', 'upper'] as const) {
    const rb = bound(rs, side);
    if (!rb) continue;
    const outside = values.filter((v) => {
      const d = side === 'lower' ? v - rb.value : rb.value - v;
      return d < 0 || (d === 0 && rb.exclusive);
    });
    if (outside.length > 0) {
      add(
        ctx,
        'number-range-narrowed',
        ptr,
        `${sptr}/${rb.key}`,
        outside,
        { [rb.key]: rb.value },
        `${W} may send ${show(outside)}, outside ${R}'s ${rb.key} ${rb.value}.`,
      );
    }
  }
  const m = num(rs, 'multipleOf');
  const bad = m === undefined || m <= 0 ? [] : values.filter((v) => !isMultiple(v, m));
  if (bad.length > 0) {
    add(
      ctx,
      'multiple-of-mismatch',
      ptr,
      `${sptr}/multipleOf`,
      bad,
      m,
      `${W} may send ${show(bad)}, not a multiple of ${R}'s multipleOf ${m}.`,
    );
  }
}

function checkNumberKeywords(
  ctx: Context,
  ws: SchemaObject,
  rs: SchemaObject,
  ptr: string,
  sptr: string,
  integerOnly: boolean,
): void {
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  for (const side of ['lower', 'upper'] as const) {
    const rb = bound(rs, side);
    if (!rb) continue;
    const wb = bound(ws, side);
    let narrowed: boolean;
    if (!wb) narrowed = true;
    else if (integerOnly) {
      const d = integerBound(wb, side) - integerBound(rb, side);
      narrowed = side === 'lower' ? d < 0 : d > 0;
    } else {
      const d = side === 'lower' ? wb.value - rb.value : rb.value - wb.value;
      narrowed = d < 0 || (d === 0 && rb.exclusive && !wb.exclusive);
    }
    if (narrowed) {
      const writer = wb ? { [wb.key]: wb.value } : undefined;
      const has = wb ? `${wb.key} ${wb.value}` : `no ${side} bound`;
      add(
        ctx,
        'number-range-narrowed',
        ptr,
        `${sptr}/${rb.key}`,
        writer,
        { [rb.key]: rb.value },
        `${R} requires ${rb.key} ${rb.value}, ${W} has ${has}.`,
      );
    }
  }
  const rm = num(rs, 'multipleOf');
  if (rm === undefined || rm <= 0) return;
  const wm = num(ws, 'multipleOf');
  const ok = (wm !== undefined && isMultiple(wm, rm)) || (integerOnly && isMultiple(1, rm));
  if (!ok) {
    const has = wm === undefined ? 'has none' : `has multipleOf ${wm}`;
    add(
      ctx,
      'multiple-of-mismatch',
      ptr,
      `${sptr}/multipleOf`,
      wm,
      rm,
      `${R} requires multipleOf ${rm}, ${W} ${has}.`,
    );
  }
}

function checkArray(ctx: Context, ws: SchemaObject, rs: SchemaObject, ptr: string, sptr: string): void {
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  const wMax = num(ws, 'maxItems');
  if (Array.isArray(rs.items) || Array.isArray(ws.items)) {
    if (rs.items !== undefined && !deepEqual(ws.items, rs.items)) {
      add(
        ctx,
        'unsupported-keyword',
        ptr,
        `${sptr}/items`,
        ws.items,
        rs.items,
        `${R} uses tuple 'items', which this tool cannot compare with ${W}; cannot prove compatibility.`,
      );
    }
  } else if (rs.items !== undefined && wMax !== 0) {
    visit(ctx, ws.items, rs.items, `${ptr}/*`, `${sptr}/items`);
  }
  const rMin = num(rs, 'minItems') ?? 0;
  const wMin = num(ws, 'minItems') ?? 0;
  if (rMin > wMin) {
    add(
      ctx,
      'array-length-narrowed',
      ptr,
      `${sptr}/minItems`,
      ws.minItems,
      rMin,
      `${R} requires at least ${rMin} items, ${W} allows ${wMin}.`,
    );
  }
  const rMax = num(rs, 'maxItems');
  if (rMax !== undefined && (wMax === undefined || wMax > rMax)) {
    add(
      ctx,
      'array-length-narrowed',
      ptr,
      `${sptr}/maxItems`,
      wMax,
      rMax,
      `${R} allows at most ${rMax} items, ${W} allows ${wMax ?? 'any number'}.`,
    );
  }
  if (rs.uniqueItems === true && ws.uniqueItems !== true && (wMax === undefined || wMax > 1)) {
    add(
      ctx,
      'unique-items-added',
      ptr,
      `${sptr}/uniqueItems`,
      ws.uniqueItems ?? false,
      true,
      `${R} requires unique items, ${W} allows duplicates.`,
    );
  }
}

function matchesPatternProperty(rs: SchemaObject, name: string): boolean {
  return Object.keys(schemaMap(rs.patternProperties)).some((p) => compilePattern(p)?.test(name) ?? true);
}

function checkObject(ctx: Context, ws: SchemaObject, rs: SchemaObject, ptr: string, sptr: string): void {
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  const wProps = schemaMap(ws.properties);
  const rProps = schemaMap(rs.properties);
  const wRequired = new Set(strings(ws.required));
  const wAdditional = ws.additionalProperties;
  const rAdditional = rs.additionalProperties;
  // the schema of undeclared keys the writer may send, if it sends any
  const wMap = isObject(wAdditional)
    ? wAdditional
    : ctx.opts.strictOpenContent && wAdditional !== false
      ? {}
      : undefined;

  for (const name of strings(rs.required)) {
    if (wRequired.has(name)) continue;
    const declared = name in wProps;
    add(
      ctx,
      'required-missing',
      childPointer(ptr, name),
      `${sptr}/required`,
      declared ? 'optional' : 'absent',
      'required',
      `${R} requires it, but ${W} ${declared ? 'declares it optional' : 'does not declare it'}.`,
    );
  }

  const sent = [...Object.keys(wProps), ...[...wRequired].filter((n) => !(n in wProps))];
  for (const name of sent) {
    const wSchema = name in wProps ? wProps[name] : (wMap ?? {});
    if (wSchema === false) continue;
    const cp = childPointer(ptr, name);
    if (name in rProps) {
      const rSchema = rProps[name];
      const sp = childPointer(`${sptr}/properties`, name);
      if (rSchema === false) {
        add(
          ctx,
          'property-rejected',
          cp,
          sp,
          'declared',
          false,
          `${W} may send it, but ${R} forbids it (false schema).`,
        );
      } else visit(ctx, wSchema, rSchema, cp, sp);
    } else if (matchesPatternProperty(rs, name)) {
      // left to the unsupported-keyword check on patternProperties
    } else if (rAdditional === false) {
      add(
        ctx,
        'property-rejected',
        cp,
        `${sptr}/additionalProperties`,
        'declared',
        false,
        `${W} may send it, but ${R} is closed (additionalProperties: false) and does not declare it.`,
      );
    } else if (isObject(rAdditional)) {
      visit(ctx, wSchema, rAdditional, cp, `${sptr}/additionalProperties`);
    }
  }

  if (!wMap) return;
  for (const [name, rSchema] of Object.entries(rProps)) {
    if (sent.includes(name)) continue;
    const cp = childPointer(ptr, name);
    const sp = childPointer(`${sptr}/properties`, name);
    if (rSchema === false) {
      add(
        ctx,
        'property-rejected',
        cp,
        sp,
        wMap,
        false,
        `${W} may send it as an extra property, but ${R} forbids it.`,
      );
    } else visit(ctx, wMap, rSchema, cp, sp);
  }
  if (rAdditional === false) {
    add(
      ctx,
      'additional-properties-narrowed',
      `${ptr}/*`,
      `${sptr}/additionalProperties`,
      wAdditional ?? true,
      false,
      `${W} allows undeclared properties, but ${R} is closed (additionalProperties: false).`,
    );
  } else if (isObject(rAdditional)) {
    visit(ctx, wMap, rAdditional, `${ptr}/*`, `${sptr}/additionalProperties`);
  }
}
