/**
 * Test harness: a real database (embedded SQLite or PostgreSQL, unique per test, removed after),
 * the service's migrations, and delivery of events through the GENERATED consumer registration:
 * the routes `register<Name>Consumers` hands to `rt.consume` are captured, so each test event is
 * validated with the same descriptor (the consumer's view) and reaches the handler with the same
 * context the runtime builds. Emitted events go to a recording sink, kept only when the handler's
 * transaction commits (as the outbox would).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  ConsumerDefinition,
  ConsumerHandle,
  ConsumerRoute,
  Envelope,
  EventSink,
  ServiceRuntime,
} from '@kada/runtime';
import { openSqlite } from '@kada/runtime';
import type { Express } from 'express';
import { Kysely, PostgresDialect, SqliteDialect, type Transaction } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';
import pg from 'pg';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createHttpApp, finishHttpApp, listen, type ServiceContext } from '../index.ts';
import { createTestKeys } from '../testing.ts';

export type TestDialect = 'sqlite' | 'postgres';

export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase<DB> {
  readonly db: Kysely<DB>;
  readonly dialect: TestDialect;
  destroy(): Promise<void>;
}

/** A fresh database with the given migrations applied; `destroy()` drops it. */
export async function openTestDatabase<DB>(
  dialect: TestDialect,
  service: string,
  migrations: Record<string, Migration>,
): Promise<TestDatabase<DB>> {
  const name = `kada_test_${service}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  let db: Kysely<DB>;
  let drop: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `${name}-`));
    db = new Kysely<DB>({ dialect: new SqliteDialect({ database: openSqlite(join(dir, 'db.sqlite')) }) });
    drop = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${name}`;
    const pool = new pg.Pool({ connectionString: url.toString(), max: 10 });
    // The drop below ends any connection still open; that is expected, not an error.
    pool.on('error', () => {});
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    drop = async () => {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    };
  }
  const { error } = await new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
  }).migrateToLatest();
  if (error) throw error;
  return {
    db,
    dialect,
    async destroy() {
      await db.destroy();
      await drop();
    },
  };
}

/** A sink that validates each event against its contract and records the envelope. */
export function recordingSink(producer: string): EventSink & { readonly events: Envelope<unknown>[] } {
  const events: Envelope<unknown>[] = [];
  return {
    events,
    async emit(descriptor, data, options = {}) {
      const envelope = {
        eventId: options.eventId ?? randomUUID(),
        eventType: descriptor.eventType,
        version: descriptor.version,
        occurredAt: options.occurredAt ?? new Date().toISOString(),
        correlationId: options.correlationId ?? randomUUID(),
        causationId: options.causationId ?? null,
        producer,
        data,
      };
      if (!descriptor.validate(descriptor.envelope ? envelope : data)) {
        throw new Error(`${descriptor.eventType} is invalid: ${JSON.stringify(descriptor.validate.errors)}`);
      }
      events.push(envelope);
      return envelope;
    },
  };
}

export interface DeliverOptions {
  attempt?: number;
  eventId?: string;
  producer?: string;
}

export interface Delivery {
  /** Events the handler emitted (only when its transaction committed). */
  readonly emitted: Envelope<unknown>[];
}

/** The consumer side of a service, driven in-process through its generated registration. */
export interface ConsumerHarness {
  /** Validates `data` as the service's view of `routingKey`, runs the handler in a transaction. */
  deliver(routingKey: string, data: unknown, options?: DeliverOptions): Promise<Delivery>;
  /**
   * What the runtime does with a delivery whose handler throws: delivers it again, up to `attempts`
   * times in all (for races between concurrent deliveries, where the loser retries).
   */
  deliverUntilHandled(routingKey: string, data: unknown, attempts?: number): Promise<Delivery>;
  readonly routingKeys: string[];
}

export async function consumerHarness<DB>(
  service: string,
  db: Kysely<DB>,
  register: (rt: ServiceRuntime) => Promise<ConsumerHandle[]>,
): Promise<ConsumerHarness> {
  const routes = new Map<string, ConsumerRoute>();
  const fakeRuntime = {
    service,
    async consume(def: ConsumerDefinition): Promise<ConsumerHandle> {
      for (const route of def.routes) routes.set(route.descriptor.routingKey, route);
      return { queue: def.policy.queue, stop: async () => {} };
    },
  } as unknown as ServiceRuntime;
  await register(fakeRuntime);
  const log = pino({ level: 'silent' });
  const harness: ConsumerHarness = {
    routingKeys: [...routes.keys()],
    async deliverUntilHandled(routingKey, data, attempts = 6) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await harness.deliver(routingKey, data);
        } catch (error) {
          if (attempt >= attempts) throw error;
        }
      }
    },
    async deliver(routingKey, data, options = {}) {
      const route = routes.get(routingKey);
      if (!route) throw new Error(`${service} does not consume ${routingKey}`);
      const [eventType] = routingKey.split(/\.v\d+$/);
      const envelope: Envelope<unknown> = {
        eventId: options.eventId ?? randomUUID(),
        eventType: eventType ?? routingKey,
        version: route.descriptor.version,
        occurredAt: new Date().toISOString(),
        correlationId: randomUUID(),
        causationId: null,
        producer: options.producer ?? 'test',
        data,
      };
      if (!route.descriptor.validate(route.descriptor.envelope ? envelope : data)) {
        throw new Error(
          `test event ${routingKey} is invalid: ${JSON.stringify(route.descriptor.validate.errors)}`,
        );
      }
      const sink = recordingSink(service);
      await db.transaction().execute(async (tx) => {
        await route.handle(envelope, { tx, sink, log, attempt: options.attempt ?? 1, envelope });
      });
      return { emitted: sink.events };
    },
  };
  return harness;
}

/** The `data` of the only emitted event of this type; fails when there are none or several. */
export function only<T>(delivery: Delivery | Envelope<unknown>[], eventType: string): T {
  const events = Array.isArray(delivery) ? delivery : delivery.emitted;
  const matching = events.filter((event) => event.eventType === eventType);
  if (matching.length !== 1) {
    throw new Error(
      `expected one ${eventType}, got ${matching.length} (${events.map((e) => e.eventType).join(', ')})`,
    );
  }
  return (matching[0] as Envelope<T>).data;
}

export const dialects: TestDialect[] = ['sqlite', 'postgres'];

/** The HTTP side of a service, served in-process on a free port, with a runtime whose transactions
 * run on the test database and record emitted events (no broker needed). */
export interface HttpHarness {
  readonly url: string;
  /** Events emitted by committed transactions, in order. */
  readonly events: Envelope<unknown>[];
  /** An access token for a user of this role (signed with the harness's test key pair). */
  token(user: {
    id: string;
    role: 'buyer' | 'seller' | 'admin';
    email?: string;
    emailVerified?: boolean;
  }): Promise<string>;
  close(): Promise<void>;
}

export async function httpHarness<DB>(
  service: string,
  database: TestDatabase<DB>,
  routes: (app: Express, ctx: ServiceContext<DB>) => void | Promise<void>,
): Promise<HttpHarness> {
  const keys = await createTestKeys();
  const log = pino({ level: 'silent' });
  const events: Envelope<unknown>[] = [];
  const rt = {
    service,
    db: database.db,
    log,
    registry: new Registry(),
    async transaction<R>(fn: (tx: Transaction<DB>, sink: EventSink) => Promise<R>): Promise<R> {
      const sink = recordingSink(service);
      const result = await database.db.transaction().execute((tx) => fn(tx, sink));
      events.push(...sink.events);
      return result;
    },
  } as unknown as ServiceRuntime;
  const ctx: ServiceContext<DB> = {
    name: service,
    rt,
    db: database.db,
    dialect: database.dialect,
    log,
    config: { port: 0, jwt: keys.jwt, bodyLimit: '100kb', env: {} },
  };
  const app = createHttpApp({ name: service, log, registry: rt.registry });
  await routes(app, ctx);
  finishHttpApp(app, log);
  const http = await listen(app, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${http.port}`,
    events,
    token: (user) => keys.sign({ email: `${user.id}@example.test`, ...user }),
    async close() {
      await http.close(100);
      keys.cleanup();
    },
  };
}
