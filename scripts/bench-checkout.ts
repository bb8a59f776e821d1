/**
 * `pnpm bench:checkout`: the whole platform, end to end, under load. Starts every service as its own
 * process (own vhost, own databases, removed at the end), registers buyers and a seller, places N
 * orders through the gateway (closed loop at a concurrency, or open loop at a rate), waits until
 * every order has ended, checks the effects, and prints one JSON object:
 * checkouts/s, CPU ms per checkout per process (services, RabbitMQ, PostgreSQL) and the latency
 * order.created -> order.paid from the events' own timestamps, and each service's peak RSS (VmHWM).
 * The services run the compiled JavaScript of scripts/build.ts, as scripts/up does; --typescript
 * runs their sources with Node's type stripping instead (to compare).
 *
 *   pnpm bench:checkout [--orders 300] [--concurrency 32 | --rate 40] [--embedded] [--warmup 20]
 *                       [--buyers 8] [--products 4] [--replicas 1] [--cpu-prof DIR] [--typescript]
 *                       [--port-base N] [--pool-max 4] [--statements [--pg-log FILE]]
 *
 * `--port-base` offsets every service's port (default random); the vhost is `<KADA_VHOST or
 * kada-bench>-<run>`, so runs beside each other on a shared broker never meet. `--pool-max` is each
 * process's PostgreSQL pool (DATABASE_POOL_MAX): the server's connections are shared.
 *
 * Transactions per checkout per service come from pg_stat_database (commits + rollbacks of each
 * service's database over the measured window). `--statements` also counts statements: it sets
 * `log_statement = all` on this run's databases only and reads the server's log (`--pg-log`, readable
 * by the user running the bench) for the measured window; logging costs PostgreSQL CPU, so take the
 * CPU figures from a run without it.
 *
 * The machine may be shared: RabbitMQ's node is the machine's (its CPU includes other vhosts'
 * work) and PostgreSQL is counted from the backends of this run's databases only.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDevKeys } from '@kada/service-kit';
import amqp from 'amqplib';
import pg from 'pg';
import { stockIssues as checkStock, placeOrder, verifiedAccount } from './checkout-load.ts';
import { createDatabases, dropDatabases, withAdmin } from './databases.ts';
import { Http } from './demo.ts';
import { Platform, SERVICES, type ServiceName } from './platform.ts';

const USAGE = `usage: pnpm bench:checkout [--orders 300] [--concurrency 32 | --rate 40] [--embedded] [--warmup 20]
                          [--buyers 8] [--products 4] [--replicas 1] [--cpu-prof DIR] [--typescript]
                          [--port-base N] [--pool-max 4] [--statements [--pg-log FILE]] [--verbose]
(the header of scripts/bench-checkout.ts says what each figure means)`;

// An unknown or malformed option prints the usage, not a stack trace.
const { values: args } = (() => {
  try {
    return parseArgs({
      options: {
        orders: { type: 'string', default: '300' },
        concurrency: { type: 'string', default: '32' },
        rate: { type: 'string' },
        warmup: { type: 'string', default: '20' },
        buyers: { type: 'string', default: '8' },
        products: { type: 'string', default: '4' },
        embedded: { type: 'boolean', default: false },
        replicas: { type: 'string', default: '1' },
        'cpu-prof': { type: 'string' },
        typescript: { type: 'boolean', default: false },
        'port-base': { type: 'string' },
        'pool-max': { type: 'string', default: '4' },
        statements: { type: 'boolean', default: false },
        'pg-log': { type: 'string', default: '/var/log/postgresql/postgresql-15-main.log' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    console.error(`bench:checkout: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
})();
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const ORDERS = Number(args.orders);
const CONCURRENCY = Number(args.concurrency);
const RATE = args.rate === undefined ? undefined : Number(args.rate);
const WARMUP = Number(args.warmup);
const root = resolve(import.meta.dirname, '..');
if (args.embedded && Number(args.replicas) > 1)
  throw new Error(
    '--embedded takes one process per service (SQLite is one process per file); drop --replicas',
  );
const CLK_TCK = 100; // USER_HZ on Linux: /proc times are in 1/100 s

// ---------------------------------------------------------------------------------------------
// Set-up of the platform and of its users: kept in one place, so that changes to registration
// (e.g. verified e-mail) or to service configuration are made here only.
// ---------------------------------------------------------------------------------------------

interface Setup {
  readonly platform: Platform;
  readonly rabbitUrl: string;
  /** The dev mail outbox, where the verification links arrive. */
  readonly mailDir: string;
  readonly dbName: (svc: ServiceName) => string;
  readonly stockQuery: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;
  teardown(): Promise<void>;
}

async function setUp(embedded: boolean): Promise<Setup> {
  const run = randomUUID().slice(0, 8);
  const vhost = `${process.env.KADA_VHOST ?? 'kada-bench'}-${run}`;
  const rabbitUrl = `amqp://guest:guest@127.0.0.1:5672/${vhost}`;
  const dbName = (svc: ServiceName) => `kada_bench_${run}_${svc}`;
  const tmp = mkdtempSync(join(tmpdir(), 'kada-bench-'));
  mkdirSync(join(tmp, 'data'), { recursive: true });
  const logs: string[] = [];
  const withDb = SERVICES.filter((s) => s.name !== 'gateway');
  const profDir = args['cpu-prof'] ? resolve(args['cpu-prof']) : undefined;
  const platform = new Platform({
    root,
    portBase:
      args['port-base'] === undefined
        ? 2000 + Math.floor(Math.random() * 500) * 10
        : Number(args['port-base']),
    replicas: Number(args.replicas),
    typescript: args.typescript,
    env: {
      RABBITMQ_URL: rabbitUrl,
      JWT_PUBLIC_KEY_FILE: join(tmp, 'keys', 'jwt-public.jwk.json'),
      JWT_PRIVATE_KEY_FILE: join(tmp, 'keys', 'jwt-private.jwk.json'),
      STRIPE_WEBHOOK_SECRET: `whsec_${randomUUID().replace(/-/g, '')}`,
      PAYMENT_PROVIDER: 'simulated',
      NOTIFY_OUTBOX_DIR: join(tmp, 'mail'),
      DATA_DIR: join(tmp, 'data'),
      LOG_LEVEL: 'warn',
      DATABASE_POOL_MAX: args['pool-max'],
      RATE_LIMIT_IP: '1000000/10s',
      RATE_LIMIT_USER: '1000000/10s',
      ...(profDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profDir}` } : {}),
    },
    serviceEnv: (name) =>
      name === 'gateway'
        ? {}
        : {
            DATABASE_URL: embedded
              ? join(tmp, 'data', `${name}.sqlite`)
              : `postgres://postgres@127.0.0.1:5432/${dbName(name)}`,
          },
    onLog: (name, line) => {
      logs.push(`${name}: ${line}`);
      if (logs.length > 200) logs.shift();
      if (args.verbose) process.stderr.write(`${name}: ${line}\n`);
    },
  });
  execFileSync('rabbitmqctl', ['add_vhost', vhost], { stdio: 'ignore' });
  execFileSync('rabbitmqctl', ['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*'], {
    stdio: 'ignore',
  });
  if (!embedded) await createDatabases(withDb.map((s) => dbName(s.name)));
  if (!embedded && args.statements)
    await withAdmin(async (client) => {
      for (const s of withDb)
        await client.query(`alter database "${dbName(s.name)}" set log_statement = 'all'`);
    });
  await ensureDevKeys(join(tmp, 'keys'));
  let stockPg: pg.Client | undefined;
  const teardown = async () => {
    await stockPg?.end().catch(() => {});
    await platform.stopAll();
    try {
      execFileSync('rabbitmqctl', ['delete_vhost', vhost], { stdio: 'ignore' });
    } catch {
      // already gone
    }
    if (!embedded) await dropDatabases(withDb.map((s) => dbName(s.name)));
    rmSync(tmp, { recursive: true, force: true });
  };
  try {
    await platform.startAll();
  } catch (error) {
    process.stderr.write(`${logs.slice(-40).join('\n')}\n`);
    await teardown();
    throw error;
  }
  const stockQuery = async (text: string, params: unknown[]) => {
    if (embedded) {
      const { DatabaseSync } = await import('node:sqlite');
      const db = new DatabaseSync(join(tmp, 'data', 'stock.sqlite'), { readOnly: true });
      try {
        return db.prepare(text.replace(/\$\d+/g, '?')).all(...(params as string[])) as Record<
          string,
          unknown
        >[];
      } finally {
        db.close();
      }
    }
    if (!stockPg) {
      stockPg = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${dbName('stock')}` });
      await stockPg.connect();
    }
    return (await stockPg.query(text, params)).rows;
  };
  return { platform, rabbitUrl, mailDir: join(tmp, 'mail'), dbName, stockQuery, teardown };
}

// ---------------------------------------------------------------------------------------------
// CPU from /proc
// ---------------------------------------------------------------------------------------------

/** utime + stime of a process in ms, or undefined when it is gone. */
function cpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return undefined;
  }
}

/** The peak resident set of a process in MB (VmHWM), or undefined when it is gone. */
function peakRssMb(pid: number): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** The highest peak RSS among each service's processes (its replicas), in MB. */
function peakRssByService(platform: Platform): Record<string, number> {
  const out: Record<string, number> = {};
  for (const svc of platform.services.values()) {
    const mb = svc.child.pid === undefined ? undefined : peakRssMb(svc.child.pid);
    if (mb !== undefined) out[svc.name] = Math.max(out[svc.name] ?? 0, round(mb));
  }
  return out;
}

function processes(): Array<{ pid: number; comm: string; cmdline: string }> {
  const out: Array<{ pid: number; comm: string; cmdline: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (comm !== 'beam.smp' && comm !== 'postgres') continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ');
      out.push({ pid: Number(entry), comm, cmdline });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The RabbitMQ node listening on 5672 (other nodes may run on the machine), if `ss` can tell. */
function brokerPid(): number | undefined {
  try {
    const out = execFileSync('ss', ['-ltnpH', 'sport = :5672'], { encoding: 'utf8' });
    const pid = /pid=(\d+)/.exec(out)?.[1];
    return pid ? Number(pid) : undefined;
  } catch {
    return undefined;
  }
}

/** CPU ms of every process of interest, by group; PostgreSQL: the backends of this run's databases. */
function sampleCpu(platform: Platform, dbPrefix: string): Map<string, Map<number, number>> {
  const groups = new Map<string, Map<number, number>>();
  const add = (group: string, pid: number) => {
    const ms = cpuMs(pid);
    if (ms === undefined) return;
    const g = groups.get(group) ?? new Map<number, number>();
    groups.set(group, g);
    g.set(pid, ms);
  };
  for (const svc of platform.services.values()) if (svc.child.pid) add(svc.name, svc.child.pid);
  const rabbitPid = brokerPid();
  for (const p of processes()) {
    if (p.comm === 'beam.smp') {
      if (rabbitPid === undefined || p.pid === rabbitPid) add('rabbitmq', p.pid);
    }
    // Backends show "postgres: <user> <database> <client> <state>" in their command line.
    else if (p.cmdline.includes(` ${dbPrefix}`)) add('postgres', p.pid);
  }
  return groups;
}

function cpuDelta(
  before: Map<string, Map<number, number>>,
  after: Map<string, Map<number, number>>,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const [group, pids] of after) {
    let total = 0;
    // A backend that started during the run counts from zero; one that ended is lost (pools keep them).
    for (const [pid, ms] of pids) total += ms - (before.get(group)?.get(pid) ?? 0);
    out.set(group, total);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

interface OrderTrack {
  created?: number;
  /** occurredAt of each saga event, by event type. */
  at: Record<string, number>;
  /** When the tap received each saga event (its publish, as far as a consumer can tell). */
  seen: Record<string, number>;
  /** eventId of each saga event, by event type. */
  ids: Record<string, string>;
  paid?: number;
  ended?: 'PAID' | 'FAILED';
  product?: string;
  buyer?: string;
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? null;
}

async function main(): Promise<void> {
  const setup = await setUp(args.embedded);
  const { platform } = setup;
  const tracks = new Map<string, OrderTrack>();
  const endWaiters = new Map<string, () => void>();
  let tapConn: amqp.ChannelModel | undefined;
  try {
    const http = new Http(platform.urlOf('gateway'));
    // Tap every event: timestamps come from the envelopes (occurredAt, ms).
    tapConn = await amqp.connect(setup.rabbitUrl);
    const ch = await tapConn.createChannel();
    await ch.assertExchange('domain.events', 'topic', { durable: true });
    const q = await ch.assertQueue('', { exclusive: true, autoDelete: true });
    for (const key of [
      'order.created.#',
      'stock.reserved.#',
      'payment.intent.created.#',
      'payment.succeeded.#',
      'order.paid.#',
      'order.failed.#',
    ])
      await ch.bindQueue(q.queue, 'domain.events', key);
    await ch.consume(
      q.queue,
      (msg) => {
        if (!msg) return;
        const e = JSON.parse(msg.content.toString('utf8')) as {
          eventId: string;
          eventType: string;
          occurredAt: string;
          data: { orderId: string };
        };
        // Kept even before POST /orders has answered: the events can overtake the HTTP reply.
        const t = tracks.get(e.data.orderId) ?? { at: {}, seen: {}, ids: {} };
        tracks.set(e.data.orderId, t);
        const at = Date.parse(e.occurredAt);
        t.at[e.eventType] = at;
        t.seen[e.eventType] = Date.now();
        t.ids[e.eventType] = e.eventId;
        if (e.eventType === 'order.created') t.created = at;
        else if (e.eventType === 'order.paid' || e.eventType === 'order.failed') {
          if (e.eventType === 'order.paid') t.paid = at;
          t.ended = e.eventType === 'order.paid' ? 'PAID' : 'FAILED';
          endWaiters.get(e.data.orderId)?.();
        }
      },
      { noAck: true },
    );

    const { mailDir } = setup;
    const seller = await verifiedAccount(http, mailDir, 'seller', 'bench');
    const buyers = await Promise.all(
      Array.from({ length: Number(args.buyers) }, () => verifiedAccount(http, mailDir, 'buyer', 'bench')),
    );
    const total = WARMUP + ORDERS;
    const products: string[] = [];
    for (let i = 0; i < Number(args.products); i++) {
      const p = await http.ok(
        'POST',
        '/products',
        { name: `Bench ${i}`, category: 'bench', price: { amount: 1000 + i, currency: 'USD' }, stock: total },
        seller,
      );
      products.push(p.productId as string);
    }
    const initialStock = total;

    let placedCount = 0;
    const placed: string[] = [];
    const placeOne = async (): Promise<void> => {
      const n = placedCount++;
      const buyer = buyers[n % buyers.length] as string;
      const product = products[n % products.length] as string;
      const orderId = await placeOrder(http, buyer, product);
      const track = tracks.get(orderId) ?? { at: {}, seen: {}, ids: {} };
      tracks.set(orderId, track);
      track.product = product;
      track.buyer = buyer;
      placed.push(orderId);
      if (track.ended) return;
      await new Promise<void>((resolveEnd, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`order ${orderId} did not end within 120 s`)),
          120_000,
        );
        endWaiters.set(orderId, () => {
          clearTimeout(timer);
          endWaiters.delete(orderId);
          resolveEnd();
        });
      });
    };
    const runClosed = async (count: number, concurrency: number) => {
      let left = count;
      await Promise.all(
        Array.from({ length: Math.min(concurrency, count) }, async () => {
          while (left > 0) {
            left -= 1;
            await placeOne();
          }
        }),
      );
    };
    const runOpen = async (count: number, rate: number) => {
      const started = performance.now();
      const all: Promise<void>[] = [];
      for (let i = 0; i < count; i++) {
        const due = started + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        all.push(placeOne());
      }
      await Promise.all(all);
    };

    // Warm-up: every product known to the order service, code paths compiled; not measured.
    await runClosed(WARMUP, Math.min(4, CONCURRENCY));
    const firstMeasured = placed.length;
    const prefix = args.embedded ? '\0none' : setup.dbName('auth').replace(/auth$/, '');
    const dbCounters = args.embedded ? undefined : new DbCounters(setup.dbName, args['pg-log']);
    await dbCounters?.start();
    const cpuBefore = sampleCpu(platform, prefix);
    const t0 = performance.now();
    if (RATE) await runOpen(ORDERS, RATE);
    else await runClosed(ORDERS, CONCURRENCY);
    const seconds = (performance.now() - t0) / 1000;
    const cpuAfter = sampleCpu(platform, prefix);
    const perCheckoutDb = await dbCounters?.finish(ORDERS);
    const peakRssMbPerService = peakRssByService(platform);

    // Effects: every order ended (per the order service), stock balanced per product.
    const measured = placed.slice(firstMeasured).map((id) => [id, tracks.get(id) as OrderTrack] as const);
    const open: string[] = [];
    for (const orderId of placed) {
      const buyer = tracks.get(orderId)?.buyer;
      const status = (await http.call('GET', `/orders/${orderId}`, undefined, buyer)).json?.status;
      if (status !== 'PAID' && status !== 'FAILED' && status !== 'CANCELLED')
        open.push(`${orderId}:${status}`);
    }
    const paidPerProduct = new Map<string, number>();
    for (const t of tracks.values())
      if (t.ended === 'PAID' && t.product)
        paidPerProduct.set(t.product, (paidPerProduct.get(t.product) ?? 0) + 1);
    const stockIssues = await checkStock(
      setup.stockQuery,
      new Map(products.map((p) => [p, initialStock])),
      paidPerProduct,
    );

    const latencies = measured
      .map(([, t]) => (t.created !== undefined && t.paid !== undefined ? t.paid - t.created : undefined))
      .filter((x): x is number => x !== undefined)
      .sort((a, b) => a - b);
    const cpu = cpuDelta(cpuBefore, cpuAfter);
    const perCheckout: Record<string, number> = {};
    let cpuTotal = 0;
    for (const [group, ms] of [...cpu.entries()].sort((a, b) => b[1] - a[1])) {
      perCheckout[group] = round(ms / ORDERS);
      cpuTotal += ms;
    }
    const paid = measured.filter(([, t]) => t.ended === 'PAID').length;
    const result = {
      bench: 'checkout',
      database: args.embedded ? 'sqlite' : 'postgres',
      replicas: Number(args.replicas),
      runs: args.typescript ? 'typescript (type stripping)' : 'compiled javascript (.build/)',
      orders: ORDERS,
      mode: RATE ? { openLoopRate: RATE } : { concurrency: CONCURRENCY },
      seconds: round(seconds),
      checkoutsPerSecond: round(ORDERS / seconds),
      paid,
      failed: measured.length - paid,
      cpuMsPerCheckout: { total: round(cpuTotal / ORDERS), ...perCheckout },
      peakRssMbPerService,
      hopsP50Ms: hops(measured.map(([, t]) => t)),
      hopStagesP50Ms: args.embedded
        ? undefined
        : await hopStages(
            measured.map(([, t]) => t),
            setup.dbName,
          ),
      ...(perCheckoutDb ?? {}),
      createdToPaidMs: {
        samples: latencies.length,
        p50: percentile(latencies, 50),
        p90: percentile(latencies, 90),
        p99: percentile(latencies, 99),
        max: latencies.at(-1) ?? null,
      },
      effects: { openOrders: open.length, stockIssues, ok: open.length === 0 && stockIssues.length === 0 },
      note: 'rabbitmq is the node on :5672, shared (other vhosts included); postgres counts this run’s backends only',
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (!result.effects.ok) {
      process.stderr.write(
        `effects check failed: ${JSON.stringify({ open: open.slice(0, 10), stockIssues })}\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    await tapConn?.close().catch(() => {});
    await setup.teardown();
  }
}

/**
 * Transactions (pg_stat_database: commits + rollbacks) and, with --statements, statements (the
 * server's log) per checkout, per service database, over the measured window. A backend reports its
 * counts at most once a second and when it goes idle, so each reading waits a little first.
 */
class DbCounters {
  readonly #dbName: (svc: ServiceName) => string;
  readonly #pgLog: string;
  #xacts = new Map<string, number>();
  #logOffset = 0;

  constructor(dbName: (svc: ServiceName) => string, pgLog: string) {
    this.#dbName = dbName;
    this.#pgLog = pgLog;
  }

  async #readXacts(): Promise<Map<string, number>> {
    await new Promise((r) => setTimeout(r, 1500));
    const names = SERVICES.filter((s) => s.name !== 'gateway').map((s) => s.name);
    return withAdmin(async (client) => {
      await client.query('select pg_stat_clear_snapshot()');
      const rows = (
        await client.query<{ datname: string; xacts: string }>(
          'select datname, xact_commit + xact_rollback as xacts from pg_stat_database where datname = any($1)',
          [names.map((n) => this.#dbName(n))],
        )
      ).rows;
      const out = new Map<string, number>();
      for (const n of names) out.set(n, Number(rows.find((r) => r.datname === this.#dbName(n))?.xacts ?? 0));
      return out;
    });
  }

  async start(): Promise<void> {
    this.#xacts = await this.#readXacts();
    if (args.statements) this.#logOffset = statSync(this.#pgLog).size;
  }

  async finish(orders: number): Promise<Record<string, unknown>> {
    const logEnd = args.statements ? statSync(this.#pgLog).size : 0;
    const after = await this.#readXacts();
    const transactions: Record<string, number> = { total: 0 };
    for (const [svc, n] of after) {
      const perCheckout = (n - (this.#xacts.get(svc) ?? 0)) / orders;
      transactions.total = (transactions.total ?? 0) + perCheckout;
      if (perCheckout > 0) transactions[svc] = round(perCheckout);
    }
    transactions.total = round(transactions.total ?? 0);
    if (!args.statements) return { transactionsPerCheckout: transactions };
    const bytes = Buffer.alloc(logEnd - this.#logOffset);
    const fd = openSync(this.#pgLog, 'r');
    try {
      readSync(fd, bytes, 0, bytes.length, this.#logOffset);
    } finally {
      closeSync(fd);
    }
    const prefix = this.#dbName('auth').replace(/auth$/, '');
    const perService = new Map<string, number>();
    const perStatement = new Map<string, number>();
    const line = /@(\S+) LOG: {2}(?:statement|execute [^:]*): (.*)$/;
    for (const text of bytes.toString('utf8').split('\n')) {
      const m = line.exec(text);
      if (!m?.[1]?.startsWith(prefix)) continue;
      const svc = m[1].slice(prefix.length);
      perService.set(svc, (perService.get(svc) ?? 0) + 1);
      const sql = `${svc}: ${(m[2] ?? '').replace(/\s+/g, ' ').slice(0, 90)}`;
      perStatement.set(sql, (perStatement.get(sql) ?? 0) + 1);
    }
    const statements: Record<string, number> = { total: 0 };
    for (const [svc, n] of [...perService].sort((a, b) => b[1] - a[1])) {
      statements[svc] = round(n / orders);
      statements.total = (statements.total ?? 0) + n / orders;
    }
    statements.total = round(statements.total ?? 0);
    const topStatements = Object.fromEntries(
      [...perStatement]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 25)
        .map(([sql, n]) => [sql, round(n / orders)]),
    );
    return { transactionsPerCheckout: transactions, statementsPerCheckout: statements, topStatements };
  }
}

/** Who handles each saga event next (its consumer, the queue named in processed_events). */
const NEXT_CONSUMER: Record<string, ServiceName | undefined> = {
  'order.created': 'stock',
  'stock.reserved': 'payment',
  'payment.succeeded': 'order',
};
const PRODUCER: Record<string, ServiceName> = {
  'order.created': 'order',
  'stock.reserved': 'stock',
  'payment.intent.created': 'payment',
  'payment.succeeded': 'payment',
  'order.paid': 'order',
};

/**
 * The steps of each hop, p50 over the orders, from the databases' own timestamps (one clock, one
 * machine): `written`: the event's occurredAt (in its producer's transaction); `confirmed`: the
 * outbox row's sent_at (the relay marks it after the broker's confirm); `at tap`: our tap queue got
 * it; `claimed`: the next consumer's inbox row (processed_at, at the start of its transaction);
 * then the next event written. payment.intent.created -> payment.succeeded is the simulated
 * Stripe's webhook (its own delay, then an HTTP request), not a consumer.
 */
async function hopStages(
  tracks: OrderTrack[],
  dbName: (svc: ServiceName) => string,
): Promise<Record<string, number | null>> {
  const sentAt = new Map<string, number>();
  const claimedAt = new Map<string, number>();
  for (const svc of new Set(Object.values(PRODUCER))) {
    const ids = tracks.flatMap((t) => Object.values(t.ids));
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${dbName(svc)}` });
    await client.connect();
    try {
      for (const r of (
        await client.query<{ event_id: string; sent_at: string | null }>(
          'select event_id, sent_at from outbox where event_id = any($1)',
          [ids],
        )
      ).rows)
        if (r.sent_at !== null) sentAt.set(r.event_id, Number(r.sent_at));
      for (const r of (
        await client.query<{ consumer: string; event_id: string; processed_at: string }>(
          'select consumer, event_id, processed_at from processed_events where event_id = any($1) and consumer = $2',
          [ids, svc],
        )
      ).rows)
        claimedAt.set(r.event_id, Number(r.processed_at));
    } finally {
      await client.end();
    }
  }
  const out: Record<string, number | null> = {};
  const p50 = (f: (t: OrderTrack) => number) => p50Of(tracks, f);
  const nan = Number.NaN;
  for (let i = 0; i < SAGA.length; i++) {
    const from = SAGA[i] as string;
    const to = SAGA[i + 1];
    const id = (t: OrderTrack) => t.ids[from] ?? '';
    out[`${from}: written -> at tap`] = p50((t) => (t.seen[from] ?? nan) - (t.at[from] ?? nan));
    out[`${from}: written -> confirmed`] = p50((t) => (sentAt.get(id(t)) ?? nan) - (t.at[from] ?? nan));
    const consumer = NEXT_CONSUMER[from];
    if (consumer && to) {
      out[`${from}: at tap -> claimed by ${consumer}`] = p50(
        (t) => (claimedAt.get(id(t)) ?? nan) - (t.seen[from] ?? nan),
      );
      out[`${from}: claimed by ${consumer} -> ${to} written`] = p50(
        (t) => (t.at[to] ?? nan) - (claimedAt.get(id(t)) ?? nan),
      );
    } else if (to) {
      out[`${from}: at tap -> ${to} written`] = p50((t) => (t.at[to] ?? nan) - (t.seen[from] ?? nan));
    }
  }
  return out;
}

const SAGA = ['order.created', 'stock.reserved', 'payment.intent.created', 'payment.succeeded', 'order.paid'];

/**
 * p50 of each step of the paid path, where a reader finds the waits: `relay` from an event's
 * occurredAt (written in its producer's transaction) to the tap receiving it (commit + outbox relay
 * + broker), `handle` from the tap receiving it to the next event's occurredAt (delivery + the
 * consumer's transaction up to writing the next event).
 */
function hops(tracks: OrderTrack[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const p50 = (f: (t: OrderTrack) => number) => p50Of(tracks, f);
  for (let i = 0; i < SAGA.length; i++) {
    const from = SAGA[i] as string;
    const to = SAGA[i + 1];
    out[`${from} relay`] = p50((t) => (t.seen[from] ?? Number.NaN) - (t.at[from] ?? Number.NaN));
    if (to)
      out[`${from} -> ${to} handle`] = p50((t) => (t.at[to] ?? Number.NaN) - (t.seen[from] ?? Number.NaN));
  }
  return out;
}

/** The median of `f` over the orders for which it is defined (not NaN). */
function p50Of(tracks: OrderTrack[], f: (t: OrderTrack) => number): number | null {
  return percentile(
    tracks
      .map(f)
      .filter((x) => !Number.isNaN(x))
      .sort((a, b) => a - b),
    50,
  );
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

await main();
