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
  /** Base URL, e.g. http://127.0.0.1:8081 */
  url: string;
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
): void {
  const url = new URL(req.originalUrl, target.url);
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

  const upstream = request(url, {
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
  upstream.on('error', (error) => fail('connection', error));
  // The client went away: stop the upstream work too.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  upstream.end(body && body.length > 0 ? body : undefined);
}
