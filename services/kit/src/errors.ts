import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

/** Base of the `type` URIs of the problems this platform defines (RFC 9457 §3.1.1). */
export const PROBLEM_BASE = 'https://kada-mandiya.example/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One validation error, as the OpenAPI `ProblemError` schema describes it. */
export interface ProblemError {
  detail: string;
  pointer?: string;
  parameter?: string;
  header?: string;
}

/** Extension members of a problem; `type` overrides the default `about:blank`, `headers` are sent as HTTP headers. */
export interface ProblemExtra {
  type?: string;
  errors?: ProblemError[];
  headers?: Record<string, string>;
  [member: string]: unknown;
}

/**
 * An error a route throws to answer with a problem: `throw new HttpError(404, 'Not Found', 'No such order')`.
 * The error handler turns it into `application/problem+json`; `detail` is shown to the client, so keep secrets
 * and personal data out of it.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly extra: ProblemExtra | undefined;

  constructor(status: number, title: string, detail?: string, extra?: ProblemExtra) {
    super(detail ? `${title}: ${detail}` : title);
    this.name = 'HttpError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.extra = extra;
  }
}

export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError;
}

/**
 * Sends an RFC 9457 problem: `type`, `title`, `status`, `detail`, `instance` (the request path, without the
 * query, which may carry secrets), `correlationId`, plus extension members (`errors` for validation).
 */
export function problem(
  res: Response,
  status: number,
  title: string,
  detail?: string,
  extra?: ProblemExtra,
): void {
  const { type, headers, ...members } = extra ?? {};
  const req = res.req as Request | undefined;
  const body: Record<string, unknown> = {
    type: type ?? 'about:blank',
    title,
    status,
    ...(detail === undefined ? {} : { detail }),
    ...(req ? { instance: pathOf(req) } : {}),
    ...(typeof res.locals.correlationId === 'string' ? { correlationId: res.locals.correlationId } : {}),
    ...members,
  };
  if (headers) for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  if (status === 401 && !res.hasHeader('WWW-Authenticate'))
    res.setHeader('WWW-Authenticate', 'Bearer realm="kada"');
  res.status(status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}

function pathOf(req: Request): string {
  const url = req.originalUrl || req.url;
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * Wraps an async route so a rejection reaches the error handler. Express 5 does this by itself; the wrapper
 * keeps the intent visible and types the handler.
 */
export function asyncRoute<Req extends Request = Request>(
  fn: (req: Req, res: Response, next: NextFunction) => Promise<unknown>,
): RequestHandler {
  return (req, res, next) => {
    fn(req as Req, res, next).catch(next);
  };
}

/** Fallback for unknown routes: 404 problem. */
export function notFoundHandler(): RequestHandler {
  return (req, res) => {
    problem(res, 404, 'Not Found', `No route for ${req.method} ${pathOf(req)}`);
  };
}

interface BodyParserError {
  type: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { type?: unknown }).type === 'string' &&
    typeof ((error as { status?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode) ===
      'number'
  );
}

/**
 * The last middleware: every error becomes a problem. HttpError keeps its status; body-parser errors map to
 * 400 (malformed JSON), 413 (too large), 415 (unsupported charset or encoding); anything else is a 500 that
 * says nothing about the cause and is logged with the correlation id.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (isHttpError(error)) {
      if (error.status >= 500)
        log.error({ err: error, correlationId: res.locals.correlationId }, 'request failed');
      problem(res, error.status, error.title, error.detail, error.extra);
      return;
    }
    if (isBodyParserError(error)) {
      const status = error.status ?? error.statusCode ?? 400;
      switch (error.type) {
        case 'entity.parse.failed':
          problem(res, 400, 'Malformed JSON', 'The request body is not valid JSON.', {
            type: `${PROBLEM_BASE}malformed-json`,
          });
          return;
        case 'entity.too.large':
          problem(res, 413, 'Content Too Large', 'The request body is larger than this endpoint accepts.');
          return;
        case 'encoding.unsupported':
        case 'charset.unsupported':
          problem(
            res,
            415,
            'Unsupported Media Type',
            'The request body encoding or charset is not supported.',
          );
          return;
        default:
          if (status >= 400 && status < 500) {
            problem(res, status, 'Bad Request', 'The request body could not be read.');
            return;
          }
      }
    }
    log.error(
      { err: error, correlationId: res.locals.correlationId, method: req.method, route: req.route?.path },
      'unexpected error',
    );
    problem(res, 500, 'Internal Server Error', 'An unexpected error occurred; quote the correlation id.');
  };
}

/** Unique-key violations on SQLite, PostgreSQL and SQL Server. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; number?: unknown; message?: unknown } | null;
  if (!e) return false;
  return (
    e.code === '23505' ||
    e.number === 2627 ||
    e.number === 2601 ||
    (typeof e.message === 'string' && /UNIQUE constraint failed/i.test(e.message))
  );
}
