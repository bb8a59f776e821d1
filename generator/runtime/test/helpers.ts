import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import {
  type AnySchema,
  type ConsumerDefinition,
  type ConsumerPolicy,
  type Envelope,
  type EventDescriptor,
  type HandlerContext,
  openSqlite,
  type ServiceRuntime,
  type SqlDialect,
  type ValidateFunction,
} from '../src/internals.ts';

const run = promisify(execFile);

export const AMQP_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
/** The PostgreSQL server's admin connection, as for services' tests and scripts/databases.ts. */
export const PG_ADMIN_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const silentLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** A name no other test (or other run) uses. */
export function unique(prefix: string): string {
  return `kada-test.${prefix}.${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

const ajv = new Ajv({ allErrors: true });

export interface OrderCreated {
  orderId: string;
  amount: number;
}

/** A hand-written descriptor, compiled here the way the generator compiles ajv standalone code. */
export function orderCreatedDescriptor(
  routingKey: string,
  exchange = 'domain.events',
): EventDescriptor<OrderCreated> {
  const schema = {
    type: 'object',
    required: [
      'eventId',
      'eventType',
      'version',
      'occurredAt',
      'correlationId',
      'causationId',
      'producer',
      'data',
    ],
    properties: {
      eventId: { type: 'string', minLength: 1 },
      eventType: { const: 'order.created' },
      version: { const: 1 },
      occurredAt: { type: 'string' },
      correlationId: { type: 'string' },
      causationId: { type: ['string', 'null'] },
      producer: { type: 'string' },
      data: {
        type: 'object',
        required: ['orderId', 'amount'],
        additionalProperties: false,
        properties: { orderId: { type: 'string', minLength: 1 }, amount: { type: 'number', minimum: 0 } },
      },
    },
  };
  return {
    eventType: 'order.created',
    version: 1,
    routingKey,
    exchange,
    envelope: true,
    validate: ajv.compile(schema) as ValidateFunction,
  };
}

/** An order.created envelope as another producer would put it on the wire (for raw publishes). */
export function orderEnvelope(orderId: string, eventId: string = randomUUID()): Envelope<OrderCreated> {
  return {
    eventId,
    eventType: 'order.created',
    version: 1,
    occurredAt: new Date().toISOString(),
    correlationId: eventId,
    causationId: null,
    producer: 'test',
    data: { orderId, amount: 1 },
  };
}

export function policy(queue: string, overrides: Partial<ConsumerPolicy> = {}): ConsumerPolicy {
  return {
    queue,
    queueType: 'quorum',
    prefetch: 50,
    concurrency: 8,
    retry: { maxRetries: 3, initialDelayMs: 100, multiplier: 2, maxDelayMs: 1000 },
    deliveryLimit: 5,
    deadLetter: true,
    ...overrides,
  };
}

/**
 * A consumer of order.created on `queue` (routing key `<queue>.order.created.v1`) with one handler:
 * its descriptor (to emit with) and the definition to pass to `runtime.consume`.
 */
export function orderConsumer(
  queue: string,
  handle: (event: Envelope<OrderCreated>, ctx: HandlerContext) => Promise<void>,
  options: { policy?: Partial<ConsumerPolicy>; orderingKey?: string; service?: string } = {},
): { descriptor: EventDescriptor<OrderCreated>; definition: ConsumerDefinition } {
  const descriptor = orderCreatedDescriptor(`${queue}.order.created.v1`);
  const route = { descriptor, handle, ...(options.orderingKey ? { orderingKey: options.orderingKey } : {}) };
  return {
    descriptor,
    definition: { service: options.service ?? 'svc', policy: policy(queue, options.policy), routes: [route] },
  };
}

/** The table the consuming tests' handlers write to (one row per handled event). */
export async function createSeenTable(db: Kysely<AnySchema>): Promise<void> {
  await db.schema
    .createTable('seen')
    .ifNotExists()
    .addColumn('event_id', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('order_id', 'varchar(64)', (col) => col.notNull())
    .execute();
}

/** A runtime metric's value: the first series whose labels include `labels` (undefined when none). */
export async function metricValue(
  runtime: ServiceRuntime,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metric = await runtime.registry.getSingleMetric(name)?.get();
  return metric?.values.find((v) => Object.entries(labels).every(([key, want]) => v.labels[key] === want))
    ?.value;
}

/**
 * Publishes order.created `batch` at a time through the runtime's direct sink, `pauseMs` apart,
 * until `stop()`: the event ids the broker confirmed, and the errors of those it did not.
 */
export function keepPublishing(
  runtime: ServiceRuntime,
  descriptor: EventDescriptor<OrderCreated>,
  batch: number,
  pauseMs: number,
): { confirmed: string[]; failed: unknown[]; stop(): Promise<void> } {
  const confirmed: string[] = [];
  const failed: unknown[] = [];
  let publishing = true;
  const stream = (async () => {
    let i = 0;
    while (publishing) {
      const sends = Array.from({ length: batch }, () => {
        i += 1;
        return runtime.directSink.emit(descriptor, { orderId: `o-${i}`, amount: i }).then(
          (envelope) => confirmed.push(envelope.eventId),
          (error: unknown) => failed.push(error),
        );
      });
      await Promise.all(sends);
      await sleep(pauseMs);
    }
  })();
  return {
    confirmed,
    failed,
    stop: async () => {
      publishing = false;
      await stream;
    },
  };
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Closes the broker connections whose client-provided name is `connectionName`, as
 * `rabbitmqctl close_all_connections` would, but without touching other processes' connections.
 */
export async function closeConnectionsNamed(connectionName: string): Promise<number> {
  const { stdout } = await run('rabbitmqctl', ['list_connections', 'pid', 'client_properties', '-q']);
  let closed = 0;
  for (const line of stdout.split('\n')) {
    const [pid, properties] = line.split('\t');
    if (pid?.startsWith('<') && properties?.includes(`{"connection_name","${connectionName}"}`)) {
      await run('rabbitmqctl', ['close_connection', pid, 'kada test: forced close']);
      closed += 1;
    }
  }
  return closed;
}

/** A database for one test: a fresh PostgreSQL database, or a SQLite file in a temp directory. */
export interface TestDatabase {
  readonly dialect: SqlDialect;
  readonly url: string;
  open(): Kysely<AnySchema>;
  drop(): Promise<void>;
}

export async function createTestDatabase(dialect: 'postgres' | 'sqlite'): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'kada-test-'));
    const path = join(dir, 'db.sqlite');
    return {
      dialect,
      url: path,
      open: () => new Kysely<AnySchema>({ dialect: new SqliteDialect({ database: openSqlite(path) }) }),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `kada_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(PG_ADMIN_URL);
  target.pathname = `/${name}`;
  const url = target.toString();
  return {
    dialect,
    url,
    open: () =>
      new Kysely<AnySchema>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 5 }) }),
      }),
    drop: async () => {
      const client = new pg.Client({ connectionString: PG_ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
