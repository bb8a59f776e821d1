/**
 * The demo checkout, through the public gateway only: register a seller and a buyer, log in, add
 * products with stock, then three orders: one paid, one declined card, one out of stock. It taps
 * the event exchange to print events as they flow and waits for each order's final state and
 * its notification.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGatewayClient, type GatewayClient } from '@kada/contracts/openapi/gateway.client.ts';
import amqp from 'amqplib';

export interface DemoOptions {
  readonly gatewayUrl: string;
  readonly rabbitUrl: string;
  /** The notification service's dev mail outbox (NOTIFY_OUTBOX_DIR): the demo verifies its accounts from there. */
  readonly mailDir: string;
  readonly log?: (line: string) => void;
  readonly timeoutMs?: number;
  /** The demo accounts' password (default: a random one), so they can be watched in the storefront. */
  readonly password?: string;
}

export interface FlowEvent {
  readonly eventType: string;
  readonly version: number;
  readonly producer: string;
  readonly correlationId: string;
  readonly data: Record<string, unknown>;
}

export interface DemoOrder {
  readonly label: string;
  readonly orderId: string;
  readonly correlationId: string;
  readonly expected: 'PAID' | 'FAILED';
  readonly status: string;
  readonly failureReason: string | null;
  readonly notified: boolean;
}

export interface DemoResult {
  readonly orders: DemoOrder[];
  readonly events: FlowEvent[];
  /** The demo's seller and buyer addresses. */
  readonly accounts: { seller: string; buyer: string };
}

// biome-ignore lint/suspicious/noExplicitAny: JSON answers of the gateway, read field by field
type Json = any;

/**
 * A small untyped JSON client of the public gateway, for tests that send what the typed client
 * (createGatewayClient) would refuse to compile: bad bodies, bad tokens, unknown paths.
 */
export class Http {
  readonly base: string;
  constructor(base: string) {
    this.base = base;
  }
  async call(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: Json }> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: Json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, json };
  }
  async ok(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<Json> {
    const r = await this.call(method, path, body, token, headers);
    if (r.status >= 400) throw new Error(`${method} ${path} -> ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  }
}

/** Taps every event on domain.events into a temporary queue. */
export async function tapEvents(
  rabbitUrl: string,
  onEvent: (e: FlowEvent) => void,
): Promise<() => Promise<void>> {
  const conn = await amqp.connect(rabbitUrl);
  const ch = await conn.createChannel();
  await ch.assertExchange('domain.events', 'topic', { durable: true });
  const q = await ch.assertQueue('', { exclusive: true, autoDelete: true });
  await ch.bindQueue(q.queue, 'domain.events', '#');
  await ch.consume(
    q.queue,
    (msg) => {
      if (!msg) return;
      try {
        onEvent(JSON.parse(msg.content.toString('utf8')) as FlowEvent);
      } catch {
        // not an envelope: ignore in the tap
      }
    },
    { noAck: true },
  );
  return async () => {
    await ch.close().catch(() => {});
    await conn.close().catch(() => {});
  };
}

/**
 * Finds the verification mail for `email` in the dev mail outbox (one .eml per notification), takes the token
 * from its link and confirms it through the gateway, as a user clicking the link would.
 */
export async function verifyFromMail(
  api: GatewayClient,
  mailDir: string,
  email: string,
  timeoutMs: number,
): Promise<void> {
  const token = await until(`the verification mail to ${email}`, timeoutMs, () =>
    tokenFromMail(mailDir, email),
  );
  await ok('POST /auth/verify-email', api.POST('/auth/verify-email', { body: { token } }));
}

/** The data of a typed client's answer; an error answer throws with its status and problem. */
export async function ok<T>(
  what: string,
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new Error(`${what} -> ${response.status} ${JSON.stringify(error)}`);
  return data as T;
}

function tokenFromMail(mailDir: string, email: string): string | undefined {
  let files: string[];
  try {
    files = readdirSync(mailDir).filter((name) => name.endsWith('.eml'));
  } catch {
    return undefined;
  }
  for (const name of files) {
    const raw = readFileSync(join(mailDir, name), 'utf8');
    if (!raw.toLowerCase().includes(email.toLowerCase())) continue;
    // Quoted-printable soft breaks and =3D, and any base64 parts, so the link reads as written.
    const decoded = [
      raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '='),
      ...[...raw.matchAll(/\r?\n\r?\n([A-Za-z0-9+/=\r\n]{40,})/g)].map((m) =>
        Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64').toString('utf8'),
      ),
    ].join('\n');
    const match = /verify-email\?token=([A-Za-z0-9_-]{43})/.exec(decoded);
    if (match) return match[1];
  }
  return undefined;
}

/** Polls `fn` every 200 ms until it returns a value. */
export async function until<T>(
  what: string,
  timeoutMs: number,
  fn: () => Promise<T | undefined> | T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function describe(e: FlowEvent): string {
  const d = e.data ?? {};
  const bits = ['orderId', 'productId', 'status', 'reason', 'declineCode', 'template', 'channel']
    .filter((k) => d[k] !== undefined && d[k] !== null)
    .map((k) => `${k}=${String(d[k]).slice(0, 36)}`);
  return `${e.producer.padEnd(12)} ${`${e.eventType}.v${e.version}`.padEnd(36)} ${bits.join(' ')}`;
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const log = opts.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const timeoutMs = opts.timeoutMs ?? 60_000;
  // The typed client generated from gateway.yaml: paths, bodies and answers are checked by tsc.
  const api = createGatewayClient(opts.gatewayUrl);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const events: FlowEvent[] = [];
  const stopTap = await tapEvents(opts.rabbitUrl, (e) => {
    events.push(e);
    log(`  event  ${describe(e)}`);
  });
  try {
    const run = randomUUID().slice(0, 8);
    const password = opts.password ?? `demo-${randomUUID()}`;
    log('demo: register a seller and a buyer');
    for (const role of ['seller', 'buyer'] as const) {
      await ok(
        'POST /auth/register',
        api.POST('/auth/register', {
          body: { email: `${role}-${run}@example.com`, password, name: `Demo ${role}`, role },
        }),
      );
    }
    log('demo: both confirm their email with the link from the mail outbox (ordering and listing need it)');
    await verifyFromMail(api, opts.mailDir, `seller-${run}@example.com`, timeoutMs);
    await verifyFromMail(api, opts.mailDir, `buyer-${run}@example.com`, timeoutMs);
    const login = async (email: string) =>
      (await ok('POST /auth/login', api.POST('/auth/login', { body: { email, password } }))).accessToken;
    const seller = await login(`seller-${run}@example.com`);
    const buyer = await login(`buyer-${run}@example.com`);

    log('demo: the seller adds two products (10 and 1 in stock)');
    const product = (name: string, description: string, amount: number, stock: number) =>
      ok(
        'POST /products',
        api.POST('/products', {
          headers: bearer(seller),
          body: { name, description, category: 'home', price: { amount, currency: 'USD' }, stock },
        }),
      );
    const lamp = await product('Desk lamp', 'Warm light', 2599, 10);
    const vase = await product('Last vase', 'Only one left', 4900, 1);

    const place = async (
      label: string,
      items: { productId: string; quantity: number }[],
      paymentMethodId: string,
      expected: 'PAID' | 'FAILED',
    ) => {
      const correlationId = randomUUID();
      // The order service learns prices from product events: until it has, an order is refused with 422.
      const accepted = await until(`order "${label}" to be accepted`, timeoutMs, async () => {
        const { data, error, response } = await api.POST('/orders', {
          headers: { ...bearer(buyer), 'x-correlation-id': correlationId },
          // The payment service confirms with the saved payment method (the storefront uses 'client').
          body: { items, paymentMethodId, confirmation: 'server' },
        });
        if (data) return data;
        if (response.status !== 422)
          throw new Error(`POST /orders -> ${response.status} ${JSON.stringify(error)}`);
        return undefined;
      });
      log(`demo: order "${label}" accepted: ${accepted.orderId}`);
      return { label, orderId: accepted.orderId, correlationId, expected };
    };

    const placed = [
      await place('pay by card', [{ productId: lamp.productId, quantity: 2 }], 'pm_card_visa', 'PAID'),
      await place(
        'declined card',
        [{ productId: lamp.productId, quantity: 1 }],
        'pm_card_chargeDeclined',
        'FAILED',
      ),
      await place('out of stock', [{ productId: vase.productId, quantity: 3 }], 'pm_card_visa', 'FAILED'),
    ];

    const orders: DemoOrder[] = [];
    for (const p of placed) {
      const final = await until(`order "${p.label}" to reach ${p.expected}`, timeoutMs, async () => {
        const o = await ok(
          'GET /orders/{orderId}',
          api.GET('/orders/{orderId}', { headers: bearer(buyer), params: { path: { orderId: p.orderId } } }),
        );
        return o.status === 'PAID' || o.status === 'FAILED' || o.status === 'CANCELLED' ? o : undefined;
      });
      const notified = await until(`a notification for order "${p.label}"`, timeoutMs, async () =>
        events.some((e) => e.eventType === 'notification.sent' && e.correlationId === p.correlationId)
          ? true
          : undefined,
      ).catch(() => false);
      orders.push({ ...p, status: final.status, failureReason: final.failureReason ?? null, notified });
    }
    log('');
    log('demo: final states');
    for (const o of orders) {
      const mark = o.status === o.expected && o.notified ? 'ok ' : 'BAD';
      log(
        `  ${mark} ${o.label.padEnd(14)} ${o.status.padEnd(7)} ${(o.failureReason ?? '').padEnd(15)} notified=${o.notified} order=${o.orderId}`,
      );
    }
    return {
      orders,
      events,
      accounts: { seller: `seller-${run}@example.com`, buyer: `buyer-${run}@example.com` },
    };
  } finally {
    await stopTap();
  }
}
