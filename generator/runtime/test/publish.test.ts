import { beforeAll, describe, expect, it } from 'vitest';
import { type KadaError, parseTraceparent, runWithContext, type ServiceRuntime } from '../src/internals.ts';
import { scratch } from './harness.ts';
import { metricValue, orderCreatedDescriptor, sleep, unique } from './helpers.ts';

const space = scratch('publish');

describe('publishing with confirms', () => {
  const queue = unique('publish');
  const routingKey = `${queue}.order.created.v1`;
  const descriptor = orderCreatedDescriptor(routingKey);
  let runtime: ServiceRuntime;

  beforeAll(async () => {
    runtime = await space.runtime(await space.database('sqlite'), { service: 'order' });
    await space.bind(queue, routingKey);
  });

  it('resolves only once the broker holds the message, with the envelope facts in AMQP properties', async () => {
    const incoming = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const envelope = await runWithContext({ correlationId: 'req-42', traceparent: incoming }, () =>
      runtime.directSink.emit(descriptor, { orderId: 'o-1', amount: 12.5 }),
    );
    // No waiting: a confirmed publish is already in the queue.
    expect(await space.messageCount(queue)).toBe(1);
    const [message] = await space.drain(queue);
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
    expect(await space.messageCount(queue)).toBe(500);
    const ids = new Set((await space.drain(queue)).map((m) => m.properties.messageId as string));
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
    expect(await space.messageCount(queue)).toBe(0);
  });

  it('counts confirmed publishes in kada_published_total', async () => {
    expect(await metricValue(runtime, 'kada_published_total', { routing_key: routingKey })).toBe(501);
  });

  describe('a nack (a full queue that rejects publishes)', () => {
    const full = unique('full');
    const fullKey = `${full}.order.created.v1`;
    const fullDescriptor = orderCreatedDescriptor(fullKey);
    beforeAll(() =>
      space.bind(full, fullKey, {
        durable: true,
        arguments: { 'x-max-length': 1, 'x-overflow': 'reject-publish' },
      }),
    );

    it('is sent again after a pause, and confirmed once the broker takes it', async () => {
      const model = await space.connection();
      const channel = await model.createChannel();
      try {
        await runtime.directSink.emit(fullDescriptor, { orderId: 'o-first', amount: 1 });
        // The queue is full: the broker nacks the second; the publisher pauses (100, 200, 400 ms)
        // and tries again.
        let settled = false;
        const second = runtime.directSink.emit(fullDescriptor, { orderId: 'o-second', amount: 2 });
        second.then(
          () => (settled = true),
          () => (settled = true),
        );
        await sleep(150);
        expect(settled).toBe(false);
        // Room for one: take the first message (one get on a channel already open).
        const first = await channel.get(full, { noAck: true });
        expect(first && JSON.parse(first.content.toString()).data.orderId).toBe('o-first');
        const envelope = await second;
        const [message] = await space.drain(full);
        expect(message?.properties.messageId).toBe(envelope.eventId);
      } finally {
        await model.close();
      }
    });

    it('is rejected with KADA_PUBLISH_NACKED when the broker keeps refusing it', async () => {
      await runtime.directSink.emit(fullDescriptor, { orderId: 'o-fills', amount: 1 });
      await expect(
        runtime.directSink.emit(fullDescriptor, { orderId: 'o-refused', amount: 2 }),
      ).rejects.toMatchObject({ code: 'KADA_PUBLISH_NACKED' });
      const left = await space.drain(full);
      expect(left.map((m) => JSON.parse(m.content.toString()).data.orderId)).toEqual(['o-fills']);
    });
  });
});
