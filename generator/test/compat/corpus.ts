/**
 * A corpus of old → new schema changes with the verdict a schema registry gives them, written
 * for this project after the difference types that schema registries (Confluent's JSON Schema
 * compatibility checker, Apicurio's JSON Schema rules) and JSON-schema diff tools publish test
 * cases for: type extended/narrowed, length/range/multipleOf/items/properties bounds added,
 * increased, decreased, removed; enums; open and closed content models; dependencies;
 * tuples; sum/product types; not; conditionals. No case is copied from their suites.
 *
 * Verdicts use the registry reading, i.e. strict open content: an open object (additionalProperties
 * absent, true or {}) may carry any undeclared property. `bwd`: can a reader of the new schema
 * read data written with the old one; `fwd`: the reverse; full = both. Formats are assertions
 * (the project's validators check them).
 */

export type Verdict = 'ok' | 'break';
export interface CorpusCase {
  readonly name: string;
  readonly old: unknown;
  readonly new: unknown;
  readonly bwd: Verdict;
  readonly fwd: Verdict;
}

const s = { type: 'string' };
const i = { type: 'integer' };
const n = { type: 'number' };
const str = (extra: Record<string, unknown>) => ({ type: 'string', ...extra });
const numb = (extra: Record<string, unknown>) => ({ type: 'number', ...extra });
const int = (extra: Record<string, unknown>) => ({ type: 'integer', ...extra });
const open = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  ...extra,
});
const closed = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  open(properties, { additionalProperties: false, ...extra });
/** `if`/`then` built without an object literal `then` key (which would look like a thenable). */
const cond = (ifSchema: unknown, thenSchema: unknown): Record<string, unknown> =>
  Object.fromEntries([
    ['if', ifSchema],
    ['then', thenSchema],
  ]);
const arr = (extra: Record<string, unknown>) => ({ type: 'array', ...extra });
const c = (name: string, old: unknown, next: unknown, bwd: Verdict, fwd: Verdict): CorpusCase => ({
  name,
  old,
  new: next,
  bwd,
  fwd,
});

export const CORPUS: readonly CorpusCase[] = [
  // types
  c('same type', s, s, 'ok', 'ok'),
  c('integer extended to number', i, n, 'ok', 'break'),
  c('number narrowed to integer', n, i, 'break', 'ok'),
  c('string changed to integer', s, i, 'break', 'break'),
  c('null added to a type', s, { type: ['string', 'null'] }, 'ok', 'break'),
  c('null removed from a type', { type: ['string', 'null'] }, s, 'break', 'ok'),
  c('type added to an untyped schema', {}, s, 'break', 'ok'),
  c('type removed', s, {}, 'ok', 'break'),
  c('type extended to a union', { type: 'boolean' }, { type: ['boolean', 'string'] }, 'ok', 'break'),
  c('single type and one-element type array', s, { type: ['string'] }, 'ok', 'ok'),
  // strings
  c('maxLength added', s, str({ maxLength: 10 }), 'break', 'ok'),
  c('maxLength increased', str({ maxLength: 10 }), str({ maxLength: 20 }), 'ok', 'break'),
  c('maxLength decreased', str({ maxLength: 20 }), str({ maxLength: 10 }), 'break', 'ok'),
  c('maxLength removed', str({ maxLength: 10 }), s, 'ok', 'break'),
  c('minLength added', s, str({ minLength: 2 }), 'break', 'ok'),
  c('minLength increased', str({ minLength: 1 }), str({ minLength: 3 }), 'break', 'ok'),
  c('minLength decreased', str({ minLength: 3 }), str({ minLength: 1 }), 'ok', 'break'),
  c('pattern added', s, str({ pattern: '^[a-z]+$' }), 'break', 'ok'),
  c('pattern removed', str({ pattern: '^[a-z]+$' }), s, 'ok', 'break'),
  c('pattern changed', str({ pattern: '^[a-z]+$' }), str({ pattern: '^[A-Z]+$' }), 'break', 'break'),
  c('format added', s, str({ format: 'date-time' }), 'break', 'ok'),
  c('format removed', str({ format: 'uuid' }), s, 'ok', 'break'),
  // numbers
  c('maximum added', n, numb({ maximum: 100 }), 'break', 'ok'),
  c('maximum increased', numb({ maximum: 100 }), numb({ maximum: 200 }), 'ok', 'break'),
  c('maximum decreased', numb({ maximum: 200 }), numb({ maximum: 100 }), 'break', 'ok'),
  c('minimum added', n, numb({ minimum: 0 }), 'break', 'ok'),
  c('minimum decreased', numb({ minimum: 10 }), numb({ minimum: 0 }), 'ok', 'break'),
  c('exclusiveMaximum added', n, numb({ exclusiveMaximum: 100 }), 'break', 'ok'),
  c(
    'maximum made exclusive at the same value',
    numb({ maximum: 100 }),
    numb({ exclusiveMaximum: 100 }),
    'break',
    'ok',
  ),
  c('multipleOf added', n, numb({ multipleOf: 2 }), 'break', 'ok'),
  c(
    'multipleOf reduced to a multiple (2 to 4)',
    numb({ multipleOf: 2 }),
    numb({ multipleOf: 4 }),
    'break',
    'ok',
  ),
  c(
    'multipleOf expanded to a divisor (4 to 2)',
    numb({ multipleOf: 4 }),
    numb({ multipleOf: 2 }),
    'ok',
    'break',
  ),
  c('multipleOf changed (2 to 3)', numb({ multipleOf: 2 }), numb({ multipleOf: 3 }), 'break', 'break'),
  c(
    'integer exclusiveMinimum 0 rewritten as minimum 1',
    int({ exclusiveMinimum: 0 }),
    int({ minimum: 1 }),
    'ok',
    'ok',
  ),
  // enums and const
  c('enum extended', { enum: ['a', 'b'] }, { enum: ['a', 'b', 'c'] }, 'ok', 'break'),
  c('enum narrowed', { enum: ['a', 'b', 'c'] }, { enum: ['a', 'b'] }, 'break', 'ok'),
  c('enum added to a string', s, str({ enum: ['a'] }), 'break', 'ok'),
  c('enum removed', str({ enum: ['a'] }), s, 'ok', 'break'),
  c('const changed', { const: 'v1' }, { const: 'v2' }, 'break', 'break'),
  c('const replaced by an enum that contains it', { const: 'a' }, { enum: ['a', 'b'] }, 'ok', 'break'),
  c('enum reordered', { enum: ['a', 'b'] }, { enum: ['b', 'a'] }, 'ok', 'ok'),
  // objects: open content model
  c('optional property added to an open content model', open({ a: s }), open({ a: s, b: s }), 'break', 'ok'),
  c(
    'unconstrained property added to an open content model',
    open({ a: s }),
    open({ a: s, b: {} }),
    'ok',
    'ok',
  ),
  c(
    'required property added to an open content model',
    open({ a: s }),
    open({ a: s, b: s }, { required: ['b'] }),
    'break',
    'ok',
  ),
  c('property removed from an open content model', open({ a: s, b: s }), open({ a: s }), 'ok', 'break'),
  c('open content model closed', open({ a: s }), closed({ a: s }), 'break', 'ok'),
  c('closed content model opened', closed({ a: s }), open({ a: s }), 'ok', 'break'),
  c(
    'additionalProperties true to a schema',
    open({ a: s }, { additionalProperties: true }),
    open({ a: s }, { additionalProperties: n }),
    'break',
    'ok',
  ),
  c(
    'additionalProperties {} to a schema',
    open({ a: s }, { additionalProperties: {} }),
    open({ a: s }, { additionalProperties: n }),
    'break',
    'ok',
  ),
  c(
    'additionalProperties true to {}',
    open({ a: s }, { additionalProperties: true }),
    open({ a: s }, { additionalProperties: {} }),
    'ok',
    'ok',
  ),
  c(
    'additionalProperties narrowed',
    open({}, { additionalProperties: n }),
    open({}, { additionalProperties: i }),
    'break',
    'ok',
  ),
  c(
    'additionalProperties extended',
    open({}, { additionalProperties: i }),
    open({}, { additionalProperties: n }),
    'ok',
    'break',
  ),
  // objects: closed content model
  c(
    'optional property added to a closed content model',
    closed({ a: s }),
    closed({ a: s, b: s }),
    'ok',
    'break',
  ),
  c(
    'required property added to a closed content model',
    closed({ a: s }),
    closed({ a: s, b: s }, { required: ['b'] }),
    'break',
    'break',
  ),
  c(
    'optional property removed from a closed content model',
    closed({ a: s, b: s }),
    closed({ a: s }),
    'break',
    'ok',
  ),
  c(
    'required attribute added',
    closed({ a: s, b: s }),
    closed({ a: s, b: s }, { required: ['b'] }),
    'break',
    'ok',
  ),
  c(
    'required attribute removed',
    closed({ a: s, b: s }, { required: ['b'] }),
    closed({ a: s, b: s }),
    'ok',
    'break',
  ),
  c(
    'nested property type changed',
    open({ o: closed({ x: i }) }),
    open({ o: closed({ x: s }) }),
    'break',
    'break',
  ),
  c(
    'nested property added to an open nested object',
    open({ o: open({ x: i }) }),
    open({ o: open({ x: i, y: i }) }),
    'break',
    'ok',
  ),
  c(
    'annotations only (title, description) changed',
    open({ a: s }, { title: 'A' }),
    open({ a: { ...s, description: 'the a' } }, { title: 'B' }),
    'ok',
    'ok',
  ),
  // objects: counts, names, dependencies, patterns
  c('maxProperties added', open({ a: s }), open({ a: s }, { maxProperties: 3 }), 'break', 'ok'),
  c(
    'maxProperties decreased',
    open({ a: s }, { maxProperties: 5 }),
    open({ a: s }, { maxProperties: 3 }),
    'break',
    'ok',
  ),
  c(
    'maxProperties increased',
    open({ a: s }, { maxProperties: 3 }),
    open({ a: s }, { maxProperties: 5 }),
    'ok',
    'break',
  ),
  c('minProperties added', open({ a: s }), open({ a: s }, { minProperties: 1 }), 'break', 'ok'),
  c(
    'minProperties decreased',
    open({ a: s }, { minProperties: 2 }),
    open({ a: s }, { minProperties: 1 }),
    'ok',
    'break',
  ),
  c(
    'dependentRequired added',
    closed({ a: s, b: s }),
    closed({ a: s, b: s }, { dependentRequired: { a: ['b'] } }),
    'break',
    'ok',
  ),
  c(
    'dependentRequired removed',
    closed({ a: s, b: s }, { dependentRequired: { a: ['b'] } }),
    closed({ a: s, b: s }),
    'ok',
    'break',
  ),
  c(
    'dependency array extended',
    closed({ a: s, b: s, c: s }, { dependencies: { a: ['b'] } }),
    closed({ a: s, b: s, c: s }, { dependencies: { a: ['b', 'c'] } }),
    'break',
    'ok',
  ),
  c(
    'dependency array narrowed',
    closed({ a: s, b: s, c: s }, { dependencies: { a: ['b', 'c'] } }),
    closed({ a: s, b: s, c: s }, { dependencies: { a: ['b'] } }),
    'ok',
    'break',
  ),
  c(
    'dependency schema added',
    closed({ a: s, b: s }),
    closed({ a: s, b: s }, { dependentSchemas: { a: { properties: { b: str({ minLength: 1 }) } } } }),
    'break',
    'ok',
  ),
  c(
    'dependency schema removed',
    closed({ a: s, b: s }, { dependentSchemas: { a: { properties: { b: str({ minLength: 1 }) } } } }),
    closed({ a: s, b: s }),
    'ok',
    'break',
  ),
  c(
    'patternProperties added to an open content model',
    open({ a: s }),
    open({ a: s }, { patternProperties: { '^x-': s } }),
    'break',
    'ok',
  ),
  c(
    'patternProperties removed from an open content model',
    open({ a: s }, { patternProperties: { '^x-': s } }),
    open({ a: s }),
    'ok',
    'break',
  ),
  c(
    'property folded into patternProperties of a closed model',
    closed({ 'x-a': s }),
    { type: 'object', patternProperties: { '^x-': s }, additionalProperties: false },
    'ok',
    'break',
  ),
  c(
    'propertyNames added',
    open({ a: s }),
    open({ a: s }, { propertyNames: { maxLength: 8 } }),
    'break',
    'ok',
  ),
  c(
    'propertyNames removed',
    open({ a: s }, { propertyNames: { maxLength: 8 } }),
    open({ a: s }),
    'ok',
    'break',
  ),
  // arrays
  c('items extended', arr({ items: i }), arr({ items: n }), 'ok', 'break'),
  c('items narrowed', arr({ items: n }), arr({ items: i }), 'break', 'ok'),
  c('maxItems added', arr({ items: s }), arr({ items: s, maxItems: 3 }), 'break', 'ok'),
  c('maxItems increased', arr({ items: s, maxItems: 3 }), arr({ items: s, maxItems: 5 }), 'ok', 'break'),
  c('minItems added', arr({ items: s }), arr({ items: s, minItems: 1 }), 'break', 'ok'),
  c('minItems decreased', arr({ items: s, minItems: 2 }), arr({ items: s, minItems: 1 }), 'ok', 'break'),
  c('uniqueItems added', arr({ items: s }), arr({ items: s, uniqueItems: true }), 'break', 'ok'),
  c('uniqueItems removed', arr({ items: s, uniqueItems: true }), arr({ items: s }), 'ok', 'break'),
  c(
    'open tuple closed (additionalItems false added)',
    arr({ items: [s] }),
    arr({ items: [s], additionalItems: false }),
    'break',
    'ok',
  ),
  c('item added to an open tuple', arr({ prefixItems: [s] }), arr({ prefixItems: [s, i] }), 'break', 'ok'),
  c(
    'item added to a closed tuple',
    arr({ prefixItems: [s], items: false }),
    arr({ prefixItems: [s, i], items: false }),
    'ok',
    'break',
  ),
  c(
    'item removed from a closed tuple',
    arr({ prefixItems: [s, i], items: false }),
    arr({ prefixItems: [s], items: false }),
    'break',
    'ok',
  ),
  c(
    'tuple spelled draft 2019-09 then 2020-12',
    arr({ items: [s, i], additionalItems: false }),
    arr({ prefixItems: [s, i], items: false }),
    'ok',
    'ok',
  ),
  c('contains added', arr({ items: i }), arr({ items: i, contains: int({ minimum: 10 }) }), 'break', 'ok'),
  c('contains removed', arr({ items: i, contains: int({ minimum: 10 }) }), arr({ items: i }), 'ok', 'break'),
  c(
    'minContains increased',
    arr({ contains: i, minContains: 1 }),
    arr({ contains: i, minContains: 2 }),
    'break',
    'ok',
  ),
  c('maxContains added', arr({ contains: i }), arr({ contains: i, maxContains: 2 }), 'break', 'ok'),
  // combinators
  c('oneOf extended', { oneOf: [s, i] }, { oneOf: [s, i, { type: 'boolean' }] }, 'ok', 'break'),
  c('oneOf narrowed', { oneOf: [s, i] }, { oneOf: [s] }, 'break', 'ok'),
  c('anyOf extended', { anyOf: [s] }, { anyOf: [s, i] }, 'ok', 'break'),
  c('anyOf narrowed', { anyOf: [s, i] }, { anyOf: [i] }, 'break', 'ok'),
  c('single type widened to a sum type', s, { oneOf: [s, i] }, 'ok', 'break'),
  c('null member added to a sum type', { oneOf: [s] }, { oneOf: [s, { type: 'null' }] }, 'ok', 'break'),
  c(
    'allOf member added (product type narrowed)',
    { allOf: [open({ a: s, b: s })] },
    { allOf: [open({ a: s, b: s }), { required: ['b'] }] },
    'break',
    'ok',
  ),
  c(
    'allOf member removed (product type extended)',
    { allOf: [open({ a: s, b: s }), { required: ['b'] }] },
    { allOf: [open({ a: s, b: s })] },
    'ok',
    'break',
  ),
  c(
    'not added',
    { type: ['string', 'integer'] },
    { type: ['string', 'integer'], not: { type: 'string' } },
    'break',
    'ok',
  ),
  c(
    'not removed',
    { type: ['string', 'integer'], not: { type: 'string' } },
    { type: ['string', 'integer'] },
    'ok',
    'break',
  ),
  c('not number relaxed to not integer', { not: n }, { not: i }, 'ok', 'break'),
  c('not integer tightened to not number', { not: i }, { not: n }, 'break', 'ok'),
  c(
    'if/then added with a condition every value meets',
    closed({ k: s, v: s }, { required: ['k'] }),
    closed({ k: s, v: s }, { required: ['k'], ...cond({ required: ['k'] }, { required: ['v'] }) }),
    'break',
    'ok',
  ),
  c(
    'if/then/else removed',
    closed({ k: s, v: s }, { ...cond({ properties: { k: { const: 'x' } } }, { required: ['v'] }) }),
    closed({ k: s, v: s }),
    'ok',
    'break',
  ),
  c(
    'identical if/then/else',
    closed({ k: s }, { ...cond({ required: ['k'] }, { properties: { k: str({ minLength: 1 }) } }) }),
    closed({ k: s }, { ...cond({ required: ['k'] }, { properties: { k: str({ minLength: 1 }) } }) }),
    'ok',
    'ok',
  ),
  c(
    'array of objects: item property type changed',
    arr({ items: closed({ q: i }) }),
    arr({ items: closed({ q: s }) }),
    'break',
    'break',
  ),
];
