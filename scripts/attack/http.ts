/**
 * The HTTP half of the attack suite: hostile requests through the public gateway of a running platform.
 * Every bad request must get a 4xx application/problem+json; a 2xx or 3xx is "wrongly accepted", and a 5xx,
 * a dropped connection, a 4xx of another type or a service process that died is a "crash".
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { DevKeys } from '@kada/service-kit';
import { accessTokenFor, badTokens } from '@kada/service-kit/testing/bad-tokens.ts';
import Stripe from 'stripe';
import { parse as parseYaml } from 'yaml';
import { fromBase32, totpAt } from '../../services/auth/domain/totp.ts';
import { gatewayOperations, type Operation } from '../../services/gateway/openapi.ts';
import { mulberry32 } from './prng.ts';
import type { AttackRow } from './types.ts';

export interface HttpAttackTarget {
  readonly gatewayUrl: string;
  /** Where the services listen, for absolute-form targets aimed at them. */
  readonly internalUrls: readonly string[];
  readonly keys: DevKeys;
  readonly webhookSecret: string;
  /** Names of service processes that have exited. */
  dead(): string[];
  /** The payment service's log lines so far (JSON, level info), to see how often a webhook was applied. */
  paymentLog(): readonly string[];
}

export interface HttpAttackOptions {
  /** Fuzzed requests per public operation (1,000 in the full run). */
  readonly size: number;
  /** Requests in flight at once. */
  readonly concurrency?: number;
  /** Seed for the fuzzer, so a failing run can be repeated. */
  readonly seed?: number;
}

type Json = Record<string, unknown>;
type Run = (tally: Tally, body: (tally: Tally) => Promise<void>) => Promise<void>;

interface Answer {
  status: number;
  contentType: string;
}

/** Counts one class of attack. */
class Tally {
  tried = 0;
  rejected = 0;
  wronglyAccepted = 0;
  crashes = 0;
  readonly samples: string[] = [];
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }

  /** A hostile request: 4xx problem+json is the only right answer. */
  judge(answer: Answer, what: string): void {
    this.tried += 1;
    const problem = answer.contentType.startsWith('application/problem+json');
    if (answer.status >= 400 && answer.status < 500 && problem) this.rejected += 1;
    else if (answer.status >= 200 && answer.status < 400) this.note('wrongly accepted', answer, what);
    else this.note('crash', answer, what);
  }

  note(kind: 'wrongly accepted' | 'crash', answer: Answer, what: string): void {
    if (kind === 'crash') this.crashes += 1;
    else this.wronglyAccepted += 1;
    if (this.samples.length < 5)
      this.samples.push(`${kind}: ${what} -> ${answer.status} ${answer.contentType}`);
  }

  row(): AttackRow {
    return {
      name: this.name,
      tried: this.tried,
      rejected: this.rejected,
      wronglyAccepted: this.wronglyAccepted,
      crashes: this.crashes,
    };
  }
}

async function send(
  base: string,
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  try {
    const res = await fetch(`${base}${path}`, {
      method: method.toUpperCase(),
      headers: init.headers,
      body: init.body,
      signal: AbortSignal.timeout(15_000),
    });
    await res.arrayBuffer();
    return { status: res.status, contentType: res.headers.get('content-type') ?? '' };
  } catch {
    return { status: 0, contentType: '' };
  }
}

/** One request written by hand, so the request target reaches the gateway exactly as given. */
export function rawRequest(url: string, head: string): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => socket.end(head));
    let data = '';
    socket.setEncoding('latin1');
    socket.setTimeout(15_000, () => socket.destroy());
    socket.on('data', (chunk: string) => {
      data += chunk;
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      const top = data.split('\r\n\r\n')[0] ?? '';
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(top)?.[1] ?? 0),
        contentType: /^content-type:\s*(.+)$/im.exec(top)?.[1]?.trim() ?? '',
      });
    });
  });
}

/** Runs `jobs` with at most `limit` at once. */
async function pool(limit: number, jobs: Array<() => Promise<void>>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, jobs.length) }, async () => {
      while (next < jobs.length) {
        const job = jobs[next];
        next += 1;
        await job?.();
      }
    }),
  );
}

const fakeId = () => randomUUID();
const fill = (path: string, value: (name: string) => string) =>
  path.replace(/\{([^}]+)\}/g, (_m, name: string) => value(name));

/** Every class of HTTP attack, one row each (the fuzzer one row per public operation). */
export async function httpAttacks(
  target: HttpAttackTarget,
  options: HttpAttackOptions,
): Promise<AttackRow[]> {
  const concurrency = options.concurrency ?? 8;
  // The attack reads the public document to invent requests (the gateway itself runs on generated code).
  const spec = parseYaml(
    readFileSync(new URL('../../specs/openapi/gateway.yaml', import.meta.url), 'utf8'),
  ) as Json;
  const operations = gatewayOperations().filter((op) => op.upstream !== undefined);
  const tallies: Tally[] = [];
  const seenDead = new Set<string>();
  const run: Run = async (tally, body) => {
    tallies.push(tally);
    await body(tally);
    for (const name of target.dead()) {
      if (seenDead.has(name)) continue;
      seenDead.add(name);
      tally.note('crash', { status: 0, contentType: '' }, `${name} died`);
    }
  };

  await run(new Tally('jwt: bad tokens'), (tally) => badJwts(target, operations, tally));
  await run(new Tally('request targets'), (tally) => requestTargets(target, tally));
  await run(new Tally("jwt: deleted user's token"), (tally) => deletedUsersToken(target, operations, tally));
  await stripeWebhooks(target, run);
  const random = mulberry32(options.seed ?? 9);
  for (const op of operations) {
    // Nothing to fuzz: no body, no parameters (DELETE /auth/me, GET /users/me); the JWT matrix covers them.
    if (!op.body && parameterNames(spec, op).length === 0) continue;
    await run(new Tally(`fuzz: ${op.operationId}`), (tally) =>
      fuzzOperation(target, spec, op, options.size, concurrency, random, tally),
    );
  }
  // Last: the guesses leave this client (every request comes from the gateway's address) held off by auth.
  await run(new Tally('auth: TOTP guessing'), (tally) => totpGuessing(target, tally));
  for (const tally of tallies) {
    for (const sample of tally.samples) process.stderr.write(`attack ${tally.name}: ${sample}\n`);
  }
  return tallies.map((t) => t.row());
}

async function badJwts(target: HttpAttackTarget, operations: Operation[], tally: Tally): Promise<void> {
  const user = { id: fakeId(), role: 'buyer' as const, email: 'attacker@example.com' };
  const tokens: Array<[string, string | undefined]> = [
    ...(await badTokens(target.keys, user)),
    ['no token', undefined],
    ['not a JWT', 'definitely-not-a-jwt'],
  ];
  const secured = operations.filter((op) => op.secured);
  const jobs: Array<() => Promise<void>> = [];
  for (const [name, token] of tokens) {
    for (const op of secured) {
      jobs.push(async () => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (token !== undefined) headers.authorization = `Bearer ${token}`;
        const answer = await send(target.gatewayUrl, op.method, fill(op.path, fakeId), {
          headers,
          ...(op.body ? { body: '{}' } : {}),
        });
        tally.judge(answer, `${name} on ${op.operationId}`);
      });
    }
  }
  await pool(8, jobs);
}

const json = (token?: string): Record<string, string> => ({
  'content-type': 'application/json',
  ...(token ? { authorization: `Bearer ${token}` } : {}),
});

/** A fresh account through the gateway, logged in; its password. */
async function account(
  gatewayUrl: string,
): Promise<{ email: string; password: string; accessToken: string }> {
  const email = `attack-${fakeId()}@example.com`;
  const password = 'attack password 123';
  const body = JSON.stringify({ email, password, name: 'Attacker', role: 'buyer' });
  const registered = await fetch(`${gatewayUrl}/auth/register`, { method: 'POST', headers: json(), body });
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
  const login = await fetch(`${gatewayUrl}/auth/login`, {
    method: 'POST',
    headers: json(),
    body: JSON.stringify({ email, password }),
  });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  return { email, password, accessToken: ((await login.json()) as { accessToken: string }).accessToken };
}

/**
 * A deleted account's access token, still within its lifetime, on every secured operation without a body
 * (a body would be judged by the gateway's validation first). Once user.deleted has reached the services,
 * the only right answer is 401.
 */
async function deletedUsersToken(
  target: HttpAttackTarget,
  operations: Operation[],
  tally: Tally,
): Promise<void> {
  const { accessToken } = await account(target.gatewayUrl);
  const deleted = await send(target.gatewayUrl, 'delete', '/auth/me', { headers: json(accessToken) });
  if (deleted.status !== 204) throw new Error(`DELETE /auth/me answered ${deleted.status}`);
  // user.deleted travels through the broker: wait until one service refuses the token, then a moment more.
  const deadline = Date.now() + 30_000;
  while ((await send(target.gatewayUrl, 'get', '/users/me', { headers: json(accessToken) })).status !== 401) {
    if (Date.now() > deadline) break;
    await new Promise((done) => setTimeout(done, 200));
  }
  await new Promise((done) => setTimeout(done, 2000));
  for (const op of operations.filter((o) => o.secured && !o.body)) {
    const answer = await send(target.gatewayUrl, op.method, fill(op.path, fakeId), {
      headers: json(accessToken),
    });
    // Any other 4xx (404 for a made-up id, 403 for a role) means the token itself was accepted.
    if (answer.status === 401 || answer.status >= 500 || answer.status === 0 || answer.status < 400)
      tally.judge(answer, `deleted user's token on ${op.operationId}`);
    else tally.note('wrongly accepted', answer, `deleted user's token on ${op.operationId}`);
  }
}

/**
 * Someone who has the password guesses TOTP codes from one client: after the lock threshold every answer is
 * 401 or 429, and even the right code does not get in afterwards.
 */
async function totpGuessing(target: HttpAttackTarget, tally: Tally): Promise<void> {
  const { email, password, accessToken } = await account(target.gatewayUrl);
  const enrol = await fetch(`${target.gatewayUrl}/auth/two-factor/totp`, {
    method: 'POST',
    headers: json(accessToken),
  });
  if (enrol.status !== 201) throw new Error(`enrolment answered ${enrol.status}`);
  const secret = fromBase32(((await enrol.json()) as { secret: string }).secret);
  const confirm = await fetch(`${target.gatewayUrl}/auth/two-factor/totp/confirm`, {
    method: 'POST',
    headers: json(accessToken),
    body: JSON.stringify({ code: totpAt(secret, Date.now() / 1000) }),
  });
  if (confirm.status !== 200) throw new Error(`confirmation answered ${confirm.status}`);
  const now = Date.now() / 1000;
  const live = new Set([totpAt(secret, now - 30), totpAt(secret, now), totpAt(secret, now + 30)]);
  const guesses = Array.from({ length: 40 }, (_, i) => String(i * 24_999 + 7).padStart(6, '0')).filter(
    (code) => !live.has(code),
  );
  for (const totpCode of guesses) {
    const answer = await send(target.gatewayUrl, 'post', '/auth/login', {
      headers: json(),
      body: JSON.stringify({ email, password, totpCode }),
    });
    tally.judge(answer, `guessed code ${totpCode}`);
  }
  const right = await send(target.gatewayUrl, 'post', '/auth/login', {
    headers: json(),
    body: JSON.stringify({ email, password, totpCode: totpAt(secret, Date.now() / 1000 + 30) }),
  });
  tally.judge(right, 'the right code after the guesses (the account must be locked)');
}

async function requestTargets(target: HttpAttackTarget, tally: Tally): Promise<void> {
  const gateway = new URL(target.gatewayUrl);
  const targets = [
    ...target.internalUrls.flatMap((url) => [`${url}/health`, `${url}/products`, `${url}/metrics`]),
    `${target.gatewayUrl}/metrics`,
    'http://169.254.169.254/latest/meta-data/',
    `//${gateway.host}/products`,
    `//169.254.169.254/products`,
    gateway.host,
    '*',
    '/products/../metrics',
    '/products/%2e%2e/metrics',
    '/products/.%2E/ready',
    '/products/..%2fmetrics',
    '/products/%2F..%2F..%2Fmetrics',
    '/products\\..\\metrics',
    '/products%5c..%5cmetrics',
    '/./products',
    '/orders/../../../etc/passwd',
    '/%2e%2e/%2e%2e/etc/passwd',
  ];
  for (const requestTarget of targets) {
    const answer = await rawRequest(
      target.gatewayUrl,
      `GET ${requestTarget} HTTP/1.1\r\nHost: ${gateway.host}\r\nConnection: close\r\n\r\n`,
    );
    tally.judge(answer, requestTarget);
  }
}

async function stripeWebhooks(target: HttpAttackTarget, run: Run): Promise<void> {
  const stripe = new Stripe('sk_test_attack');
  const event = () => {
    const orderId = fakeId();
    return JSON.stringify({
      id: `evt_attack_${randomUUID().replace(/-/g, '')}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      created: Math.floor(Date.now() / 1000),
      livemode: false,
      data: {
        object: {
          id: `pi_attack_${randomUUID().replace(/-/g, '')}`,
          object: 'payment_intent',
          amount: 1,
          currency: 'usd',
          status: 'succeeded',
          metadata: { orderId },
        },
      },
    });
  };
  const post = (body: string, signature: string | undefined) =>
    send(target.gatewayUrl, 'post', '/webhooks/stripe', {
      headers: {
        'content-type': 'application/json',
        ...(signature ? { 'stripe-signature': signature } : {}),
      },
      body,
    });
  const sign = (payload: string, secret = target.webhookSecret, timestamp?: number) =>
    stripe.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp ? { timestamp } : {}) });

  await run(new Tally('stripe: forged'), async (tally) => {
    for (let i = 0; i < 10; i += 1) {
      const body = event();
      tally.judge(await post(body, sign(body, `whsec_${randomUUID().replace(/-/g, '')}`)), 'wrong secret');
      tally.judge(await post(body, undefined), 'no signature');
      tally.judge(
        await post(body, `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`),
        'zero signature',
      );
    }
  });
  await run(new Tally('stripe: stale or replayed late'), async (tally) => {
    for (let i = 0; i < 10; i += 1) {
      const body = event();
      const old = Math.floor(Date.now() / 1000) - 3600;
      tally.judge(await post(body, sign(body, target.webhookSecret, old)), 'signed an hour ago');
    }
  });
  await run(new Tally('stripe: tampered replay'), async (tally) => {
    for (let i = 0; i < 10; i += 1) {
      const body = event();
      const header = sign(body);
      const changed = body.replace('"amount":1', '"amount":100000');
      tally.judge(await post(changed, header), 'signature of another body');
    }
  });
  await run(new Tally('stripe: duplicated'), async (tally) => {
    for (let i = 0; i < 5; i += 1) {
      const body = event();
      const id = (JSON.parse(body) as { id: string }).id;
      const header = sign(body);
      const answers = await Promise.all(Array.from({ length: 4 }, () => post(body, header)));
      // A well-signed event is the one request here that should be answered 2xx; what matters is that it
      // is applied once. The payment service logs each webhook with its outcome.
      await new Promise((r) => setTimeout(r, 200));
      const applied = target
        .paymentLog()
        .filter(
          (line) => line.includes(id) && line.includes('Stripe webhook') && !line.includes('"duplicate"'),
        );
      for (const answer of answers) {
        tally.tried += 1;
        if (answer.status >= 500 || answer.status === 0) tally.note('crash', answer, 'duplicate delivery');
        else tally.rejected += 1;
      }
      if (applied.length > 1) {
        for (let extra = 1; extra < applied.length; extra += 1) {
          tally.note(
            'wrongly accepted',
            { status: 200, contentType: '' },
            `${id} applied ${applied.length} times`,
          );
          tally.rejected -= 1;
        }
      }
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// The fuzzer: bodies (or parameters) that the operation's schema rejects, checked with the gateway's own
// validators, so every one of them must be refused.

type Random = () => number;
/** Lone surrogates (which URLs cannot carry) become U+FFFD, as String#toWellFormed does. */
const wellFormed = (text: string): string =>
  text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const NASTY_STRINGS = [
  '',
  ' ',
  'a'.repeat(10_000),
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '\u0000',
  '\ud800',
  '𝕂𝕒𝕕𝕒',
  'http://169.254.169.254/',
  '$' + '{jndi:ldap://x}', // a Log4Shell probe, spelled so no linter takes it for a template
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  '0190a6c4-7b1e-7000-8000-00000000000g',
  'not-an-email',
  '@',
];

function junk(random: Random, depth = 0): unknown {
  switch (Math.floor(random() * 9)) {
    case 0:
      return pick(random, NASTY_STRINGS);
    case 1:
      return pick(random, [-1, 0, 1.5, 2 ** 53 + 1, -1e308, 1e308, Number.MAX_SAFE_INTEGER]);
    case 2:
      return pick(random, [true, false, null]);
    case 3:
      return depth > 2 ? [] : [junk(random, depth + 1), junk(random, depth + 1)];
    case 4:
      return depth > 2 ? {} : { [pick(random, ['__proto__', 'constructor', 'x'])]: junk(random, depth + 1) };
    case 5:
      return randomUUID();
    case 6:
      return `${randomUUID().slice(0, 8)}@example.com`;
    case 7:
      return Math.floor(random() * 1000);
    default:
      return 'x'.repeat(Math.floor(random() * 300));
  }
}

function deepNest(levels: number): string {
  return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

/** The JSON Schema of an operation's body, `$ref`s into components followed. */
function bodySchema(spec: Json, op: Operation): Json {
  const paths = spec.paths as Record<string, Record<string, Json>>;
  const requestBody = paths[op.path]?.[op.method]?.requestBody as Json | undefined;
  const content = requestBody?.content as Record<string, { schema?: Json }> | undefined;
  return resolveRef(spec, content?.['application/json']?.schema ?? {});
}

function resolveRef(spec: Json, schema: Json): Json {
  let current = schema;
  for (let i = 0; i < 10 && typeof current.$ref === 'string'; i += 1) {
    const name = (current.$ref as string).replace('#/components/schemas/', '');
    current = ((spec.components as Json).schemas as Record<string, Json>)[name] ?? {};
  }
  return current;
}

/** A body candidate: raw text to send, and the parsed value (undefined when it is not JSON at all). */
function fuzzBody(random: Random, schema: Json): { text: string; value: unknown; contentType: string } {
  const properties = Object.keys((schema.properties as Json | undefined) ?? {});
  const required = (schema.required as string[] | undefined) ?? [];
  const as = (value: unknown) => ({ text: JSON.stringify(value), value, contentType: 'application/json' });
  switch (Math.floor(random() * 10)) {
    case 0:
      return {
        text: pick(random, ['{', '{"a":}', 'nul', "{'a':1}", '\u0000\u0001', '[1,2']),
        value: undefined,
        contentType: 'application/json',
      };
    case 1:
      return as(junk(random));
    case 2:
      return { text: deepNest(2000), value: undefined, contentType: 'application/json' };
    case 3: {
      const body: Json = {};
      for (const name of properties) body[name] = junk(random);
      return as(body);
    }
    case 4: {
      const body: Json = {};
      for (const name of properties)
        if (!required.includes(name) || random() < 0.5) body[name] = junk(random);
      delete body[pick(random, required.length > 0 ? required : ['x'])];
      return as(body);
    }
    case 5: {
      const text = `{"__proto__":{"role":"admin","isAdmin":true},"constructor":{"prototype":{"x":1}}}`;
      return { text, value: JSON.parse(text), contentType: 'application/json' };
    }
    case 6: {
      const body: Json = {};
      for (const name of properties) body[name] = junk(random);
      body[`extra_${Math.floor(random() * 100)}`] = junk(random);
      return as(body);
    }
    case 7:
      return {
        text: 'email=a@b.c&password=x',
        value: undefined,
        contentType: 'application/x-www-form-urlencoded',
      };
    case 8:
      return as('x'.repeat(200_000));
    default: {
      const body: Json = {};
      for (const name of properties) body[name] = random() < 0.7 ? pick(random, NASTY_STRINGS) : junk(random);
      return as(body);
    }
  }
}

async function fuzzOperation(
  target: HttpAttackTarget,
  spec: Json,
  op: Operation,
  size: number,
  concurrency: number,
  random: Random,
  tally: Tally,
): Promise<void> {
  const role =
    op.path.startsWith('/dashboard') || (op.path.startsWith('/products') && op.method !== 'get')
      ? 'seller'
      : 'buyer';
  const token = op.secured
    ? await accessTokenFor(target.keys, { id: fakeId(), role, email: 'fuzz@example.com' })
    : undefined;
  const schema = op.body ? bodySchema(spec, op) : {};
  const paramNames = parameterNames(spec, op);
  const jobs: Array<() => Promise<void>> = [];
  for (let i = 0; i < size; i += 1) {
    let request: { path: string; body?: string; contentType?: string; what: string } | undefined;
    for (let attempt = 0; attempt < 20 && !request; attempt += 1) request = candidate();
    if (!request) continue;
    const chosen = request;
    jobs.push(async () => {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (chosen.contentType) headers['content-type'] = chosen.contentType;
      const answer = await send(target.gatewayUrl, op.method, chosen.path, {
        headers,
        ...(chosen.body !== undefined ? { body: chosen.body } : {}),
      });
      tally.judge(answer, `${op.operationId} ${chosen.what}`);
    });
  }
  await pool(concurrency, jobs);

  /** A request the gateway's validators reject, or undefined when the dice made a valid one. */
  function candidate(): { path: string; body?: string; contentType?: string; what: string } | undefined {
    const pathValues: Json = {};
    const query: Record<string, string> = {};
    const fuzzParams = !op.body || random() < 0.2;
    for (const { name, in: where } of paramNames) {
      const value = fuzzParams ? wellFormed(String(junk(random))) : where === 'path' ? fakeId() : undefined;
      if (value === undefined) continue;
      if (where === 'path') pathValues[name] = value;
      else if (where === 'query' && random() < 0.7) query[name] = value;
    }
    // An empty path segment is another route (/orders/ lists orders), not a bad parameter of this one.
    if (Object.values(pathValues).some((value) => value === '')) return undefined;
    const path = fill(op.path, (name) =>
      encodeURIComponent(wellFormed(String(pathValues[name] ?? fakeId()))),
    );
    const qs = new URLSearchParams(query).toString();
    const url = qs ? `${path}?${qs}` : path;
    const paramProblems = op.validateParameters({ path: pathValues, query, headers: {} });
    if (!op.body) return paramProblems.length > 0 ? { path: url, what: `${url}` } : undefined;
    const body = fuzzBody(random, schema);
    const bodyInvalid =
      body.value === undefined || body.contentType !== 'application/json' || !op.body.validate(body.value);
    if (paramProblems.length === 0 && !bodyInvalid) return undefined;
    return { path: url, body: body.text, contentType: body.contentType, what: body.text.slice(0, 80) };
  }
}

function parameterNames(spec: Json, op: Operation): Array<{ name: string; in: string }> {
  const paths = spec.paths as Record<string, Record<string, Json>>;
  const item = paths[op.path] ?? {};
  const list = [
    ...((item.parameters as Json[] | undefined) ?? []),
    ...((item[op.method]?.parameters as Json[] | undefined) ?? []),
  ];
  return list
    .map((p) => resolveParameter(spec, p))
    .filter((p) => p.in === 'path' || p.in === 'query')
    .map((p) => ({ name: String(p.name), in: String(p.in) }));
}

function resolveParameter(spec: Json, parameter: Json): Json {
  if (typeof parameter.$ref !== 'string') return parameter;
  const name = parameter.$ref.replace('#/components/parameters/', '');
  return ((spec.components as Json).parameters as Record<string, Json>)[name] ?? {};
}
