import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceRuntime, type Envelope, type ServiceRuntime } from '../src/index.ts';
import {
  AMQP_URL,
  closeConnectionsNamed,
  createTestDatabase,
  deleteQueues,
  type OrderCreated,
  orderCreatedDescriptor,
  policy,
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
    await waitFor('publishing under way', () => confirmed.length > 200);
    expect(await closeConnectionsNamed(service)).toBe(1);
    await waitFor('reconnected', () => runtime.health().broker === 'up' && confirmed.length > 800, 20_000);
    const beforeSecond = confirmed.length;
    expect(await closeConnectionsNamed(service)).toBe(1);
    await waitFor('publishing again', () => runtime.health().broker === 'up' && confirmed.length > beforeSecond + 300, 20_000);
    publishing = false;
    await stream;

    expect(failed).toEqual([]);
    await waitFor('every confirmed event handled', () => confirmed.every((id) => handled.has(id)), 30_000);
    const reconnects = await runtime.registry.getSingleMetric('kada_broker_reconnects_total')?.get();
    expect(reconnects?.values[0]?.value).toBe(2);
    expect(runtime.health()).toEqual({ ready: true, broker: 'up', db: 'up' });
  });
});
