/**
 * Third-party (envelope-less) messages through the service runtime's consumer: two messages on one
 * routing key are told apart by the AMQP `type` property (a channel that carries several messages).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Broker,
  brokerDefaults,
  type ConsumerRoute,
  type Envelope,
  RuntimeMetrics,
} from '../src/internals.ts';
import { scratch } from './harness.ts';
import { policy, silentLogger, unique, waitFor } from './helpers.ts';

const space = scratch('bare-routes');
const queue = unique('bare-routes');
const exchange = unique('bare-routes-x');
const routingKey = 'catalog.product';
let broker: Broker;

const accept = Object.assign((_: unknown) => true, { errors: null });
function route(eventType: string, seen: Envelope<unknown>[]): ConsumerRoute {
  return {
    descriptor: { eventType, version: 1, routingKey, exchange, envelope: false, validate: accept },
    handle: async (event) => {
      seen.push(event);
    },
  };
}

beforeAll(async () => {
  broker = new Broker(
    brokerDefaults({ service: 'bare-routes', url: space.url }),
    silentLogger,
    new RuntimeMetrics(),
  );
  await broker.start();
});

afterAll(async () => {
  await broker.close();
});

describe('bare routes sharing a routing key', () => {
  it('dispatch on the AMQP type property; an unknown type is dead-lettered, not handled', async () => {
    const added: Envelope<unknown>[] = [];
    const removed: Envelope<unknown>[] = [];
    const routes = [route('ProductAdded', added), route('ProductRemoved', removed)];
    await broker.consume(
      { service: 'bare-routes', policy: policy(queue), routes },
      async ({ route: r, envelope }) => {
        await r.handle(envelope, {} as never);
        return 'handled';
      },
    );
    const conn = await space.connection();
    const ch = await conn.createConfirmChannel();
    const send = (type: string, body: unknown) =>
      ch.publish(exchange, routingKey, Buffer.from(JSON.stringify(body)), {
        type,
        contentType: 'application/json',
      });
    send('ProductAdded', { sku: 'a' });
    send('ProductRemoved', { sku: 'b' });
    send('ProductAdded', { sku: 'c' });
    send('ProductRenamed', { sku: 'd' });
    await ch.waitForConfirms();
    await conn.close();
    await waitFor('three handled deliveries', () => added.length === 2 && removed.length === 1);
    expect(added.map((e) => e.data)).toEqual([{ sku: 'a' }, { sku: 'c' }]);
    expect(added.map((e) => e.eventType)).toEqual(['ProductAdded', 'ProductAdded']);
    expect(removed.map((e) => e.data)).toEqual([{ sku: 'b' }]);
    const dead = await space.received('the unknown type in the DLQ', `${queue}.dlq`);
    expect(dead.map((m) => JSON.parse(m.content.toString()))).toEqual([{ sku: 'd' }]);
  });
});
