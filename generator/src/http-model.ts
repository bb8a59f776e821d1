/**
 * The operations of an OpenAPI 3.1 document, read once for the HTTP emitters and the HTTP drift check.
 *
 *   paths: { /orders/{orderId}: { get: { operationId: getOrder, parameters: [{ $ref: …/OrderId }], … } } }
 *   -> [{ operationId: 'getOrder', method: 'get', path: '/orders/{orderId}', expressPath: '/orders/:orderId',
 *         parameters: [{ name: 'orderId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
 *         body: undefined, responses: [{ status: '200', contentType: 'application/json', schema: … }, …] }]
 *
 * Schemas come out self-contained: `#/components/schemas/X` becomes `#/$defs/X`, with only the
 * definitions the schema reaches, so ajv can compile each one on its own.
 */
import type { HttpApiModel, JsonSchema } from './model.ts';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie';

type Json = Record<string, unknown>;

export interface HttpParameterModel {
  readonly name: string;
  readonly in: ParameterLocation;
  readonly required: boolean;
  readonly schema: JsonSchema;
}

export interface HttpOperationModel {
  readonly api: HttpApiModel;
  readonly operationId: string;
  readonly method: HttpMethod;
  /** The OpenAPI path template, e.g. /orders/{orderId}. */
  readonly path: string;
  /** The same path in express's syntax, e.g. /orders/:orderId. */
  readonly expressPath: string;
  /** `x-kada-upstream`: the service a gateway forwards the operation to. */
  readonly upstream: string | undefined;
  /** True when a non-empty security requirement applies. */
  readonly secured: boolean;
  readonly parameters: readonly HttpParameterModel[];
  readonly body:
    | {
        readonly required: boolean;
        readonly contentTypes: readonly string[];
        /** The JSON content's schema, self-contained; undefined when the body is not JSON. */
        readonly schema: JsonSchema | undefined;
      }
    | undefined;
  readonly responses: readonly {
    readonly status: string;
    readonly contentType: string | undefined;
    readonly schema: JsonSchema | undefined;
  }[];
  /** Pointer of the operation object in its document, for diagnostics. */
  readonly pointer: readonly string[];
}

const isJson = (type: string) => /^application\/(.+\+)?json\b/.test(type);

/** Follows local `$ref`s (a parameter, a request body, a response) to the object they name. */
export function resolveLocal(doc: Json, value: unknown): unknown {
  let current = value;
  for (let depth = 0; depth < 16; depth += 1) {
    const ref = (current as Json | null)?.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/')) return current;
    current = pointerOf(ref).reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc);
    if (current === undefined) throw new Error(`unresolved $ref ${ref}`);
  }
  return current;
}

function pointerOf(ref: string): string[] {
  return ref
    .slice(2)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

const SCHEMA_PREFIX = '#/components/schemas/';

/**
 * A schema of the document made self-contained: component refs point into `$defs`, which holds the
 * component schemas the schema reaches (and no others).
 */
export function selfContained(doc: Json, schema: unknown): JsonSchema {
  const components = ((doc.components as Json | undefined)?.schemas ?? {}) as Json;
  const defs: Json = {};
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!value || typeof value !== 'object') return value;
    const out: Json = {};
    for (const [key, member] of Object.entries(value)) {
      if (key === '$ref' && typeof member === 'string' && member.startsWith(SCHEMA_PREFIX)) {
        const name = pointerOf(member)[2] ?? '';
        if (!(name in defs) && name in components) {
          defs[name] = {};
          defs[name] = rewrite(components[name]);
        }
        out.$ref = `#/$defs/${member.slice(SCHEMA_PREFIX.length)}`;
      } else if (key === '$ref' && typeof member === 'string' && member.startsWith('#/')) {
        Object.assign(out, rewrite(resolveLocal(doc, { $ref: member })));
      } else out[key] = rewrite(member);
    }
    return out;
  };
  const root = rewrite(schema) as JsonSchema;
  const names = Object.keys(defs).sort();
  return names.length > 0 ? { ...root, $defs: Object.fromEntries(names.map((n) => [n, defs[n]])) } : root;
}

/**
 * A schema with every reference replaced by what it names and the annotations dropped: two documents'
 * schemas for the same request compare equal exactly when they accept the same JSON, whatever their
 * component names. Recursive references stop at a fixed depth, as a marker.
 */
export function expandedSchema(doc: Json, schema: unknown, depth = 0): unknown {
  if (depth > 32) return { $recursive: true };
  if (Array.isArray(schema)) return schema.map((s) => expandedSchema(doc, s, depth + 1));
  if (!schema || typeof schema !== 'object') return schema;
  const node = schema as Json;
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#/')) {
    const { $ref: _ref, ...rest } = node;
    const target = expandedSchema(doc, resolveLocal(doc, { $ref: node.$ref }), depth + 1) as Json;
    return Object.keys(rest).length > 0
      ? { ...target, ...(expandedSchema(doc, rest, depth + 1) as Json) }
      : target;
  }
  const out: Json = {};
  for (const key of Object.keys(node).sort()) {
    if (ANNOTATIONS.has(key) || key.startsWith('x-')) continue;
    const member = node[key];
    out[key] =
      key === 'properties' && member && typeof member === 'object'
        ? Object.fromEntries(
            Object.keys(member)
              .sort()
              .map((k) => [k, expandedSchema(doc, (member as Json)[k], depth + 1)]),
          )
        : expandedSchema(doc, member, depth + 1);
  }
  return out;
}

const ANNOTATIONS = new Set([
  'description',
  'title',
  'example',
  'examples',
  'deprecated',
  'externalDocs',
  'xml',
]);

/** Every operation of the document, in document order. */
export function httpOperations(api: HttpApiModel): HttpOperationModel[] {
  const doc = api.json;
  const globalSecurity = (doc.security as unknown[] | undefined) ?? [];
  const out: HttpOperationModel[] = [];
  for (const [path, rawItem] of Object.entries((doc.paths as Record<string, Json> | undefined) ?? {})) {
    const item = resolveLocal(doc, rawItem) as Json;
    const shared = (item.parameters as unknown[] | undefined) ?? [];
    for (const method of HTTP_METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const byKey = new Map<string, HttpParameterModel>();
      for (const raw of [...shared, ...((op.parameters as unknown[] | undefined) ?? [])]) {
        const p = resolveLocal(doc, raw) as Json;
        const where = String(p.in) as ParameterLocation;
        byKey.set(`${where}:${String(p.name)}`, {
          name: String(p.name),
          in: where,
          required: p.required === true || where === 'path',
          schema: selfContained(doc, p.schema ?? {}),
        });
      }
      const security = (op.security as unknown[] | undefined) ?? globalSecurity;
      out.push({
        api,
        operationId: String(op.operationId ?? `${method} ${path}`),
        method,
        path,
        expressPath: path.replace(/\{([^}]+)\}/g, ':$1'),
        upstream: typeof op['x-kada-upstream'] === 'string' ? op['x-kada-upstream'] : undefined,
        secured: security.some((r) => Object.keys((r ?? {}) as Json).length > 0),
        parameters: [...byKey.values()],
        body: requestBody(doc, op.requestBody),
        responses: Object.entries((op.responses as Json | undefined) ?? {}).map(([status, raw]) => {
          const content = ((resolveLocal(doc, raw) as Json).content ?? {}) as Record<string, Json>;
          const [contentType] = Object.keys(content);
          const media = contentType ? content[contentType] : undefined;
          return {
            status,
            contentType,
            schema:
              contentType && isJson(contentType) && media?.schema !== undefined
                ? selfContained(doc, media.schema)
                : undefined,
          };
        }),
        pointer: ['paths', path, method],
      });
    }
  }
  return out;
}

function requestBody(doc: Json, raw: unknown): HttpOperationModel['body'] {
  if (!raw) return undefined;
  const body = resolveLocal(doc, raw) as Json;
  const content = (body.content ?? {}) as Record<string, Json>;
  const contentTypes = Object.keys(content);
  const json = contentTypes.find(isJson);
  return {
    required: body.required === true,
    contentTypes,
    schema: json !== undefined ? selfContained(doc, content[json]?.schema ?? {}) : undefined,
  };
}
