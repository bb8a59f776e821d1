/**
 * The broker part of the attack suite: fuzzed messages put straight onto every consumer queue of a
 * running platform, each class checked for its dead letter and its reason.
 *
 * The attacker is a broker user with the `impersonator` tag, created for the run and deleted after:
 * it sets `user_id` to the event's real owner, i.e. it plays a compromised producer, so every
 * defence behind the producer check (size, parse, routing, validation) is exercised; one class
 * forges the producer instead. Each class is sent to every queue, then the attack waits until
 * every copy is in that queue's DLQ (read by an operator consumer) and checks the reason, that no
 * service process exited and every queue still has its consumer, and that the services'
 * `kada_messages_succeeded_total` did not move (no handler ran).
 *
 *   pnpm exec node scripts/attack/broker.ts --count 10000    starts its own platform, prints the table
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { topology } from '@kada/contracts/topology.ts';
import { ensureDevKeys } from '@kada/service-kit';
import { type ChannelModel, type ConfirmChannel, type ConsumeMessage, connect } from 'amqplib';
import {
  type BrokerSetup,
  deleteBrokerUser,
  importDefinitions,
  rabbitPasswordHash,
  randomPasswords,
  setUpBroker,
} from '../broker-setup.ts';
import { Platform, type ServiceName } from '../platform.ts';
import { mulberry32 } from './prng.ts';
import type { AttackRow } from './types.ts';

/** A consumer queue and the events it receives, from the generated topology. */
export interface AttackTarget {
  readonly service: string;
  readonly queue: string;
  readonly routes: readonly { eventType: string; version: number; routingKey: string; owner: string }[];
}

export interface BrokerAttackOptions {
  /** Messages per queue, spread over the classes (the oversized class is capped, see OVERSIZED_CAP). */
  readonly count: number;
  /** The platform's vhost and its users (from `setUpBroker`). */
  readonly broker: BrokerSetup;
  /** The running services: their processes and /metrics. */
  readonly platform: Platform;
  /** Seed of the fuzzer, so a failing run can be repeated. */
  readonly seed?: number;
  /** How long a class may go without a new dead letter before the missing ones count as accepted. */
  readonly idleTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

/** Bodies of 1 MiB + 1 byte: 10,000 per queue would push gigabytes through the broker and its DLQs. */
export const OVERSIZED_CAP = 50;
const MAX_MESSAGE_BYTES = 1024 * 1024;

interface Fuzzed {
  readonly content: Buffer;
  /** undefined: no user_id; otherwise the (impersonated) publisher. */
  readonly userId: string | undefined;
}

interface AttackClass {
  readonly name: string;
  /** The `x-kada-reason` a correct consumer gives it. */
  readonly reason: string;
  make(target: AttackTarget, random: () => number, users: ReadonlyMap<string, string>): Fuzzed;
}

/** The consumer queues of the generated topology, each with the routes bound to it. */
export function attackTargets(): AttackTarget[] {
  const owners = new Map<string, string>();
  for (const s of topology.services) for (const x of s.sends) owners.set(x.routingKey, s.service);
  const targets: AttackTarget[] = [];
  for (const s of topology.services) {
    const queues = [...new Set(s.bindings.map((b) => b.queue))];
    for (const queue of queues) {
      const routes = s.bindings
        .filter((b) => b.queue === queue)
        .map((b) => {
          const m = /^(.+)\.v(\d+)$/.exec(b.routingKey);
          return {
            eventType: m?.[1] ?? b.routingKey,
            version: Number(m?.[2] ?? 1),
            routingKey: b.routingKey,
            owner: owners.get(b.routingKey) ?? 'unknown',
          };
        });
      targets.push({ service: s.service, queue, routes });
    }
  }
  return targets;
}

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

function envelope(route: AttackTarget['routes'][number], data: unknown = {}): Record<string, unknown> {
  return {
    eventId: randomUUID(),
    eventType: route.eventType,
    version: route.version,
    occurredAt: new Date().toISOString(),
    correlationId: randomUUID(),
    causationId: null,
    producer: route.owner,
    data,
  };
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const ownerOf = (route: AttackTarget['routes'][number], users: ReadonlyMap<string, string>) =>
  users.get(route.owner);

export const ATTACK_CLASSES: readonly AttackClass[] = [
  {
    name: 'not JSON',
    reason: 'invalid-json',
    make(target, random, users) {
      const route = pick(random, target.routes);
      const cases = [
        () => Buffer.from(`<event type="${route.eventType}"/>`),
        () => Buffer.concat([Buffer.from([0xff, 0xfe]), randomBytes(1 + Math.floor(random() * 200))]),
        () => json(envelope(route)).subarray(0, 10 + Math.floor(random() * 50)),
        () => Buffer.from(''),
        () => Buffer.from(`{'eventType': '${route.eventType}'}`),
        () => Buffer.from('{"a":1,}'),
        () => Buffer.from('NaN'),
      ];
      return { content: pick(random, cases)(), userId: ownerOf(route, users) };
    },
  },
  {
    name: 'wrong envelope',
    reason: 'validation',
    make(target, random, users) {
      const route = pick(random, target.routes);
      const base = envelope(route);
      const breakers: ((e: Record<string, unknown>) => void)[] = [
        (e) => delete e.eventId,
        (e) => delete e.occurredAt,
        (e) => delete e.correlationId,
        (e) => delete e.data,
        (e) => {
          e.eventId = 42;
        },
        (e) => {
          e.data = null;
        },
        (e) => {
          e.data = [1, 2, 3];
        },
        (e) => {
          e.occurredAt = 'yesterday';
        },
        (e) => {
          e.producer = { name: route.owner };
        },
        (e) => {
          e.causationId = 7;
        },
      ];
      pick(random, breakers)(base);
      return { content: json(base), userId: ownerOf(route, users) };
    },
  },
  {
    name: 'wrong version',
    reason: 'unknown-event',
    make(target, random, users) {
      const route = pick(random, target.routes);
      const version = pick(random, [0, -1, route.version + 1, 99, 1.5, Number.MAX_SAFE_INTEGER]);
      return { content: json({ ...envelope(route), version }), userId: ownerOf(route, users) };
    },
  },
  {
    name: 'unknown type',
    reason: 'unknown-event',
    make(target, random, users) {
      const route = pick(random, target.routes);
      const eventType = pick(random, [
        `${route.eventType}.evil`,
        'order.refund.forced',
        '',
        'constructor',
        `x${randomBytes(4).toString('hex')}`,
      ]);
      return { content: json({ ...envelope(route), eventType }), userId: ownerOf(route, users) };
    },
  },
  {
    name: 'oversized',
    reason: 'too-large',
    make(target, random, users) {
      const route = pick(random, target.routes);
      const padding = 'x'.repeat(MAX_MESSAGE_BYTES + Math.floor(random() * 1024));
      return { content: json({ ...envelope(route), padding }), userId: ownerOf(route, users) };
    },
  },
  {
    name: '__proto__ keys',
    reason: 'invalid-json',
    make(target, random, users) {
      const route = pick(random, target.routes);
      const text = JSON.stringify(envelope(route, { marker: 'MARK' }));
      const cases = [
        text.replace('"marker":"MARK"', '"__proto__":{"isAdmin":true}'),
        text.replace('"marker":"MARK"', '"marker":"MARK","nested":{"__proto__":{"role":"admin"}}'),
        text.replace('"marker":"MARK"', '"\\u005f\\u005fproto__":{"isAdmin":true}'),
        text.replace('{"eventId"', '{"__proto__":{"polluted":1},"eventId"'),
      ];
      return { content: Buffer.from(pick(random, cases)), userId: ownerOf(route, users) };
    },
  },
  {
    name: 'forged producer',
    reason: 'producer-mismatch',
    make(target, random, users) {
      const route = pick(random, target.routes);
      const others = [...users.entries()]
        .filter(([service]) => service !== route.owner)
        .map(([, user]) => user);
      // A well-formed event under another service's user, or under none at all.
      return { content: json(envelope(route)), userId: random() < 0.8 ? pick(random, others) : undefined };
    },
  },
];

/** Sum of `kada_messages_succeeded_total` over every service's /metrics (handler runs that committed). */
async function handledTotal(platform: Platform): Promise<number> {
  let total = 0;
  for (const svc of platform.services.values()) {
    try {
      const res = await fetch(`${svc.url}/metrics`, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) continue;
      for (const line of (await res.text()).split('\n')) {
        if (line.startsWith('kada_messages_succeeded_total{')) total += Number(line.split(' ').pop());
      }
    } catch {
      // a dead service is counted as a crash, not here
    }
  }
  return total;
}

export async function brokerAttack(opts: BrokerAttackOptions): Promise<AttackRow[]> {
  const log = opts.log ?? (() => undefined);
  const { broker, platform } = opts;
  const random = mulberry32(opts.seed ?? 20261129);
  const targets = attackTargets();
  const perClass = Math.max(1, Math.ceil(opts.count / ATTACK_CLASSES.length));
  const attacker = `kada-attacker-${randomUUID().slice(0, 8)}`;
  const password = randomBytes(18).toString('base64url');
  await importDefinitions({
    users: [
      {
        name: attacker,
        password_hash: rabbitPasswordHash(password),
        hashing_algorithm: 'rabbit_password_hashing_sha256',
        tags: ['impersonator'],
      },
    ],
    permissions: [
      { user: attacker, vhost: broker.vhost, configure: '^$', write: '^amq\\.default$', read: '^$' },
    ],
  });
  const attackUrl = new URL(broker.adminUrl);
  attackUrl.username = encodeURIComponent(attacker);
  attackUrl.password = password;
  const attackerConn = await connect(attackUrl.toString());
  const operator = await connect(broker.adminUrl);
  const rows: AttackRow[] = [];
  try {
    // Every dead letter, by messageId, read as it arrives (noAck: this is the attack's own platform).
    const dead = new Map<string, string>();
    const reader = await operator.createChannel();
    for (const t of targets) {
      await reader.consume(
        `${t.queue}.dlq`,
        (m: ConsumeMessage | null) => {
          if (!m) return;
          const id = m.properties.messageId;
          if (typeof id === 'string') dead.set(id, String(m.properties.headers?.['x-kada-reason'] ?? ''));
        },
        { noAck: true },
      );
    }
    const publisher = await attackerConn.createConfirmChannel();
    for (const attack of ATTACK_CLASSES) {
      const n = attack.name === 'oversized' ? Math.min(perClass, OVERSIZED_CAP) : perClass;
      const handledBefore = await handledTotal(platform);
      const ids: string[] = [];
      for (const target of targets) {
        for (let i = 0; i < n; i++) {
          const fuzzed = attack.make(target, random, broker.users);
          const id = `attack.${attack.name.replace(/\W+/g, '-')}.${target.queue}.${i}.${randomUUID()}`;
          ids.push(id);
          publish(publisher, target.queue, fuzzed, id);
          if (i % 500 === 499) await publisher.waitForConfirms();
        }
      }
      await publisher.waitForConfirms();
      await settle(ids, dead, opts.idleTimeoutMs ?? 15_000);
      const handled = (await handledTotal(platform)) - handledBefore;
      let rejected = 0;
      let missing = 0;
      for (const id of ids) {
        const reason = dead.get(id);
        if (reason === undefined) missing += 1;
        else if (reason === attack.reason) rejected += 1;
      }
      const crashes = await countCrashes(platform, operator, targets);
      const row: AttackRow = {
        name: attack.name,
        tried: ids.length,
        rejected,
        wronglyAccepted: Math.max(missing, handled),
        crashes,
      };
      log(formatRow(row));
      rows.push(row);
    }
  } finally {
    await attackerConn.close().catch(() => undefined);
    await operator.close().catch(() => undefined);
    await deleteBrokerUser(attacker).catch(() => undefined);
  }
  return rows;
}

function publish(channel: ConfirmChannel, queue: string, fuzzed: Fuzzed, messageId: string): void {
  channel.publish('', queue, fuzzed.content, {
    messageId,
    persistent: false,
    contentType: 'application/json',
    ...(fuzzed.userId === undefined ? {} : { userId: fuzzed.userId }),
  });
}

/** Waits until every id is dead-lettered, or until no new one arrived for `idleMs`. */
async function settle(
  ids: readonly string[],
  dead: ReadonlyMap<string, string>,
  idleMs: number,
): Promise<void> {
  let seen = -1;
  let lastProgress = Date.now();
  for (;;) {
    const now = ids.reduce((sum, id) => sum + (dead.has(id) ? 1 : 0), 0);
    if (now === ids.length) return;
    if (now !== seen) {
      seen = now;
      lastProgress = Date.now();
    } else if (Date.now() - lastProgress > idleMs) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Services whose process exited, plus queues left without a consumer. */
async function countCrashes(
  platform: Platform,
  operator: ChannelModel,
  targets: readonly AttackTarget[],
): Promise<number> {
  let crashes = 0;
  for (const svc of platform.services.values()) if (svc.child.exitCode !== null) crashes += 1;
  const channel = await operator.createChannel();
  try {
    for (const t of targets) {
      const { consumerCount } = await channel.checkQueue(t.queue);
      if (consumerCount === 0 && platform.services.get(t.service as ServiceName)?.child.exitCode === null)
        crashes += 1;
    }
  } finally {
    await channel.close().catch(() => undefined);
  }
  return crashes;
}

export function formatRow(row: AttackRow): string {
  return `${row.name.padEnd(18)} ${String(row.tried).padStart(8)} ${String(row.rejected).padStart(9)} ${String(row.wronglyAccepted).padStart(17)} ${String(row.crashes).padStart(8)}`;
}

export const TABLE_HEADER = `${'class'.padEnd(18)} ${'tried'.padStart(8)} ${'rejected'.padStart(9)} ${'wrongly accepted'.padStart(17)} ${'crashes'.padStart(8)}`;

export interface AttackPlatform {
  readonly broker: BrokerSetup;
  readonly platform: Platform;
  stop(): Promise<void>;
}

/**
 * A platform of its own for the attack: a fresh vhost with the generated users, and every service
 * that consumes a queue as its own process on an embedded database.
 */
export async function startAttackPlatform(
  options: { log?: (line: string) => void } = {},
): Promise<AttackPlatform> {
  const run = randomUUID().slice(0, 8);
  const tmp = mkdtempSync(join(tmpdir(), 'kada-attack-'));
  const broker = await setUpBroker({
    vhost: `kada-attack-${run}`,
    userPrefix: `attack-${run}.`,
    password: randomPasswords(),
  });
  await ensureDevKeys(join(tmp, 'keys'));
  const only = [...new Set(attackTargets().map((t) => t.service))] as ServiceName[];
  const platform = new Platform({
    root: resolve(import.meta.dirname, '..', '..'),
    portBase: 2000 + Math.floor(Math.random() * 500) * 10,
    only,
    broker,
    env: {
      JWT_PUBLIC_KEY_FILE: join(tmp, 'keys', 'jwt-public.jwk.json'),
      JWT_PRIVATE_KEY_FILE: join(tmp, 'keys', 'jwt-private.jwk.json'),
      NOTIFY_OUTBOX_DIR: join(tmp, 'mail'),
      DATA_DIR: join(tmp, 'data'),
      PAYMENT_PROVIDER: 'simulated',
      LOG_LEVEL: 'error',
    },
    serviceEnv: (name) => ({ DATABASE_URL: join(tmp, `${name}.sqlite`) }),
    ...(options.log ? { onLog: (name: string, line: string) => options.log?.(`${name}: ${line}`) } : {}),
  });
  const stop = async () => {
    await platform.stopAll();
    await broker.remove();
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    await platform.startAll();
  } catch (error) {
    await stop();
    throw error;
  }
  return { broker, platform, stop };
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { count: { type: 'string', default: '10000' }, seed: { type: 'string' } },
  });
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1) {
    process.stderr.write('usage: pnpm exec node scripts/attack/broker.ts [--count N] [--seed S]\n');
    process.exit(2);
  }
  process.stdout.write(
    `attack/broker: starting a platform, then ${count} fuzzed messages per consumer queue\n`,
  );
  const started = Date.now();
  const { broker, platform, stop } = await startAttackPlatform();
  try {
    process.stdout.write(`${TABLE_HEADER}\n`);
    const rows = await brokerAttack({
      count,
      broker,
      platform,
      ...(values.seed ? { seed: Number(values.seed) } : {}),
      log: (line) => process.stdout.write(`${line}\n`),
    });
    const bad = rows.some((r) => r.wronglyAccepted > 0 || r.crashes > 0 || r.rejected !== r.tried);
    process.stdout.write(
      `attack/broker: ${attackTargets().length} queues, ${rows.reduce((s, r) => s + r.tried, 0)} messages, ${Math.round((Date.now() - started) / 1000)} s; ${bad ? 'FAILED' : 'every message dead-lettered with its reason'}\n`,
    );
    process.exitCode = bad ? 1 : 0;
  } finally {
    await stop();
  }
}
