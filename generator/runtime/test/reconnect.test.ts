import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Envelope, KadaError } from '../src/index.ts';
import { scratch } from './harness.ts';
import {
  closeConnectionsNamed,
  keepPublishing,
  metricValue,
  orderConsumer,
  orderCreatedDescriptor,
  sleep,
  unique,
  waitFor,
} from './helpers.ts';

const space = scratch('reconnect');

describe('broker connection loss under load', () => {
  it('every confirmed publish arrives and the consumer resumes after the connection is closed twice', async () => {
    const service = unique('svc-reconnect');
    const runtime = await space.runtime(await space.database('sqlite'), { service });
    const handled = new Set<string>();
    const { descriptor, definition } = orderConsumer(
      unique('reconnect'),
      async (event: Envelope<unknown>) => {
        handled.add(event.eventId);
      },
      { service },
    );
    await runtime.consume(definition);
    const stream = keepPublishing(runtime, descriptor, 25, 5);
    const { confirmed } = stream;
    await waitFor('publishing under way', () => confirmed.length > 100);
    for (let round = 0; round < 2; round++) {
      const atClose = confirmed.length;
      expect(await closeConnectionsNamed(service)).toBe(1);
      await waitFor(
        'publishing again after the reconnect',
        () => runtime.health().broker === 'up' && confirmed.length > atClose + 100,
        20_000,
      );
    }
    await stream.stop();

    expect(stream.failed).toEqual([]);
    await waitFor('every confirmed event handled', () => confirmed.every((id) => handled.has(id)), 30_000);
    expect(await metricValue(runtime, 'kada_broker_reconnects_total')).toBe(2);
    expect(runtime.health()).toEqual({ ready: true, broker: 'up', db: 'up' });
  });
});

/** A TCP proxy to the broker that can play "broker unreachable" without disturbing anyone else. */
async function brokerProxy(
  brokerUrl: string,
): Promise<{ url: string; down(): void; up(): void; close(): Promise<void> }> {
  const target = new URL(brokerUrl);
  const sockets = new Set<Socket>();
  let accepting = true;
  const server: Server = createServer((client) => {
    if (!accepting) {
      client.destroy();
      return;
    }
    const upstream = tcpConnect(Number(target.port || 5672), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `amqp://${target.username}:${target.password}@127.0.0.1:${port}${target.pathname}`,
    down() {
      accepting = false;
      for (const socket of sockets) socket.destroy();
    },
    up() {
      accepting = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('publishing while the broker is unreachable', () => {
  it('waits for the reconnect and then confirms; rejects once publishTimeoutMs passes', async () => {
    const queue = unique('outage');
    const descriptor = orderCreatedDescriptor(`${queue}.order.created.v1`);
    const proxy = await brokerProxy(space.url);
    let stopRuntime = async (): Promise<void> => undefined;
    try {
      const runtime = await space.runtime(await space.database('sqlite'), {
        url: proxy.url,
        broker: {
          publishTimeoutMs: 4000,
          reconnect: { initialDelayMs: 50, maxDelayMs: 300, multiplier: 2, jitter: 0.2 },
        },
      });
      stopRuntime = () => runtime.stop();
      await space.bind(queue, descriptor.routingKey);

      proxy.down();
      await waitFor('the runtime to notice', () => runtime.health().broker === 'down');
      const during = Array.from({ length: 50 }, (_, i) =>
        runtime.directSink.emit(descriptor, { orderId: `o-${i}`, amount: i }),
      );
      await sleep(1000);
      expect(await space.messageCount(queue)).toBe(0);
      proxy.up();
      const envelopes = await Promise.all(during);
      const arrived = (await space.drain(queue)).map((m) => m.properties.messageId as string);
      expect(new Set(arrived)).toEqual(new Set(envelopes.map((e) => e.eventId)));

      proxy.down();
      await waitFor('the runtime to notice again', () => runtime.health().broker === 'down');
      const started = Date.now();
      const error = (await runtime.directSink
        .emit(descriptor, { orderId: 'late', amount: 1 })
        .catch((e: unknown) => e)) as KadaError;
      expect(error.code).toBe('KADA_BROKER_UNAVAILABLE');
      expect(Date.now() - started).toBeGreaterThanOrEqual(3900);
      proxy.up();
      await waitFor('back up', () => runtime.health().broker === 'up');
    } finally {
      await stopRuntime();
      await proxy.close();
    }
  });
});
