import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceRuntime, type ServiceRuntime } from '../src/index.ts';
import {
  AMQP_URL,
  createTestDatabase,
  deleteQueues,
  drainQueue,
  messageCount,
  orderCreatedDescriptor,
  rawConnection,
  silentLogger,
  sleep,
  type TestDatabase,
  unique,
  waitFor,
} from './helpers.ts';

const fixture = fileURLToPath(new URL('./fixtures/child.ts', import.meta.url));

interface Child {
  process: ChildProcess;
  lines: string[];
  exited: Promise<NodeJS.Signals | number | null>;
}

function spawnChild(config: Record<string, unknown>): Child {
  const child = spawn(process.execPath, [fixture, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'pipe'],
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

async function publishOne(routingKey: string, eventId: string): Promise<void> {
  const model = await rawConnection();
  const channel = await model.createConfirmChannel();
  const body = {
    eventId,
    eventType: 'order.created',
    version: 1,
    occurredAt: new Date().toISOString(),
    correlationId: eventId,
    causationId: null,
    producer: 'test',
    data: { orderId: 'o-crash', amount: 1 },
  };
  channel.publish('domain.events', routingKey, Buffer.from(JSON.stringify(body)), {
    messageId: eventId,
    persistent: true,
  });
  await channel.waitForConfirms();
  await model.close();
}

async function bindQueue(queue: string, routingKey: string): Promise<void> {
  const model = await rawConnection();
  const channel = await model.createChannel();
  await channel.assertExchange('domain.events', 'topic', { durable: true });
  await channel.assertQueue(queue, { durable: true });
  await channel.bindQueue(queue, 'domain.events', routingKey);
  await model.close();
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`crashes on ${dialect}`, () => {
    let database: TestDatabase;
    const cleanup: Array<{ queue: string; retries: number }> = [];

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
    });
    afterAll(async () => {
      for (const { queue, retries } of cleanup) await deleteQueues(queue, retries);
      await database.drop();
    });

    it('a consumer SIGKILLed after commit but before ack gets the message again and the handler does not run twice', async () => {
      const queue = unique(`crash-ack-${dialect}`);
      cleanup.push({ queue, retries: 3 });
      const routingKey = `${queue}.order.created.v1`;
      const base = {
        mode: 'consume',
        dialect,
        dbUrl: database.url,
        queue,
        routingKey,
        service: unique('svc'),
      };
      const first = spawnChild({ ...base, crashOnAck: true });
      await waitFor('first child ready', () => first.lines.includes('ready'), 20_000);
      const eventId = `evt-${Date.now()}`;
      await publishOne(routingKey, eventId);
      expect(await first.exited).toBe('SIGKILL');
      expect(first.lines).toContain(`handler-run ${eventId}`);
      expect(first.lines).toContain('crashing-before-ack');

      const second = spawnChild(base);
      await waitFor('second child ready', () => second.lines.includes('ready'), 20_000);
      const db = database.open();
      try {
        await waitFor(
          'redelivery recognised as a duplicate',
          () => second.lines.includes(`duplicate ${eventId}`),
          20_000,
        );
        second.process.kill('SIGTERM');
        expect(await second.exited).toBe(0);
        // Unacked messages would be back in the queue once the consumer is gone.
        expect(await messageCount(queue)).toBe(0);
        expect(second.lines.filter((line) => line.startsWith('handler-run'))).toEqual([]);
        const rows = await db.selectFrom('seen').selectAll().where('event_id', '=', eventId).execute();
        expect(rows).toHaveLength(1);
      } finally {
        await db.destroy();
      }
    });

    it('a consumer SIGKILLed inside the handler gets the message redelivered and processed once', async () => {
      const queue = unique(`crash-mid-${dialect}`);
      cleanup.push({ queue, retries: 3 });
      const routingKey = `${queue}.order.created.v1`;
      const base = {
        mode: 'consume',
        dialect,
        dbUrl: database.url,
        queue,
        routingKey,
        service: unique('svc'),
      };
      const first = spawnChild({ ...base, hang: true });
      await waitFor('first child ready', () => first.lines.includes('ready'), 20_000);
      const eventId = `evt-mid-${Date.now()}`;
      await publishOne(routingKey, eventId);
      await waitFor('handler running', () => first.lines.includes('in-handler'));
      first.process.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');

      const second = spawnChild(base);
      await waitFor('redelivered and handled', () => second.lines.includes(`handler-run ${eventId}`), 20_000);
      await sleep(300);
      second.process.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      expect(await messageCount(queue)).toBe(0);
      const db = database.open();
      try {
        const rows = await db.selectFrom('seen').selectAll().where('event_id', '=', eventId).execute();
        expect(rows).toHaveLength(1);
        const inbox = await db
          .selectFrom('processed_events')
          .selectAll()
          .where('event_id', '=', eventId)
          .execute();
        expect(inbox).toHaveLength(1);
      } finally {
        await db.destroy();
      }
    });

    it('an outbox row committed before a crash is published after restart', async () => {
      const queue = unique(`crash-outbox-${dialect}`);
      cleanup.push({ queue, retries: 0 });
      const routingKey = `${queue}.order.created.v1`;
      await bindQueue(queue, routingKey);
      const service = unique('svc');
      const child = spawnChild({
        mode: 'outbox-commit-then-crash',
        dialect,
        dbUrl: database.url,
        queue,
        routingKey,
        service,
      });
      expect(await child.exited).toBe('SIGKILL');
      const committed = child.lines.find((line) => line.startsWith('committed '))?.slice('committed '.length);
      expect(committed).toBeDefined();
      expect(await messageCount(queue)).toBe(0);

      const runtime: ServiceRuntime = createServiceRuntime({
        service,
        url: AMQP_URL,
        db: database.open(),
        dialect,
        logger: silentLogger,
      });
      try {
        await runtime.start();
        const [message] = await waitFor('the relayed event', async () => {
          const got = await drainQueue(queue);
          return got.length > 0 ? got : undefined;
        });
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
        await runtime.stop();
      }
    });

    it('a rolled-back transaction publishes nothing', async () => {
      const queue = unique(`rollback-${dialect}`);
      cleanup.push({ queue, retries: 0 });
      const routingKey = `${queue}.order.created.v1`;
      await bindQueue(queue, routingKey);
      const descriptor = orderCreatedDescriptor(routingKey);
      const runtime = createServiceRuntime({
        service: unique('svc'),
        url: AMQP_URL,
        db: database.open(),
        dialect,
        logger: silentLogger,
        outbox: { pollIntervalMs: 100 },
      });
      try {
        await runtime.start();
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
        const got = await waitFor('the committed event', async () => {
          const messages = await drainQueue(queue);
          return messages.length > 0 ? messages : undefined;
        });
        await sleep(400);
        got.push(...(await drainQueue(queue)));
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
