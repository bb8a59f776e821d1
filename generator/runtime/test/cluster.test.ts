import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceRuntime, type Envelope, type ServiceRuntime } from '../src/index.ts';
import {
  createTestDatabase,
  type OrderCreated,
  orderCreatedDescriptor,
  policy,
  silentLogger,
  sleep,
  type TestDatabase,
  unique,
  waitFor,
} from './helpers.ts';

const run = promisify(execFile);
const CLUSTER = resolve(import.meta.dirname, '../../../scripts/cluster');
// A port range of its own, so a developer's `scripts/cluster start` (5681..) is left alone.
const env = { ...process.env, KADA_CLUSTER_PORT: '5791' };
const cluster = (...args: string[]) => run(CLUSTER, args, { env, timeout: 240_000 });

/**
 * Three RabbitMQ nodes of our own (scripts/cluster); the machine's node on 5672 is not touched. The
 * runtime gets all three addresses, connects to the first, and must carry on through the next one
 * when the node it is connected to stops: every confirmed publish is consumed from a quorum queue.
 */
describe('a three-node cluster that loses the node the service is connected to', () => {
  let urls: string;
  let database: TestDatabase;
  let runtime: ServiceRuntime;
  const service = unique('svc-cluster');
  const queue = unique('cluster');
  const descriptor = orderCreatedDescriptor(`${queue}.order.created.v1`);

  beforeAll(async () => {
    await cluster('start');
    urls = (await cluster('urls')).stdout.trim();
    database = await createTestDatabase('sqlite');
    runtime = createServiceRuntime({
      service,
      url: urls,
      db: database.open(),
      dialect: 'sqlite',
      logger: silentLogger,
      broker: { reconnect: { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0.2 } },
    });
    await runtime.start();
  }, 300_000);

  afterAll(async () => {
    await runtime?.stop();
    await database?.drop();
    await cluster('stop');
  }, 120_000);

  it('keeps publishing and consuming through the next node; nothing confirmed is lost', async () => {
    const handled = new Map<string, number>();
    await runtime.consume({
      service,
      policy: policy(queue, { queueType: 'quorum' }),
      routes: [
        {
          descriptor,
          handle: async (event: Envelope<OrderCreated>) => {
            handled.set(event.eventId, (handled.get(event.eventId) ?? 0) + 1);
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
        const batch = Array.from({ length: 20 }, () => {
          i += 1;
          return runtime.directSink.emit(descriptor, { orderId: `o-${i}`, amount: i }).then(
            (envelope) => confirmed.push(envelope.eventId),
            (error: unknown) => failed.push(error),
          );
        });
        await Promise.all(batch);
        await sleep(10);
      }
    })();
    await waitFor('publishing under way', () => confirmed.length > 200, 30_000);

    const atStop = confirmed.length;
    await cluster('stop-node', '1');
    await waitFor(
      'publishing again through another node',
      () => runtime.health().broker === 'up' && confirmed.length > atStop + 200,
      60_000,
    );
    await cluster('start-node', '1');
    await sleep(500);
    publishing = false;
    await stream;

    expect(failed).toEqual([]);
    await waitFor('every confirmed event handled', () => confirmed.every((id) => handled.has(id)), 60_000);
    const reconnects = await runtime.registry.getSingleMetric('kada_broker_reconnects_total')?.get();
    expect(reconnects?.values[0]?.value).toBeGreaterThanOrEqual(1);
    // At-least-once across a node loss: a message whose confirm was lost is re-sent; the inbox of a
    // real service absorbs the copy. Report how many there were.
    const copies = [...handled.values()].filter((n) => n > 1).length;
    console.log(
      `cluster: ${confirmed.length} confirmed, ${handled.size} handled, ${copies} redelivered copies`,
    );
  }, 240_000);
});
