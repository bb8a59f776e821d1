import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceRuntime, type Envelope, type KadaError, type ServiceRuntime } from '../src/index.ts';
import {
  AMQP_URL,
  closeConnectionsNamed,
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

describe('broker connection loss under load', () => {
  const queue = unique('reconnect');
  const service = unique('svc-reconnect');
  const descriptor = orderCreatedDescriptor(`${queue}.order.created.v1`);
  let database: TestDatabase;
  let runtime: ServiceRuntime;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    runtime = createServiceRuntime({
      service,
      url: AMQP_URL,
      db: database.open(),
      dialect: 'sqlite',
      logger: silentLogger,
    });
    await runtime.start();
  });
  afterAll(async () => {
    await runtime.stop();
    await deleteQueues(queue);
    await database.drop();
  });

  it('every confirmed publish arrives and the consumer resumes after the connection is closed twice', async () => {
    const handled = new Set<string>();
    await runtime.consume({
      service,
      policy: policy(queue),
      routes: [
        {
          descriptor,
          handle: async (event: Envelope<OrderCreated>) => {
            handled.add(event.eventId);
          },
        },
      ],
    });
    const confirmed: string[] = [];
    const failed: unknown[] = [];
    let publishing = true;
    const stream = (async () => {
      let i = 0;
      while (publishing) {
        const batch = Array.from({ length: 25 }, () => {
          i += 1;
          return runtime.directSink.emit(descriptor, { orderId: `o-${i}`, amount: i }).then(
            (envelope) => confirmed.push(envelope.eventId),
            (error: unknown) => failed.push(error),
          );
        });
        await Promise.all(batch);
        await sleep(5);
      }
    })();
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
    publishing = false;
    await stream;

    expect(failed).toEqual([]);
    await waitFor('every confirmed event handled', () => confirmed.every((id) => handled.has(id)), 30_000);
    const reconnects = await runtime.registry.getSingleMetric('kada_broker_reconnects_total')?.get();
    expect(reconnects?.values[0]?.value).toBe(2);
    expect(runtime.health()).toEqual({ ready: true, broker: 'up', db: 'up' });
  });
});

/** A TCP proxy to the broker that can play "broker unreachable" without disturbing anyone else. */
async function brokerProxy(): Promise<{ url: string; down(): void; up(): void; close(): Promise<void> }> {
  const target = new URL(AMQP_URL);
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
    url: `amqp://${target.username}:${target.password}@127.0.0.1:${port}`,
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
    const proxy = await brokerProxy();
    const database = await createTestDatabase('sqlite');
    const runtime = createServiceRuntime({
      service: unique('svc-outage'),
      url: proxy.url,
      db: database.open(),
      dialect: 'sqlite',
      logger: silentLogger,
      broker: {
        publishTimeoutMs: 4000,
        reconnect: { initialDelayMs: 50, maxDelayMs: 300, multiplier: 2, jitter: 0.2 },
      },
    });
    try {
      await runtime.start();
      const model = await rawConnection();
      const channel = await model.createChannel();
      await channel.assertQueue(queue, { durable: true });
      await channel.bindQueue(queue, 'domain.events', descriptor.routingKey);
      await model.close();

      proxy.down();
      await waitFor('the runtime to notice', () => runtime.health().broker === 'down');
      const during = Array.from({ length: 50 }, (_, i) =>
        runtime.directSink.emit(descriptor, { orderId: `o-${i}`, amount: i }),
      );
      await sleep(1000);
      expect(await messageCount(queue)).toBe(0);
      proxy.up();
      const envelopes = await Promise.all(during);
      const arrived = (await drainQueue(queue)).map((m) => m.properties.messageId as string);
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
      await runtime.stop();
      await proxy.close();
      await deleteQueues(queue, 0);
      await database.drop();
    }
  });
});
