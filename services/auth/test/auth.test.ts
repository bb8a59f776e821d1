import { setTimeout as sleep } from 'node:timers/promises';
import { authResponseValidators } from '@kada/contracts/openapi/auth.responses.ts';
import { authRouteTable } from '@kada/contracts/openapi/auth.routes.ts';
import { loadSealPrivateKey, openToken, verifyAccessToken } from '@kada/service-kit';
import { contractFetch } from '@kada/service-kit/testing/contract.ts';
import {
  createTestKeys,
  type TestDialect,
  type TestKeys,
  tapEvents,
  testDatabase,
  testVhost,
} from '@kada/service-kit/testing.ts';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthService } from '../app.ts';
import type { AuthDatabase } from '../db/schema.ts';
import { fromBase32, totpAt } from '../domain/totp.ts';

// Every answer these tests see is checked against auth.yaml (status, content type, body schema).
const fetch = contractFetch(authRouteTable, authResponseValidators);

interface OutboxEvent {
  eventType: string;
  correlationId: string;
  data: Record<string, unknown>;
}

const vhost = await testVhost('kada-auth-test');
afterAll(async () => {
  await vhost?.drop();
});

describe.skipIf(!vhost).each<TestDialect>(['sqlite', 'postgres'])('auth service on %s', (dialect) => {
  let tap: Awaited<ReturnType<typeof tapEvents>>;
  let keys: TestKeys;
  let database: Awaited<ReturnType<typeof testDatabase>>;
  let service: Awaited<ReturnType<typeof startAuthService>>;
  let base: string;
  let clockOffsetMs = 0;
  const logLines: string[] = [];
  const password = 'correct horse battery';

  beforeAll(async () => {
    keys = await createTestKeys({ setEnv: true });
    database = await testDatabase(dialect, { name: 'kada_auth_test' });
    tap = await tapEvents(vhost?.url ?? '', 'user.#');
    service = await startAuthService({
      port: 0,
      rabbitUrl: vhost?.url ?? '',
      databaseUrl: database.url,
      handleSignals: false,
      logger: pino({ level: 'debug' }, { write: (line: string) => logLines.push(line) }),
      config: { privateKeyFile: keys.privateKeyFile, unlockSweepMs: 100 },
      now: () => new Date(Date.now() + clockOffsetMs),
    });
    base = service.url;
  });

  afterAll(async () => {
    await service?.close();
    await tap?.close();
    await database?.destroy();
    keys?.cleanup();
  });

  const db = () => service.ctx.db as Kysely<AuthDatabase>;

  /**
   * The events of this type (and user) that reached the exchange, waiting up to 10 s for `atLeast` of them
   * (0: no wait, for "nothing was sent"). The outbox keeps no bodies once sent, so the tap is where they are.
   */
  async function events(type: string, userId?: string, atLeast = 1): Promise<OutboxEvent[]> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = tap.events.filter(
        (event) => event.eventType === type && (userId === undefined || event.data.userId === userId),
      );
      if (found.length >= atLeast || Date.now() > deadline) return found;
      await sleep(50);
    }
  }

  /** Notification's side: the link token opened with the private seal key only notification holds. */
  async function linkToken(event: OutboxEvent | undefined): Promise<string> {
    const key = await loadSealPrivateKey(keys.sealPrivateKeyFile);
    return openToken(key, String(event?.data.sealedToken), `${event?.eventType}:${event?.data.userId}`);
  }

  type OutboxRow = { event_type: string; body: string; sent_at: number | null; id: number };
  const outboxRows = () =>
    (service.ctx.db as unknown as Kysely<{ outbox: OutboxRow }>).selectFrom('outbox').selectAll().execute();

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  let counter = 0;
  async function registerUser(role: 'buyer' | 'seller' = 'buyer') {
    counter += 1;
    const email = `user${counter}-${dialect}@example.com`;
    const res = await post('/auth/register', { email, password, name: `User ${counter}`, role });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { userId: string };
    return { email, userId: body.userId };
  }

  async function loginOk(email: string, headers: Record<string, string> = {}) {
    const res = await post('/auth/login', { email, password }, headers);
    expect(res.status).toBe(200);
    return (await res.json()) as {
      accessToken: string;
      refreshToken: string;
      expiresIn: number;
      tokenType: string;
    };
  }

  it('registers an account, hashes the password with Argon2id and emits both events through the outbox', async () => {
    const res = await post(
      '/auth/register',
      { email: 'Ada@Example.com', password, name: 'Ada', role: 'seller' },
      { 'x-correlation-id': 'corr-register-1' },
    );
    expect(res.status).toBe(201);
    const body = (await res.json()) as { userId: string };
    expect(body).toEqual({
      userId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/),
      email: 'ada@example.com',
      name: 'Ada',
      role: 'seller',
      emailVerified: false,
    });
    const row = await db()
      .selectFrom('users')
      .selectAll()
      .where('id', '=', body.userId)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const [registered] = await events('user.registered', body.userId);
    expect(registered).toMatchObject({
      correlationId: 'corr-register-1',
      data: { userId: body.userId, email: 'ada@example.com', name: 'Ada', role: 'seller' },
    });
    const [verification] = await events('user.email_verification_requested', body.userId);
    expect(verification?.data.token).toBeUndefined();
    expect(verification?.data.sealedToken).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    expect(await linkToken(verification)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers a taken address (any case) like a new one, creating nothing, and refuses invalid bodies', async () => {
    const dup = await post('/auth/register', {
      email: 'ADA@example.com',
      password,
      name: 'Ada 2',
      role: 'buyer',
    });
    expect(dup.status).toBe(201);
    const lookalike = (await dup.json()) as { userId: string };
    expect(lookalike).toEqual({
      userId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7/),
      email: 'ada@example.com',
      name: 'Ada 2',
      role: 'buyer',
      emailVerified: false,
    });
    const owners = await db()
      .selectFrom('users')
      .select(['id', 'name'])
      .where('email', '=', 'ada@example.com')
      .execute();
    expect(owners.map((o) => o.name)).toEqual(['Ada']);
    expect(await events('user.registered', lookalike.userId, 0)).toHaveLength(0);
    expect(await events('user.email_verification_requested', lookalike.userId, 0)).toHaveLength(0);
    const bad = await post('/auth/register', {
      email: 'not-an-email',
      password: 'short',
      name: '',
      role: 'admin',
    });
    expect(bad.status).toBe(400);
    const problem = (await bad.json()) as { errors: Array<{ pointer: string }> };
    expect(problem.errors.map((e) => e.pointer).sort()).toEqual(['/email', '/name', '/password', '/role']);
  });

  it('verifies the email with the single-use token; tokens say so from the next login', async () => {
    const { userId, email } = await registerUser();
    const before = await verifyAccessToken((await loginOk(email)).accessToken, { jwt: keys.jwt });
    expect(before.emailVerified).toBe(false);
    const [requested] = await events('user.email_verification_requested', userId);
    const token = await linkToken(requested);
    expect((await post('/auth/verify-email', { token })).status).toBe(204);
    const row = await db()
      .selectFrom('users')
      .select('email_verified')
      .where('id', '=', userId)
      .executeTakeFirst();
    expect(Number(row?.email_verified)).toBe(1);
    expect((await post('/auth/verify-email', { token })).status).toBe(400);
    const after = await verifyAccessToken((await loginOk(email)).accessToken, { jwt: keys.jwt });
    expect(after.emailVerified).toBe(true);
  });

  it('logs in with a short-lived EdDSA access token the kit verifies', async () => {
    const { email, userId } = await registerUser('seller');
    const tokens = await loginOk(email);
    expect(tokens.tokenType).toBe('Bearer');
    expect(tokens.expiresIn).toBe(900);
    const user = await verifyAccessToken(tokens.accessToken, { jwt: keys.jwt });
    expect(user).toEqual({ id: userId, role: 'seller', email, emailVerified: false });
    const wrong = await post('/auth/login', { email, password: 'wrong password!' });
    expect(wrong.status).toBe(401);
    const unknown = await post('/auth/login', { email: 'nobody@example.com', password });
    expect(unknown.status).toBe(401);
  });

  it('rotates refresh tokens and revokes the family when a rotated token is reused', async () => {
    const { email } = await registerUser();
    const first = await loginOk(email);
    const second = await post('/auth/refresh', { refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    const rotated = (await second.json()) as { refreshToken: string; accessToken: string };
    expect(rotated.refreshToken).not.toBe(first.refreshToken);
    // The stolen first token comes back: both it and its successor die.
    expect((await post('/auth/refresh', { refreshToken: first.refreshToken })).status).toBe(401);
    expect((await post('/auth/refresh', { refreshToken: rotated.refreshToken })).status).toBe(401);
    // Another login is a separate family and still works.
    const other = await loginOk(email);
    expect((await post('/auth/refresh', { refreshToken: other.refreshToken })).status).toBe(200);
  });

  it('logs out: the refresh token stops working', async () => {
    const { email } = await registerUser();
    const tokens = await loginOk(email);
    const auth = { authorization: `Bearer ${tokens.accessToken}` };
    expect((await post('/auth/logout', { refreshToken: tokens.refreshToken })).status).toBe(401);
    expect((await post('/auth/logout', { refreshToken: tokens.refreshToken }, auth)).status).toBe(204);
    expect((await post('/auth/refresh', { refreshToken: tokens.refreshToken })).status).toBe(401);
  });

  it('locks after 5 failed logins, emits user.locked, and user.unlocked when the lock expires', async () => {
    const { email, userId } = await registerUser();
    const from = { 'x-forwarded-for': '198.51.100.5' };
    for (let i = 1; i <= 4; i += 1) {
      expect((await post('/auth/login', { email, password: `wrong password ${i}` }, from)).status).toBe(401);
    }
    const fifth = await post('/auth/login', { email, password: 'wrong password 5' }, from);
    expect(fifth.status).toBe(401);
    const [locked] = await events('user.locked', userId);
    expect(locked?.data).toMatchObject({ userId, email, reason: 'TOO_MANY_FAILED_LOGINS' });
    // The right password does not help while locked, and the answer does not say it is locked.
    const elsewhere = { 'x-forwarded-for': '198.51.100.6' };
    const whileLocked = await post('/auth/login', { email, password }, elsewhere);
    expect(whileLocked.status).toBe(401);
    const unknown = await post(
      '/auth/login',
      { email: `nobody-${dialect}@example.com`, password },
      elsewhere,
    );
    const strip = (body: Record<string, unknown>) => ({ ...body, correlationId: undefined });
    expect(strip((await whileLocked.json()) as Record<string, unknown>)).toEqual(
      strip((await unknown.json()) as Record<string, unknown>),
    );
    expect(await events('user.unlocked', userId, 0)).toHaveLength(0);

    // The lock runs out: the sweeper lifts it and says so, without waiting for a login.
    clockOffsetMs = 16 * 60 * 1000;
    try {
      const deadline = Date.now() + 5000;
      while ((await events('user.unlocked', userId)).length === 0 && Date.now() < deadline) await sleep(50);
      expect((await events('user.unlocked', userId))[0]?.data).toEqual({ userId, email });
      await loginOk(email);
    } finally {
      clockOffsetMs = 0;
    }
    expect(await events('user.unlocked', userId)).toHaveLength(1);
    expect(await events('user.locked', userId)).toHaveLength(1);
  });

  it('counts every guess before verifying it: 40 wrong and then the right one at once do not get in', async () => {
    const { email, userId } = await registerUser();
    const from = { 'x-forwarded-for': '198.51.100.40' };
    const checked = async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const values = [...text.matchAll(/^auth_login_password_checks_total\{[^}]*\} (\d+)$/gm)];
      return values.reduce((sum, m) => sum + Number(m[1]), 0);
    };
    const before = await checked();
    const wrong = Array.from({ length: 40 }, (_, i) =>
      post('/auth/login', { email, password: `wrong guess ${i}` }, from),
    );
    // Once five guesses are on the books, the right password comes too late.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const row = await db()
        .selectFrom('users')
        .select(['failed_logins', 'locked_until'])
        .where('id', '=', userId)
        .executeTakeFirstOrThrow();
      if (row.failed_logins >= 5 || row.locked_until !== null || Date.now() > deadline) break;
      await sleep(1);
    }
    const right = post('/auth/login', { email, password }, from);
    const answers = await Promise.all([...wrong, right]);
    expect(answers.map((a) => a.status).filter((s) => s === 200)).toEqual([]);
    // Of 41 guesses at once, only the five the threshold allows were checked against the password.
    expect((await checked()) - before).toBe(5);
    expect(await events('user.locked', userId)).toHaveLength(1);
    const row = await db()
      .selectFrom('users')
      .select('locked_until')
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    expect(row.locked_until).not.toBeNull();
  });

  it('makes one client that keeps failing wait longer and longer (429 with Retry-After), across accounts', async () => {
    const from = { 'x-forwarded-for': '198.51.100.77' };
    const accounts = await Promise.all([1, 2, 3, 4, 5, 6].map(() => registerUser()));
    // Five failures spread over five accounts: no account is locked, the client has had its free tries.
    for (const { email } of accounts.slice(0, 5)) {
      expect((await post('/auth/login', { email, password: 'nope nope nope' }, from)).status).toBe(401);
    }
    expect(
      (await post('/auth/login', { email: accounts[5]?.email, password: 'nope nope' }, from)).status,
    ).toBe(401);
    const held = await post('/auth/login', { email: accounts[5]?.email, password }, from);
    expect(held.status).toBe(429);
    expect(held.headers.get('content-type')).toMatch(/problem\+json/);
    expect(Number(held.headers.get('retry-after'))).toBe(1);
    // Another client is not affected; after the wait this one may try again, and the next failure doubles it.
    expect(
      (
        await post(
          '/auth/login',
          { email: accounts[5]?.email, password },
          { 'x-forwarded-for': '198.51.100.78' },
        )
      ).status,
    ).toBe(200);
    clockOffsetMs = 1500;
    try {
      expect(
        (await post('/auth/login', { email: accounts[5]?.email, password: 'nope nope' }, from)).status,
      ).toBe(401);
      const longer = await post('/auth/login', { email: accounts[5]?.email, password }, from);
      expect(longer.status).toBe(429);
      expect(Number(longer.headers.get('retry-after'))).toBe(2);
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('alerts on a login from a new IP or user agent, not on the first login', async () => {
    const { email, userId } = await registerUser();
    await loginOk(email, { 'user-agent': 'Firefox/1' });
    await loginOk(email, { 'user-agent': 'Firefox/1' });
    expect(await events('user.login_alert', userId, 0)).toHaveLength(0);
    await loginOk(email, { 'user-agent': 'Curl/8' });
    const alerts = await events('user.login_alert', userId);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.data).toMatchObject({ userId, email, userAgent: 'Curl/8', ip: '127.0.0.1' });
  });

  it('resets a password: 202 for any address, new password works, old sessions end', async () => {
    const { email, userId } = await registerUser();
    const session = await loginOk(email);
    expect((await post('/auth/password-reset/request', { email: 'nobody@example.com' })).status).toBe(202);
    expect((await post('/auth/password-reset/request', { email })).status).toBe(202);
    const [requested] = await events('user.password_reset_requested', userId);
    expect(requested?.data).toMatchObject({ userId, email });
    const newPassword = 'a brand new passphrase';
    const resetToken = await linkToken(requested);
    const confirm = await post('/auth/password-reset/confirm', { token: resetToken, newPassword });
    expect(confirm.status).toBe(204);
    expect((await post('/auth/login', { email, password })).status).toBe(401);
    expect((await post('/auth/login', { email, password: newPassword })).status).toBe(200);
    expect((await post('/auth/refresh', { refreshToken: session.refreshToken })).status).toBe(401);
    const again = await post('/auth/password-reset/confirm', { token: resetToken, newPassword });
    expect(again.status).toBe(400);
  });

  it('deletes the account and emits user.deleted', async () => {
    const { email, userId } = await registerUser();
    const tokens = await loginOk(email);
    const res = await fetch(`${base}/auth/me`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(res.status).toBe(204);
    expect(
      await db().selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst(),
    ).toBeUndefined();
    const [deleted] = await events('user.deleted', userId);
    expect(deleted?.data).toMatchObject({ userId, reason: 'USER_REQUEST' });
    expect((await post('/auth/login', { email, password })).status).toBe(401);
    expect((await post('/auth/refresh', { refreshToken: tokens.refreshToken })).status).toBe(401);
    expect((await fetch(`${base}/auth/me`, { method: 'DELETE' })).status).toBe(401);
    // The access token has not expired, but its account is gone: auth refuses it at once.
    const logout = await post(
      '/auth/logout',
      { refreshToken: tokens.refreshToken },
      { authorization: `Bearer ${tokens.accessToken}` },
    );
    expect(logout.status).toBe(401);
  });

  /** Every string in a JSON value that could be a link token (long, URL-safe). */
  function tokenLike(value: unknown, found: string[] = []): string[] {
    if (typeof value === 'string' && /^[A-Za-z0-9_-]{32,256}$/.test(value)) found.push(value);
    else if (value && typeof value === 'object') for (const v of Object.values(value)) tokenLike(v, found);
    return found;
  }

  it('puts no usable link token in events: neither a tap on the exchange nor the outbox table can verify or reset', async () => {
    const { email, userId } = await registerUser();
    expect((await post('/auth/password-reset/request', { email })).status).toBe(202);
    const seen = [
      ...(await events('user.email_verification_requested', userId)),
      ...(await events('user.password_reset_requested', userId)),
    ];
    expect(seen).toHaveLength(2);
    const candidates = new Set(seen.flatMap((event) => tokenLike(event.data)));
    for (const row of await outboxRows()) {
      for (const candidate of row.body === '' ? [] : tokenLike(JSON.parse(row.body)))
        candidates.add(candidate);
    }
    expect(candidates.size).toBeGreaterThan(0);
    for (const token of candidates) {
      expect([400]).toContain((await post('/auth/verify-email', { token })).status);
      const reset = await post('/auth/password-reset/confirm', {
        token,
        newPassword: 'taken over, 12+ chars',
      });
      expect(reset.status).toBe(400);
    }
    const row = await db()
      .selectFrom('users')
      .select('email_verified')
      .where('id', '=', userId)
      .executeTakeFirst();
    expect(Number(row?.email_verified)).toBe(0);
    expect((await post('/auth/login', { email, password })).status).toBe(200);
  });

  it("keeps no event body in the outbox once sent, so a deleted user's address is gone from it", async () => {
    const { email, userId } = await registerUser();
    const tokens = await loginOk(email, { 'user-agent': 'First/1' });
    await loginOk(email, { 'user-agent': 'Second/2' }); // user.login_alert, with the address
    await events('user.login_alert', userId);
    const del = await fetch(`${base}/auth/me`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${tokens.accessToken}` },
    });
    expect(del.status).toBe(204);
    await events('user.deleted', userId);
    const deadline = Date.now() + 10_000;
    let rows = await outboxRows();
    while (rows.some((r) => r.sent_at === null) && Date.now() < deadline) {
      await sleep(50);
      rows = await outboxRows();
    }
    expect(rows.filter((r) => r.event_type === 'user.registered').length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(email);
    expect(rows.every((r) => r.body === '')).toBe(true);
  });

  /** Registers, logs in and turns TOTP on; returns the secret and the recovery codes. */
  async function withTwoFactor(from: Record<string, string>) {
    const user = await registerUser();
    const session = await loginOk(user.email, from);
    const bearer = { ...from, authorization: `Bearer ${session.accessToken}` };
    const enrol = await post('/auth/two-factor/totp', {}, bearer);
    expect(enrol.status).toBe(201);
    const enrolment = (await enrol.json()) as { secret: string; otpauthUri: string };
    const secret = fromBase32(enrolment.secret);
    const wrongFirst = await post(
      '/auth/two-factor/totp/confirm',
      { code: totpAt(secret, Date.now() / 1000 + 300) },
      bearer,
    );
    expect(wrongFirst.status).toBe(400);
    const confirm = await post(
      '/auth/two-factor/totp/confirm',
      { code: totpAt(secret, Date.now() / 1000) },
      bearer,
    );
    expect(confirm.status).toBe(200);
    const { recoveryCodes } = (await confirm.json()) as { recoveryCodes: string[] };
    return { ...user, secret, enrolment, recoveryCodes, bearer };
  }

  it('turns TOTP on with a confirmed code; login then steps up, takes each code once, and recovery codes once', async () => {
    const from = { 'x-forwarded-for': '198.51.100.120' };
    const { email, userId, secret, enrolment, recoveryCodes, bearer } = await withTwoFactor(from);
    expect(enrolment.otpauthUri).toMatch(
      /^otpauth:\/\/totp\/Kada%20Mandiya:user\d+-\w+%40example\.com\?secret=[A-Z2-7]{32}&/,
    );
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const [enabled] = await events('user.two_factor_enabled', userId);
    expect(enabled?.data).toEqual({ userId, email, method: 'totp' });
    // Enrolling again while on is refused; the secret is nowhere in clear.
    expect((await post('/auth/two-factor/totp', {}, bearer)).status).toBe(409);
    const stored = await db().selectFrom('two_factor').selectAll().where('user_id', '=', userId).execute();
    const codes = await db().selectFrom('recovery_codes').selectAll().where('user_id', '=', userId).execute();
    const everything = JSON.stringify([stored, codes, tap.events, logLines]);
    expect(everything).not.toContain(enrolment.secret);
    for (const code of recoveryCodes) expect(everything).not.toContain(code);

    // The right password alone: step up.
    const stepUp = await post('/auth/login', { email, password }, from);
    expect(stepUp.status).toBe(401);
    expect(((await stepUp.json()) as { type: string }).type).toMatch(/two-factor-required$/);
    // The confirming code's step is used up; the next step's code works once.
    const next = totpAt(secret, Date.now() / 1000 + 30);
    expect((await post('/auth/login', { email, password, totpCode: next }, from)).status).toBe(200);
    const replay = await post('/auth/login', { email, password, totpCode: next }, from);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { type: string }).type).not.toMatch(/two-factor-required$/);
    // A code without the right password gets nothing.
    const laterCode = totpAt(secret, Date.now() / 1000 + 60);
    expect(
      (await post('/auth/login', { email, password: 'not the password', totpCode: laterCode }, from)).status,
    ).toBe(401);
    const recovery = recoveryCodes[0] ?? '';
    expect((await post('/auth/login', { email, password, recoveryCode: recovery }, from)).status).toBe(200);
    expect((await post('/auth/login', { email, password, recoveryCode: recovery }, from)).status).toBe(401);

    // Off with the password and a recovery code; user.two_factor_disabled; then the password alone works.
    const wrongPassword = await post(
      '/auth/two-factor/disable',
      { password: 'not the password', recoveryCode: recoveryCodes[1] },
      bearer,
    );
    expect(wrongPassword.status).toBe(403);
    const off = await post('/auth/two-factor/disable', { password, recoveryCode: recoveryCodes[1] }, bearer);
    expect(off.status).toBe(204);
    const [disabled] = await events('user.two_factor_disabled', userId);
    expect(disabled?.data).toEqual({ userId, email, method: 'totp' });
    expect((await post('/auth/login', { email, password }, from)).status).toBe(200);
    expect(
      await db().selectFrom('recovery_codes').select('code_hash').where('user_id', '=', userId).execute(),
    ).toEqual([]);
  });

  it('throttles TOTP guessing like password guessing: the account locks and the client must wait', async () => {
    const setup = { 'x-forwarded-for': '198.51.100.130' };
    const { email, userId, secret } = await withTwoFactor(setup);
    const guesser = { 'x-forwarded-for': '198.51.100.131' };
    const right = totpAt(secret, Date.now() / 1000 + 30);
    const guesses = ['000000', '111111', '222222', '333333', '444444', '555555', '666666', '777777'].filter(
      (code) =>
        code !== right &&
        code !== totpAt(secret, Date.now() / 1000) &&
        code !== totpAt(secret, Date.now() / 1000 - 30),
    );
    const statuses: number[] = [];
    for (const totpCode of guesses.slice(0, 7)) {
      statuses.push((await post('/auth/login', { email, password, totpCode }, guesser)).status);
    }
    // Five wrong codes lock the account and use up the client's free tries; then the client is held off.
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toContain(429);
    const [locked] = await events('user.locked', userId);
    expect(locked?.data).toMatchObject({ userId, reason: 'TOO_MANY_FAILED_LOGINS' });
    // Even the right code from another client does not get in while locked.
    const elsewhere = { 'x-forwarded-for': '198.51.100.132' };
    expect((await post('/auth/login', { email, password, totpCode: right }, elsewhere)).status).toBe(401);
  });

  it('keeps emails, passwords and tokens out of the logs', async () => {
    const { email } = await registerUser();
    const tokens = await loginOk(email);
    await post('/auth/login', { email, password: 'wrong password!' });
    const text = logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(0);
    expect(text).not.toContain('@example.com');
    expect(text).not.toContain(password);
    expect(text).not.toContain(tokens.refreshToken);
    expect(text).not.toContain(tokens.accessToken);
  });
});
