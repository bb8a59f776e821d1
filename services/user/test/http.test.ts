import { setTimeout as sleep } from 'node:timers/promises';
import { userResponseValidators } from '@kada/contracts/openapi/user.responses.ts';
import { userRouteTable } from '@kada/contracts/openapi/user.routes.ts';
import type { StartedService } from '@kada/service-kit';
import { contractFetch } from '@kada/service-kit/testing/contract.ts';
import { createTestKeys, type TestKeys, testDatabase, testVhost } from '@kada/service-kit/testing.ts';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthService } from '../../auth/app.ts';
import { startUserService } from '../app.ts';
import type { UserDatabase } from '../db/schema.ts';

/**
 * The user service in-process on a throw-away vhost, fed by the real auth service through RabbitMQ:
 * register at auth -> user.registered -> a profile here; DELETE /auth/me -> user.deleted -> erased.
 */
const vhost = await testVhost('kada-user-test');
// Every answer of the user service these tests see is checked against user.yaml.
const userFetch = contractFetch(userRouteTable, userResponseValidators);

describe.skipIf(!vhost)('user service over the broker', () => {
  let keys: TestKeys;
  const databases: Array<{ destroy(): Promise<void> }> = [];
  let user: StartedService<UserDatabase>;
  let auth: StartedService;
  const silent = pino({ level: process.env.TEST_LOG ?? 'silent' });

  beforeAll(async () => {
    keys = await createTestKeys({ setEnv: true });
    const userDb = await testDatabase('sqlite', { name: 'kada-user-http' });
    const authDb = await testDatabase('sqlite', { name: 'kada-user-http-auth' });
    databases.push(userDb, authDb);
    const common = { port: 0, rabbitUrl: vhost?.url ?? '', handleSignals: false, logger: silent };
    user = await startUserService({ ...common, databaseUrl: userDb.url });
    auth = await startAuthService({
      ...common,
      databaseUrl: authDb.url,
      config: { privateKeyFile: keys.privateKeyFile },
    });
  });

  afterAll(async () => {
    await auth?.close();
    await user?.close();
    for (const db of databases) await db.destroy();
    await vhost?.drop();
    keys?.cleanup();
  });

  const json = (method: string, token: string | undefined, body?: unknown) => ({
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

  async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await fn();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('timed out waiting');
      await sleep(100);
    }
  }

  it('creates the profile from user.registered, serves and updates it, and erases it on user.deleted', async () => {
    const email = 'linus@example.com';
    const password = 'a long enough password';
    const reg = await fetch(
      `${auth.url}/auth/register`,
      json('POST', undefined, { email, password, name: 'Linus', role: 'buyer' }),
    );
    expect(reg.status).toBe(201);
    const { userId } = (await reg.json()) as { userId: string };
    const login = await fetch(`${auth.url}/auth/login`, json('POST', undefined, { email, password }));
    const { accessToken } = (await login.json()) as { accessToken: string };

    const profile = await eventually(async () => {
      const res = await userFetch(`${user.url}/users/me`, json('GET', accessToken));
      return res.status === 200 ? ((await res.json()) as Record<string, unknown>) : undefined;
    });
    expect(profile).toMatchObject({
      userId,
      email,
      name: 'Linus',
      role: 'buyer',
      phone: null,
      address: null,
    });

    const address = { line1: '1 Galle Rd', city: 'Colombo', postalCode: '00300', country: 'LK' };
    const patched = await userFetch(
      `${user.url}/users/me`,
      json('PATCH', accessToken, { phone: '+94771234567', address }),
    );
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ phone: '+94771234567', address, name: 'Linus' });

    const cleared = await userFetch(
      `${user.url}/users/me`,
      json('PATCH', accessToken, { address: null, name: 'L.' }),
    );
    expect(await cleared.json()).toMatchObject({ phone: '+94771234567', address: null, name: 'L.' });

    const invalid = await userFetch(
      `${user.url}/users/me`,
      json('PATCH', accessToken, { phone: '0771234567', extra: 1 }),
    );
    expect(invalid.status).toBe(400);
    const problem = (await invalid.json()) as { errors: Array<{ pointer: string }> };
    expect(problem.errors.map((e) => e.pointer).sort()).toEqual(['/extra', '/phone']);
    expect((await userFetch(`${user.url}/users/me`, json('PATCH', accessToken, {}))).status).toBe(400);

    expect((await userFetch(`${user.url}/users/me`, json('GET', undefined))).status).toBe(401);

    const del = await fetch(`${auth.url}/auth/me`, json('DELETE', accessToken));
    expect(del.status).toBe(204);
    await eventually(async () => {
      const row = await user.ctx.db
        .selectFrom('profiles')
        .select('user_id')
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return row ? undefined : true;
    });
    // The access token has not expired, but its account is gone: refused, not merely "no profile".
    const afterDeletion = await userFetch(`${user.url}/users/me`, json('GET', accessToken));
    expect(afterDeletion.status).toBe(401);
    expect(((await afterDeletion.json()) as { detail: string }).detail).toMatch(/no longer exists/);
    expect(
      (await userFetch(`${user.url}/users/me`, json('PATCH', accessToken, { name: 'Back' }))).status,
    ).toBe(401);
    // Auth refuses it at once, in the deleting transaction.
    expect((await fetch(`${auth.url}/auth/me`, json('DELETE', accessToken))).status).toBe(401);
  });

  it('answers 404 for a valid token without a profile', async () => {
    const token = await keys.sign({
      id: '0190a6c4-7b1e-7000-8000-00000000dead',
      role: 'buyer',
      email: 'x@example.com',
    });
    const res = await userFetch(`${user.url}/users/me`, json('GET', token));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });
});
