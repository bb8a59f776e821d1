import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope, ServiceRuntime } from '../src/index.ts';
import { scratch } from './harness.ts';
import { keepPublishing, metricValue, orderConsumer, sleep, unique, waitFor } from './helpers.ts';

const run = promisify(execFile);
const CLUSTER = resolve(import.meta.dirname, '../../../scripts/cluster');
// A port range of its own, so a developer's `scripts/cluster start` (5681..) is left alone.
const env = { ...process.env, KADA_CLUSTER_PORT: '5791' };
const cluster = (...args: string[]) => run(CLUSTER, args, { env, timeout: 240_000 });
// The broker is the cluster's own: no vhost on the machine's node; the harness keeps the database.
const space = scratch('cluster', { vhost: false });

/**
 * Three RabbitMQ nodes of our own (scripts/cluster); the machine's node on 5672 is not touched. The
 * runtime gets all three addresses, connects to the first, and must carry on through the next one
 * when the node it is connected to stops: every confirmed publish is consumed from a quorum queue.
 */
describe('a three-node cluster that loses the node the service is connected to', () => {
  let runtime: ServiceRuntime;
  const service = unique('svc-cluster');

  beforeAll(async () => {
    await cluster('start');
    const urls = (await cluster('urls')).stdout.trim();
    runtime = await space.runtime(await space.database('sqlite'), {
      service,
      url: urls,
      broker: { reconnect: { initialDelayMs: 100, maxDelayMs: 1000, multiplier: 2, jitter: 0.2 } },
    });
  }, 300_000);

  afterAll(async () => {
    await runtime?.stop();
    await cluster('stop');
  }, 120_000);

  it('keeps publishing and consuming through the next node; nothing confirmed is lost', async () => {
    const handled = new Map<string, number>();
    const { descriptor, definition } = orderConsumer(
      unique('cluster'),
      async (event: Envelope<unknown>) => {
        handled.set(event.eventId, (handled.get(event.eventId) ?? 0) + 1);
      },
      { service, policy: { queueType: 'quorum' } },
    );
    await runtime.consume(definition);
    const stream = keepPublishing(runtime, descriptor, 20, 10);
    const { confirmed } = stream;
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
    await stream.stop();

    expect(stream.failed).toEqual([]);
    await waitFor('every confirmed event handled', () => confirmed.every((id) => handled.has(id)), 60_000);
    expect(await metricValue(runtime, 'kada_broker_reconnects_total')).toBeGreaterThanOrEqual(1);
    // At-least-once across a node loss: a message whose confirm was lost is re-sent; the inbox of a
    // real service absorbs the copy. Report how many there were.
    const copies = [...handled.values()].filter((n) => n > 1).length;
    console.log(
      `cluster: ${confirmed.length} confirmed, ${handled.size} handled, ${copies} redelivered copies`,
    );
  }, 240_000);
});
