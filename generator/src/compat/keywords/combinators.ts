/**
 * Combinators: `not` and `if`/`then`/`else` (allOf, oneOf and anyOf are structural: the engine's
 * driver merges a writer allOf, checks a reader allOf member by member and fits the writer into
 * one branch of a reader oneOf/anyOf, reporting composition-mismatch).
 *
 * `not` is decided when it is type-only or lists values: the reader rejects what matches it, so
 * the writer must never send such a value.
 *   writer { not: { type: 'number' } }, reader { not: { type: 'integer' } }  -> (none)
 *   writer { not: { type: 'integer' } }, reader { not: { type: 'number' } }  -> not-mismatch (1.5)
 * `if`/`then`/`else` is decided when the writer satisfies both branches, or always satisfies `if`
 * (then `then` decides); anything else is unprovable.
 */
import {
  ALL_TYPES,
  declaredTypes,
  deepEqual,
  enumerated,
  includesValue,
  isObject,
  type JsonType,
  type SchemaObject,
  show,
  showTypes,
  typeOf,
} from '../schema.ts';
import { type Comparator, type Context, type Node, report, unprovable } from './context.ts';

/** The types of a `not` that holds only `type`; undefined for any other `not`. */
function typeOnly(s: unknown): Set<JsonType> | undefined {
  if (!isObject(s)) return undefined;
  const keys = Object.keys(s).filter((k) => !k.startsWith('x-'));
  return keys.length === 1 && keys[0] === 'type' ? declaredTypes(s) : undefined;
}

/** The kinds of value a writer sends: 'integer' and 'number' (non-integers) kept apart. */
function writerKinds(node: Node): Set<JsonType> {
  const kinds = new Set<JsonType>(node.wt ?? ALL_TYPES);
  if (kinds.has('number')) kinds.add('integer');
  const excluded = typeOnly(node.ws.not);
  for (const t of excluded ?? []) {
    kinds.delete(t);
    if (t === 'number') kinds.delete('integer');
  }
  return kinds;
}

const covers = (types: Set<JsonType>, t: JsonType) =>
  types.has(t) || (t === 'integer' && types.has('number'));

function checkNot(ctx: Context, node: Node): void {
  const { ws, rs, ptr, sptr, values } = node;
  const rn = rs.not;
  if (rn === undefined || deepEqual(ws.not, rn)) return;
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  const at = `${sptr}/not`;
  /** Values the writer may send that the reader's `not` rejects. */
  const rejects = (sent: unknown[]) => {
    if (sent.length > 0)
      report(
        ctx,
        'not-mismatch',
        ptr,
        at,
        sent,
        rn,
        `${W} may send ${show(sent)}, which ${R} rejects (not: ${show(rn)}).`,
      );
  };
  if (rn === true || (isObject(rn) && Object.keys(rn).length === 0)) {
    report(ctx, 'not-mismatch', ptr, at, ws.not, rn, `${R} rejects every value (not: ${show(rn)}).`);
    return;
  }
  if (rn === false) return;
  const rTypes = typeOnly(rn);
  if (rTypes) {
    const sent = values ? new Set(values.map(typeOf)) : writerKinds(node);
    const hit = [...sent].filter((t) => covers(rTypes, t)).sort();
    if (hit.length > 0)
      report(
        ctx,
        'not-mismatch',
        ptr,
        at,
        hit,
        [...rTypes].sort(),
        `${W} may send ${showTypes(hit)}, which ${R} rejects (not: ${show(rn)}).`,
      );
    return;
  }
  if (!isObject(rn)) return;
  const listed = enumerated(rn);
  const others = Object.keys(rn).filter((k) => !['const', 'enum', 'type'].includes(k) && !k.startsWith('x-'));
  if (listed && others.length === 0) {
    // reader rejects these values (of the listed type, if any)
    const nTypes = declaredTypes(rn);
    const rejected = listed.filter((v) => !nTypes || covers(nTypes, typeOf(v)));
    if (values) {
      const bad = values.filter((v) => includesValue(rejected, v));
      rejects(bad);
      return;
    }
    // a listed value reaches the reader when the writer's own schema accepts it
    const writer: SchemaObject = { ...ws };
    delete writer.not;
    const kinds = writerKinds(node);
    const verdicts = rejected
      .filter((v) => kinds.has(typeOf(v)))
      .map((v) => ({ v, found: ctx.probe({ const: v }, writer, ptr, sptr) }));
    const reachable = verdicts.filter((x) => x.found.length === 0).map((x) => x.v);
    const unsure = verdicts.filter((x) => x.found.some((f) => f.rule === 'unprovable')).map((x) => x.v);
    if (unsure.length > 0) {
      unprovable(ctx, 'not', ptr, at, ws.not, rn, `${W} may or may not send ${show(unsure)}`);
      return;
    }
    rejects(reachable);
    return;
  }
  // a value can match `not` only if its type is one the `not` allows
  const nTypes = declaredTypes(rn);
  if (nTypes && ![...writerKinds(node)].some((t) => covers(nTypes, t))) return;
  unprovable(ctx, 'not', ptr, at, ws.not, rn, `only type-only and value-list 'not' schemas are compared`);
}

function checkConditional(ctx: Context, node: Node): void {
  const { ws, rs, ptr, sptr } = node;
  const cond = rs.if;
  if (cond === undefined || (rs.then === undefined && rs.else === undefined)) return;
  if (deepEqual(ws.if, cond) && deepEqual(ws.then, rs.then) && deepEqual(ws.else, rs.else)) return;
  const writer: SchemaObject = { ...ws };
  for (const k of ['if', 'then', 'else']) delete writer[k];
  const thenFindings = rs.then === undefined ? [] : ctx.probe(writer, rs.then, ptr, `${sptr}/then`);
  const elseFindings = rs.else === undefined ? [] : ctx.probe(writer, rs.else, ptr, `${sptr}/else`);
  if (thenFindings.length === 0 && elseFindings.length === 0) return; // either branch accepts it
  if (ctx.probe(writer, cond, ptr, `${sptr}/if`).length === 0) {
    ctx.out.push(...thenFindings); // the writer always matches `if`, so `then` decides
    return;
  }
  const { writerLabel: W } = ctx.opts;
  unprovable(
    ctx,
    'if',
    ptr,
    `${sptr}/if`,
    ws.if,
    cond,
    `${W} matches the condition for some values and not for others`,
  );
}

export const combinators: Comparator = {
  family: 'combinators',
  keywords: ['allOf', 'oneOf', 'anyOf', 'not', 'if', 'then', 'else'],
  rules: ['composition-mismatch', 'not-mismatch'],
  check(ctx, node) {
    checkNot(ctx, node);
    checkConditional(ctx, node);
  },
};
