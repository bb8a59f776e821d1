import type { Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { createGatewayClient } from '@kada/contracts/openapi/gateway.client.ts';
import { createTestKeys, type TestKeys } from '@kada/service-kit/testing.ts';
import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedGateway, startGateway } from '../app.ts';
import { parseRate, TokenBucketLimiter } from '../rate-limit.ts';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A stand-in for every upstream service: records what reached it and answers per path. */
async function startStubUpstream(): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const app = express();
  app.use(express.raw({ type: () => true }));
  app.use((req, res) => {
    seen.push({
      method: req.method,
      url: req.originalUrl,
      headers: req.headers,
      body: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
    });
    if (req.path === '/users/me' && req.method === 'PATCH') {
      res
        .status(404)
        .type('application/problem+json')
        .send('{"type":"about:blank","title":"Not Found","status":404}');
      return;
    }
    res.status(req.method === 'POST' ? 201 : 200).json({ upstream: 'stub', path: req.path });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const SERVICES = ['auth', 'user', 'product', 'order', 'payment', 'dashboard'];
const buyer = { id: '0190a6c4-7b1e-7000-8000-000000000001', role: 'buyer', email: 'b@example.com' } as const;
const orderId = '0190a6c4-7b1e-7000-8000-0000000000aa';

const opsToken = 'ops-token-for-the-test';
const ops = { authorization: `Bearer ${opsToken}` };

/** One request written by hand: fetch would normalise the request target before sending it. */
function rawRequest(port: number, text: string): Promise<{ status: number; head: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(text));
    let data = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const head = data.split('\r\n\r\n')[0] ?? '';
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head });
    });
  });
}

describe('gateway', () => {
  let keys: TestKeys;
  let stub: Awaited<ReturnType<typeof startStubUpstream>>;
  let gateway: StartedGateway;
  let clock = 1_000_000;

  beforeAll(async () => {
    keys = await createTestKeys({ setEnv: true });
    stub = await startStubUpstream();
    const upstreams = Object.fromEntries(SERVICES.map((name) => [name, stub.url]));
    upstreams.payment = 'http://127.0.0.1:9'; // nothing listens on the discard port: the payment service is "down"
    gateway = await startGateway({
      port: 0,
      upstreams,
      rateLimits: { ip: '1000/10s', user: '3/10s' },
      handleSignals: false,
      logger: pino({ level: 'silent' }),
      now: () => clock,
      opsToken,
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await stub?.close();
    keys?.cleanup();
  });

  const last = () => stub.seen[stub.seen.length - 1];
  const bearer = async (user: Parameters<TestKeys['sign']>[0] = buyer) => ({
    authorization: `Bearer ${await keys.sign(user)}`,
  });

  async function expectProblem(res: Response, status: number) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
    return body;
  }

  it('is reached by the typed client generated from gateway.yaml, path parameters, query and all', async () => {
    const api = createGatewayClient(gateway.url);
    const headers = await bearer({ ...buyer, id: '0190a6c4-7b1e-7000-8000-0000000000d1' });
    const one = await api.GET('/orders/{orderId}', { headers, params: { path: { orderId } } });
    expect(one.response.status).toBe(200);
    expect(last()).toMatchObject({ method: 'GET', url: `/orders/${orderId}` });
    await api.GET('/orders', { headers, params: { query: { status: 'PAID', limit: 5 } } });
    expect(last()?.url).toBe('/orders?status=PAID&limit=5');
    // What the gateway refuses comes back as the typed problem, without reaching the service.
    const before = stub.seen.length;
    const bad = await api.POST('/orders', {
      headers,
      body: {
        items: [{ productId: 'not-a-uuid', quantity: 1 }],
        paymentMethodId: 'pm_card_visa',
        confirmation: 'server',
      },
    });
    expect(bad.response.status).toBe(400);
    expect(bad.error?.errors?.map((e) => e.pointer)).toEqual(['/items/0/productId']);
    expect(stub.seen.length).toBe(before);
  });

  it('routes by path prefix, forwarding the body byte for byte and the correlation id', async () => {
    const raw =
      '{ "email": "ada@example.com",  "password": "correct horse battery", "name": "Ada", "role": "buyer" }';
    const before = stub.seen.length;
    const res = await fetch(`${gateway.url}/auth/register`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-correlation-id': 'corr-gw-1',
        'x-forwarded-for': '6.6.6.6',
      },
      body: raw,
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-correlation-id')).toBe('corr-gw-1');
    expect(await res.json()).toEqual({ upstream: 'stub', path: '/auth/register' });
    expect(stub.seen.length).toBe(before + 1);
    expect(last()).toMatchObject({ method: 'POST', url: '/auth/register', body: raw });
    expect(last()?.headers['x-correlation-id']).toBe('corr-gw-1');
    expect(last()?.headers['x-forwarded-for']).toBe('127.0.0.1'); // the client's claim is not passed on
  });

  it('adds a correlation id when the caller sent none, and forwards the query string', async () => {
    const res = await fetch(`${gateway.url}/products?category=books&limit=5`);
    expect(res.status).toBe(200);
    const id = res.headers.get('x-correlation-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(last()).toMatchObject({ method: 'GET', url: '/products?category=books&limit=5' });
    expect(last()?.headers['x-correlation-id']).toBe(id);
  });

  it('keeps the raw body of the Stripe webhook intact', async () => {
    const raw =
      '{"id":"evt_1", "object":"event",\n  "type":"payment_intent.succeeded","created":1700000000,' +
      ' "livemode":false,"data":{"object":{"id":"pi_1","unknown_field":[1, 2.50]}}}';
    const upstreams = Object.fromEntries(SERVICES.map((name) => [name, stub.url]));
    const gw = await startGateway({
      port: 0,
      upstreams,
      handleSignals: false,
      logger: pino({ level: 'silent' }),
    });
    try {
      const res = await fetch(`${gw.url}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=abc' },
        body: raw,
      });
      expect(res.status).toBe(201);
      expect(last()?.body).toBe(raw);
      expect(last()?.headers['stripe-signature']).toBe('t=1,v1=abc');
      const unsigned = await fetch(`${gw.url}/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: raw,
      });
      const problem = await expectProblem(unsigned, 400);
      expect(problem.errors).toEqual([
        { header: 'Stripe-Signature', detail: "must have required property 'stripe-signature'" },
      ]);
    } finally {
      await gw.close();
    }
  });

  it('answers 401 on a protected route without a token or with a bad one, and passes a good one on', async () => {
    const before = stub.seen.length;
    const none = await fetch(`${gateway.url}/orders/${orderId}`);
    await expectProblem(none, 401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const other = await createTestKeys();
    try {
      const forged = await fetch(`${gateway.url}/orders/${orderId}`, {
        headers: { authorization: `Bearer ${await other.sign(buyer)}` },
      });
      await expectProblem(forged, 401);
    } finally {
      other.cleanup();
    }
    const expired = await fetch(`${gateway.url}/orders/${orderId}`, {
      headers: {
        authorization: `Bearer ${await keys.sign(buyer, { expiresIn: Math.floor(Date.now() / 1000) - 60 })}`,
      },
    });
    await expectProblem(expired, 401);
    expect(stub.seen.length).toBe(before); // nothing reached the upstream

    const headers = await bearer({ ...buyer, id: '0190a6c4-7b1e-7000-8000-0000000000b1' });
    const ok = await fetch(`${gateway.url}/orders/${orderId}`, { headers });
    expect(ok.status).toBe(200);
    expect(last()?.headers.authorization).toBe(headers.authorization);
  });

  it('answers 400 listing every problem for an invalid body, path or query, without calling the upstream', async () => {
    const before = stub.seen.length;
    const body = await expectProblem(
      await fetch(`${gateway.url}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'nope', password: 'short', name: 'A', role: 'admin', extra: 1 }),
      }),
      400,
    );
    expect((body.errors as Array<{ pointer: string }>).map((e) => e.pointer).sort()).toEqual([
      '/email',
      '/extra',
      '/password',
      '/role',
    ]);
    const headers = await bearer({ ...buyer, id: '0190a6c4-7b1e-7000-8000-0000000000b2' });
    const path = await expectProblem(await fetch(`${gateway.url}/orders/not-a-uuid`, { headers }), 400);
    expect(path.errors).toEqual([{ parameter: 'orderId', detail: 'must match format "uuid"' }]);
    const query = await expectProblem(await fetch(`${gateway.url}/products?limit=1000`), 400);
    expect(query.errors).toEqual([{ parameter: 'limit', detail: 'must be <= 100' }]);
    const malformed = await expectProblem(
      await fetch(`${gateway.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"email":',
      }),
      400,
    );
    expect(malformed.title).toBe('Malformed JSON');
    await expectProblem(
      await fetch(`${gateway.url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'x',
      }),
      415,
    );
    await expectProblem(await fetch(`${gateway.url}/auth/login`, { method: 'POST' }), 400);
    expect(stub.seen.length).toBe(before);
  });

  it('answers 429 with Retry-After once a user has used up the bucket, per user', async () => {
    const heavy = await bearer({ ...buyer, id: '0190a6c4-7b1e-7000-8000-0000000000c1' });
    for (let i = 0; i < 3; i += 1) {
      expect((await fetch(`${gateway.url}/users/me`, { headers: heavy })).status).toBe(200);
    }
    const limited = await fetch(`${gateway.url}/users/me`, { headers: heavy });
    const body = await expectProblem(limited, 429);
    expect(body.title).toBe('Too Many Requests');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Someone else is not affected; time refills the bucket.
    const light = await bearer({ ...buyer, id: '0190a6c4-7b1e-7000-8000-0000000000c2' });
    expect((await fetch(`${gateway.url}/users/me`, { headers: light })).status).toBe(200);
    clock += 10_000;
    expect((await fetch(`${gateway.url}/users/me`, { headers: heavy })).status).toBe(200);
  });

  it('answers 429 per IP', async () => {
    const upstreams = Object.fromEntries(SERVICES.map((name) => [name, stub.url]));
    const gw = await startGateway({
      port: 0,
      upstreams,
      rateLimits: { ip: '2/60s', user: 'off' },
      handleSignals: false,
      logger: pino({ level: 'silent' }),
    });
    try {
      expect((await fetch(`${gw.url}/products`)).status).toBe(200);
      expect((await fetch(`${gw.url}/products`)).status).toBe(200);
      const limited = await fetch(`${gw.url}/products`);
      await expectProblem(limited, 429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(20);
      expect((await fetch(`${gw.url}/health`)).status).toBe(200); // ops routes are not limited
    } finally {
      await gw.close();
    }
  });

  it('passes upstream answers through, problems included', async () => {
    const headers = await bearer({ ...buyer, id: '0190a6c4-7b1e-7000-8000-0000000000d1' });
    const res = await fetch(`${gateway.url}/users/me`, {
      method: 'PATCH',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'New' }),
    });
    await expectProblem(res, 404);
  });

  it('answers 502 when the upstream is down', async () => {
    const headers = await bearer({ ...buyer, id: '0190a6c4-7b1e-7000-8000-0000000000e1' });
    const body = await expectProblem(await fetch(`${gateway.url}/payments/${orderId}`, { headers }), 502);
    expect(body.detail).toBe('The payment service did not answer.');
  });

  it('answers 404 for unknown routes and 405 for a known path with another method', async () => {
    await expectProblem(await fetch(`${gateway.url}/internal/secrets`), 404);
    const res = await fetch(`${gateway.url}/auth/login`);
    await expectProblem(res, 405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('refuses absolute-form, protocol-relative and dot-segment request targets with 400, reaching no one', async () => {
    const elsewhere = await startStubUpstream();
    try {
      const host = new URL(elsewhere.url).host;
      const before = stub.seen.length;
      for (const target of [
        `${elsewhere.url}/products`,
        `//${host}/products`,
        `${host}:80`,
        '*',
        '/products/../auth/me',
        '/products/%2e%2e/auth/me',
        '/products/..%2fauth%2fme',
        '/products\\..\\auth',
      ]) {
        const answer = await rawRequest(gateway.port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n\r\n`);
        expect(answer.status, target).toBe(400);
        expect(answer.head, target).toMatch(/content-type: application\/problem\+json/i);
      }
      expect(elsewhere.seen).toEqual([]);
      expect(stub.seen.length).toBe(before);
    } finally {
      await elsewhere.close();
    }
  });

  it('keeps /ready and /metrics behind the ops token', async () => {
    await expectProblem(await fetch(`${gateway.url}/ready`), 404);
    await expectProblem(await fetch(`${gateway.url}/metrics`), 404);
    const wrong = { authorization: 'Bearer not-the-token' };
    await expectProblem(await fetch(`${gateway.url}/metrics`, { headers: wrong }), 404);
    const metrics = await fetch(`${gateway.url}/metrics`, { headers: ops });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/http_request_duration_seconds/);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
  });

  it('reports readiness per upstream', async () => {
    const res = await fetch(`${gateway.url}/ready`, { headers: ops });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(body.status).toBe('not_ready');
    expect(body.checks.auth?.status).toBe('up');
    expect(body.checks.payment?.status).toBe('down');
  });
});

describe('token bucket', () => {
  it.each([
    { given: '100/10s', want: { requests: 100, windowMs: 10_000 } },
    { given: '5/1m', want: { requests: 5, windowMs: 60_000 } },
    { given: '20/500ms', want: { requests: 20, windowMs: 500 } },
    { given: '7/s', want: { requests: 7, windowMs: 1000 } },
    { given: 'off', want: undefined },
  ])('parses $given', ({ given, want }) => {
    expect(parseRate(given)).toEqual(want);
  });

  it('rejects nonsense', () => {
    expect(() => parseRate('lots')).toThrow(/100\/10s/);
  });

  it('refills continuously and forgets full buckets', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ requests: 2, windowMs: 1000 }, () => now);
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 500; // one token back
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('b')).toEqual({ allowed: true });
    now += 10_000;
    limiter.sweep();
    expect(limiter.size).toBe(0);
  });
});
