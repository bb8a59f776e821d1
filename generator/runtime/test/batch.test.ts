/**
 * Several deliveries per transaction (`maxBatch`), on the real broker and PostgreSQL: deliveries that
 * wait together share a transaction; a failing handler is isolated (the others commit once, it alone
 * is retried or dead-lettered with nothing of it committed); a handler that fails only because of its
 * batch succeeds when run alone, with no retry; per-key order holds through all of it.
 */
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Envelope, HandlerContext, ServiceRuntime } from '../src/index.ts';
import { scratch } from './harness.ts';
import {
  type OrderCreated,
  orderConsumer,
  orderCreatedDescriptor,
  type policy,
  unique,
  waitFor,
} from './helpers.ts';

const space = scratch('batch');

interface Effect {
  id: number;
  order_id: string;
  amount: number;
  txid: string;
}

describe('batches of deliveries', () => {
  let runtime: ServiceRuntime;
  // What the handlers emit goes to a queue of its own (not back to the consumer's).
  const echoQueue = unique('echo');
  const echo = orderCreatedDescriptor(`${echoQueue}.v1`);

  beforeAll(async () => {
    runtime = await space.runtime(await space.database('postgres'), { service: 'batching', maxBatch: 10 });
    await space.bind(echoQueue, echo.routingKey, { durable: false });
    await sql`create table effects (id serial primary key, order_id text not null, amount int not null, txid text not null)`.execute(
      runtime.db,
    );
  });

  /**
   * Queues `events` first (consumer declared, then stopped), then consumes them with `handle`, which
   * records an effect row (with its transaction id) before it may throw. Returns when `until` holds.
   */
  async function consumeQueued(
    name: string,
    events: OrderCreated[],
    handle: (event: Envelope<OrderCreated>, ctx: HandlerContext) => Promise<void>,
    until: () => Promise<boolean>,
    overrides: Parameters<typeof policy>[1] = {},
    named: (queue: string) => void = () => undefined,
  ): Promise<{ queue: string; effects: Effect[] }> {
    const queue = unique(name);
    named(queue);
    const { descriptor, definition } = orderConsumer(
      queue,
      async (event, ctx) => {
        await sql`insert into effects (order_id, amount, txid) values (${event.data.orderId}, ${event.data.amount}, txid_current()::text)`.execute(
          ctx.tx,
        );
        await handle(event, ctx);
        await ctx.sink.emit(echo, event.data, { eventId: `${event.eventId}-out` });
      },
      { service: 'batching', orderingKey: 'data.orderId', policy: { concurrency: 2, ...overrides } },
    );
    await (await runtime.consume(definition)).stop();
    for (const data of events) await runtime.directSink.emit(descriptor, data);
    const consumer = await runtime.consume(definition);
    await waitFor(`${name}: all done`, async () => ((await until()) ? true : undefined), 60_000);
    await consumer.stop();
    const { rows } =
      await sql<Effect>`select * from effects where order_id like ${`${name}%`} order by id`.execute(
        runtime.db,
      );
    return { queue, effects: rows };
  }

  const count = async (table: string, where: string): Promise<number> => {
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from ${sql.table(table)} where ${sql.raw(where)}`.execute(runtime.db);
    return rows[0]?.n ?? 0;
  };

  it('handles deliveries that wait together in shared transactions, each with its inbox and outbox rows', async () => {
    const events = Array.from({ length: 40 }, (_, i) => ({ orderId: `shared-${i % 8}`, amount: i }));
    const { effects } = await consumeQueued(
      'shared',
      events,
      async () => undefined,
      async () => (await count('effects', `order_id like 'shared-%'`)) >= 40,
    );
    expect(effects).toHaveLength(40);
    const perTransaction = new Map<string, number>();
    for (const effect of effects) perTransaction.set(effect.txid, (perTransaction.get(effect.txid) ?? 0) + 1);
    // 40 deliveries, at most 10 per transaction: at least 4 transactions, and far fewer than 40.
    expect(perTransaction.size).toBeLessThan(40);
    expect(Math.max(...perTransaction.values())).toBeLessThanOrEqual(10);
    expect(Math.max(...perTransaction.values())).toBeGreaterThan(1);
    // Per key, the queue order.
    for (let key = 0; key < 8; key++) {
      const amounts = effects.filter((e) => e.order_id === `shared-${key}`).map((e) => e.amount);
      expect(amounts).toEqual([0, 1, 2, 3, 4].map((n) => key + 8 * n));
    }
    expect(await count('processed_events', `event_type = 'order.created'`)).toBeGreaterThanOrEqual(40);
    expect(await count('outbox', `event_id like '%-out'`)).toBeGreaterThanOrEqual(40);
  });

  it('isolates a handler that always fails: the others commit once, it is dead-lettered with nothing committed', async () => {
    const events = Array.from({ length: 30 }, (_, i) => ({ orderId: `poison-${i % 6}`, amount: i }));
    const dlq: Array<{ content: Buffer; properties: { headers?: Record<string, unknown> } }> = [];
    let poisonQueue = '';
    const echoesBefore = await count('outbox', `event_id like '%-out'`);
    const dead = async (): Promise<number> => {
      dlq.push(...(await space.drain(`${poisonQueue}.dlq`)));
      return dlq.length;
    };
    const { effects } = await consumeQueued(
      'poison',
      events,
      async (event) => {
        if (event.data.amount === 7) throw new Error('poison pill');
      },
      async () => (await count('effects', `order_id like 'poison-%'`)) >= 29 && (await dead()) > 0,
      { retry: { maxRetries: 0, initialDelayMs: 100, multiplier: 2, maxDelayMs: 100 } },
      (queue) => {
        poisonQueue = queue;
      },
    );
    // Every other delivery's effect is there exactly once; the poisoned one's never committed.
    expect(effects.map((e) => e.amount).sort((a, b) => a - b)).toEqual(
      events.map((e) => e.amount).filter((amount) => amount !== 7),
    );
    expect(dlq).toHaveLength(1);
    expect(JSON.parse((dlq[0] as { content: Buffer }).content.toString()).data.amount).toBe(7);
    expect(dlq[0]?.properties.headers?.['x-kada-reason']).toBe('handler-error');
    // Its echo was never written; every other delivery wrote its echo once. (Bodies are not compared:
    // the relay empties a row's body once it is sent.)
    const poisonId = JSON.parse((dlq[0] as { content: Buffer }).content.toString()).eventId as string;
    expect(await count('outbox', `event_id = '${poisonId}-out'`)).toBe(0);
    expect((await count('outbox', `event_id like '%-out'`)) - echoesBefore).toBe(29);
  });

  it('runs a delivery that failed only in its batch again alone, keeping the order of its key and costing no retry', async () => {
    let failures = 0;
    const attempts: number[] = [];
    const events = Array.from({ length: 30 }, (_, i) => ({ orderId: `flaky-${i % 3}`, amount: i }));
    const { effects } = await consumeQueued(
      'flaky',
      events,
      async (event, ctx) => {
        attempts.push(ctx.attempt);
        // Fails whenever it shares its transaction with other deliveries (as a deadlock between two
        // batches would): more than one inbox row claimed by this transaction.
        const { rows } = await sql<{
          n: number;
        }>`select count(*)::int as n from processed_events where xmin::text = (txid_current() % 4294967296)::text`.execute(
          ctx.tx,
        );
        if (event.data.amount % 10 === 4 && (rows[0]?.n ?? 0) > 1) {
          failures += 1;
          throw new Error('conflict with the batch');
        }
      },
      async () => (await count('effects', `order_id like 'flaky-%'`)) >= 30,
    );
    expect(failures).toBeGreaterThan(0);
    // No retry went through the broker: every handler ran as attempt 1.
    expect(new Set(attempts)).toEqual(new Set([1]));
    const committed = effects.map((e) => e.amount);
    expect(new Set(committed).size).toBe(30);
    // Per key, queue order, including the key of the delivery that had to run alone.
    for (let key = 0; key < 3; key++) {
      const amounts = effects.filter((e) => e.order_id === `flaky-${key}`).map((e) => e.amount);
      expect(amounts).toEqual(Array.from({ length: 10 }, (_, n) => key + 3 * n));
    }
  });
});
