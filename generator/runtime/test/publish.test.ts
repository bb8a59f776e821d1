import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createServiceRuntime,
  type KadaError,
  parseTraceparent,
  runWithContext,
  type ServiceRuntime,
} from '../src/internals.ts';
import {
  AMQP_URL,
  createTestDatabase,
  deleteQueues,
  drainQueue,
  messageCount,
  orderCreatedDescriptor,
  rawConnection,
  silentLogger,
  type TestDatabase,
  unique,
} from './helpers.ts';

describe('publishing with confirms', () => {
  const queue = unique('publish');
  const routingKey = `${queue}.order.created.v1`;
  const descriptor = orderCreatedDescriptor(routingKey);
  let database: TestDatabase;
  let runtime: ServiceRuntime;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    runtime = createServiceRuntime({
      service: 'order',
      url: AMQP_URL,
      db: database.open(),
      dialect: 'sqlite',
      logger: silentLogger,
    });
    await runtime.start();
    const model = await rawConnection();
    const channel = await model.createChannel();
    await channel.assertExchange('domain.events', 'topic', { durable: true });
    await channel.assertQueue(queue, { durable: true });
    await channel.bindQueue(queue, 'domain.events', routingKey);
    await model.close();
  });

  afterAll(async () => {
    await runtime.stop();
    await deleteQueues(queue, 0);
    await database.drop();
  });

  it('resolves only once the broker holds the message, with the envelope facts in AMQP properties', async () => {
    const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const envelope = await runWithContext({ correlationId: 'req-42', traceparent: incoming }, () =>
      runtime.directSink.emit(descriptor, { orderId: 'o-1', amount: 12.5 }),
    );
    // No waiting: a confirmed publish is already in the queue.
    expect(await messageCount(queue)).toBe(1);
    const [message] = await drainQueue(queue);
    expect(message).toBeDefined();
    const { properties } = message as NonNullable<typeof message>;
    expect(properties.messageId).toBe(envelope.eventId);
    expect(properties.type).toBe('order.created');
    expect(properties.correlationId).toBe('req-42');
    expect(properties.contentType).toBe('application/json');
    expect(properties.deliveryMode).toBe(2);
    expect(typeof properties.timestamp).toBe('number');
    expect(properties.headers?.['x-kada-version']).toBe('1');
    const trace = parseTraceparent(properties.headers?.traceparent);
    expect(trace?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(trace?.spanId).not.toBe('b7ad6b7169203331');
    expect(JSON.parse((message as NonNullable<typeof message>).content.toString())).toEqual(envelope);
    expect(envelope.producer).toBe('order');
    expect(envelope.causationId).toBeNull();
  });

  it('pipelines many publishes and confirms each', async () => {
    const sent = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        runtime.directSink.emit(descriptor, { orderId: `o-${i}`, amount: i }),
      ),
    );
    expect(await messageCount(queue)).toBe(500);
    const ids = new Set((await drainQueue(queue)).map((m) => m.properties.messageId as string));
    expect(ids).toEqual(new Set(sent.map((e) => e.eventId)));
  });

  it('rejects an unroutable publish (mandatory return)', async () => {
    const nowhere = orderCreatedDescriptor(`${queue}.nobody.listens`);
    await expect(runtime.directSink.emit(nowhere, { orderId: 'o-2', amount: 1 })).rejects.toMatchObject({
      code: 'KADA_PUBLISH_UNROUTABLE',
    });
  });

  it('rejects an invalid event before publishing anything', async () => {
    const error = (await runtime.directSink
      .emit(descriptor, { orderId: 'o-3', amount: -5 })
      .catch((e: unknown) => e)) as KadaError;
    expect(error.code).toBe('KADA_VALIDATION');
    expect(error.message).toContain('/data/amount');
    expect(await messageCount(queue)).toBe(0);
  });

  it('counts confirmed publishes in kada_published_total', async () => {
    const metric = await runtime.registry.getSingleMetric('kada_published_total')?.get();
    const value = metric?.values.find((v) => v.labels.routing_key === routingKey)?.value;
    expect(value).toBe(501);
  });
});
