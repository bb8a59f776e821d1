import { type Agent, type IncomingHttpHeaders, type OutgoingHttpHeaders, request } from 'node:http';
import { problem } from '@kada/service-kit';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';

/** Headers that describe one connection, not the message (RFC 9110 §7.6.1), plus the ones we recompute. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'forwarded',
]);

function connectionTokens(headers: IncomingHttpHeaders): Set<string> {
  const value = headers.connection;
  return new Set(
    (value ?? '')
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
}

export interface ProxyTarget {
  /** Service name, for problems and logs. */
  name: string;
  /** The first replica's base URL, e.g. http://127.0.0.1:8081 */
  url: string;
  /**
   * Every replica's base URL (`url` first). Requests take turns over them; a replica that refuses
   * the connection is skipped for that request (nothing reached it, so any method may go on).
   */
  urls: readonly string[];
}

/** Base URLs from `<NAME>_URL`: one URL, or a comma-separated list of the service's replicas. */
export function proxyTarget(name: string, urls: string): ProxyTarget {
  const list = urls
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  if (list.length === 0) throw new Error(`no upstream URL for ${name}`);
  return { name, url: list[0] as string, urls: list };
}

const turns = new WeakMap<ProxyTarget, number>();

/** The replicas in the order this request tries them: the next in turn first. */
function replicaOrder(target: ProxyTarget): string[] {
  const n = target.urls.length;
  if (n === 1) return [...target.urls];
  const first = (turns.get(target) ?? 0) % n;
  turns.set(target, first + 1);
  return Array.from({ length: n }, (_, i) => target.urls[(first + i) % n] as string);
}

/** An error that says the upstream never saw the request. */
function refused(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'EHOSTUNREACH';
}

export interface ProxyOptions {
  agent: Agent;
  timeoutMs: number;
  log: Logger;
}

/**
 * Forwards the request to the upstream service with the same method, path and query, the (already buffered,
 * byte-for-byte) body, the caller's headers minus hop-by-hop ones, plus X-Forwarded-* and x-correlation-id,
 * and streams the answer back. An unreachable or failing connection becomes a 502 problem.
 */
export function forward(
  req: Request,
  res: Response,
  target: ProxyTarget,
  body: Buffer | undefined,
  options: ProxyOptions,
  replicas: string[] = replicaOrder(target),
): void {
  const replica = replicas[0] as string;
  // Never `new URL(req.originalUrl, base)`: an absolute or `//host` target would replace the base (SSRF). The
  // upstream is the configured origin; only the path and query of the request travel, byte for byte.
  const base = new URL(replica);
  const path = req.originalUrl;
  if (!path.startsWith('/') || path.startsWith('//')) {
    problem(res, 400, 'Bad Request', 'The request target must be a path starting with "/".');
    return;
  }
  const drop = connectionTokens(req.headers);
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || drop.has(name)) continue;
    headers[name] = value;
  }
  // The gateway is the edge: what clients claim in X-Forwarded-For is not passed on, only what the gateway saw.
  headers['x-forwarded-for'] = req.ip ?? req.socket.remoteAddress ?? '';
  headers['x-forwarded-proto'] = req.protocol;
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  headers['x-correlation-id'] = String(res.locals.correlationId ?? '');
  if (body && body.length > 0) headers['content-length'] = String(body.length);

  const upstream = request({
    protocol: base.protocol,
    hostname: base.hostname.replace(/^\[|\]$/g, ''),
    port: base.port,
    path,
    method: req.method,
    headers,
    agent: options.agent,
    timeout: options.timeoutMs,
  });
  let answered = false;
  const fail = (reason: string, error?: unknown) => {
    if (answered) return;
    answered = true;
    options.log.warn(
      { upstream: target.name, reason, err: error, correlationId: res.locals.correlationId },
      'upstream failed',
    );
    if (!res.headersSent) {
      problem(res, 502, 'Bad Gateway', `The ${target.name} service did not answer.`, {
        type: 'https://kada-mandiya.example/problems/bad-gateway',
      });
    } else {
      res.destroy();
    }
  };
  upstream.on('response', (answer) => {
    answered = true;
    const dropBack = connectionTokens(answer.headers);
    res.status(answer.statusCode ?? 502);
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined || dropBack.has(name) || (HOP_BY_HOP.has(name) && name !== 'content-length'))
        continue;
      res.setHeader(name, value);
    }
    answer.pipe(res);
    answer.on('error', () => res.destroy());
  });
  upstream.on('timeout', () => upstream.destroy(new Error('upstream timeout')));
  upstream.on('error', (error) => {
    if (!answered && refused(error) && replicas.length > 1) {
      answered = true;
      options.log.warn({ upstream: target.name, replica }, 'replica refused the connection; trying the next');
      forward(req, res, target, body, options, replicas.slice(1));
      return;
    }
    fail('connection', error);
  });
  // The client went away: stop the upstream work too.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  upstream.end(body && body.length > 0 ? body : undefined);
}
