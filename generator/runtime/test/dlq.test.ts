import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceRuntime, type Envelope, type ServiceRuntime } from '../src/index.ts';
import {
  AMQP_URL,
  createTestDatabase,
  deleteQueues,
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

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../src/dlq-cli.ts', import.meta.url));
const dlq = (...args: string[]) =>
  run(process.execPath, [cli, ...args], { env: { ...process.env, RABBITMQ_URL: AMQP_URL } });

describe('pnpm dlq', () => {
  let database: TestDatabase;
  let runtime: ServiceRuntime;
  const queue = unique('dlq');

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    runtime = createServiceRuntime({
      service: 'dlq-test',
      url: AMQP_URL,
      db: database.open(),
      dialect: 'sqlite',
      logger: silentLogger,
    });
    await runtime.start();
    await runtime.db.schema
      .createTable('seen')
      .addColumn('event_id', 'varchar(64)', (col) => col.primaryKey())
      .execute();
  });
  afterAll(async () => {
    await runtime.stop();
    await deleteQueues(queue, 1);
    await database.drop();
  });

  it('list and show leave the message in place; replay brings a fixed message back and it is processed once', async () => {
    const descriptor = orderCreatedDescriptor(`${queue}.order.created.v1`);
    let broken = true;
    let successes = 0;
    await runtime.consume({
      service: 'dlq-test',
      policy: policy(queue, { retry: { maxRetries: 1, initialDelayMs: 50, multiplier: 2, maxDelayMs: 100 } }),
      routes: [
        {
          descriptor,
          handle: async (event: Envelope<OrderCreated>, ctx) => {
            if (broken) throw new Error('bug #123: cannot handle order');
            await ctx.tx.insertInto('seen').values({ event_id: event.eventId }).execute();
            successes += 1;
          },
        },
      ],
    });
    const sent = await runtime.directSink.emit(descriptor, { orderId: 'o-dlq', amount: 3 });
    await waitFor('dead-lettered', async () => (await messageCount(`${queue}.dlq`)) === 1);

    const listed = await dlq('list', '--json');
    const entry = listed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { queue: string; messages: number })
      .find((info) => info.queue === `${queue}.dlq`);
    expect(entry?.messages).toBe(1);

    const shown = await dlq('show', queue, '--json');
    const [letter] = shown.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(letter).toMatchObject({
      messageId: sent.eventId,
      type: 'order.created',
      reason: 'handler-error',
      attempts: 2,
      originalRoutingKey: descriptor.routingKey,
    });
    expect(String(letter?.error)).toContain('bug #123');
    expect(await messageCount(`${queue}.dlq`)).toBe(1);

    broken = false; // the fix is deployed
    const replay = await dlq('replay', queue);
    expect(replay.stdout).toContain('replayed 1 message(s)');
    await waitFor('replayed message handled', () => successes === 1);
    await sleep(300);
    expect(successes).toBe(1);
    expect(await messageCount(`${queue}.dlq`)).toBe(0);
    const rows = await runtime.db.selectFrom('seen').selectAll().execute();
    expect(rows).toEqual([{ event_id: sent.eventId }]);

    // The same event dead-lettered again (say, a second copy) and replayed: the inbox knows its id.
    const model = await rawConnection();
    const channel = await model.createConfirmChannel();
    channel.sendToQueue(`${queue}.dlq`, Buffer.from(JSON.stringify(sent)), {
      messageId: sent.eventId,
      persistent: true,
      headers: { 'x-kada-reason': 'handler-error', 'x-kada-queue': queue },
    });
    await channel.waitForConfirms();
    await model.close();
    const again = await dlq('replay', queue, '--limit', '5');
    expect(again.stdout).toContain('replayed 1 message(s)');
    await waitFor('duplicate acknowledged', async () => {
      const metric = await runtime.registry.getSingleMetric('kada_messages_duplicate_total')?.get();
      return metric?.values.find((v) => v.labels.queue === queue)?.value === 1;
    });
    expect(successes).toBe(1);
  });

  it('rejects bad usage with exit code 2', async () => {
    const failure = (await dlq('show').catch((error: unknown) => error)) as { code: number; stderr: string };
    expect(failure.code).toBe(2);
    expect(failure.stderr).toContain('usage');
  });
});
