/**
 * pnpm bench [--count N] [--rounds R] [--window W] [--json] [--inbox-count N] [--max-batch B]
 *            [--inbox-rounds R] [--no-inbox] [--no-publish] [--publish-only]
 *
 * Publishes N order.created v1 events and then consumes them, once through the runtime's broker
 * layer (envelope built and validated by the descriptor's precompiled validator, confirmed
 * publish, consume with routing + validation + manual ack; no database) and once with raw
 * amqplib (confirm channel publish of a JSON envelope, consume + JSON.parse + ack), on a classic
 * and on a quorum queue. Both paths keep W publishes in flight. The two paths alternate, R rounds
 * each; publishing alone is reported as the median and range of the per-round ratios (raw time
 * over ours, and raw CPU per message over ours, from process.cpuUsage), then publish+consume as
 * msg/s and ratio. `--publish-only` skips consuming. --json prints one JSON object per line.
 *
 * Then the consumer with its inbox on PostgreSQL (`createServiceRuntime`, a throw-away database):
 * N messages already queued, consumed through the runtime, each in a transaction with its inbox
 * row, several deliveries per transaction (`--max-batch N`, default 32; 1 for one transaction per
 * delivery); prints msgs/s and CPU µs per message of this process and of its PostgreSQL backends
 * (median and range of `--inbox-rounds` runs).
 *
 * Before/after on the same machine state: KADA_BENCH_RUNTIME=/abs/path/to/other/src/internals.ts
 * runs another copy of the runtime (e.g. `git archive main generator/runtime/src` unpacked under
 * generator/runtime/, so that it resolves the same dependencies); alternate the two.
 *
 * Everything goes through a private exchange (`kada.bench`) and throw-away queues, so services
 * running on the same broker see nothing.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type ConfirmChannel, connect } from 'amqplib';
import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import type {
  ConsumerDefinition,
  ConsumerPolicy,
  DeliveryExecutor,
  EventDescriptor,
  ValidateFunction,
} from '../src/internals.ts';

/**
 * The runtime under test: this package's, or another copy of its `src/internals.ts` named by
 * KADA_BENCH_RUNTIME (an absolute path), to compare two versions in alternating runs on the same
 * machine state (see the README: "before and after").
 */
const runtimeModule: typeof import('../src/internals.ts') = await import(
  process.env.KADA_BENCH_RUNTIME ?? '../src/internals.ts'
);
const { Broker, brokerDefaults, createDirectSink, createServiceRuntime, RuntimeMetrics } = runtimeModule;

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const COUNT = option('--count', 10_000);
const ROUNDS = option('--rounds', 5);
const WINDOW = option('--window', 1000);
const JSON_OUTPUT = args.includes('--json');
const INBOX_COUNT = option('--inbox-count', 10_000);
/** Inbox runs (median and range reported). */
const INBOX_ROUNDS = option('--inbox-rounds', 1);
/** Publishing only: the queues are not consumed (more rounds in the same time). */
const PUBLISH_ONLY = args.includes('--publish-only');
const PG_ADMIN = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const URL_ = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const EXCHANGE = 'kada.bench';
const PREFETCH = 300;

/** The benchmarks' consumer policy: no retries (a failure would be a bug in the bench). */
function benchPolicy(queue: string, queueType: 'classic' | 'quorum', concurrency: number): ConsumerPolicy {
  return {
    queue,
    queueType,
    prefetch: PREFETCH,
    concurrency,
    retry: { maxRetries: 0, initialDelayMs: 1000, multiplier: 2, maxDelayMs: 30_000 },
    deliveryLimit: 5,
    deadLetter: true,
  };
}
/**
 * The inbox consumer's database connections (openDatabase's pool: DATABASE_POOL_MAX, default 10) and
 * its deliveries per transaction (`--max-batch 1`: one transaction each).
 */
const POOL = Number(process.env.DATABASE_POOL_MAX ?? 10);
const MAX_BATCH = option('--max-batch', 32);

/** utime + stime of a process in ms (Linux /proc; USER_HZ 100), 0 when it is gone. */
function procCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

const say = (line: string): void => {
  if (!JSON_OUTPUT) process.stdout.write(`${line}\n`);
};

interface OrderCreated {
  orderId: string;
  userId: string;
  items: Array<{
    productId: string;
    sellerId: string;
    name: string;
    quantity: number;
    unitPrice: { amount: number; currency: string };
    lineTotal: { amount: number; currency: string };
  }>;
  total: { amount: number; currency: string };
  paymentMethodId: string;
  createdAt: string;
}

function sampleOrder(): OrderCreated {
  return {
    orderId: randomUUID(),
    userId: randomUUID(),
    items: [
      {
        productId: randomUUID(),
        sellerId: randomUUID(),
        name: 'Ceylon tea, 500 g',
        quantity: 2,
        unitPrice: { amount: 1250, currency: 'LKR' },
        lineTotal: { amount: 2500, currency: 'LKR' },
      },
    ],
    total: { amount: 2500, currency: 'LKR' },
    paymentMethodId: 'pm_card_visa',
    createdAt: new Date().toISOString(),
  };
}

/** A hand-written stand-in with the same shape checks, used only when no generated code exists. */
function handWrittenValidator(): ValidateFunction {
  const validate: ValidateFunction = (data: unknown): boolean => {
    const envelope = data as {
      eventId?: unknown;
      eventType?: unknown;
      version?: unknown;
      data?: OrderCreated;
    };
    const ok =
      typeof envelope.eventId === 'string' &&
      envelope.eventType === 'order.created' &&
      envelope.version === 1 &&
      typeof envelope.data?.orderId === 'string' &&
      Array.isArray(envelope.data.items) &&
      envelope.data.items.length > 0;
    validate.errors = ok ? null : [{ instancePath: '', keyword: 'shape', params: {}, message: 'bad shape' }];
    return ok;
  };
  return validate;
}

/** The generated descriptor of order.created v1 when the generator has emitted it; else hand-written. */
async function loadDescriptor(): Promise<{ descriptor: EventDescriptor<OrderCreated>; source: string }> {
  const candidates = [
    '@kada/contracts/events.ts',
    new URL('../../../generated/events.ts', import.meta.url).href,
  ];
  for (const specifier of candidates) {
    try {
      const events = (await import(specifier)) as { orderCreatedV1Event?: EventDescriptor<OrderCreated> };
      const generated = events.orderCreatedV1Event;
      if (generated) {
        const probe = { ...envelopeFor(sampleOrder()) };
        if (!generated.validate(probe)) {
          throw new Error(
            `sample order fails the generated validator: ${JSON.stringify(generated.validate.errors)}`,
          );
        }
        return {
          descriptor: generated,
          source: `generated (${specifier.startsWith('@') ? specifier : 'generated/events.ts'})`,
        };
      }
    } catch (error) {
      if (specifier === candidates[candidates.length - 1])
        say(`note: generated descriptor not usable: ${String(error)}`);
    }
  }
  return {
    descriptor: {
      eventType: 'order.created',
      version: 1,
      routingKey: 'order.created.v1',
      exchange: 'domain.events',
      envelope: true,
      validate: handWrittenValidator(),
    },
    source: 'hand-written (no generated code found)',
  };
}

function envelopeFor(data: OrderCreated) {
  return {
    eventId: randomUUID(),
    eventType: 'order.created',
    version: 1,
    occurredAt: new Date().toISOString(),
    correlationId: randomUUID(),
    causationId: null,
    producer: 'bench',
    data,
  };
}

async function withModel<R>(fn: (channel: ConfirmChannel) => Promise<R>): Promise<R> {
  const model = await connect(URL_);
  try {
    return await fn(await model.createConfirmChannel());
  } finally {
    await model.close().catch(() => undefined);
  }
}

async function deleteQueues(names: string[]): Promise<void> {
  await withModel(async (channel) => {
    for (const name of names) await channel.deleteQueue(name);
  });
}

interface RunResult {
  publishMs: number;
  consumeMs: number;
  perSecond: number;
  /** This process's CPU (user + system) per message while publishing, in microseconds. */
  publishCpuUs: number;
}

/** Fails the run instead of hanging when messages do not arrive (e.g. they were dead-lettered). */
function within<T>(what: string, promise: Promise<T>, ms = 60_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const result = (publishMs: number, consumeMs: number, publishCpu: NodeJS.CpuUsage): RunResult => ({
  publishMs,
  consumeMs,
  perSecond: Math.round(COUNT / ((publishMs + consumeMs) / 1000)),
  publishCpuUs: Math.round((publishCpu.user + publishCpu.system) / COUNT),
});

/** Raw amqplib: confirm channel, WINDOW publishes in flight, drain honoured; consume + parse + ack. */
async function runRaw(queueType: 'classic' | 'quorum'): Promise<RunResult> {
  const queue = `kada.bench.raw.${queueType}.${Date.now()}`;
  const model = await connect(URL_);
  try {
    const channel = await model.createConfirmChannel();
    await channel.assertExchange(EXCHANGE, 'topic', { durable: true });
    await channel.assertQueue(queue, {
      durable: true,
      arguments: queueType === 'quorum' ? { 'x-queue-type': 'quorum' } : {},
    });
    await channel.bindQueue(queue, EXCHANGE, queue);
    const cpu = process.cpuUsage();
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      let sent = 0;
      let confirmed = 0;
      let writable = true;
      channel.on('drain', () => {
        writable = true;
        pump();
      });
      function pump(): void {
        while (writable && sent < COUNT && sent - confirmed < WINDOW) {
          // The same wire message a careful hand-written publisher sends: envelope + AMQP facts.
          const envelope = envelopeFor(sampleOrder());
          const body = Buffer.from(JSON.stringify(envelope));
          sent += 1;
          writable = channel.publish(
            EXCHANGE,
            queue,
            body,
            {
              persistent: true,
              mandatory: true,
              contentType: 'application/json',
              messageId: envelope.eventId,
              type: envelope.eventType,
              correlationId: envelope.correlationId,
              timestamp: Math.floor(Date.now() / 1000),
              appId: envelope.producer,
              headers: {
                traceparent: `00-${randomUUID().replaceAll('-', '')}-${randomUUID().replaceAll('-', '').slice(16)}-01`,
                'x-kada-version': '1',
              },
            },
            (error: unknown) => {
              if (error) return reject(error as Error);
              confirmed += 1;
              if (confirmed === COUNT) resolve();
              else pump();
            },
          );
        }
      }
      pump();
    });
    const published = performance.now();
    const publishCpu = process.cpuUsage(cpu);
    if (PUBLISH_ONLY) return result(published - started, 0, publishCpu);
    const consumer = await model.createChannel();
    await consumer.prefetch(PREFETCH);
    await within(
      'raw consume',
      new Promise<void>((resolve) => {
        let received = 0;
        void consumer.consume(queue, (message) => {
          if (!message) return;
          JSON.parse(message.content.toString('utf8'));
          consumer.ack(message);
          received += 1;
          if (received === COUNT) resolve();
        });
      }),
    );
    const consumed = performance.now();
    return result(published - started, consumed - published, publishCpu);
  } finally {
    await model.close().catch(() => undefined);
    await deleteQueues([queue]);
  }
}

/** The runtime path: emit (envelope + validation + confirm) with WINDOW in flight; consume via the runtime's consumer. */
async function runGenerated(
  queueType: 'classic' | 'quorum',
  generated: EventDescriptor<OrderCreated>,
): Promise<RunResult> {
  const queue = `kada.bench.gen.${queueType}.${Date.now()}`;
  // The generated descriptor, re-pointed at the private exchange and a bench-only routing key.
  const descriptor: EventDescriptor<OrderCreated> = { ...generated, exchange: EXCHANGE, routingKey: queue };
  const log = pino({ level: 'warn' });
  const broker = new Broker(brokerDefaults({ service: 'kada-bench', url: URL_ }), log, new RuntimeMetrics());
  await broker.start();
  try {
    let received = 0;
    let allReceived: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      allReceived = resolve;
    });
    // Declare the topology first so the publishes are routable; consume later, like the raw path.
    const definition: ConsumerDefinition = {
      service: 'kada-bench',
      policy: benchPolicy(queue, queueType, 64),
      routes: [
        {
          descriptor,
          handle: async () => {
            received += 1;
            if (received === COUNT) allReceived();
          },
        },
      ],
    };
    const deliver: DeliveryExecutor = (delivery) =>
      delivery.route.handle(delivery.envelope, undefined as never).then(() => 'handled' as const);
    const consumer = await broker.consume(definition, deliver);
    await consumer.stop();
    const sink = createDirectSink('bench', broker);
    const cpu = process.cpuUsage();
    const started = performance.now();
    let next = 0;
    const lanes = Array.from({ length: WINDOW }, async () => {
      while (next < COUNT) {
        next += 1;
        await sink.emit(descriptor, sampleOrder());
      }
    });
    await Promise.all(lanes);
    const published = performance.now();
    const publishCpu = process.cpuUsage(cpu);
    if (PUBLISH_ONLY) return result(published - started, 0, publishCpu);
    const restarted = await broker.consume(definition, deliver);
    await within('runtime consume', done);
    const consumed = performance.now();
    await restarted.stop();
    return result(published - started, consumed - published, publishCpu);
  } finally {
    await broker.close();
    await deleteQueues([queue, `${queue}.dlq`]);
  }
}

const round2 = (value: number): number => Math.round(value * 100) / 100;
/** The 1-minute load average (other work on the machine moves every rate). */
const loadavg = (): number => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

const { descriptor, source } = await loadDescriptor();
say(
  `kada bench: ${COUNT} messages per run, ${ROUNDS} rounds (median), ${WINDOW} publishes in flight, ` +
    `prefetch ${PREFETCH}; descriptor: ${source}`,
);
for (const queueType of args.includes('--no-publish') ? [] : (['classic', 'quorum'] as const)) {
  const raws: RunResult[] = [];
  const generateds: RunResult[] = [];
  // Alternate which path goes first: the broker's state (disk, a just-deleted queue) favours neither.
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      raws.push(await runRaw(queueType));
      generateds.push(await runGenerated(queueType, descriptor));
    } else {
      generateds.push(await runGenerated(queueType, descriptor));
      raws.push(await runRaw(queueType));
    }
  }
  // Each round's generated figure against the raw figure of the same round: the rounds share the
  // machine's state, so their ratio is steadier than a ratio of medians taken over the whole run.
  const wallRatios = generateds.map((g, i) => (raws[i] as RunResult).publishMs / g.publishMs);
  const cpuRatios = generateds.map((g, i) => (raws[i] as RunResult).publishCpuUs / g.publishCpuUs);
  const publish = {
    name: `publish ${queueType}`,
    generated_per_s: median(generateds.map((r) => Math.round(COUNT / (r.publishMs / 1000)))),
    raw_per_s: median(raws.map((r) => Math.round(COUNT / (r.publishMs / 1000)))),
    ratio: round2(median(wallRatios)),
    ratio_range: [round2(Math.min(...wallRatios)), round2(Math.max(...wallRatios))],
    // CPU is steadier than rates on a shared machine: raw's CPU per message over ours.
    generated_cpu_us_per_msg: median(generateds.map((r) => r.publishCpuUs)),
    raw_cpu_us_per_msg: median(raws.map((r) => r.publishCpuUs)),
    cpu_ratio: round2(median(cpuRatios)),
    cpu_ratio_range: [round2(Math.min(...cpuRatios)), round2(Math.max(...cpuRatios))],
    rounds: ROUNDS,
    loadavg: loadavg(),
  };
  if (JSON_OUTPUT) process.stdout.write(`${JSON.stringify(publish)}\n`);
  else
    say(
      `${publish.name.padEnd(26)} generated ${String(publish.generated_per_s).padStart(7)} msg/s  raw ${String(publish.raw_per_s).padStart(7)} msg/s  ` +
        `ratio ${publish.ratio.toFixed(2)} (median of ${ROUNDS} per-round ratios, range ${publish.ratio_range.join('–')}); ` +
        `CPU per message generated ${publish.generated_cpu_us_per_msg} µs, raw ${publish.raw_cpu_us_per_msg} µs, ` +
        `ratio ${publish.cpu_ratio.toFixed(2)} (range ${publish.cpu_ratio_range.join('–')}); load ${publish.loadavg}`,
    );
  if (PUBLISH_ONLY) continue;
  const generated = median(generateds.map((r) => r.perSecond));
  const raw = median(raws.map((r) => r.perSecond));
  const ratio = round2(generated / raw);
  const name = `publish+consume ${queueType}`;
  if (JSON_OUTPUT) {
    process.stdout.write(`${JSON.stringify({ name, generated_per_s: generated, raw_per_s: raw, ratio })}\n`);
  } else {
    say(
      `${name.padEnd(26)} generated ${String(generated).padStart(7)} msg/s  raw ${String(raw).padStart(7)} msg/s  ` +
        `ratio ${ratio.toFixed(2)}`,
    );
    const rates = (runs: RunResult[]) => runs.map((r) => r.perSecond).join(', ');
    const phases = (runs: RunResult[]) =>
      `publish ${median(runs.map((r) => Math.round(COUNT / (r.publishMs / 1000))))}/s, ` +
      `consume ${median(runs.map((r) => Math.round(COUNT / (r.consumeMs / 1000))))}/s`;
    say(`${''.padEnd(26)} runs: generated ${rates(generateds)}; raw ${rates(raws)}`);
    say(`${''.padEnd(26)} medians: generated ${phases(generateds)}; raw ${phases(raws)}`);
  }
}

/**
 * The consumer with its inbox on PostgreSQL: INBOX_COUNT messages queued first (raw, fast), then
 * consumed through the service runtime, each delivery a transaction with its inbox row.
 */
interface InboxFigures {
  per_s: number;
  cpu_us_per_message: number;
  /** The kernel's share of it (socket reads and writes, mostly). */
  system_cpu_us_per_message: number;
  postgres_cpu_us_per_message: number;
  inbox_rows: number | undefined;
}

async function runInbox(generated: EventDescriptor<OrderCreated>): Promise<InboxFigures> {
  const run = randomUUID().slice(0, 8);
  const database = `kada_bench_inbox_${run}`;
  const queue = `kada.bench.inbox.${run}`;
  const descriptor: EventDescriptor<OrderCreated> = { ...generated, exchange: EXCHANGE, routingKey: queue };
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${database}`;
  // The database as a service opens it (openDatabase: its pool, and what the runtime knows of it).
  const { db } = await runtimeModule.openDatabase({ service: 'kada-bench', url: url.href });
  const runtime = createServiceRuntime({
    service: 'kada-bench',
    url: URL_,
    db,
    dialect: 'postgres',
    logger: pino({ level: 'warn' }),
    maxBatch: MAX_BATCH,
  });
  try {
    await runtime.start();
    let received = 0;
    let allReceived: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      allReceived = resolve;
    });
    const definition = {
      service: 'kada-bench',
      policy: benchPolicy(queue, 'quorum', 16),
      routes: [
        {
          descriptor,
          handle: async () => {
            received += 1;
            if (received === INBOX_COUNT) allReceived();
          },
        },
      ],
    };
    // Declare the queue, stop, fill it, then measure consuming alone.
    await (await runtime.consume(definition)).stop();
    await withModel(async (channel) => {
      for (let i = 0; i < INBOX_COUNT; i++) {
        const envelope = envelopeFor(sampleOrder());
        channel.publish(EXCHANGE, queue, Buffer.from(JSON.stringify(envelope)), {
          persistent: true,
          messageId: envelope.eventId,
        });
        if (i % 1000 === 999) await channel.waitForConfirms();
      }
      await channel.waitForConfirms();
    });
    // Open the pool's connections first, so that their backends are there to be measured.
    await Promise.all(
      Array.from({ length: POOL }, () =>
        db.connection().execute(() => new Promise((resolve) => setTimeout(resolve, 50))),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const backends = (
      await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [database])
    ).rows.map((row) => row.pid);
    const pgBefore = backends.map(procCpuMs);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const handle = await runtime.consume(definition);
    await within('inbox consume', done, 300_000);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const pgMs = backends.reduce((sum, pid, i) => sum + (procCpuMs(pid) - (pgBefore[i] as number)), 0);
    await handle.stop();
    const inboxRows = await sql<{ n: number }>`select count(*)::int as n from processed_events`.execute(db);
    return {
      per_s: Math.round(INBOX_COUNT / seconds),
      cpu_us_per_message: Math.round((used.user + used.system) / INBOX_COUNT),
      system_cpu_us_per_message: Math.round(used.system / INBOX_COUNT),
      postgres_cpu_us_per_message: Math.round((pgMs * 1000) / INBOX_COUNT),
      inbox_rows: inboxRows.rows[0]?.n,
    };
  } finally {
    await runtime.stop();
    await deleteQueues([queue, `${queue}.dlq`]);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

if (!args.includes('--no-inbox')) {
  const runs: InboxFigures[] = [];
  for (let round = 0; round < INBOX_ROUNDS; round++) runs.push(await runInbox(descriptor));
  const summary = (pick: (figures: InboxFigures) => number) => {
    const values = runs.map(pick);
    return { median: median(values), range: [Math.min(...values), Math.max(...values)] };
  };
  const rate = summary((r) => r.per_s);
  const cpu = summary((r) => r.cpu_us_per_message);
  const pgCpu = summary((r) => r.postgres_cpu_us_per_message);
  const systemCpu = summary((r) => r.system_cpu_us_per_message);
  const figures = {
    name: 'consume with inbox, postgres',
    per_s: rate.median,
    per_s_range: rate.range,
    cpu_us_per_message: cpu.median,
    cpu_us_per_message_range: cpu.range,
    system_cpu_us_per_message: systemCpu.median,
    postgres_cpu_us_per_message: pgCpu.median,
    postgres_cpu_us_per_message_range: pgCpu.range,
    max_batch: MAX_BATCH,
    rounds: INBOX_ROUNDS,
    inbox_rows: runs.map((r) => r.inbox_rows),
    loadavg: loadavg(),
  };
  if (JSON_OUTPUT) process.stdout.write(`${JSON.stringify(figures)}\n`);
  else
    say(
      `${figures.name.padEnd(26)} ${String(figures.per_s).padStart(7)} msg/s (range ${rate.range.join('–')})  ` +
        `CPU per message ${figures.cpu_us_per_message} µs (this process, range ${cpu.range.join('–')}; ` +
        `${figures.system_cpu_us_per_message} µs of it in the kernel) + ` +
        `${figures.postgres_cpu_us_per_message} µs (its PostgreSQL backends, range ${pgCpu.range.join('–')})  ` +
        `batches of ${MAX_BATCH} at most, ${INBOX_ROUNDS} run(s), inbox rows ${figures.inbox_rows.join(', ')}; load ${figures.loadavg}`,
    );
}
