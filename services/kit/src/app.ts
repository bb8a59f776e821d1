import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { runWithContext } from '@kada/runtime';
import express, { type Express, type Request, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { Histogram, type Registry } from 'prom-client';
import { errorHandler, notFoundHandler, PROBLEM_BASE, PROBLEM_CONTENT_TYPE } from './errors.ts';

export const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** One dependency check of /ready. */
export interface ReadinessCheck {
  status: 'up' | 'down';
  detail?: string;
}

export interface HttpAppOptions {
  name: string;
  log: Logger;
  registry: Registry;
  /** Dependency checks for /ready; all `up` -> 200, else 503. */
  ready?: () => Record<string, ReadinessCheck> | Promise<Record<string, ReadinessCheck>>;
  /** Parse JSON bodies (default true); the gateway streams bodies instead. */
  json?: boolean;
  bodyLimit?: string;
  /** express 'trust proxy' (default: TRUST_PROXY env, else 'loopback', so the gateway's X-Forwarded-For counts). */
  trustProxy?: string | boolean | number;
  /** Runs before /ready and /metrics (they show dependency health and internals); default: open. */
  opsGuard?: RequestHandler;
}

/** `%2e` and `.` are the same to a server that decodes before it normalises; `\\` is `/` to some. */
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;

/**
 * Why a request target is refused, or undefined when it is a plain origin-form path (RFC 9112 §3.2.1).
 * Absolute-form (`http://host/…`), authority-form, `*`, protocol-relative (`//host/…`), dot segments and
 * backslashes are refused: the gateway forwards the path, and a path that a URL parser would turn into
 * another host or another route must never get that far.
 */
export function requestTargetProblem(target: string): string | undefined {
  if (!target.startsWith('/')) return 'The request target must be a path starting with "/".';
  if (target.startsWith('//')) return 'The request target must not start with "//".';
  const q = target.indexOf('?');
  const path = q === -1 ? target : target.slice(0, q);
  if (path.includes('\\') || /%5c/i.test(path)) return 'The request path must not contain a backslash.';
  if (DOT_SEGMENT.test(path)) return 'The request path must not contain "." or ".." segments.';
  if (/%2f/i.test(path)) return 'The request path must not contain an encoded "/".';
  return undefined;
}

/** Refuses request targets that are not plain paths (see {@link requestTargetProblem}) with 400. */
function requestTargetMiddleware(): RequestHandler {
  return (req, res, next) => {
    const reason = requestTargetProblem(req.url);
    if (!reason) {
      next();
      return;
    }
    // `instance` would echo the hostile target: answer without it.
    res
      .status(400)
      .type(PROBLEM_CONTENT_TYPE)
      .send(
        JSON.stringify({
          type: `${PROBLEM_BASE}bad-request-target`,
          title: 'Bad Request',
          status: 400,
          detail: reason,
          correlationId: res.locals.correlationId,
        }),
      );
  };
}

/** The correlation id of a request: the caller's x-correlation-id when well-formed, else a new UUID. */
export function correlationIdOf(req: Request): string {
  const given = req.headers[CORRELATION_HEADER];
  const value = Array.isArray(given) ? given[0] : given;
  return value && CORRELATION_ID.test(value) ? value : randomUUID();
}

/**
 * x-correlation-id in and out; the rest of the request runs inside the runtime's context, so events published
 * while handling it carry the id (and the W3C traceparent, when the caller sent one).
 */
export function correlationMiddleware(): RequestHandler {
  return (req, res, next) => {
    const correlationId = correlationIdOf(req);
    req.correlationId = correlationId;
    res.locals.correlationId = correlationId;
    res.setHeader(CORRELATION_HEADER, correlationId);
    const traceparent = req.headers.traceparent;
    runWithContext(
      { correlationId, traceparent: typeof traceparent === 'string' ? traceparent : undefined },
      () => next(),
    );
  };
}

const OPS_PATHS = new Set(['/health', '/ready', '/metrics']);

function metricsMiddleware(registry: Registry, log: Logger): RequestHandler {
  const name = 'http_request_duration_seconds';
  const histogram =
    (registry.getSingleMetric(name) as Histogram<'method' | 'route' | 'status'> | undefined) ??
    new Histogram({
      name,
      help: 'HTTP requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      // The route pattern, never the raw URL: it may carry tokens or addresses in its query.
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      histogram.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      const entry = {
        method: req.method,
        route,
        status: res.statusCode,
        durationMs: Math.round(seconds * 1000),
        correlationId: res.locals.correlationId,
      };
      if (OPS_PATHS.has(req.path)) log.debug(entry, 'request');
      else log.info(entry, 'request');
    });
    next();
  };
}

/**
 * An express app with the shared front half: correlation ids, metrics and request logs, JSON parsing,
 * GET /health, /ready, /metrics. Add routes, then call {@link finishHttpApp}.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy ?? trustProxyFromEnv());
  app.set('query parser', 'simple');
  app.use(correlationMiddleware());
  app.use(requestTargetMiddleware());
  app.use(metricsMiddleware(options.registry, options.log));
  if (options.json !== false) {
    app.use(
      express.json({ limit: options.bodyLimit ?? '100kb', type: ['application/json', 'application/*+json'] }),
    );
  }
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  const guard: RequestHandler = options.opsGuard ?? ((_req, _res, next) => next());
  app.get('/ready', guard, async (_req, res) => {
    let checks: Record<string, ReadinessCheck>;
    try {
      checks = options.ready ? await options.ready() : {};
    } catch (error) {
      checks = { self: { status: 'down', detail: error instanceof Error ? error.message : 'check failed' } };
    }
    const ready = Object.values(checks).every((check) => check.status === 'up');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks });
  });
  app.get('/metrics', guard, async (_req, res) => {
    res.setHeader('Content-Type', options.registry.contentType);
    res.send(await options.registry.metrics());
  });
  return app;
}

/** The shared back half: 404 problem for unknown routes and the problem+json error handler. */
export function finishHttpApp(app: Express, log: Logger): Express {
  app.use(notFoundHandler());
  app.use(errorHandler(log));
  return app;
}

function trustProxyFromEnv(): string | boolean | number {
  const value = process.env.TRUST_PROXY;
  if (value === undefined || value === '') return 'loopback';
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * Requests node's parser refuses (authority-form targets, bad header bytes, oversized heads) never reach
 * express; node would answer a bare 400. Answer them with a problem too, like every other bad request.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, title] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout']
        : [400, 'Bad Request'];
  const body = JSON.stringify({
    type: 'about:blank',
    title,
    status,
    detail: 'The request could not be parsed as HTTP/1.1.',
  });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export interface Listening {
  server: Server;
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then drops what is left. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts listening (port 0: any free port) and resolves once bound. Internal services default to loopback (only
 * the gateway is public); env HOST overrides (e.g. 0.0.0.0 in a container).
 */
export function listen(
  app: Express,
  port: number,
  host = process.env.HOST || '127.0.0.1',
): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => {
      if (error) {
        reject(error);
        return;
      }
      server.keepAliveTimeout = 65_000;
      server.on('clientError', answerClientError);
      const bound = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: bound,
        close: (graceMs = 10_000) =>
          new Promise<void>((done) => {
            const timer = setTimeout(() => server.closeAllConnections(), graceMs);
            timer.unref();
            server.close(() => {
              clearTimeout(timer);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
