import { createRequire } from 'node:module';
import type { HttpRouteTable, ValidateFunction } from '@kada/runtime';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asyncRoute,
  createHttpApp,
  currentUser,
  finishHttpApp,
  HttpError,
  type Listening,
  listen,
  mountRoutes,
  problem,
  requireAuth,
} from '../index.ts';
import { badTokens } from '../testing/bad-tokens.ts';
import { createTestKeys, type TestKeys } from '../testing.ts';

let keys: TestKeys;
let otherKeys: TestKeys;
let server: Listening;
let base: string;
const logged: unknown[] = [];

const require = createRequire(import.meta.url);
const { Ajv2020 } = require('ajv/dist/2020') as typeof import('ajv/dist/2020.js');

/** A one-operation document, as kada-gen would type and emit it (the test compiles its validator itself). */
interface ThingOperations {
  createThing: {
    parameters: Record<string, never>;
    requestBody: { content: { 'application/json': { name: string; qty: number } } };
    responses: { 201: { content: { 'application/json': { got: unknown } } } };
  };
}
const things: HttpRouteTable<ThingOperations> = {
  document: 'things.yaml',
  operations: {
    createThing: {
      operationId: 'createThing',
      method: 'post',
      path: '/things',
      expressPath: '/things',
      upstream: undefined,
      secured: false,
      body: {
        required: true,
        contentTypes: ['application/json'],
        validate: new Ajv2020({ allErrors: true }).compile({
          type: 'object',
          additionalProperties: false,
          required: ['name', 'qty'],
          properties: { name: { type: 'string', minLength: 1 }, qty: { type: 'integer', minimum: 1 } },
        }) as ValidateFunction,
      },
      parameters: [],
      responses: { '201': 'application/json' },
    },
  },
};

const user = { id: '0190a6c4-7b1e-7000-8000-000000000001', role: 'buyer', email: 'b@example.com' } as const;

beforeAll(async () => {
  keys = await createTestKeys();
  otherKeys = await createTestKeys();
  const capture = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) });
  const ctx = { config: { jwt: keys.jwt } };
  const app = createHttpApp({ name: 'kit-test', log: capture, registry: new Registry(), bodyLimit: '1kb' });
  mountRoutes(app, things, { createThing: async ({ body }) => ({ status: 201, body: { got: body } }) });
  app.get('/me', requireAuth(ctx), (req, res) => {
    res.json(currentUser(req));
  });
  app.get('/sellers-only', requireAuth(ctx, ['seller']), (_req, res) => {
    res.json({ ok: true });
  });
  app.get(
    '/conflict',
    asyncRoute(async () => {
      throw new HttpError(409, 'Conflict', 'Already there', {
        type: 'https://kada-mandiya.example/problems/dup',
      });
    }),
  );
  app.get('/teapot', (_req, res) => {
    problem(res, 418, "I'm a teapot", undefined, { brewing: true });
  });
  app.get(
    '/boom',
    asyncRoute(async () => {
      throw new Error('secret internals: password=hunter2');
    }),
  );
  app.get('/correlation', (req, res) => {
    res.json({ id: req.correlationId });
  });
  finishHttpApp(app, capture);
  server = await listen(app, 0, '127.0.0.1');
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  keys?.cleanup();
  otherKeys?.cleanup();
});

async function expectProblem(res: Response, status: number): Promise<Record<string, unknown>> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body.status).toBe(status);
  expect(typeof body.title).toBe('string');
  expect(typeof body.type).toBe('string');
  expect(typeof body.instance).toBe('string');
  return body;
}

describe('problem+json', () => {
  it('answers an unknown route with 404', async () => {
    const body = await expectProblem(await fetch(`${base}/nope?email=x@y.z`), 404);
    expect(body).toMatchObject({ title: 'Not Found', instance: '/nope' }); // the query never echoes back
  });

  it('answers malformed JSON with 400', async () => {
    const res = await fetch(`${base}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name": ',
    });
    const body = await expectProblem(res, 400);
    expect(body.title).toBe('Malformed JSON');
  });

  it('answers a body over the limit with 413', async () => {
    const res = await fetch(`${base}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(5000), qty: 1 }),
    });
    await expectProblem(res, 413);
  });

  it('lists every validation error with a JSON pointer', async () => {
    const res = await fetch(`${base}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ qty: 0, extra: true }),
    });
    const body = await expectProblem(res, 400);
    expect(body.type).toBe('https://kada-mandiya.example/problems/validation');
    expect(body.errors).toEqual(
      expect.arrayContaining([
        { pointer: '/name', detail: "must have required property 'name'" },
        { pointer: '/qty', detail: 'must be >= 1' },
        { pointer: '/extra', detail: 'must NOT have additional properties' },
      ]),
    );
  });

  it('accepts a valid body', async () => {
    const res = await fetch(`${base}/things`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'a', qty: 2 }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ got: { name: 'a', qty: 2 } });
  });

  it('answers a non-JSON body with 415', async () => {
    const res = await fetch(`${base}/things`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'name=a',
    });
    await expectProblem(res, 415);
  });

  it('keeps HttpError status, type and detail', async () => {
    const body = await expectProblem(await fetch(`${base}/conflict`), 409);
    expect(body).toMatchObject({
      type: 'https://kada-mandiya.example/problems/dup',
      title: 'Conflict',
      detail: 'Already there',
    });
  });

  it('sends extension members with problem()', async () => {
    const body = await expectProblem(await fetch(`${base}/teapot`), 418);
    expect(body).toMatchObject({ type: 'about:blank', brewing: true });
  });

  it('hides unexpected errors behind a 500 and logs them with the correlation id', async () => {
    const res = await fetch(`${base}/boom`, { headers: { 'x-correlation-id': 'corr-boom-1' } });
    const body = await expectProblem(res, 500);
    expect(JSON.stringify(body)).not.toContain('hunter2');
    expect(body.correlationId).toBe('corr-boom-1');
    const entry = logged.find(
      (line) =>
        (line as { msg?: string; correlationId?: string }).correlationId === 'corr-boom-1' &&
        (line as { msg?: string }).msg === 'unexpected error',
    );
    expect(entry).toBeDefined();
  });
});

describe('correlation id', () => {
  it('echoes a well-formed x-correlation-id', async () => {
    const res = await fetch(`${base}/correlation`, { headers: { 'x-correlation-id': 'abc-123' } });
    expect(res.headers.get('x-correlation-id')).toBe('abc-123');
    expect(await res.json()).toEqual({ id: 'abc-123' });
  });

  it('replaces a missing or malformed one with a UUID', async () => {
    const res = await fetch(`${base}/correlation`, { headers: { 'x-correlation-id': 'bad id <script>' } });
    const id = res.headers.get('x-correlation-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ id });
  });
});

describe('requireAuth', () => {
  it('accepts a token signed with the private key and sets req.user', async () => {
    const token = await keys.sign(user);
    const res = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ...user, emailVerified: true });
  });

  it('answers 401 with a Bearer challenge without a token', async () => {
    const res = await fetch(`${base}/me`);
    await expectProblem(res, 401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it.each([
    ['garbage', async () => 'not.a.jwt'],
    ['another key', async () => otherKeys.sign(user)],
    ['expired', async () => keys.sign(user, { expiresIn: Math.floor(Date.now() / 1000) - 60 })],
    ['wrong issuer', async () => keys.sign(user, { issuer: 'someone-else' })],
    ['wrong audience', async () => keys.sign(user, { audience: 'other' })],
  ])('answers 401 for a bad token (%s)', async (_name, make) => {
    const res = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${await make()}` } });
    const body = await expectProblem(res, 401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
    expect(body.title).toBe('Unauthorized');
  });

  it('answers 401 problem for every token of the bad-JWT matrix (ES256, no or unknown kid, wrong typ, too old, …)', async () => {
    const matrix = await badTokens(keys, user);
    expect(matrix.length).toBeGreaterThanOrEqual(15);
    for (const [name, token] of matrix) {
      const res = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, name).toBe(401);
      expect(res.headers.get('content-type'), name).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers 403 when the role does not fit', async () => {
    const token = await keys.sign(user);
    await expectProblem(
      await fetch(`${base}/sellers-only`, { headers: { authorization: `Bearer ${token}` } }),
      403,
    );
    const seller = await keys.sign({ ...user, role: 'seller' });
    const ok = await fetch(`${base}/sellers-only`, { headers: { authorization: `Bearer ${seller}` } });
    expect(ok.status).toBe(200);
  });
});

describe('ops routes', () => {
  it('serves /health, /ready and /metrics', async () => {
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: {} });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('http_request_duration_seconds');
  });
});
