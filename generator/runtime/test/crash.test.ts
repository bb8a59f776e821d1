import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnySchema } from '../src/index.ts';
import { scratch } from './harness.ts';
import {
  orderCreatedDescriptor,
  orderEnvelope,
  sleep,
  type TestDatabase,
  unique,
  waitFor,
} from './helpers.ts';

const space = scratch('crash');
const fixture = fileURLToPath(new URL('./fixtures/child.ts', import.meta.url));

interface Child {
  process: ChildProcess;
  lines: string[];
  exited: Promise<NodeJS.Signals | number | null>;
}

function spawnChild(config: Record<string, unknown>): Child {
  const child = spawn(process.execPath, [fixture, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RABBITMQ_URL: space.url },
  });
  const lines: string[] = [];
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    lines.push(...parts);
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      if (code) process.stderr.write(`child exited ${code}: ${stderr}\n`);
      resolve(signal ?? code);
    }),
  );
  return { process: child, lines, exited };
}

/** A child process's service on a queue of its own: `${queue}.order.created.v1` routes to it. */
function childConfig(prefix: string, mode: string, database: TestDatabase) {
  const queue = unique(prefix);
  const routingKey = `${queue}.order.created.v1`;
  return { mode, dialect: database.dialect, dbUrl: database.url, queue, routingKey, service: unique('svc') };
}

const publishOne = (routingKey: string, eventId: string): Promise<void> =>
  space.publish(routingKey, [
    { content: JSON.stringify(orderEnvelope('o-crash', eventId)), options: { messageId: eventId } },
  ]);

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`crashes on ${dialect}`, () => {
    let database: TestDatabase;
    /** The test's own connection, for asserting on what the children committed. */
    let db: Kysely<AnySchema>;

    beforeAll(async () => {
      database = await space.database(dialect);
      db = database.open();
    });
    afterAll(async () => {
      await db.destroy();
    });

    it('a consumer SIGKILLed after commit but before ack gets the message again and the handler does not run twice', async () => {
      const base = childConfig(`crash-ack-${dialect}`, 'consume', database);
      const first = spawnChild({ ...base, crashOnAck: true });
      await waitFor('first child ready', () => first.lines.includes('ready'), 20_000);
      const eventId = `evt-${Date.now()}`;
      await publishOne(base.routingKey, eventId);
      expect(await first.exited).toBe('SIGKILL');
      expect(first.lines).toContain(`handler-run ${eventId}`);
      expect(first.lines).toContain('crashing-before-ack');

      const second = spawnChild(base);
      await waitFor('second child ready', () => second.lines.includes('ready'), 20_000);
      await waitFor(
        'redelivery recognised as a duplicate',
        () => second.lines.includes(`duplicate ${eventId}`),
        20_000,
      );
      second.process.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      // Unacked messages would be back in the queue once the consumer is gone.
      expect(await space.messageCount(base.queue)).toBe(0);
      expect(second.lines.filter((line) => line.startsWith('handler-run'))).toEqual([]);
      const rows = await db.selectFrom('seen').selectAll().where('event_id', '=', eventId).execute();
      expect(rows).toHaveLength(1);
    });

    it('a consumer SIGKILLed inside the handler gets the message redelivered and processed once', async () => {
      const base = childConfig(`crash-mid-${dialect}`, 'consume', database);
      const first = spawnChild({ ...base, hang: true });
      await waitFor('first child ready', () => first.lines.includes('ready'), 20_000);
      const eventId = `evt-mid-${Date.now()}`;
      await publishOne(base.routingKey, eventId);
      await waitFor('handler running', () => first.lines.includes('in-handler'));
      first.process.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');

      const second = spawnChild(base);
      await waitFor('redelivered and handled', () => second.lines.includes(`handler-run ${eventId}`), 20_000);
      await sleep(300);
      second.process.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      expect(await space.messageCount(base.queue)).toBe(0);
      const rows = await db.selectFrom('seen').selectAll().where('event_id', '=', eventId).execute();
      expect(rows).toHaveLength(1);
      const inbox = await db
        .selectFrom('processed_events')
        .selectAll()
        .where('event_id', '=', eventId)
        .execute();
      expect(inbox).toHaveLength(1);
    });

    it('an outbox row committed before a crash is published after restart', async () => {
      const config = childConfig(`crash-outbox-${dialect}`, 'outbox-commit-then-crash', database);
      await space.bind(config.queue, config.routingKey);
      const child = spawnChild(config);
      expect(await child.exited).toBe('SIGKILL');
      const committed = child.lines.find((line) => line.startsWith('committed '))?.slice('committed '.length);
      expect(committed).toBeDefined();
      expect(await space.messageCount(config.queue)).toBe(0);

      const runtime = await space.runtime(database, { service: config.service });
      try {
        const [message] = await space.received('the relayed event', config.queue);
        expect(message?.properties.messageId).toBe(committed);
        expect(JSON.parse(String(message?.content)).data).toEqual({ orderId: 'o-outbox', amount: 7 });
        await waitFor('row marked sent', async () => {
          const row = await runtime.db
            .selectFrom('outbox')
            .select('sent_at')
            .where('event_id', '=', committed as string)
            .executeTakeFirst();
          return row?.sent_at !== null && row?.sent_at !== undefined;
        });
      } finally {
        // Its relay would otherwise go on relaying this database's outbox during the next test.
        await runtime.stop();
      }
    });

    it('a rolled-back transaction publishes nothing', async () => {
      const queue = unique(`rollback-${dialect}`);
      const routingKey = `${queue}.order.created.v1`;
      await space.bind(queue, routingKey);
      const descriptor = orderCreatedDescriptor(routingKey);
      const runtime = await space.runtime(database, { outbox: { pollIntervalMs: 100 } });
      try {
        let emittedId = '';
        const failure = await runtime
          .transaction(async (tx, sink) => {
            await tx.insertInto('seen').values({ event_id: 'rolled-back', order_id: 'o-rb' }).execute();
            emittedId = (await sink.emit(descriptor, { orderId: 'o-rb', amount: 1 })).eventId;
            throw new Error('business rule says no');
          })
          .catch((error: unknown) => error);
        expect(String(failure)).toContain('business rule says no');
        expect(emittedId).not.toBe('');
        // A committed one right after, so we know the relay ran past the rolled-back one.
        const committed = await runtime.transaction((_tx, sink) =>
          sink.emit(descriptor, { orderId: 'o-ok', amount: 2 }),
        );
        const got = await space.received('the committed event', queue);
        await sleep(400);
        got.push(...(await space.drain(queue)));
        expect(got.map((m) => m.properties.messageId)).toEqual([committed.eventId]);
        const outbox = await runtime.db
          .selectFrom('outbox')
          .select('event_id')
          .where('event_id', '=', emittedId)
          .execute();
        expect(outbox).toEqual([]);
        const state = await runtime.db
          .selectFrom('seen')
          .selectAll()
          .where('event_id', '=', 'rolled-back')
          .execute();
        expect(state).toEqual([]);
      } finally {
        await runtime.stop();
      }
    });
  });
}
