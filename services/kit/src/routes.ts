import type { HttpHandler, HttpInput, HttpOperation, HttpReply, HttpRouteTable } from '@kada/runtime';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import { HttpError, PROBLEM_CONTENT_TYPE, type ProblemError } from './errors.ts';
import { toProblemErrors, validationError } from './validate.ts';

/** Operations every service's document has and createHttpApp serves itself. */
export const KIT_OPERATIONS = ['getHealth', 'getReady', 'getMetrics'] as const;
export type KitOperationId = (typeof KIT_OPERATIONS)[number];

/** What a handler gets next to its typed input: the express request and response. */
export interface RouteCall {
  readonly req: Request;
  readonly res: Response;
}

/**
 * A service's handlers for a generated route table: one per operationId of its OpenAPI document, except the
 * ones the kit serves (health, readiness, metrics). `ServiceRoutes<OrderOperations>` missing `createOrder`,
 * or with `createOrdr`, does not compile.
 */
export type ServiceRoutes<Ops, Raw extends keyof Ops = never> = {
  [K in Exclude<keyof Ops, KitOperationId>]: K extends Raw
    ? (input: RawInput<Ops[K]>, call: RouteCall) => Promise<HttpReply<Ops[K]>>
    : HttpHandler<Ops[K], RouteCall>;
};

/** The input of a raw-body operation: parameters checked, the body the bytes as they came (unparsed). */
export type RawInput<Op> = Omit<HttpInput<Op>, 'body'> & { readonly body: Buffer };

export interface MountOptions<Ops, Raw extends keyof Ops = never> {
  /** Middleware that runs before validation, per operation (e.g. requireAuth with roles). */
  readonly before?: { readonly [K in Exclude<keyof Ops, KitOperationId>]?: readonly RequestHandler[] };
  /**
   * Operations whose handler gets the body as raw bytes, unparsed and unvalidated (up to 1 MB), e.g. a
   * webhook whose signature is an HMAC over the exact bytes and must be checked before anything is parsed.
   * The app's JSON parser must skip these paths.
   */
  readonly rawBody?: readonly Raw[];
}

type Json = Record<string, unknown>;

/**
 * Mounts a generated route table on the app: per operation its `before` middleware, then the request checked
 * with the validators compiled at generation time (400 problem+json listing each bad parameter or field, 415
 * for a body that is not JSON), then the handler, whose reply is sent with the status and content type the
 * spec declares. Handlers may also throw HttpError, as elsewhere.
 *
 *   mountRoutes(app, orderRouteTable, orderRoutes(ctx), { before: { createOrder: [requireAuth(ctx, ['buyer'])] } });
 */
export function mountRoutes<Ops, Raw extends keyof Ops = never>(
  app: Express,
  table: HttpRouteTable<Ops>,
  routes: NoInfer<ServiceRoutes<Ops, Raw>>,
  options: MountOptions<Ops, Raw> = {},
): void {
  const handlers = routes as unknown as Record<string, unknown>;
  const before = (options.before ?? {}) as Record<string, readonly RequestHandler[] | undefined>;
  const raw = new Set<unknown>(options.rawBody ?? []);
  for (const op of Object.values(table.operations) as HttpOperation[]) {
    if ((KIT_OPERATIONS as readonly string[]).includes(op.operationId)) continue;
    const handle = handlers[op.operationId];
    if (typeof handle !== 'function') {
      throw new Error(`no handler for ${op.operationId} of ${table.document}`);
    }
    const chain = [...(before[op.operationId] ?? [])];
    if (raw.has(op.operationId)) chain.push(express.raw({ type: () => true, limit: '1mb' }));
    app[op.method](op.expressPath, ...chain, async (req, res, next) => {
      try {
        const input = requestInput(op, req, raw.has(op.operationId));
        const reply = (await (handle as (i: unknown, c: RouteCall) => Promise<unknown>)(input, {
          req,
          res,
        })) as {
          status: number;
          body?: unknown;
          headers?: Record<string, string>;
        };
        if (res.headersSent) return;
        sendReply(op, res, reply);
      } catch (error) {
        next(error);
      }
    });
  }
}

/** The validated, coerced input of a request; throws the 400 or 415 HttpError when it is not valid. */
function requestInput(op: HttpOperation, req: Request, rawBody: boolean): Json {
  const problems: ProblemError[] = [];
  const input: Json = { params: {}, query: {}, headers: {}, body: undefined };
  for (const group of op.parameters) {
    const source = (
      group.in === 'path' ? req.params : group.in === 'query' ? req.query : req.headers
    ) as Json;
    // Validate a copy: ajv coerces it in place to the schema's types.
    const data: Json = {};
    for (const key of Object.keys(group.names)) if (source[key] !== undefined) data[key] = source[key];
    if (!group.validate(data)) {
      for (const error of toProblemErrors(group.validate.errors)) {
        const key = error.pointer?.split('/')[1] ?? '';
        const name = group.names[key] ?? key;
        problems.push(
          group.in === 'header'
            ? { header: name, detail: error.detail }
            : { parameter: name, detail: error.detail },
        );
      }
      continue;
    }
    const target = input[
      group.in === 'header' ? 'headers' : group.in === 'path' ? 'params' : 'query'
    ] as Json;
    for (const [key, value] of Object.entries(data)) target[group.names[key] ?? key] = value;
  }
  if (rawBody) input.body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  else if (op.body) {
    if (req.body === undefined) {
      const hasBody =
        Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
      if (hasBody && !req.is(['application/json', 'application/*+json'])) {
        throw new HttpError(415, 'Unsupported Media Type', 'Send the body as application/json.');
      }
      if (op.body.required) problems.push({ pointer: '', detail: 'a JSON request body is required' });
    } else if (op.body.validate && !op.body.validate(req.body)) {
      problems.push(...toProblemErrors(op.body.validate.errors));
    } else input.body = req.body;
  }
  if (problems.length > 0) throw validationError(problems);
  return input;
}

/** The content type the spec declares for a status: exact, then its class (4XX), then default. */
export function declaredContentType(op: HttpOperation, status: number): string | null | undefined {
  const declared = op.responses;
  return declared[String(status)] ?? declared[`${String(status)[0]}XX`] ?? declared.default;
}

function sendReply(
  op: HttpOperation,
  res: Response,
  reply: { status: number; body?: unknown; headers?: Record<string, string> },
): void {
  res.status(reply.status);
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.body === undefined) {
    res.end();
    return;
  }
  const type =
    declaredContentType(op, reply.status) ??
    (reply.status >= 400 ? PROBLEM_CONTENT_TYPE : 'application/json');
  if (/[/+]json\b/.test(type)) {
    res.setHeader('Content-Type', `${type}; charset=utf-8`);
    res.send(JSON.stringify(reply.body));
  } else {
    res.setHeader('Content-Type', type);
    res.send(reply.body);
  }
}
