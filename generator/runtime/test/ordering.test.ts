/**
 * Per-key ordering on a consumer queue (`x-kada-consumer.orderingKey`): deliveries with the same key
 * never run at once and run in queue order, while other keys keep the queue's concurrency. On
 * PostgreSQL, whose transactions really run side by side (SQLite's would serialize anyway).
 */
import { describe, expect, it } from 'vitest';
import { scratch } from './harness.ts';
import { orderConsumer, sleep, unique, waitFor } from './helpers.ts';

const space = scratch('ordering');

describe('ordering key', () => {
  it('runs one delivery per key at a time, in queue order, and different keys side by side', async () => {
    const runtime = await space.runtime(await space.database('postgres'));
    const running = new Map<string, number>();
    let maxPerKey = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const handled: Array<{ orderId: string; amount: number }> = [];
    const { descriptor, definition } = orderConsumer(
      unique('ordering'),
      async (event) => {
        const { orderId, amount } = event.data;
        running.set(orderId, (running.get(orderId) ?? 0) + 1);
        inFlight += 1;
        maxPerKey = Math.max(maxPerKey, running.get(orderId) ?? 0);
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(20);
        handled.push({ orderId, amount });
        running.set(orderId, (running.get(orderId) ?? 1) - 1);
        inFlight -= 1;
      },
      { policy: { concurrency: 8 }, orderingKey: 'data.orderId' },
    );
    const handle = await runtime.consume(definition);
    // Four orders, five events each, interleaved; `amount` is the position within its order.
    const keys = ['a', 'b', 'c', 'd'];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        runtime.directSink.emit(descriptor, { orderId: keys[i % 4] as string, amount: Math.floor(i / 4) }),
      ),
    );
    await waitFor('20 handled events', () => (handled.length >= 20 ? true : undefined));
    await handle.stop();
    expect(maxPerKey).toBe(1);
    expect(maxInFlight).toBeGreaterThan(1);
    for (const key of keys)
      expect(handled.filter((h) => h.orderId === key).map((h) => h.amount)).toEqual([0, 1, 2, 3, 4]);
  });
});
