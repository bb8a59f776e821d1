import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ServiceRuntime } from '../src/index.ts';
import { scratch } from './harness.ts';
import { metricValue, orderConsumer, sleep, unique, waitFor } from './helpers.ts';

const space = scratch('dlq');
const run = promisify(execFile);
const cli = fileURLToPath(new URL('../src/dlq-cli.ts', import.meta.url));
const dlq = (...args: string[]) =>
  run(process.execPath, [cli, ...args], { env: { ...process.env, RABBITMQ_URL: space.url } });

describe('pnpm dlq', () => {
  let runtime: ServiceRuntime;
  const queue = unique('dlq');

  beforeAll(async () => {
    runtime = await space.runtime(await space.database('sqlite'), { service: 'dlq-test' });
    await runtime.db.schema
      .createTable('seen')
      .addColumn('event_id', 'varchar(64)', (col) => col.primaryKey())
      .execute();
  });

  it('list and show leave the message in place; replay brings a fixed message back and it is processed once', async () => {
    let broken = true;
    let successes = 0;
    const { descriptor, definition } = orderConsumer(
      queue,
      async (event, ctx) => {
        if (broken) throw new Error('bug #123: cannot handle order');
        await ctx.tx.insertInto('seen').values({ event_id: event.eventId }).execute();
        successes += 1;
      },
      {
        service: 'dlq-test',
        policy: { retry: { maxRetries: 1, initialDelayMs: 50, multiplier: 2, maxDelayMs: 100 } },
      },
    );
    await runtime.consume(definition);
    const sent = await runtime.directSink.emit(descriptor, { orderId: 'o-dlq', amount: 3 });
    await waitFor('dead-lettered', async () => (await space.messageCount(`${queue}.dlq`)) === 1);

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
    expect(await space.messageCount(`${queue}.dlq`)).toBe(1);

    broken = false; // the fix is deployed
    const replay = await dlq('replay', queue);
    expect(replay.stdout).toContain('replayed 1 message(s)');
    await waitFor('replayed message handled', () => successes === 1);
    await sleep(300);
    expect(successes).toBe(1);
    expect(await space.messageCount(`${queue}.dlq`)).toBe(0);
    const rows = await runtime.db.selectFrom('seen').selectAll().execute();
    expect(rows).toEqual([{ event_id: sent.eventId }]);

    // The same event dead-lettered again (say, a second copy) and replayed: the inbox knows its id.
    const model = await space.connection();
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
    await waitFor(
      'duplicate acknowledged',
      async () => (await metricValue(runtime, 'kada_messages_duplicate_total', { queue })) === 1,
    );
    expect(successes).toBe(1);
  });

  it('rejects bad usage with exit code 2', async () => {
    const failure = (await dlq('show').catch((error: unknown) => error)) as { code: number; stderr: string };
    expect(failure.code).toBe(2);
    expect(failure.stderr).toContain('usage');
  });
});
