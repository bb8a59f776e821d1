import {
  type AjvError,
  createAjv,
  inlineOpenApiSchema,
  type ProblemError,
  toProblemErrors,
} from '@kada/service-kit';

type Json = Record<string, unknown>;
type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** One operation of the public API, with its validators compiled from the spec. */
export interface Operation {
  operationId: string;
  method: (typeof HTTP_METHODS)[number];
  /** The OpenAPI path, e.g. /orders/{orderId}. */
  path: string;
  /** The express path, e.g. /orders/:orderId. */
  expressPath: string;
  /** Service name from x-kada-upstream; undefined for the gateway's own routes (/health...). */
  upstream: string | undefined;
  /** True when the operation needs a bearer token. */
  secured: boolean;
  /** Whether the operation takes a JSON body, and must have one. */
  body: { required: boolean; validate: Validate } | undefined;
  /** Validates path, query and header parameters; returns the problems found. */
  validateParameters(input: { path: Json; query: Json; headers: Json }): ProblemError[];
}

/**
 * Reads the gateway's OpenAPI document into operations, compiling every request schema once (at start-up).
 * Parameters are validated with type coercion (they arrive as strings), bodies without.
 */
export function compileOperations(doc: Json): Operation[] {
  const bodyAjv = createAjv();
  const paramAjv = createAjv({ coerceTypes: true });
  const globalSecurity = (doc.security as unknown[] | undefined) ?? [];
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries((doc.paths as Record<string, Json> | undefined) ?? {})) {
    const shared = (item.parameters as unknown[] | undefined) ?? [];
    for (const method of HTTP_METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const parameters = [...shared, ...((op.parameters as unknown[] | undefined) ?? [])].map(
        (p) => resolve(doc, p) as Json,
      );
      const security = (op.security as unknown[] | undefined) ?? globalSecurity;
      operations.push({
        operationId: String(op.operationId ?? `${method} ${path}`),
        method,
        path,
        expressPath: path.replace(/\{([^}]+)\}/g, ':$1'),
        upstream: typeof op['x-kada-upstream'] === 'string' ? op['x-kada-upstream'] : undefined,
        secured: security.some((requirement) => Object.keys(requirement as Json).length > 0),
        body: compileBody(doc, bodyAjv, op.requestBody),
        validateParameters: compileParameters(doc, paramAjv, parameters),
      });
    }
  }
  return operations;
}

function compileBody(doc: Json, ajv: ReturnType<typeof createAjv>, requestBody: unknown): Operation['body'] {
  if (!requestBody) return undefined;
  const body = resolve(doc, requestBody) as Json;
  const content = (body.content as Record<string, Json> | undefined) ?? {};
  const json = content['application/json'];
  if (!json) return undefined;
  const schema = json.schema ?? {};
  return {
    required: body.required === true,
    validate: ajv.compile(inlineOpenApiSchema(doc, schema)) as Validate,
  };
}

type Location = 'path' | 'query' | 'header';

function compileParameters(
  doc: Json,
  ajv: ReturnType<typeof createAjv>,
  parameters: Json[],
): Operation['validateParameters'] {
  const groups: Array<{ location: Location; validate: Validate; names: Map<string, string> }> = [];
  for (const location of ['path', 'query', 'header'] as const) {
    const own = parameters.filter((p) => p.in === location);
    if (own.length === 0) continue;
    const names = new Map<string, string>();
    const properties: Json = {};
    const required: string[] = [];
    for (const p of own) {
      // Node lower-cases header names.
      const key = location === 'header' ? String(p.name).toLowerCase() : String(p.name);
      names.set(key, String(p.name));
      properties[key] = p.schema ?? {};
      if (p.required === true || location === 'path') required.push(key);
    }
    const schema = { type: 'object', properties, required };
    groups.push({ location, validate: ajv.compile(inlineOpenApiSchema(doc, schema)) as Validate, names });
  }
  return (input) => {
    const problems: ProblemError[] = [];
    for (const group of groups) {
      // Validate a copy: coercion must not change what is forwarded.
      const source = group.location === 'header' ? input.headers : input[group.location];
      const data: Json = {};
      for (const key of group.names.keys()) if (source[key] !== undefined) data[key] = source[key];
      if (group.validate(data)) continue;
      for (const error of toProblemErrors(group.validate.errors)) {
        const key = error.pointer?.split('/')[1] ?? '';
        const name = group.names.get(key) ?? key;
        const detail = error.detail;
        problems.push(group.location === 'header' ? { header: name, detail } : { parameter: name, detail });
      }
    }
    return problems;
  };
}

/** Follows a local `$ref` ('#/components/parameters/Limit'). */
function resolve(doc: Json, value: unknown): unknown {
  let current = value;
  for (let depth = 0; depth < 10; depth += 1) {
    const ref = (current as Json | null)?.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/')) return current;
    current = ref
      .slice(2)
      .split('/')
      .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc);
    if (current === undefined) throw new Error(`unresolved $ref ${ref} in the gateway spec`);
  }
  return current;
}
