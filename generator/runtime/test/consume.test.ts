import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsumerHandle,
  type Envelope,
  type HandlerContext,
  parseTraceparent,
  runWithContext,
  type ServiceRuntime,
  uuidv7,
} from '../src/internals.ts';
import { scratch } from './harness.ts';
import {
  createSeenTable,
  metricValue,
  type OrderCreated,
  orderConsumer,
  orderCreatedDescriptor,
  orderEnvelope,
  sleep,
  unique,
  waitFor,
} from './helpers.ts';

const space = scratch('consume');

/** A runtime on a database of its own, with the `seen` table the handlers write to. */
async function startRuntime(dialect: 'sqlite' | 'postgres'): Promise<ServiceRuntime> {
  const runtime = await space.runtime(await space.database(dialect), { outbox: { pollIntervalMs: 200 } });
  await createSeenTable(runtime.db);
  return runtime;
}

/** Records the event in `seen`, in the delivery's transaction. */
async function recordSeen(event: Envelope<OrderCreated>, ctx: HandlerContext): Promise<void> {
  await ctx.tx.insertInto('seen').values({ event_id: event.eventId, order_id: event.data.orderId }).execute();
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`consume with the inbox on ${dialect}`, () => {
    let runtime: ServiceRuntime;
    const handles: ConsumerHandle[] = [];

    beforeAll(async () => {
      runtime = await startRuntime(dialect);
    });
    afterEach(async () => {
      for (const handle of handles.splice(0)) await handle.stop();
    });

    it('runs the handler in one transaction with the inbox row, then acks', async () => {
      const queue = unique(`consume-${dialect}`);
      const { descriptor, definition } = orderConsumer(queue, recordSeen);
      handles.push(await runtime.consume(definition));
      const sent = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          runtime.directSink.emit(descriptor, { orderId: `o-${i}`, amount: i }),
        ),
      );
      const rows = await waitFor('20 handled events', async () => {
        const found = await runtime.db.selectFrom('seen').selectAll().execute();
        return found.length >= 20 ? found : undefined;
      });
      expect(new Set(rows.map((row) => row.event_id))).toEqual(new Set(sent.map((e) => e.eventId)));
      const inbox = await runtime.db
        .selectFrom('processed_events')
        .selectAll()
        .where('consumer', '=', queue)
        .execute();
      expect(inbox).toHaveLength(20);
      await (handles.pop() as ConsumerHandle).stop();
      // Stopped consumer: anything unacked would be back in the queue.
      expect(await space.messageCount(queue)).toBe(0);
    });

    it('a duplicate delivery (same eventId twice) runs the handler once', async () => {
      const queue = unique(`dup-${dialect}`);
      let calls = 0;
      const { descriptor, definition } = orderConsumer(queue, async (event, ctx) => {
        calls += 1;
        await sleep(50);
        await recordSeen(event, ctx);
      });
      handles.push(await runtime.consume(definition));
      const settled = (n: number) => async () =>
        ((await metricValue(runtime, 'kada_messages_succeeded_total', { queue })) ?? 0) >= n;
      const eventId = uuidv7();
      // Concurrently in flight (concurrency 8) and once more after the first is done.
      await Promise.all([
        runtime.directSink.emit(descriptor, { orderId: 'dup', amount: 1 }, { eventId }),
        runtime.directSink.emit(descriptor, { orderId: 'dup', amount: 1 }, { eventId }),
      ]);
      await waitFor('both deliveries settled', settled(2));
      await runtime.directSink.emit(descriptor, { orderId: 'dup', amount: 1 }, { eventId });
      await waitFor('third delivery settled', settled(3));
      expect(calls).toBe(1);
      const rows = await runtime.db.selectFrom('seen').selectAll().where('event_id', '=', eventId).execute();
      expect(rows).toHaveLength(1);
    });

    it('events a handler emits go through the outbox with correlation, causation and trace', async () => {
      const downstream = unique(`chain-down-${dialect}`);
      const outgoing = orderCreatedDescriptor(`${downstream}.order.created.v1`);
      const { descriptor: incoming, definition } = orderConsumer(
        unique(`chain-${dialect}`),
        async (event, ctx) => {
          await ctx.sink.emit(outgoing, { orderId: `${event.data.orderId}-next`, amount: 0 });
        },
      );
      handles.push(await runtime.consume(definition));
      await space.bind(downstream, outgoing.routingKey);
      const traceparent = '00-11112222333344445555666677778888-1234567812345678-01';
      const first = await runWithContext({ correlationId: 'corr-chain', traceparent }, () =>
        runtime.directSink.emit(incoming, { orderId: 'o-chain', amount: 1 }),
      );
      const [message] = await space.received('the emitted event downstream', downstream);
      const body = JSON.parse(String(message?.content)) as Envelope<OrderCreated>;
      expect(body.correlationId).toBe('corr-chain');
      expect(body.causationId).toBe(first.eventId);
      expect(body.data.orderId).toBe('o-chain-next');
      expect(parseTraceparent(message?.properties.headers?.traceparent)?.traceId).toBe(
        '11112222333344445555666677778888',
      );
      // The relay marks the row sent after the confirm (on PostgreSQL, when its transaction commits).
      const sentRows = await waitFor('the outbox row marked sent', async () => {
        const rows = await runtime.db
          .selectFrom('outbox')
          .select(['event_id', 'sent_at', 'body'])
          .where('event_id', '=', body.eventId)
          .execute();
        return rows[0]?.sent_at !== null && rows[0]?.sent_at !== undefined ? rows : undefined;
      });
      expect(sentRows).toHaveLength(1);
      // Once sent, the producer's database keeps no copy of the payload (personal data, secrets).
      expect(sentRows[0]?.body).toBe('');
    });
  });
}

describe('retries and dead letters', () => {
  let runtime: ServiceRuntime;

  beforeAll(async () => {
    runtime = await startRuntime('sqlite');
  });

  it('a throwing handler is retried with growing delays, then dead-lettered with its reason', async () => {
    const queue = unique('retry');
    const attempts: Array<{ at: number; attempt: number }> = [];
    const { descriptor, definition } = orderConsumer(queue, async (_event, ctx) => {
      attempts.push({ at: Date.now(), attempt: ctx.attempt });
      throw new Error('payment provider is down');
    });
    const handle = await runtime.consume(definition);
    const sent = await runtime.directSink.emit(descriptor, { orderId: 'o-retry', amount: 1 });
    const [dead] = await space.received('the dead-lettered message', `${queue}.dlq`);
    await handle.stop();
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    const gaps = attempts.slice(1).map((a, i) => a.at - (attempts[i] as { at: number }).at);
    // Delay queues of 100, 200, 400 ms: each gap at least its TTL, and growing.
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(190);
    expect(gaps[2]).toBeGreaterThanOrEqual(390);
    expect(gaps[1]).toBeGreaterThan(gaps[0] as number);
    expect(gaps[2]).toBeGreaterThan(gaps[1] as number);
    const headers = dead?.properties.headers ?? {};
    expect(headers['x-kada-reason']).toBe('handler-error');
    expect(String(headers['x-kada-error'])).toContain('payment provider is down');
    expect(headers['x-kada-attempts']).toBe(4);
    expect(headers['x-kada-original-routing-key']).toBe(descriptor.routingKey);
    expect(Number.isNaN(Date.parse(String(headers['x-kada-dead-lettered-at'])))).toBe(false);
    expect(dead?.properties.messageId).toBe(sent.eventId);
    expect(dead?.properties.type).toBe('order.created');
    expect(JSON.parse(String(dead?.content)).eventId).toBe(sent.eventId);
    expect(await metricValue(runtime, 'kada_messages_retried_total', { queue })).toBe(3);
  });

  it('bad JSON, a schema-invalid envelope and an unknown event go straight to the DLQ; good ones around them are handled', async () => {
    const queue = unique('poison');
    const handled: string[] = [];
    const { descriptor, definition } = orderConsumer(
      queue,
      async (event) => {
        handled.push(event.data.orderId);
      },
      { policy: { concurrency: 1 } },
    );
    const handle = await runtime.consume(definition);
    const good = (orderId: string) => orderEnvelope(orderId, uuidv7());
    const bodies: Array<{ id: string; content: string }> = [
      { id: 'g1', content: JSON.stringify(good('g1')) },
      { id: 'bad-json', content: '{"eventId": "x", oops' },
      { id: 'g2', content: JSON.stringify(good('g2')) },
      { id: 'bad-schema', content: JSON.stringify({ ...good('bad'), data: { orderId: 42 } }) },
      { id: 'g3', content: JSON.stringify(good('g3')) },
      { id: 'unknown', content: JSON.stringify({ ...good('u'), eventType: 'order.teleported', version: 9 }) },
      { id: 'g4', content: JSON.stringify(good('g4')) },
    ];
    await space.publish(
      descriptor.routingKey,
      bodies.map(({ id, content }) => ({ content, options: { messageId: id } })),
    );

    const dead = await waitFor('three dead letters', async () => {
      const count = await space.messageCount(`${queue}.dlq`);
      return count >= 3 && handled.length >= 4 ? space.drain(`${queue}.dlq`) : undefined;
    });
    await handle.stop();
    expect(handled).toEqual(['g1', 'g2', 'g3', 'g4']);
    const reasons = Object.fromEntries(
      dead.map((m) => [m.properties.messageId, m.properties.headers?.['x-kada-reason']]),
    );
    expect(reasons).toEqual({
      'bad-json': 'invalid-json',
      'bad-schema': 'validation',
      unknown: 'unknown-event',
    });
    const schemaDead = dead.find((m) => m.properties.messageId === 'bad-schema');
    expect(String(schemaDead?.properties.headers?.['x-kada-error'])).toContain('/data/orderId');
    expect(schemaDead?.properties.headers?.['x-kada-attempts']).toBe(1);
    expect((await metricValue(runtime, 'kada_messages_retried_total', { queue })) ?? 0).toBe(0);
    const deadMetric = await runtime.registry.getSingleMetric('kada_messages_dead_lettered_total')?.get();
    const byReason = deadMetric?.values
      .filter((v) => v.labels.queue === queue)
      .map((v) => [v.labels.reason, v.value]);
    expect(Object.fromEntries(byReason ?? [])).toEqual({
      'invalid-json': 1,
      validation: 1,
      'unknown-event': 1,
    });
  });
});
