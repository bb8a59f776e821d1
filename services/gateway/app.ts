import { timingSafeEqual } from 'node:crypto';
import { Agent } from 'node:http';
import {
  bearerToken,
  createHttpApp,
  defaultPort,
  exitOnSignal,
  finishHttpApp,
  HttpError,
  listen,
  loadConfig,
  PROBLEM_BASE,
  type ReadinessCheck,
  toProblemErrors,
  validationError,
  verifyAccessToken,
} from '@kada/service-kit';
import express, { type RequestHandler } from 'express';
import { type Logger, pino } from 'pino';
import { Registry } from 'prom-client';
import { gatewayOperations, type Operation } from './openapi.ts';
import { forward, type ProxyTarget, proxyTarget } from './proxy.ts';
import { parseRate, TokenBucketLimiter } from './rate-limit.ts';

export interface GatewayOptions {
  /** Default env PORT, else 8080; 0 for any free port. */
  port?: number;
  /** Upstream base URLs by service name; default env <NAME>_URL, else http://127.0.0.1:<the service's port>. */
  upstreams?: Record<string, string>;
  /** Rates like "100/10s" or "off"; default env RATE_LIMIT_IP / RATE_LIMIT_USER, else 100/10s and 50/10s. */
  rateLimits?: { ip?: string; user?: string };
  /** Largest request body (default env GATEWAY_BODY_LIMIT, else 1mb). */
  bodyLimit?: string;
  /** Upstream answer timeout (default env UPSTREAM_TIMEOUT_MS, else 30 s). */
  upstreamTimeoutMs?: number;
  handleSignals?: boolean;
  logger?: Logger;
  /**
   * Token that /ready and /metrics require as `Authorization: Bearer <token>` (default env GATEWAY_OPS_TOKEN);
   * without one they answer 404: the public edge shows neither upstream health nor internals to strangers.
   */
  opsToken?: string;
  /** Clock for the rate limiters (tests). */
  now?: () => number;
}

export interface StartedGateway {
  port: number;
  url: string;
  close(): Promise<void>;
}

const env = process.env;

function upstreamTargets(
  names: Iterable<string>,
  given: Record<string, string> = {},
): Map<string, ProxyTarget> {
  const targets = new Map<string, ProxyTarget>();
  for (const name of names) {
    const url =
      given[name] ?? env[`${name.toUpperCase()}_URL`] ?? `http://127.0.0.1:${defaultPort(name) ?? 80}`;
    targets.set(name, proxyTarget(name, url));
  }
  return targets;
}

/** Matches a request path against an OpenAPI path template. */
function templateMatcher(path: string): RegExp {
  const pattern = path
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
    .join('[^/]+');
  return new RegExp(`^${pattern}/?$`);
}

/**
 * The public edge: verifies JWTs on secured operations, rate-limits per IP and per user, validates requests
 * against the gateway's OpenAPI document (validators generated from gateway.yaml), and forwards them to the
 * service named by `x-kada-upstream`.
 */
export async function startGateway(options: GatewayOptions = {}): Promise<StartedGateway> {
  const log =
    options.logger ?? pino({ name: 'gateway', level: env.LOG_LEVEL ?? 'info', base: { service: 'gateway' } });
  const config = loadConfig('gateway', { port: options.port });
  // The routing is gateway.yaml's, through the route table kada-gen generated from it.
  const operations = gatewayOperations();
  const proxied = operations.filter(
    (op): op is Operation & { upstream: string } => op.upstream !== undefined,
  );
  const targets = upstreamTargets(new Set(proxied.map((op) => op.upstream)), options.upstreams);
  const now = options.now ?? Date.now;
  const ipRate = parseRate(options.rateLimits?.ip ?? env.RATE_LIMIT_IP ?? '100/10s');
  const userRate = parseRate(options.rateLimits?.user ?? env.RATE_LIMIT_USER ?? '50/10s');
  const ipLimiter = ipRate ? new TokenBucketLimiter(ipRate, now) : undefined;
  const userLimiter = userRate ? new TokenBucketLimiter(userRate, now) : undefined;
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const proxyOptions = {
    agent,
    timeoutMs: options.upstreamTimeoutMs ?? Number(env.UPSTREAM_TIMEOUT_MS ?? 30_000),
    log,
  };
  const registry = new Registry();

  const app = createHttpApp({
    name: 'gateway',
    log,
    registry,
    json: false,
    // The edge trusts no one's X-Forwarded-For unless told to (behind a load balancer: GATEWAY_TRUST_PROXY).
    trustProxy: parseTrust(env.GATEWAY_TRUST_PROXY),
    ready: () => checkUpstreams(targets),
    opsGuard: opsGuard(options.opsToken ?? env.GATEWAY_OPS_TOKEN),
  });

  const tooMany = (retryAfterSeconds: number, detail: string) =>
    new HttpError(429, 'Too Many Requests', detail, {
      type: `${PROBLEM_BASE}rate-limited`,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });

  if (ipLimiter) {
    app.use((req, _res, next) => {
      const decision = ipLimiter.take(req.ip ?? req.socket.remoteAddress ?? 'unknown');
      next(
        decision.allowed
          ? undefined
          : tooMany(decision.retryAfterSeconds, 'Too many requests from this address.'),
      );
    });
  }

  const authenticate: RequestHandler = (req, _res, next) => {
    const token = bearerToken(req);
    if (!token) {
      next(new HttpError(401, 'Unauthorized', 'A bearer token is required.'));
      return;
    }
    verifyAccessToken(token, config).then((user) => {
      req.user = user;
      if (userLimiter) {
        const decision = userLimiter.take(user.id);
        if (!decision.allowed) {
          next(tooMany(decision.retryAfterSeconds, 'Too many requests for this user.'));
          return;
        }
      }
      next();
    }, next);
  };

  const rawBody = express.raw({
    type: () => true,
    limit: options.bodyLimit ?? env.GATEWAY_BODY_LIMIT ?? '1mb',
  });

  for (const op of proxied) {
    const target = targets.get(op.upstream);
    if (!target) continue;
    const chain: RequestHandler[] = [];
    if (op.secured) chain.push(authenticate);
    chain.push(rawBody, validate(op), (req, res) => {
      forward(req, res, target, Buffer.isBuffer(req.body) ? req.body : undefined, proxyOptions);
    });
    app[op.method](op.expressPath, ...chain);
  }

  // A known path with another method: 405 with Allow.
  const templates = new Map<string, { matcher: RegExp; methods: Set<string> }>();
  for (const op of operations) {
    const entry = templates.get(op.path) ?? { matcher: templateMatcher(op.path), methods: new Set<string>() };
    entry.methods.add(op.method.toUpperCase());
    if (op.method === 'get') entry.methods.add('HEAD');
    templates.set(op.path, entry);
  }
  app.use((req, _res, next) => {
    for (const { matcher, methods } of templates.values()) {
      if (!matcher.test(req.path)) continue;
      const allow = [...methods].sort().join(', ');
      next(
        new HttpError(405, 'Method Not Allowed', `${req.method} is not allowed here.`, {
          headers: { Allow: allow },
        }),
      );
      return;
    }
    next();
  });
  finishHttpApp(app, log);

  const sweeper = setInterval(() => {
    ipLimiter?.sweep();
    userLimiter?.sweep();
  }, 60_000);
  sweeper.unref();

  const http = await listen(app, config.port, env.GATEWAY_HOST || env.HOST || '0.0.0.0');
  log.info(
    { port: http.port, upstreams: Object.fromEntries([...targets].map(([k, v]) => [k, v.urls])) },
    'gateway listening',
  );

  let closing: Promise<void> | undefined;
  let uninstall = (): void => {};
  const close = (): Promise<void> => {
    closing ??= (async () => {
      uninstall();
      clearInterval(sweeper);
      await http.close();
      agent.destroy();
    })();
    return closing;
  };
  if (options.handleSignals !== false) uninstall = exitOnSignal(log, close);
  return { port: http.port, url: `http://127.0.0.1:${http.port}`, close };
}

/** Validates path, query and header parameters and the JSON body against the operation's schemas. */
function validate(op: Operation): RequestHandler {
  return (req, _res, next) => {
    const errors = op.validateParameters({
      path: req.params as Record<string, unknown>,
      query: req.query as Record<string, unknown>,
      headers: req.headers as Record<string, unknown>,
    });
    const raw = Buffer.isBuffer(req.body) ? req.body : undefined;
    if (op.body) {
      if (!raw || raw.length === 0) {
        if (op.body.required) errors.push({ pointer: '', detail: 'a JSON request body is required' });
      } else if (!req.is(['application/json', 'application/*+json'])) {
        next(new HttpError(415, 'Unsupported Media Type', 'Send the body as application/json.'));
        return;
      } else {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw.toString('utf8'));
        } catch {
          next(
            new HttpError(400, 'Malformed JSON', 'The request body is not valid JSON.', {
              type: `${PROBLEM_BASE}malformed-json`,
            }),
          );
          return;
        }
        if (!op.body.validate(parsed)) {
          errors.push(...toProblemErrors(op.body.validate.errors));
        }
      }
    }
    next(errors.length > 0 ? validationError(errors) : undefined);
  };
}

/** A service is up while at least one of its replicas answers /health. */
async function checkUpstreams(targets: Map<string, ProxyTarget>): Promise<Record<string, ReadinessCheck>> {
  const entries = await Promise.all(
    [...targets.values()].map(async (target): Promise<[string, ReadinessCheck]> => {
      const answers = await Promise.all(
        target.urls.map(async (url) => {
          try {
            const res = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(1000) });
            return res.ok ? 'up' : `health answered ${res.status}`;
          } catch {
            return 'unreachable';
          }
        }),
      );
      const up = answers.filter((a) => a === 'up').length;
      if (up > 0) return [target.name, { status: 'up' }];
      return [target.name, { status: 'down', detail: answers.join('; ') }];
    }),
  );
  return Object.fromEntries(entries);
}

function opsGuard(token: string | undefined): RequestHandler {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  return (req, _res, next) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    // Same answer as an unknown route, so the endpoints' existence is not advertised either.
    if (!expected || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      next(new HttpError(404, 'Not Found', `No route for ${req.method} ${req.path}`));
      return;
    }
    next();
  };
}

function parseTrust(value: string | undefined): string | boolean | number {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}
