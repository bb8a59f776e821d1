/**
 * The outbox relay on PostgreSQL: one process of a service relays at a time (the leader lock, a
 * session advisory lock held by one connection while the relay has work), the lock is released when
 * the relay goes idle, and marking rows sent keeps `synchronous_commit = off` to its own statement.
 * Real broker and database.
 */
import { type Kysely, sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { markSentWithoutFlushQuery } from '../src/db/outbox.ts';
import type { RuntimeTables } from '../src/db/schema.ts';
import type { ServiceRuntime } from '../src/index.ts';
import { scratch } from './harness.ts';
import { orderCreatedDescriptor, sleep, type TestDatabase, unique, waitFor } from './helpers.ts';

const LOCK = sql`hashtext(current_schema() || '.kada_outbox_relay')`;
const space = scratch('relay-leader');

describe('outbox relay leadership on PostgreSQL', () => {
  let database: TestDatabase;
  let runtime: ServiceRuntime;
  const queue = unique('relay-leader');
  const descriptor = orderCreatedDescriptor(`${queue}.v1`);

  beforeAll(async () => {
    database = await space.database('postgres');
    runtime = await space.runtime(database, { outbox: { pollIntervalMs: 200 } });
    await space.bind(queue, descriptor.routingKey, { durable: false });
  });

  const advisoryLocks = async () =>
    (
      await sql<{
        n: number;
      }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`.execute(
        runtime.db,
      )
    ).rows[0]?.n;

  it('publishes nothing while another session leads, everything once it lets go, and holds no lock when idle', async () => {
    const other = database.open();
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held!: () => void;
    const holding = new Promise<void>((resolve) => {
      held = resolve;
    });
    // Another process's relay, leading: its session holds the lock until released.
    const leader = other.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(${LOCK})`.execute(conn);
      held();
      await released;
      await sql`select pg_advisory_unlock(${LOCK})`.execute(conn);
    });
    await holding;
    const written = await runtime.transaction((_tx, sink) =>
      sink.emit(descriptor, { orderId: 'o-led', amount: 1 }),
    );
    await sleep(700); // woken once, then polled a few times: each time another process leads
    expect(await space.drain(queue)).toHaveLength(0);
    release();
    await leader;
    const [message] = await space.received('the event, relayed once the lock is free', queue);
    expect(message?.properties.messageId).toBe(written.eventId);
    await waitFor('the relay to let go of the lock once idle', async () => (await advisoryLocks()) === 0);
    await other.destroy();
  });

  it("marks rows sent with synchronous_commit off for that statement's transaction only", async () => {
    const written = await runtime.transaction((_tx, sink) =>
      sink.emit(descriptor, { orderId: 'o-flush', amount: 2 }),
    );
    await space.received('the relayed event', queue);
    const db = runtime.db as unknown as Kysely<RuntimeTables>;
    const setting = await db.connection().execute(async (conn) => {
      const row = await conn
        .selectFrom('outbox')
        .select('id')
        .where('event_id', '=', written.eventId)
        .executeTakeFirstOrThrow();
      const result = await conn.executeQuery(markSentWithoutFlushQuery([row.id], 12345));
      expect(Number(result.numAffectedRows)).toBe(1);
      return (
        await sql<{ value: string }>`select current_setting('synchronous_commit') as value`.execute(conn)
      ).rows[0]?.value;
    });
    expect(setting).toBe('on');
    const marked = await db
      .selectFrom('outbox')
      .select(['sent_at', 'body'])
      .where('event_id', '=', written.eventId)
      .executeTakeFirstOrThrow();
    expect(Number(marked.sent_at)).toBe(12345);
    expect(marked.body).toBe('');
  });
});
