/**
 * A relay batch that fails part-way (a broker node lost mid-batch): a later row of the same ordering
 * key must not be confirmed ahead of the failed one. A broker stand-in that refuses one publish
 * records what was published, in order; the outbox is a real SQLite database with the runtime's
 * tables.
 */
import { describe, expect, it } from 'vitest';
import type { Broker } from '../src/broker/broker.ts';
import { migrateRuntimeTables } from '../src/db/schema.ts';
import { RuntimeMetrics } from '../src/metrics.ts';
import { OutboxRelay } from '../src/relay.ts';
import type { AnySchema } from '../src/types.ts';
import { scratch } from './harness.ts';
import { silentLogger, sleep } from './helpers.ts';

// A broker stand-in: no vhost.
const space = scratch('relay-order', { vhost: false });

describe('outbox relay: a failed publish holds back its key within the batch', () => {
  it('a1 fails: a2 (same key) is not published in that pass; b1 (other key) is; a1 then a2 follow', async () => {
    const db = (await space.database('sqlite')).open();
    await migrateRuntimeTables(db, 'sqlite');
    const row = (eventId: string, key: string) => ({
      event_id: eventId,
      ordering_key: key,
      exchange: 'domain.events',
      routing_key: 'order.created.v1',
      event_type: 'order.created',
      correlation_id: 'c',
      producer: 'test',
      body: '{}',
      headers: '{}',
      created_at: Date.now(),
      sent_at: null,
      last_error: null,
    });
    await (db as unknown as import('kysely').Kysely<AnySchema>)
      .insertInto('outbox')
      .values([row('a1', 'order-a'), row('a2', 'order-a'), row('b1', 'order-b')])
      .execute();
    const published: string[] = [];
    let refuse = true;
    const broker = {
      publish: async (message: { properties: { messageId: string } }) => {
        const id = message.properties.messageId;
        // The refusal comes after a delay, as a lost connection would: a2 must not go out meanwhile.
        await sleep(id === 'a1' ? 30 : 1);
        if (id === 'a1' && refuse) throw new Error('connection lost');
        published.push(id);
      },
    } as unknown as Broker;
    const relay = new OutboxRelay(db, 'sqlite', broker, silentLogger, new RuntimeMetrics(), {
      pollIntervalMs: 1000,
      batchSize: 100,
      retentionMs: 60_000,
    });
    const first = await relay.runOnce();
    expect(published).toEqual(['b1']);
    expect(first.published).toBe(1);
    refuse = false;
    for (let pass = 0; pass < 3 && published.length < 3; pass += 1) await relay.runOnce();
    expect(published).toEqual(['b1', 'a1', 'a2']);
    await db.destroy();
  });
});
