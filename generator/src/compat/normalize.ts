/**
 * normalizeSchema: the deterministic form of a payload schema recorded in the lock file.
 * Keys are sorted, `required` is sorted and deduplicated, `x-parser-*` keys and annotations
 * that never affect validation (description, title, examples, $comment) are dropped. `type` is
 * kept as written; the compat checks treat `'x'` and `['x']` alike. Schema-valued keywords are
 * walked as schemas; data (`enum`, `const`, `default`) only gets its keys sorted, so a property
 * named `description` survives. A circular reference becomes `{ "x-kada-cycle": <pointer> }`.
 *
 *   normalizeSchema({ type: 'object', title: 'Order', required: ['b', 'a'], 'x-parser-schema-id': 'Order',
 *                     properties: { b: { type: 'string', description: 'B' }, a: { type: 'integer' } } })
 *   // → { properties: { a: { type: 'integer' }, b: { type: 'string' } }, required: ['a', 'b'], type: 'object' }
 */
import { isObject } from './schema.ts';

const DROPPED = new Set(['description', 'title', 'examples', 'example', '$comment']);
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);
const SCHEMAS = new Set([
  'items',
  'additionalProperties',
  'additionalItems',
  'not',
  'if',
  'then',
  'else',
  'contains',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
]);

export function normalizeSchema(schema: unknown): unknown {
  return normalizeNode(schema, '', new Map());
}

function normalizeNode(schema: unknown, pointer: string, path: Map<object, string>): unknown {
  if (!isObject(schema))
    return Array.isArray(schema) ? schema.map((s) => normalizeNode(s, pointer, path)) : schema;
  const seen = path.get(schema);
  if (seen !== undefined) return { 'x-kada-cycle': seen };
  path.set(schema, pointer);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema).sort()) {
    if (DROPPED.has(key) || key.startsWith('x-parser-')) continue;
    const value = schema[key];
    const at = `${pointer}/${key}`;
    if (SCHEMA_MAPS.has(key) && isObject(value)) {
      const map: Record<string, unknown> = {};
      for (const name of Object.keys(value).sort()) {
        map[name] = normalizeNode(
          value[name],
          `${at}/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`,
          path,
        );
      }
      out[key] = map;
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map((s, i) => normalizeNode(s, `${at}/${i}`, path));
    } else if (SCHEMAS.has(key)) {
      out[key] = Array.isArray(value)
        ? value.map((s, i) => normalizeNode(s, `${at}/${i}`, path))
        : normalizeNode(value, at, path);
    } else if (key === 'required' && Array.isArray(value)) {
      out[key] = [...new Set(value)].sort();
    } else {
      out[key] = sortData(value);
    }
  }
  path.delete(schema);
  return out;
}

function sortData(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortData);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortData(value[key]);
  return out;
}
