// Test support: a real database (embedded SQLite file or a fresh PostgreSQL database) with the
// service's migrations, and a handler runner that gives the generated handler context inside a real
// transaction, with a publisher bound to a sink that records what was emitted once it commits.

import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger,
  type Envelope,
  type EventDescriptor,
  type EventSink,
  openDatabase,
  prepareEvent,
  uuidv7,
} from '@kada/runtime';
import type { Kysely, Transaction } from 'kysely';
import type { Migration } from 'kysely/migration';
import pg from 'pg';
import { migrateService } from '../index.ts';

export const POSTGRES_ADMIN_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDb<DB> {
  db: Kysely<DB>;
  dialect: string;
  cleanup(): Promise<void>;
}

/** A migrated database with a unique name; `cleanup()` drops it. */
export async function openTestDb<DB>(
  kind: 'sqlite' | 'postgres',
  service: string,
  migrations: Record<string, Migration>,
): Promise<TestDb<DB>> {
  const name = `${service}_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  if (kind === 'sqlite') {
    const file = join(tmpdir(), `${name}.sqlite`);
    const { db, dialect } = await openDatabase({ service, url: file });
    await migrateService(db, migrations);
    return {
      db: db as Kysely<DB>,
      dialect,
      async cleanup() {
        await db.destroy();
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
      },
    };
  }
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const { db, dialect } = await openDatabase({ service, url: url.toString() });
  await migrateService(db, migrations);
  return {
    db: db as Kysely<DB>,
    dialect,
    async cleanup() {
      await db.destroy();
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Whether PostgreSQL answers; PostgreSQL suites are skipped (loudly) when it does not. */
export async function postgresAvailable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    console.warn(`PostgreSQL not reachable at ${POSTGRES_ADMIN_URL}: PostgreSQL handler tests skipped`);
    return false;
  }
}

/** A valid envelope for a descriptor's event (checked by the generated validator, as a consumer would). */
export function envelopeOf<T>(
  descriptor: EventDescriptor<T>,
  data: T,
  overrides: Partial<Omit<Envelope<T>, 'data'>> = {},
): Envelope<T> {
  const envelope: Envelope<T> = {
    eventId: uuidv7(),
    eventType: descriptor.eventType,
    version: descriptor.version,
    occurredAt: new Date().toISOString(),
    correlationId: uuidv7(),
    causationId: null,
    producer: 'test',
    data,
    ...overrides,
  };
  if (descriptor.envelope && !descriptor.validate(envelope)) {
    throw new Error(
      `test event ${descriptor.eventType} is not valid: ${JSON.stringify(descriptor.validate.errors)}`,
    );
  }
  return envelope;
}

export interface Emitted {
  routingKey: string;
  envelope: Envelope<unknown>;
}

/** Emitted events, kept only when the handler's transaction commits (as the outbox would). */
export interface Recorder {
  emitted: Emitted[];
  of<T = unknown>(eventType: string): Envelope<T>[];
}

export function createRecorder(): Recorder {
  const emitted: Emitted[] = [];
  return {
    emitted,
    of: <T>(eventType: string) =>
      emitted.filter((e) => e.envelope.eventType === eventType).map((e) => e.envelope as Envelope<T>),
  };
}

const silent = createLogger('test');
silent.level = 'silent';

/**
 * Runs `handler` as the consumer would: in a real transaction, with the generated context shape
 * (tx, sink, publish, log, attempt, envelope). Events emitted through the publisher are validated
 * by the generated validators and recorded after commit.
 */
export async function runHandler<DB, T, Ctx>(
  db: Kysely<DB>,
  service: string,
  makePublisher: (sink: EventSink) => unknown,
  handler: (event: Envelope<T>, ctx: Ctx) => Promise<void>,
  event: Envelope<T>,
  recorder: Recorder,
  attempt = 1,
): Promise<void> {
  const pending: Emitted[] = [];
  await db.transaction().execute(async (tx: Transaction<DB>) => {
    const sink: EventSink = {
      async emit(descriptor, data, options) {
        const prepared = prepareEvent(service, descriptor, data, {
          causationId: event.eventId,
          correlationId: event.correlationId,
          ...options,
        });
        pending.push({ routingKey: prepared.routingKey, envelope: prepared.envelope as Envelope<unknown> });
        return prepared.envelope;
      },
    };
    const ctx = {
      tx,
      sink,
      publish: makePublisher(sink),
      log: silent,
      attempt,
      envelope: event as Envelope<unknown>,
    };
    await handler(event, ctx as unknown as Ctx);
  });
  recorder.emitted.push(...pending);
}
