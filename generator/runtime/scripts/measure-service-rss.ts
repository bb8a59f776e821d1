/**
 * RSS of one service process on the embedded database: the runtime connected to RabbitMQ, one
 * consumer whose handler writes a row and emits an event through the outbox (relayed with
 * confirms), after N events. This is what each of the platform's services holds at rest.
 *
 *   pnpm exec node generator/runtime/scripts/measure-service-rss.ts [--events 2000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { connect } from 'amqplib';
import { pino } from 'pino';
import {
  createServiceRuntime,
  type EventDescriptor,
  openDatabase,
  type ValidateFunction,
} from '../src/internals.ts';

const args = process.argv.slice(2);
const eventsIndex = args.indexOf('--events');
const EVENTS = eventsIndex >= 0 ? Number(args[eventsIndex + 1]) : 2000;
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const id = `kada.rss.${Date.now()}`;

const validate = new Ajv().compile({
  type: 'object',
  required: ['eventId', 'eventType', 'version', 'data'],
  properties: { data: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } },
}) as ValidateFunction;
const descriptor = (routingKey: string): EventDescriptor<{ n: number }> => ({
  eventType: routingKey,
  version: 1,
  routingKey,
  exchange: 'domain.events',
  envelope: true,
  validate,
});
const incoming = descriptor(`${id}.in.v1`);
const outgoing = descriptor(`${id}.out.v1`);

const dir = mkdtempSync(join(tmpdir(), 'kada-rss-'));
const baseline = process.memoryUsage.rss();
const { db, dialect } = await openDatabase({ service: 'rss', url: join(dir, 'db.sqlite') });
const runtime = createServiceRuntime({ service: 'rss', db, dialect, logger: pino({ level: 'warn' }) });
await runtime.start();
await db.schema
  .createTable('handled')
  .addColumn('event_id', 'varchar(64)', (col) => col.primaryKey())
  .addColumn('n', 'integer')
  .execute();
const model = await connect(process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
const channel = await model.createChannel();
await channel.assertQueue(`${id}.sink`, { durable: false, autoDelete: false });
await channel.bindQueue(`${id}.sink`, 'domain.events', outgoing.routingKey);

let handled = 0;
const started = performance.now();
await runtime.consume({
  service: 'rss',
  policy: {
    queue: `${id}.q`,
    queueType: 'quorum',
    prefetch: 100,
    concurrency: 16,
    retry: { maxRetries: 1, initialDelayMs: 100, multiplier: 2, maxDelayMs: 1000 },
    deliveryLimit: 5,
    deadLetter: true,
  },
  routes: [
    {
      descriptor: incoming,
      handle: async (event, ctx) => {
        await ctx.tx.insertInto('handled').values({ event_id: event.eventId, n: event.data.n }).execute();
        await ctx.sink.emit(outgoing, { n: event.data.n });
        handled += 1;
      },
    },
  ],
});
await Promise.all(Array.from({ length: EVENTS }, (_, n) => runtime.directSink.emit(incoming, { n })));
while (handled < EVENTS || (await channel.checkQueue(`${id}.sink`)).messageCount < EVENTS) {
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const seconds = (performance.now() - started) / 1000;
const memory = process.memoryUsage();
console.log(
  `node ${process.version}: ${EVENTS} events handled (row + outbox event each) in ${seconds.toFixed(1)} s ` +
    `= ${Math.round(EVENTS / seconds)} tx/s\n` +
    `rss before the runtime ${mb(baseline)} MB, rss now ${mb(memory.rss)} MB, ` +
    `max rss ${mb(process.resourceUsage().maxRSS * 1024)} MB, heap used ${mb(memory.heapUsed)} MB`,
);
// At rest: what the process keeps once the burst is over.
await new Promise((resolve) => setTimeout(resolve, 2000));
globalThis.gc?.();
const rest = process.memoryUsage();
console.log(
  `at rest after 2 s${globalThis.gc ? ' and a full GC' : ''}: rss ${mb(rest.rss)} MB ` +
    `(V8 heap ${mb(rest.heapTotal)} MB, external ${mb(rest.external)} MB)`,
);
await runtime.stop();
for (const queue of [`${id}.sink`, `${id}.q`, `${id}.q.dlq`, `${id}.q.retry.1`])
  await channel.deleteQueue(queue);
await model.close();
rmSync(dir, { recursive: true, force: true });
