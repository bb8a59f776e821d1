import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestKeys, type TestKeys } from '@kada/service-kit/testing.ts';
import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedGateway, startGateway } from '../app.ts';
import { proxyTarget } from '../proxy.ts';

/** One replica of the auth service: answers with its own name so the test sees who served. */
async function replica(name: string): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use((_req, res) => {
    res.status(201).json({ replica: name });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('proxyTarget', () => {
  const table = [
    { given: 'http://a:1', want: ['http://a:1'] },
    { given: 'http://a:1, http://b:2,', want: ['http://a:1', 'http://b:2'] },
  ];
  for (const { given, want } of table) {
    it(`${given} -> ${want.length} replica(s)`, () => {
      expect(proxyTarget('auth', given)).toEqual({ name: 'auth', url: want[0], urls: want });
    });
  }
});

describe('gateway with replicas of a service', () => {
  let keys: TestKeys;
  let a: Awaited<ReturnType<typeof replica>>;
  let b: Awaited<ReturnType<typeof replica>>;
  let gateway: StartedGateway;

  beforeAll(async () => {
    keys = await createTestKeys({ setEnv: true });
    [a, b] = await Promise.all([replica('a'), replica('b')]);
    // The second replica is down (nothing listens on the discard port).
    const auth = `${a.url},http://127.0.0.1:9,${b.url}`;
    gateway = await startGateway({
      port: 0,
      upstreams: { auth, user: a.url, product: a.url, order: a.url, payment: a.url, dashboard: a.url },
      rateLimits: { ip: 'off', user: 'off' },
      handleSignals: false,
      logger: pino({ level: 'silent' }),
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([a?.close(), b?.close()]);
    keys?.cleanup();
  });

  it('spreads requests over the live replicas and never answers 502 while one is up', async () => {
    const served: string[] = [];
    for (let i = 0; i < 9; i++) {
      const res = await fetch(`${gateway.url}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: `r${i}@example.com`,
          password: 'correct horse battery',
          name: 'R',
          role: 'buyer',
        }),
      });
      expect(res.status).toBe(201);
      served.push(((await res.json()) as { replica: string }).replica);
    }
    expect(served.filter((r) => r === 'a').length).toBeGreaterThanOrEqual(3);
    expect(served.filter((r) => r === 'b').length).toBeGreaterThanOrEqual(3);
  });

  it('answers 502 problem+json only when every replica is down', async () => {
    await Promise.all([a.close(), b.close()]);
    const res = await fetch(`${gateway.url}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'x@example.com',
        password: 'correct horse battery',
        name: 'X',
        role: 'buyer',
      }),
    });
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
