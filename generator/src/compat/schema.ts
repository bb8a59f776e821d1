/**
 * Schema helpers shared by the compat modules: type sets, allOf merging, pointers, equality.
 *
 *   effectiveTypes({ type: ['string', 'null'], enum: ['a', 'b'] })  // → Set { 'string' }
 *   mergeAllOf({ allOf: [{ properties: { a: {} } }, { required: ['a'] }] })
 *   // → { properties: { a: {} }, required: ['a'] }
 *
 * Merging is an over-approximation (a keyword it cannot combine keeps one side), which is the
 * sound direction for a writer schema: the engine then checks a superset of the writer's values.
 */

export type SchemaObject = Record<string, unknown>;
/** `true` and a missing schema become `{}`; `false` (no value is valid) stays `false`. */
export type Schema = SchemaObject | false;
export type JsonType = 'array' | 'boolean' | 'integer' | 'null' | 'number' | 'object' | 'string';

export const ALL_TYPES: readonly JsonType[] = [
  'array',
  'boolean',
  'integer',
  'null',
  'number',
  'object',
  'string',
];

/** Vendor key that marks a node which came from a `$ref`; its value is the original `$ref`. */
export const REF_KEY = 'x-kada-ref';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asSchema(value: unknown): Schema {
  if (value === false) return false;
  return isObject(value) ? value : {};
}

export function num(schema: SchemaObject, key: string): number | undefined {
  const value = schema[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function str(schema: SchemaObject, key: string): string | undefined {
  const value = schema[key];
  return typeof value === 'string' ? value : undefined;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function schemaMap(value: unknown): Record<string, unknown> {
  return isObject(value) ? value : {};
}

export function omit(schema: SchemaObject, ...keys: string[]): SchemaObject {
  const out: SchemaObject = {};
  for (const [k, v] of Object.entries(schema)) if (!keys.includes(k)) out[k] = v;
  return out;
}

export function typeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}

function isJsonType(value: unknown): value is JsonType {
  return typeof value === 'string' && (ALL_TYPES as readonly string[]).includes(value);
}

/** The `type` keyword as a set; `'x'` and `['x']` are the same. `undefined` when absent. */
export function declaredTypes(schema: SchemaObject): Set<JsonType> | undefined {
  const t = schema.type;
  if (typeof t === 'string') return new Set(isJsonType(t) ? [t] : []);
  if (Array.isArray(t)) return new Set(t.filter(isJsonType));
  return undefined;
}

/** Does a type set accept a value of type `t`? (`number` accepts integers.) */
export function accepts(types: Set<JsonType>, t: JsonType): boolean {
  return types.has(t) || (t === 'integer' && types.has('number'));
}

/** Values enumerated by `const` or `enum`, if any. */
export function enumerated(schema: SchemaObject): unknown[] | undefined {
  if ('const' in schema) return [schema.const];
  if (Array.isArray(schema.enum)) return schema.enum;
  return undefined;
}

/**
 * The types a schema can actually produce or accept: `type`, narrowed by `const`/`enum` when
 * present (a nullable enum without `null` in it does not accept null). `undefined` = any type.
 */
export function effectiveTypes(schema: SchemaObject): Set<JsonType> | undefined {
  const declared = declaredTypes(schema);
  const values = enumerated(schema);
  if (!values) return declared;
  const fromValues = new Set(values.map(typeOf));
  if (!declared) return fromValues;
  return new Set([...fromValues].filter((t) => accepts(declared, t)));
}

export function sortedTypes(types: Set<JsonType> | undefined): JsonType[] | 'any' {
  return types ? [...types].sort() : 'any';
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

export function includesValue(list: readonly unknown[], value: unknown): boolean {
  return list.some((v) => deepEqual(v, value));
}

// --- allOf merging -------------------------------------------------------------------------

const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties', 'minContains'];
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties', 'maxContains'];

function intersectTypes(a: unknown, b: unknown): JsonType[] {
  const ta = declaredTypes({ type: a }) ?? new Set<JsonType>();
  const tb = declaredTypes({ type: b }) ?? new Set<JsonType>();
  const out = new Set<JsonType>();
  for (const t of ta) {
    if (accepts(tb, t)) out.add(t);
    else if (t === 'number' && tb.has('integer')) out.add('integer');
  }
  return [...out].sort();
}

function both(a: unknown, b: unknown): unknown {
  if (a === false || b === false) return false;
  if (a === true || a === undefined) return b;
  if (b === true || b === undefined) return a;
  return { allOf: [a, b] };
}

/** Merge two schemas into one that every value valid under both satisfies (`a` wins ties). */
export function mergeTwo(a: SchemaObject, b: SchemaObject): SchemaObject {
  const out: SchemaObject = { ...a };
  for (const [k, bv] of Object.entries(b)) {
    const av = out[k];
    if (!(k in out)) {
      out[k] = bv;
      continue;
    }
    if (k === 'type') out[k] = intersectTypes(av, bv);
    else if (k === 'properties') {
      const merged: SchemaObject = { ...schemaMap(av) };
      for (const [p, ps] of Object.entries(schemaMap(bv))) merged[p] = p in merged ? both(merged[p], ps) : ps;
      out[k] = merged;
    } else if (k === 'required') out[k] = [...new Set([...strings(av), ...strings(bv)])];
    else if (k === 'additionalProperties' || k === 'items') {
      out[k] = Array.isArray(av) || Array.isArray(bv) ? av : both(av, bv);
    } else if (k === 'enum' && Array.isArray(av) && Array.isArray(bv))
      out[k] = av.filter((v) => includesValue(bv, v));
    else if (LOWER_BOUNDS.includes(k) && typeof av === 'number' && typeof bv === 'number')
      out[k] = Math.max(av, bv);
    else if (UPPER_BOUNDS.includes(k) && typeof av === 'number' && typeof bv === 'number')
      out[k] = Math.min(av, bv);
    else if (k === 'uniqueItems') out[k] = av === true || bv === true;
    // Anything else (pattern, format, oneOf, x-kada-ref, …): keep `a`, a superset of the truth.
  }
  return out;
}

const mergedCache = new WeakMap<object, Schema>();

/**
 * Fold `allOf` into its parent (recursively into members, not into children: children are
 * merged when visited). Returns the input object itself when it has no `allOf`.
 */
export function mergeAllOf(value: unknown): Schema {
  const schema = asSchema(value);
  if (schema === false || !Array.isArray(schema.allOf)) return schema;
  const cached = mergedCache.get(schema);
  if (cached !== undefined) return cached;
  let out: Schema = omit(schema, 'allOf');
  mergedCache.set(schema, out); // a member that refers back to this node sees it without allOf
  for (const member of schema.allOf) {
    const m = mergeAllOf(member);
    if (m === false) {
      out = false;
      break;
    }
    out = mergeTwo(out, m);
  }
  mergedCache.set(schema, out);
  return out;
}

// --- pointers and messages -----------------------------------------------------------------

export function childPointer(pointer: string, token: string): string {
  return `${pointer}/${token.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}

/** `/items/*\/unitPrice` → `Field 'items.*.unitPrice'`; `` → `The payload`. */
export function subject(pointer: string): string {
  if (pointer === '') return 'The payload';
  const name = pointer
    .slice(1)
    .split('/')
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
  return `Field '${name}'`;
}

/** A type list for messages: `['integer', 'null']` → `integer | null`. */
export function showTypes(value: unknown): string {
  if (Array.isArray(value)) return value.join(' | ');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A schema value for messages, as JSON; `undefined` is "none". */
export function show(value: unknown): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}
