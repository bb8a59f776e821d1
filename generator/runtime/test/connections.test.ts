/**
 * A database opened by `openDatabase` tells the runtime how many connections it has, and a
 * consumer forms no more delivery batches at once than that (a batch holds a connection): with
 * concurrency 8 and a pool of 2, a backlog is handled in a few large batches, not in 8 small ones
 * of which 6 would wait for a connection.
 */
import type { Transaction } from 'kysely';
import { describe, expect, it } from 'vitest';
import { databaseConnections, openDatabase } from '../src/db/open.ts';
import type { AnySchema } from '../src/types.ts';
import { scratch } from './harness.ts';
import { orderConsumer, sleep, unique, waitFor } from './helpers.ts';

const space = scratch('connections');

describe('batches and database connections', () => {
  it('forms no more batches at once than the database opened by openDatabase has connections', async () => {
    const database = await space.database('postgres');
    const previous = process.env.DATABASE_POOL_MAX;
    process.env.DATABASE_POOL_MAX = '2';
    const { db } = await openDatabase({ service: 'connections', url: database.url }).finally(() => {
      if (previous === undefined) delete process.env.DATABASE_POOL_MAX;
      else process.env.DATABASE_POOL_MAX = previous;
    });
    expect(databaseConnections(db)).toBe(2);
    const runtime = await space.runtime(database, { db });
    const batches = new Map<Transaction<AnySchema>, number>();
    const { descriptor, definition } = orderConsumer(
      unique('connections'),
      async (_event, ctx) => {
        batches.set(ctx.tx, (batches.get(ctx.tx) ?? 0) + 1);
        await sleep(5);
      },
      { policy: { concurrency: 8, prefetch: 100 } },
    );
    // Declare the queue, fill it while nobody consumes, then consume the backlog.
    await (await runtime.consume(definition)).stop();
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        runtime.directSink.emit(descriptor, { orderId: `o${i}`, amount: i }),
      ),
    );
    const consumer = await runtime.consume(definition);
    await waitFor('60 handled events', () =>
      [...batches.values()].reduce((sum, n) => sum + n, 0) >= 60 ? true : undefined,
    );
    await consumer.stop();
    // 60 waiting deliveries over 8 free slots would be batches of 8 (8 batches, then more); over 2
    // slots they are batches of up to 30. Deliveries arriving over several socket reads can split
    // the first ones, hence some slack.
    expect(batches.size).toBeLessThanOrEqual(5);
    expect(Math.max(...batches.values())).toBeGreaterThanOrEqual(15);
  });
});
