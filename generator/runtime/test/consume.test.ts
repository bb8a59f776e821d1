import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type AnySchema,
  type ConsumerHandle,
  createServiceRuntime,
  type Envelope,
  type EventDescriptor,
  parseTraceparent,
  runWithContext,
  type ServiceRuntime,
  uuidv7,
} from '../src/internals.ts';
import {
  AMQP_URL,
  createTestDatabase,
  deleteQueues,
  drainQueue,
  messageCount,
  type OrderCreated,
  orderCreatedDescriptor,
  policy,
  rawConnection,
  silentLogger,
  sleep,
  type TestDatabase,
  unique,
  waitFor,
} from './helpers.ts';

async function createSeenTable(db: Kysely<AnySchema>): Promise<void> {
  await db.schema
    .createTable('seen')
    .ifNotExists()
    .addColumn('event_id', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('order_id', 'varchar(64)', (col) => col.notNull())
    .execute();
}

async function startRuntime(database: TestDatabase, service: string): Promise<ServiceRuntime> {
  const runtime = createServiceRuntime({
    service,
    url: AMQP_URL,
    db: database.open(),
    dialect: database.dialect,
    logger: silentLogger,
    outbox: { pollIntervalMs: 200 },
  });
  await runtime.start();
  await createSeenTable(runtime.db);
  return runtime;
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`consume with the inbox on ${dialect}`, () => {
    let database: TestDatabase;
    let runtime: ServiceRuntime;
    const cleanup: string[] = [];
    const handles: ConsumerHandle[] = [];

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      runtime = await startRuntime(database, `consume-${dialect}`);
    });
    afterEach(async () => {
      for (const handle of handles.splice(0)) await handle.stop();
    });
    afterAll(async () => {
      await runtime.stop();
      for (const queue of cleanup) await deleteQueues(queue);
      await database.drop();
    });

    it('runs the handler in one transaction with the inbox row, then acks', async () => {
      const queue = unique(`consume-${dialect}`);
      cleanup.push(queue);
      const descriptor = orderCreatedDescriptor(`${queue}.order.created.v1`);
      handles.push(
        await runtime.consume({
          service: 'svc',
          policy: policy(queue),
          routes: [
            {
              descriptor,
              handle: async (event: Envelope<OrderCreated>, ctx) => {
                await ctx.tx
                  .insertInto('seen')
                  .values({ event_id: event.eventId, order_id: event.data.orderId })
                  .execute();
              },
            },
          ],
        }),
      );
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
      expect(await messageCount(queue)).toBe(0);
    });

    it('a duplicate delivery (same eventId twice) runs the handler once', async () => {
      const queue = unique(`dup-${dialect}`);
      cleanup.push(queue);
      const descriptor = orderCreatedDescriptor(`${queue}.order.created.v1`);
      let calls = 0;
      handles.push(
        await runtime.consume({
          service: 'svc',
          policy: policy(queue),
          routes: [
            {
              descriptor,
              handle: async (event: Envelope<OrderCreated>, ctx) => {
                calls += 1;
                await sleep(50);
                await ctx.tx
                  .insertInto('seen')
                  .values({ event_id: event.eventId, order_id: event.data.orderId })
                  .execute();
              },
            },
          ],
        }),
      );
      const eventId = uuidv7();
      // Concurrently in flight (concurrency 8) and once more after the first is done.
      await Promise.all([
        runtime.directSink.emit(descriptor, { orderId: 'dup', amount: 1 }, { eventId }),
        runtime.directSink.emit(descriptor, { orderId: 'dup', amount: 1 }, { eventId }),
      ]);
      await waitFor('both deliveries settled', async () => {
        const metric = await runtime.registry.getSingleMetric('kada_messages_succeeded_total')?.get();
        return (metric?.values.find((v) => v.labels.queue === queue)?.value ?? 0) >= 2;
      });
      await runtime.directSink.emit(descriptor, { orderId: 'dup', amount: 1 }, { eventId });
      await waitFor('third delivery settled', async () => {
        const metric = await runtime.registry.getSingleMetric('kada_messages_succeeded_total')?.get();
        return (metric?.values.find((v) => v.labels.queue === queue)?.value ?? 0) >= 3;
      });
      expect(calls).toBe(1);
      const rows = await runtime.db.selectFrom('seen').selectAll().where('event_id', '=', eventId).execute();
      expect(rows).toHaveLength(1);
    });

    it('events a handler emits go through the outbox with correlation, causation and trace', async () => {
      const queue = unique(`chain-${dialect}`);
      const downstream = unique(`chain-down-${dialect}`);
      cleanup.push(queue, downstream);
      const incoming = orderCreatedDescriptor(`${queue}.order.created.v1`);
      const outgoing: EventDescriptor<OrderCreated> = orderCreatedDescriptor(
        `${downstream}.order.created.v1`,
      );
      handles.push(
        await runtime.consume({
          service: 'svc',
          policy: policy(queue),
          routes: [
            {
              descriptor: incoming,
              handle: async (event: Envelope<OrderCreated>, ctx) => {
                await ctx.sink.emit(outgoing, { orderId: `${event.data.orderId}-next`, amount: 0 });
              },
            },
          ],
        }),
      );
      const model = await rawConnection();
      const channel = await model.createChannel();
      await channel.assertQueue(downstream, { durable: true });
      await channel.bindQueue(downstream, 'domain.events', outgoing.routingKey);
      await model.close();
      const traceparent = '00-11112222333344445555666677778888-1234567812345678-01';
      const first = await runWithContext({ correlationId: 'corr-chain', traceparent }, () =>
        runtime.directSink.emit(incoming, { orderId: 'o-chain', amount: 1 }),
      );
      const [message] = await waitFor('the emitted event downstream', async () => {
        const got = await drainQueue(downstream);
        return got.length > 0 ? got : undefined;
      });
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
  let database: TestDatabase;
  let runtime: ServiceRuntime;
  const cleanup: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    runtime = await startRuntime(database, 'retry');
  });
  afterAll(async () => {
    await runtime.stop();
    for (const queue of cleanup) await deleteQueues(queue);
    await database.drop();
  });

  it('a throwing handler is retried with growing delays, then dead-lettered with its reason', async () => {
    const queue = unique('retry');
    cleanup.push(queue);
    const descriptor = orderCreatedDescriptor(`${queue}.order.created.v1`);
    const attempts: Array<{ at: number; attempt: number }> = [];
    const handle = await runtime.consume({
      service: 'svc',
      policy: policy(queue),
      routes: [
        {
          descriptor,
          handle: async (_event, ctx) => {
            attempts.push({ at: Date.now(), attempt: ctx.attempt });
            throw new Error('payment provider is down');
          },
        },
      ],
    });
    const sent = await runtime.directSink.emit(descriptor, { orderId: 'o-retry', amount: 1 });
    const [dead] = await waitFor('the dead-lettered message', async () => {
      const got = await drainQueue(`${queue}.dlq`);
      return got.length > 0 ? got : undefined;
    });
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
    const retried = await runtime.registry.getSingleMetric('kada_messages_retried_total')?.get();
    expect(retried?.values.find((v) => v.labels.queue === queue)?.value).toBe(3);
  });

  it('bad JSON, a schema-invalid envelope and an unknown event go straight to the DLQ; good ones around them are handled', async () => {
    const queue = unique('poison');
    cleanup.push(queue);
    const routingKey = `${queue}.order.created.v1`;
    const descriptor = orderCreatedDescriptor(routingKey);
    const handled: string[] = [];
    const handle = await runtime.consume({
      service: 'svc',
      policy: policy(queue, { concurrency: 1 }),
      routes: [
        {
          descriptor,
          handle: async (event: Envelope<OrderCreated>) => {
            handled.push(event.data.orderId);
          },
        },
      ],
    });
    const good = (orderId: string) => ({
      eventId: uuidv7(),
      eventType: 'order.created',
      version: 1,
      occurredAt: new Date().toISOString(),
      correlationId: uuidv7(),
      causationId: null,
      producer: 'test',
      data: { orderId, amount: 1 },
    });
    const bodies: Array<{ id: string; content: string }> = [
      { id: 'g1', content: JSON.stringify(good('g1')) },
      { id: 'bad-json', content: '{"eventId": "x", oops' },
      { id: 'g2', content: JSON.stringify(good('g2')) },
      { id: 'bad-schema', content: JSON.stringify({ ...good('bad'), data: { orderId: 42 } }) },
      { id: 'g3', content: JSON.stringify(good('g3')) },
      { id: 'unknown', content: JSON.stringify({ ...good('u'), eventType: 'order.teleported', version: 9 }) },
      { id: 'g4', content: JSON.stringify(good('g4')) },
    ];
    const model = await rawConnection();
    const channel = await model.createConfirmChannel();
    for (const body of bodies) {
      channel.publish('domain.events', routingKey, Buffer.from(body.content), {
        messageId: body.id,
        persistent: true,
      });
    }
    await channel.waitForConfirms();
    await model.close();

    const dead = await waitFor('three dead letters', async () => {
      const count = await messageCount(`${queue}.dlq`);
      return count >= 3 && handled.length >= 4 ? drainQueue(`${queue}.dlq`) : undefined;
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
    const retried = await runtime.registry.getSingleMetric('kada_messages_retried_total')?.get();
    expect(retried?.values.find((v) => v.labels.queue === queue)?.value ?? 0).toBe(0);
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
