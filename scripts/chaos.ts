/**
 * The platform fault test: checkouts under load through the gateway, on a three-node RabbitMQ
 * cluster (`scripts/cluster`), with every service as several replicas under its own broker user,
 * while RabbitMQ nodes are stopped and started again and a replica of each service is SIGKILLed and
 * restarted. Then it checks the promises and prints the figures:
 *
 *   - every order ends (PAID or FAILED) in the order service;
 *   - stock balances per product (nothing reserved, sold = paid units);
 *   - one succeeded charge per paid order and none for a failed one (the simulated Stripe's own list
 *     of intents), one order.paid and one payment.succeeded per paid order, one receipt (the
 *     notification service's order.paid e-mail) per paid order;
 *   - no confirmed event lost: every event an outbox marked sent (sent after the broker confirmed
 *     it) reached a tap queue (a quorum queue bound to everything) and the audit log.
 *
 *   scripts/chaos [--orders 300] [--duration 1800] [--concurrency 8] [--replicas 2] [--rounds 3] [--keep-cluster]
 *
 * The long run is `scripts/chaos`; `scripts/chaos.test.ts` runs a short one in the suite. The
 * cluster is `scripts/cluster` on KADA_CLUSTER_PORT (default 5681); the machine's node on 5672 is
 * never touched. Everything else is the run's own: vhost, broker users, databases, ports.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { ensureDevKeys } from '@kada/service-kit';
import amqp from 'amqplib';
import pg from 'pg';
import { randomPasswords, setUpBroker } from './broker-setup.ts';
import { HttpStatusError, placeOrder, stockIssues, verifiedAccount } from './checkout-load.ts';
import { createDatabases, dropDatabases } from './databases.ts';
import { Http, until } from './demo.ts';
import { instanceKey, Platform, SERVICES, type ServiceName } from './platform.ts';

const root = resolve(import.meta.dirname, '..');
const CLUSTER = join(root, 'scripts', 'cluster');
const execFileAsync = promisify(execFile);

export interface ChaosOptions {
  /** Orders to place (the load stops at this count or at `durationS`, whichever first). */
  readonly orders: number;
  /** Upper bound of the load phase in seconds; fault rounds go on until the load ends. */
  readonly durationS: number;
  /** Orders in flight at once. */
  readonly concurrency: number;
  /** Processes per service (at least 2, so that one can be killed while another serves). */
  readonly replicas: number;
  /** Fault rounds at most (each: stop one node, kill a replica of every service, start the node). */
  readonly maxRounds: number;
  /** Platform ports: service port + portBase (+100 per replica). */
  readonly portBase: number;
  /** scripts/cluster's first AMQP port (KADA_CLUSTER_PORT) and data directory. */
  readonly clusterPort: number;
  readonly clusterDir?: string;
  /** Leave the cluster running at the end (it is started when not running). */
  readonly keepCluster: boolean;
  readonly log: (line: string) => void;
}

export interface ChaosReport {
  orders: { placed: number; paid: number; failed: number; open: string[]; seconds: number };
  faults: {
    nodeStops: number;
    nodeStarts: number;
    kills: number;
    killed: string[];
    rounds: number;
    /** A fault step that failed (a killed replica that could not start again, …). */
    errors: string[];
  };
  /** Orders the load could not place (after retrying on every gateway replica). */
  loadErrors: string[];
  /** Seconds from the end of the load until every order had ended and the events had settled. */
  recoverySeconds: number;
  checks: {
    stockIssues: string[];
    /** Paid orders without exactly one succeeded charge / failed orders with one. */
    chargeIssues: string[];
    /** Paid orders without exactly one receipt e-mail. */
    receiptIssues: string[];
    /** Orders with more than one end event, or a paid one without exactly one payment.succeeded. */
    eventIssues: string[];
  };
  events: {
    /** Events the outboxes marked sent (the broker confirmed them). */
    confirmed: number;
    /** Confirmed but never seen by the tap. */
    lostAtTap: number;
    /** Confirmed but not in the audit log. */
    lostAtAudit: number;
    /** Distinct events the tap saw, and how many deliveries repeated one (at-least-once: redelivery, republish). */
    tapped: number;
    repeatedDeliveries: number;
    /** DLQ depth per dead-letter queue with messages (a handler gave up). */
    deadLettered: Record<string, number>;
  };
  ok: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function cluster(opts: ChaosOptions, ...args: string[]): Promise<string> {
  const env = {
    ...process.env,
    KADA_CLUSTER_PORT: String(opts.clusterPort),
    ...(opts.clusterDir ? { KADA_CLUSTER_DIR: opts.clusterDir } : {}),
  };
  const { stdout } = await execFileAsync(CLUSTER, args, { env, timeout: 900_000 });
  return stdout.trim();
}

/** Counts every event on domain.events from a quorum queue of its own; follows the cluster's nodes. */
class Tap {
  readonly seen = new Map<string, { type: string; orderId?: string; count: number }>();
  repeated = 0;
  #conn: amqp.ChannelModel | undefined;
  #stopped = false;
  #next = 0;
  readonly #urls: string[];
  readonly #queue: string;
  constructor(urls: string[], queue: string) {
    this.#urls = urls;
    this.#queue = queue;
  }

  async start(): Promise<void> {
    await this.#connect();
  }

  async #connect(): Promise<void> {
    for (;;) {
      if (this.#stopped) return;
      const url = this.#urls[this.#next % this.#urls.length] as string;
      this.#next += 1;
      try {
        const conn = await amqp.connect(url);
        conn.on('error', () => undefined);
        conn.on('close', () => {
          if (!this.#stopped) void this.#connect();
        });
        const ch = await conn.createChannel();
        await ch.assertQueue(this.#queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
        await ch.bindQueue(this.#queue, 'domain.events', '#');
        await ch.prefetch(500);
        await ch.consume(this.#queue, (msg) => {
          if (!msg) return;
          try {
            const e = JSON.parse(msg.content.toString('utf8')) as {
              eventId: string;
              eventType: string;
              data?: { orderId?: string };
            };
            const known = this.seen.get(e.eventId);
            if (known) {
              known.count += 1;
              this.repeated += 1;
            } else
              this.seen.set(e.eventId, {
                type: e.eventType,
                count: 1,
                ...(typeof e.data?.orderId === 'string' ? { orderId: e.data.orderId } : {}),
              });
          } catch {
            // not JSON: not an event of ours; counted nowhere
          }
          ch.ack(msg);
        });
        this.#conn = conn;
        return;
      } catch {
        await sleep(500);
      }
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#conn?.close().catch(() => undefined);
  }
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const { log } = opts;
  const run = randomUUID().slice(0, 8);
  const vhost = `kada-chaos-${run}`;
  const dbName = (svc: string) => `kada_chaos_${run}_${svc}`;
  const withDb = SERVICES.filter((s) => s.name !== 'gateway').map((s) => s.name);
  const tmp = mkdtempSync(join(tmpdir(), 'kada-chaos-'));
  const logs: string[] = [];
  const clients: pg.Client[] = [];

  log(`cluster on ${opts.clusterPort}..${opts.clusterPort + 2}: starting (or reusing)`);
  await cluster(opts, 'start');
  const urls = (await cluster(opts, 'urls')).split(',');
  const nodes = (await cluster(opts, 'nodes')).split(',');
  log(`broker users and topology on vhost ${vhost} (${nodes.join(', ')})`);
  const broker = await setUpBroker({
    vhost,
    userPrefix: `chaos-${run}.`,
    password: randomPasswords(),
    nodes,
    adminUrl: urls.join(','),
  });
  const adminUrls = broker.adminUrl.split(',');
  await createDatabases(withDb.map(dbName));
  await ensureDevKeys(join(tmp, 'keys'));
  const platform = new Platform({
    root,
    portBase: opts.portBase,
    replicas: opts.replicas,
    readyTimeoutMs: 240_000,
    broker,
    env: {
      JWT_PUBLIC_KEY_FILE: join(tmp, 'keys', 'jwt-public.jwk.json'),
      JWT_PRIVATE_KEY_FILE: join(tmp, 'keys', 'jwt-private.jwk.json'),
      PAYMENT_PROVIDER: 'simulated',
      STRIPE_WEBHOOK_SECRET: `whsec_${randomUUID().replace(/-/g, '')}`,
      NOTIFY_OUTBOX_DIR: join(tmp, 'mail'),
      DATA_DIR: join(tmp, 'data'),
      LOG_LEVEL: 'warn',
      RATE_LIMIT_IP: '1000000/10s',
      RATE_LIMIT_USER: '1000000/10s',
    },
    serviceEnv: (name) =>
      name === 'gateway' ? {} : { DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${dbName(name)}` },
    onLog: (name, line) => {
      logs.push(`${name}: ${line}`);
      if (logs.length > 400) logs.shift();
    },
  });
  const tap = new Tap(adminUrls, 'chaos.tap');
  const db = async (svc: ServiceName) => {
    const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${dbName(svc)}` });
    await c.connect();
    clients.push(c);
    return c;
  };

  try {
    await tap.start();
    log(`starting ${opts.replicas} replicas of ${SERVICES.length} services`);
    await platform.startAll();
    const gateways = Array.from({ length: opts.replicas }, (_, r) => new Http(platform.urlOf('gateway', r)));
    const http = gateways[0] as Http;
    const mailDir = join(tmp, 'mail');
    const seller = await verifiedAccount(http, mailDir, 'seller', 'chaos');
    const buyers = await Promise.all(
      Array.from({ length: 4 }, () => verifiedAccount(http, mailDir, 'buyer', 'chaos')),
    );
    // Three products with stock for every order, one with little (out-of-stock failures release nothing).
    const initial = new Map<string, number>();
    for (const [i, stock] of [
      opts.orders,
      opts.orders,
      opts.orders,
      Math.max(1, Math.floor(opts.orders / 20)),
    ].entries()) {
      const p = await http.ok(
        'POST',
        '/products',
        { name: `Chaos ${i}`, category: 'chaos', price: { amount: 1000 + i, currency: 'USD' }, stock },
        seller,
      );
      initial.set(p.productId as string, stock);
    }
    const products = [...initial.keys()];

    // ---- load -------------------------------------------------------------------------------
    const placed = new Map<string, { buyer: string; product: string }>();
    let issued = 0;
    const loadErrors: string[] = [];
    const t0 = Date.now();
    const deadline = t0 + opts.durationS * 1000;
    const placeWithFailover = async (n: number) => {
      const buyer = buyers[n % buyers.length] as string;
      const product = products[n % products.length] as string;
      // One in ten pays with a card that is declined.
      const paymentMethodId = n % 10 === 9 ? 'pm_card_chargeDeclined' : 'pm_card_visa';
      const idempotencyKey = randomUUID();
      const giveUp = Date.now() + 180_000;
      for (let attempt = 0; ; attempt += 1) {
        const gateway = gateways[(n + attempt) % gateways.length] as Http;
        try {
          const orderId = await placeOrder(gateway, buyer, product, { paymentMethodId, idempotencyKey });
          placed.set(orderId, { buyer, product });
          return;
        } catch (error) {
          // A killed gateway or service replica: the same request (same Idempotency-Key) again elsewhere.
          const retryable = !(error instanceof HttpStatusError) || error.status >= 500;
          if (!retryable || Date.now() > giveUp) {
            loadErrors.push((error as Error).message);
            return;
          }
          await sleep(300);
        }
      }
    };
    // The orders are spread over the fault steps (a node stop, each kill, the node's start, per
    // round): each step lets a share of them go, so checkouts are in flight during every fault.
    const killable = SERVICES.map((s) => s.name);
    const steps = opts.maxRounds * (killable.length + 2);
    const share = Math.max(1, Math.ceil(opts.orders / steps));
    let allowed = share;
    const load = (async () => {
      await Promise.all(
        Array.from({ length: opts.concurrency }, async () => {
          while (issued < opts.orders && Date.now() < deadline) {
            if (issued >= allowed) {
              await sleep(200);
              continue;
            }
            const n = issued;
            issued += 1;
            await placeWithFailover(n);
          }
        }),
      );
    })();

    // ---- faults -------------------------------------------------------------------------------
    const faults = { nodeStops: 0, nodeStarts: 0, kills: 0, killed: [] as string[], rounds: 0 };
    const faultErrors: string[] = [];
    const step = () => {
      allowed += share;
    };
    const faultLoop = (async () => {
      await sleep(2000);
      while (faults.rounds < opts.maxRounds && Date.now() < deadline) {
        const node = (faults.rounds % 3) + 1;
        log(`round ${faults.rounds + 1}: stopping node ${node} (${placed.size} orders placed)`);
        await cluster(opts, 'stop-node', String(node));
        faults.nodeStops += 1;
        step();
        for (const name of killable) {
          const replica = faults.rounds % opts.replicas;
          if (!platform.services.has(instanceKey(name, replica))) continue;
          await platform.stop(name, 'SIGKILL', replica);
          faults.kills += 1;
          faults.killed.push(`${name}#${replica}`);
          step();
          await sleep(500);
          await platform.start(name, replica);
        }
        log(`round ${faults.rounds + 1}: starting node ${node} again (${placed.size} orders placed)`);
        await cluster(opts, 'start-node', String(node));
        faults.nodeStarts += 1;
        step();
        faults.rounds += 1;
        await sleep(2000);
      }
    })()
      .catch((error: Error) => {
        // A replica that cannot start again, a node that does not come back: a finding, reported.
        faultErrors.push(error.message.split('\n').slice(0, 3).join(' '));
        log(`fault round failed: ${error.message}`);
      })
      .finally(() => {
        allowed = opts.orders;
      });
    await faultLoop;
    await load;
    const loadSeconds = (Date.now() - t0) / 1000;
    log(`load done: ${placed.size} orders in ${loadSeconds.toFixed(1)} s; ${loadErrors.length} not placed`);

    // ---- recovery: every order ends, the events settle ---------------------------------------
    const tRecover = Date.now();
    const orderDb = await db('order');
    const ended = async () => {
      const r = await orderDb.query<{ order_id: string; status: string; product_id: string }>(
        `select o.order_id, o.status, l.product_id from orders o join order_lines l using (order_id)`,
      );
      return r.rows;
    };
    let rows = await ended();
    await until('every order to end', 300_000, async () => {
      rows = await ended();
      return rows.every((o) => o.status === 'PAID' || o.status === 'FAILED') ? true : undefined;
    }).catch(() => undefined);
    // Quiet: no new event at the tap for 5 s (notifications, audit and dashboards catch up).
    let last = -1;
    await until('the events to settle', 120_000, async () => {
      await sleep(5000);
      const now = tap.seen.size + tap.repeated;
      if (now === last) return true;
      last = now;
      return undefined;
    }).catch(() => undefined);
    const recoverySeconds = (Date.now() - tRecover) / 1000;

    // ---- checks -------------------------------------------------------------------------------
    const open = rows
      .filter((o) => o.status !== 'PAID' && o.status !== 'FAILED')
      .map((o) => `${o.order_id}:${o.status}`);
    for (const id of placed.keys()) if (!rows.some((o) => o.order_id === id)) open.push(`${id}:missing`);
    const paidIds = new Set(rows.filter((o) => o.status === 'PAID').map((o) => o.order_id));
    const paidPerProduct = new Map<string, number>();
    for (const o of rows)
      if (o.status === 'PAID') paidPerProduct.set(o.product_id, (paidPerProduct.get(o.product_id) ?? 0) + 1);
    const stockDb = await db('stock');
    const stock = await stockIssues(
      async (text, params) => (await stockDb.query(text, params)).rows,
      initial,
      paidPerProduct,
    );

    // Charges, from the simulated Stripe itself.
    const charges = new Map<string, number>();
    const stripeUrl = platform.stripeSimulatorUrl;
    if (!stripeUrl) throw new Error('the fault test needs the shared simulated Stripe (replicas > 1)');
    for (let after: string | undefined; ; ) {
      const page = (await (
        await fetch(`${stripeUrl}/v1/payment_intents?limit=100${after ? `&starting_after=${after}` : ''}`, {
          headers: { authorization: 'Bearer sk_test_chaos' },
        })
      ).json()) as {
        data: { id: string; status: string; metadata?: { orderId?: string } }[];
        has_more: boolean;
      };
      for (const intent of page.data)
        if (intent.status === 'succeeded' && intent.metadata?.orderId)
          charges.set(intent.metadata.orderId, (charges.get(intent.metadata.orderId) ?? 0) + 1);
      if (!page.has_more || page.data.length === 0) break;
      after = page.data.at(-1)?.id;
    }
    const chargeIssues: string[] = [];
    for (const o of rows) {
      const n = charges.get(o.order_id) ?? 0;
      if (o.status === 'PAID' ? n !== 1 : n !== 0)
        chargeIssues.push(`${o.order_id} ${o.status}: ${n} charges`);
    }

    // Events per order from the tap.
    const perOrder = new Map<string, Map<string, number>>();
    for (const e of tap.seen.values()) {
      if (!e.orderId) continue;
      const m = perOrder.get(e.orderId) ?? new Map<string, number>();
      perOrder.set(e.orderId, m);
      m.set(e.type, (m.get(e.type) ?? 0) + 1);
    }
    const eventIssues: string[] = [];
    for (const o of rows) {
      const m = perOrder.get(o.order_id) ?? new Map<string, number>();
      const ends = (m.get('order.paid') ?? 0) + (m.get('order.failed') ?? 0);
      if (ends !== 1) eventIssues.push(`${o.order_id}: ${ends} end events`);
      if (o.status === 'PAID' && m.get('payment.succeeded') !== 1)
        eventIssues.push(`${o.order_id}: ${m.get('payment.succeeded') ?? 0} payment.succeeded`);
    }

    // Receipts: the notification service's order.paid e-mails, by the event they answer.
    const notificationDb = await db('notification');
    const receipts = await notificationDb.query<{ event_id: string; n: string }>(
      `select event_id, count(*) as n from notifications where template = 'order.paid' and channel = 'email' group by event_id`,
    );
    const receiptsPerOrder = new Map<string, number>();
    for (const r of receipts.rows) {
      const orderId = tap.seen.get(r.event_id)?.orderId ?? `unknown-event:${r.event_id}`;
      receiptsPerOrder.set(orderId, (receiptsPerOrder.get(orderId) ?? 0) + Number(r.n));
    }
    const receiptIssues: string[] = [];
    for (const id of paidIds)
      if (receiptsPerOrder.get(id) !== 1)
        receiptIssues.push(`${id}: ${receiptsPerOrder.get(id) ?? 0} receipts`);
    for (const [id, n] of receiptsPerOrder)
      if (!paidIds.has(id)) receiptIssues.push(`${id}: ${n} receipts for an order that is not paid`);

    // Confirmed events: every outbox row marked sent; each must be at the tap and in the audit log.
    const confirmed = new Set<string>();
    for (const svc of withDb) {
      const c = await db(svc);
      const r = await c.query<{ event_id: string }>(
        `select event_id from outbox where sent_at is not null and exchange = 'domain.events'`,
      );
      for (const row of r.rows) confirmed.add(row.event_id);
    }
    const auditDb = await db('audit');
    const audited = new Set(
      (await auditDb.query<{ event_id: string }>('select event_id from audit_log')).rows.map(
        (r) => r.event_id,
      ),
    );
    let lostAtTap = 0;
    let lostAtAudit = 0;
    for (const id of confirmed) {
      if (!tap.seen.has(id)) lostAtTap += 1;
      if (!audited.has(id)) lostAtAudit += 1;
    }
    const deadLettered: Record<string, number> = {};
    const probe = await amqp.connect(await firstAnswering(adminUrls));
    try {
      for (const q of [
        'audit',
        'dashboard',
        'notification',
        'notification.priority',
        'order',
        'payment',
        'product',
        'stock',
        'user',
      ]) {
        const ch = await probe.createChannel();
        ch.on('error', () => undefined);
        const depth = await ch.checkQueue(`${q}.dlq`).then(
          (x) => x.messageCount,
          () => 0,
        );
        if (depth > 0) deadLettered[`${q}.dlq`] = depth;
        await ch.close().catch(() => undefined);
      }
    } finally {
      await probe.close().catch(() => undefined);
    }

    const paid = paidIds.size;
    const report: ChaosReport = {
      orders: {
        placed: placed.size,
        paid,
        failed: rows.length - paid - open.filter((x) => !x.endsWith(':missing')).length,
        open,
        seconds: Math.round(loadSeconds * 10) / 10,
      },
      faults: { ...faults, errors: faultErrors },
      loadErrors: loadErrors.slice(0, 10),
      recoverySeconds: Math.round(recoverySeconds * 10) / 10,
      checks: { stockIssues: stock, chargeIssues, receiptIssues, eventIssues },
      events: {
        confirmed: confirmed.size,
        lostAtTap,
        lostAtAudit,
        tapped: tap.seen.size,
        repeatedDeliveries: tap.repeated,
        deadLettered,
      },
      ok: false,
    };
    report.ok =
      faultErrors.length === 0 &&
      loadErrors.length === 0 &&
      open.length === 0 &&
      stock.length === 0 &&
      chargeIssues.length === 0 &&
      receiptIssues.length === 0 &&
      eventIssues.length === 0 &&
      lostAtTap === 0 &&
      lostAtAudit === 0 &&
      Object.keys(deadLettered).length === 0;
    if (loadErrors.length > 0) log(`orders not placed: ${loadErrors.slice(0, 5).join(' | ')}`);
    if (!report.ok) log(`last service log lines:\n${logs.slice(-60).join('\n')}`);
    return report;
  } finally {
    await tap.stop();
    for (const c of clients) await c.end().catch(() => undefined);
    await platform.stopAll();
    await broker.remove().catch(() => undefined);
    await dropDatabases(withDb.map(dbName)).catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
    if (!opts.keepCluster) await cluster(opts, 'stop');
  }
}

async function firstAnswering(urls: string[]): Promise<string> {
  for (const url of urls) {
    try {
      const c = await amqp.connect(url);
      await c.close();
      return url;
    } catch {
      // next
    }
  }
  throw new Error('no cluster node answers');
}

// ---- the command: scripts/chaos ----------------------------------------------------------------
if (process.argv[1] === import.meta.filename) {
  const { values: a } = parseArgs({
    options: {
      orders: { type: 'string', default: '300' },
      duration: { type: 'string', default: '1800' },
      concurrency: { type: 'string', default: '8' },
      replicas: { type: 'string', default: '2' },
      rounds: { type: 'string', default: '3' },
      'port-base': { type: 'string', default: '4000' },
      'keep-cluster': { type: 'boolean', default: false },
    },
  });
  const started = Date.now();
  const report = await runChaos({
    orders: Number(a.orders),
    durationS: Number(a.duration),
    concurrency: Number(a.concurrency),
    replicas: Math.max(2, Number(a.replicas)),
    maxRounds: Number(a.rounds),
    portBase: Number(a['port-base']),
    clusterPort: Number(process.env.KADA_CLUSTER_PORT ?? 5681),
    ...(process.env.KADA_CLUSTER_DIR ? { clusterDir: process.env.KADA_CLUSTER_DIR } : {}),
    keepCluster: a['keep-cluster'],
    log: (line) => process.stderr.write(`chaos: ${line}\n`),
  });
  process.stdout.write(
    `${JSON.stringify({ ...report, totalSeconds: Math.round((Date.now() - started) / 1000) }, null, 2)}\n`,
  );
  process.exitCode = report.ok ? 0 : 1;
}
