/**
 * Objects: required, properties, additionalProperties, patternProperties, propertyNames,
 * dependencies / dependentRequired / dependentSchemas and unevaluatedProperties.
 *
 * The writer model (tolerant reader, the default): a writer sends the properties it declares
 * (or requires), plus undeclared keys only when it says so with a map (a non-empty
 * additionalProperties schema, or patternProperties). An open writer (additionalProperties
 * true, absent or `{}`, all alike) is tolerance, not a promise to send extras, so a reader may
 * declare a new optional property. But a reader that constrains *every* undeclared key (an
 * additionalProperties or unevaluatedProperties schema, patternProperties, propertyNames) must
 * accept what an open writer legally sent. With `strictOpenContent` (schema-registry style) an
 * open writer may send any undeclared property, so a new reader property must accept anything.
 *
 *   writer { additionalProperties: true }, reader { additionalProperties: { type: 'number' } }
 *   -> additional-properties-narrowed at /*: the writer may have sent {"x": "s"}.
 */
import {
  childPointer,
  deepEqual,
  isObject,
  mergeTwo,
  omit,
  type SchemaObject,
  schemaMap,
  show,
  strings,
} from '../schema.ts';
import { type Comparator, type Context, type Node, report, unprovable } from './context.ts';
import { compilePattern } from './formats.ts';

const nonEmpty = (v: unknown): v is SchemaObject => isObject(v) && Object.keys(v).length > 0;

/** additionalProperties, else unevaluatedProperties (they say the same of a flat object). */
function extrasOf(s: SchemaObject): unknown {
  return s.additionalProperties !== undefined ? s.additionalProperties : s.unevaluatedProperties;
}

/** true, absent and `{}` are all "open". */
export function isOpen(s: SchemaObject): boolean {
  const extra = extrasOf(s);
  return extra === undefined || extra === true || (isObject(extra) && Object.keys(extra).length === 0);
}

/** The schema of undeclared keys the writer may send, if it sends any. */
function writerMap(ws: SchemaObject, strict: boolean): SchemaObject | undefined {
  const extra = extrasOf(ws);
  if (nonEmpty(extra)) return extra;
  return strict && isOpen(ws) ? {} : undefined;
}

/** Does the writer send keys beyond the ones it names (a map, patterns, or strict open content)? */
export function writerSendsExtras(ws: SchemaObject, strict: boolean): boolean {
  return writerMap(ws, strict) !== undefined || Object.keys(schemaMap(ws.patternProperties)).length > 0;
}

function matches(pattern: string, name: string): boolean {
  return compilePattern(pattern)?.test(name) ?? true; // an unreadable pattern may match anything
}

/** `dependencies` (draft 7) split into its two 2019-09 keywords, merged with those. */
function dependencyKeywords(s: SchemaObject): {
  required: Map<string, string[]>;
  schemas: Map<string, unknown>;
} {
  const required = new Map<string, string[]>();
  const schemas = new Map<string, unknown>();
  for (const [name, dep] of Object.entries(schemaMap(s.dependencies))) {
    if (Array.isArray(dep)) required.set(name, strings(dep));
    else schemas.set(name, dep);
  }
  for (const [name, dep] of Object.entries(schemaMap(s.dependentRequired)))
    required.set(name, [...(required.get(name) ?? []), ...strings(dep)]);
  for (const [name, dep] of Object.entries(schemaMap(s.dependentSchemas))) schemas.set(name, dep);
  return { required, schemas };
}

/** Property names the reader evaluates for sure (its own and its allOf members'). */
function evaluatedNames(rs: SchemaObject): { sure: Set<string>; maybe: Set<string>; patterns: string[] } {
  const sure = new Set<string>();
  const maybe = new Set<string>();
  const patterns: string[] = [];
  const walk = (s: unknown, certain: boolean) => {
    if (!isObject(s)) return;
    for (const n of Object.keys(schemaMap(s.properties))) (certain ? sure : maybe).add(n);
    if (certain) patterns.push(...Object.keys(schemaMap(s.patternProperties)));
    if (Array.isArray(s.allOf)) for (const m of s.allOf) walk(m, certain);
    for (const k of ['oneOf', 'anyOf'] as const)
      if (Array.isArray(s[k])) for (const m of s[k]) walk(m, false);
    for (const k of ['then', 'else'] as const) walk(s[k], false);
    for (const d of Object.values(schemaMap(s.dependentSchemas))) walk(d, false);
  };
  walk(rs, true);
  return { sure, maybe, patterns };
}

function checkObject(ctx: Context, node: Node): void {
  const { ws, rs, rsFull, ptr, sptr } = node;
  const { writerLabel: W, readerLabel: R, strictOpenContent: strict } = ctx.opts;
  const wProps = schemaMap(ws.properties);
  const rProps = schemaMap(rs.properties);
  const wPatterns = Object.entries(schemaMap(ws.patternProperties));
  const rPatterns = Object.entries(schemaMap(rs.patternProperties));
  const wRequired = new Set(strings(ws.required));
  const lift = (v: unknown) => (ctx.opts.tolerantReader && v === false ? undefined : v);
  const rAdditional = lift(rs.additionalProperties);
  const rUnevaluated = lift(rs.unevaluatedProperties);
  const wMap = writerMap(ws, strict);
  const evaluated = evaluatedNames(rsFull);

  for (const name of strings(rs.required)) {
    if (wRequired.has(name)) continue;
    const declared = name in wProps;
    report(
      ctx,
      'required-missing',
      childPointer(ptr, name),
      `${sptr}/required`,
      declared ? 'optional' : 'absent',
      'required',
      `${R} requires it, but ${W} ${declared ? 'declares it optional' : 'does not declare it'}.`,
    );
  }

  /** The reader rejects a key the writer declares (`why`: what the reader does). */
  const rejected = (cp: string, sp: string, why: string) =>
    report(ctx, 'property-rejected', cp, sp, 'declared', false, `${W} may send it, but ${R} ${why}.`);
  /** The reader's schema for a key the writer may send: `false` rejects it (`forbids` says what). */
  const readAs = (wSchema: unknown, rSchema: unknown, cp: string, sp: string, forbids: string) => {
    if (rSchema === false) rejected(cp, sp, `forbids ${forbids}`);
    else ctx.visit(wSchema, rSchema, cp, sp);
  };
  /** Judges one key the writer may send (`name`, or any key of a map when name is undefined). */
  const judgeKey = (name: string | undefined, wSchema: unknown, cp: string, fromPattern?: string) => {
    if (wSchema === false) return;
    let covered = false;
    if (name !== undefined && name in rProps) {
      covered = true;
      const rSchema = rProps[name];
      readAs(wSchema, rSchema, cp, childPointer(`${sptr}/properties`, name), 'it (false schema)');
    }
    for (const [pattern, rSchema] of rPatterns) {
      const sp = childPointer(`${sptr}/patternProperties`, pattern);
      if (name !== undefined) {
        if (!matches(pattern, name)) continue;
      } else if (fromPattern !== pattern) {
        // keys of a writer map or of another writer pattern may or may not match this one
        if (ctx.probe(wSchema, rSchema, cp, sp).length === 0) continue;
        if (fromPattern !== undefined) {
          unprovable(
            ctx,
            'patternProperties',
            cp,
            sp,
            fromPattern,
            pattern,
            `${W}'s keys matching ${fromPattern} may also match ${pattern}`,
          );
          continue;
        }
      }
      // a named key, or the same pattern on both sides, is covered; a map's other keys are not
      if (name !== undefined || fromPattern === pattern) covered = true;
      readAs(wSchema, rSchema, cp, sp, `keys matching ${pattern}`);
    }
    if (covered) return;
    if (rAdditional !== undefined) {
      const sp = `${sptr}/additionalProperties`;
      if (rAdditional === false) {
        if (name !== undefined)
          rejected(cp, sp, 'is closed (additionalProperties: false) and does not declare it');
        else
          report(
            ctx,
            'additional-properties-narrowed',
            cp,
            sp,
            wSchema,
            false,
            `${W} allows undeclared properties, but ${R} is closed (additionalProperties: false).`,
          );
      } else if (isObject(rAdditional)) ctx.visit(wSchema, rAdditional, cp, sp);
      return;
    }
    if (rUnevaluated === undefined || rUnevaluated === true) return;
    if (name !== undefined && evaluated.sure.has(name)) return;
    if (name !== undefined && evaluated.maybe.has(name)) {
      unprovable(
        ctx,
        'unevaluatedProperties',
        cp,
        `${sptr}/unevaluatedProperties`,
        'declared',
        rUnevaluated,
        `whether '${name}' is evaluated depends on which ${R} branch matches`,
      );
      return;
    }
    const sp = `${sptr}/unevaluatedProperties`;
    if (rUnevaluated === false)
      report(
        ctx,
        name === undefined ? 'additional-properties-narrowed' : 'property-rejected',
        cp,
        sp,
        'declared',
        false,
        `${W} may send it, but ${R} rejects unevaluated properties.`,
      );
    else ctx.visit(wSchema, rUnevaluated, cp, sp);
  };

  // named keys
  const sent = [...new Set([...Object.keys(wProps), ...wRequired])];
  for (const name of sent) {
    const own = name in wProps ? wProps[name] : undefined;
    const byPattern = wPatterns.find(([p]) => matches(p, name))?.[1];
    const wSchema = own ?? byPattern ?? wMap ?? {};
    judgeKey(name, wSchema, childPointer(ptr, name));
  }
  // reader properties the writer does not name, but may send through a map or a pattern
  for (const [name, rSchema] of Object.entries(rProps)) {
    if (sent.includes(name)) continue;
    const cp = childPointer(ptr, name);
    const sp = childPointer(`${sptr}/properties`, name);
    // the writer's value for this key: its matching pattern's schema, else its map's
    const wSchema = wPatterns.find(([p]) => matches(p, name))?.[1] ?? wMap;
    if (wSchema === undefined || wSchema === false) continue;
    if (rSchema === false)
      report(
        ctx,
        'property-rejected',
        cp,
        sp,
        wSchema,
        false,
        `${W} may send it as an extra property, but ${R} forbids it.`,
      );
    else ctx.visit(wSchema, rSchema, cp, sp);
  }
  // keys the writer does not name
  for (const [pattern, wSchema] of wPatterns) judgeKey(undefined, wSchema, `${ptr}/*`, pattern);
  if (wMap) judgeKey(undefined, wMap, `${ptr}/*`);
  else if (isOpen(ws)) {
    // an open writer (true, absent, {}) may have sent any undeclared key: a reader schema that
    // constrains every undeclared key must accept anything, only `false` is lifted by tolerance
    const catchAll = [
      ...(nonEmpty(rAdditional) ? [['additionalProperties', rAdditional] as const] : []),
      ...(rAdditional === undefined && nonEmpty(rUnevaluated)
        ? [['unevaluatedProperties', rUnevaluated] as const]
        : []),
      ...rPatterns.filter(([, s]) => s !== false).map(([p, s]) => [`patternProperties/${p}`, s] as const),
    ];
    for (const [kw, rSchema] of catchAll) {
      const sp = `${sptr}/${kw}`;
      if (ctx.probe({}, rSchema, `${ptr}/*`, sp).length > 0)
        report(
          ctx,
          'additional-properties-narrowed',
          `${ptr}/*`,
          sp,
          extrasOf(ws) ?? true,
          rSchema,
          `${W} is open (additionalProperties ${show(extrasOf(ws) ?? true)}), so it may have sent any undeclared property, but ${R} constrains them to ${show(rSchema)}.`,
        );
    }
  }

  checkPropertyNames(ctx, node, sent, wMap, wPatterns);
  checkDependencies(ctx, node, sent, wMap !== undefined || wPatterns.length > 0);
}

function checkPropertyNames(
  ctx: Context,
  { ws, rs, ptr, sptr }: Node,
  sent: string[],
  wMap: SchemaObject | undefined,
  wPatterns: [string, unknown][],
): void {
  const rNames = rs.propertyNames;
  if (rNames === undefined || rNames === true || deepEqual(ws.propertyNames, rNames)) return;
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  const sp = `${sptr}/propertyNames`;
  for (const name of sent) {
    if (ctx.probe({ type: 'string', const: name }, rNames, ptr, sp).length > 0)
      report(
        ctx,
        'property-name-rejected',
        childPointer(ptr, name),
        sp,
        name,
        rNames,
        `${W} may send the key '${name}', which ${R}'s propertyNames ${show(rNames)} rejects.`,
      );
  }
  const writerNames = isObject(ws.propertyNames) ? ws.propertyNames : { type: 'string' };
  const sources: [string, SchemaObject][] = [
    ...wPatterns.map(([p]): [string, SchemaObject] => [p, mergeTwo(writerNames, { pattern: p })]),
    ...(wMap || isOpen(ws) ? [['*', writerNames] as [string, SchemaObject]] : []),
  ];
  for (const [label, names] of sources) {
    if (ctx.probe(names, rNames, ptr, sp).length === 0) continue;
    report(
      ctx,
      'property-name-rejected',
      `${ptr}/*`,
      sp,
      label === '*' ? ws.propertyNames : label,
      rNames,
      `${W} may send undeclared keys${label === '*' ? '' : ` matching ${label}`} that ${R}'s propertyNames ${show(rNames)} rejects.`,
    );
  }
}

function checkDependencies(ctx: Context, node: Node, sent: string[], sendsAny: boolean): void {
  const { ws, rs, ptr, sptr } = node;
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  const w = dependencyKeywords(ws);
  const r = dependencyKeywords(rs);
  const where = (kw: string, name: string) =>
    childPointer(`${sptr}/${kw in rs && name in schemaMap(rs[kw]) ? kw : 'dependencies'}`, name);
  const wRequired = new Set(strings(ws.required));
  const maySend = (name: string) => sendsAny || sent.includes(name);
  for (const [name, needs] of r.required) {
    if (!maySend(name)) continue;
    const promised = new Set([...wRequired, ...(w.required.get(name) ?? [])]);
    const missing = needs.filter((n) => !promised.has(n));
    if (missing.length > 0)
      report(
        ctx,
        'dependency-unmet',
        childPointer(ptr, name),
        where('dependentRequired', name),
        [...promised].sort(),
        needs,
        `${R} requires ${show(missing)} whenever '${name}' is present, ${W} does not guarantee ${missing.length > 1 ? 'them' : 'it'}.`,
      );
  }
  for (const [name, rSchema] of r.schemas) {
    if (!maySend(name) || deepEqual(w.schemas.get(name), rSchema)) continue;
    // the writer as it is when `name` is present: its own schema plus its own dependentSchemas
    const base = omit(ws, 'dependencies', 'dependentSchemas', 'dependentRequired');
    const own = w.schemas.get(name);
    const whenPresent = isObject(own) ? mergeTwo(base, own) : base;
    ctx.visit(mergeTwo(whenPresent, { required: [name] }), rSchema, ptr, where('dependentSchemas', name));
  }
}

export const objects: Comparator = {
  family: 'objects',
  keywords: [
    'properties',
    'required',
    'additionalProperties',
    'patternProperties',
    'propertyNames',
    'dependencies',
    'dependentRequired',
    'dependentSchemas',
    'unevaluatedProperties',
  ],
  rules: [
    'required-missing',
    'property-rejected',
    'additional-properties-narrowed',
    'property-name-rejected',
    'dependency-unmet',
  ],
  check(ctx, node) {
    if (node.shared('object')) checkObject(ctx, node);
  },
};
