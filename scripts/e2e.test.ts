/**
 * End to end, across processes, on the real RabbitMQ and PostgreSQL: every service runs as its own
 * process (in its own vhost and its own databases, so it cannot disturb a running demo) under its
 * own least-privilege broker user from the generated definitions, and the checkout saga is driven
 * through the public gateway.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createGatewayClient } from '@kada/contracts/openapi/gateway.client.ts';
import { ensureDevKeys } from '@kada/service-kit';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrokerSetup, randomPasswords, setUpBroker } from './broker-setup.ts';
import { createDatabases, dropDatabases } from './databases.ts';
import { type FlowEvent, Http, until as pollUntil, runDemo, tapEvents, verifyFromMail } from './demo.ts';
import { Platform, SERVICES } from './platform.ts';

const root = resolve(import.meta.dirname, '..');
const run = randomUUID().slice(0, 8);
const vhost = `kada-e2e-${run}`;
/** The operator's login on the vhost: the event tap only; services get their own users. */
const rabbitUrl = `amqp://guest:guest@127.0.0.1:5672/${vhost}`;
let broker: BrokerSetup | undefined;
const dbName = (svc: string) => `kada_e2e_${run}_${svc}`;
const databases = SERVICES.filter((s) => s.name !== 'gateway').map((s) => dbName(s.name));
const webhookSecret = `whsec_${randomUUID().replace(/-/g, '')}`;
const tmp = mkdtempSync(join(tmpdir(), 'kada-e2e-'));
const logs: string[] = [];

const platform = new Platform({
  root,
  // KADA_PORT_BASE pins the ports (engineers sharing a machine); otherwise a random base.
  portBase: Number(process.env.KADA_PORT_BASE) || 1000 + Math.floor(Math.random() * 500) * 10,
  broker: { urlOf: (service) => broker?.urlOf(service) },
  env: {
    JWT_PUBLIC_KEY_FILE: join(tmp, 'keys', 'jwt-public.jwk.json'),
    JWT_PRIVATE_KEY_FILE: join(tmp, 'keys', 'jwt-private.jwk.json'),
    PAYMENT_PROVIDER: 'simulated',
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    NOTIFY_OUTBOX_DIR: join(tmp, 'mail'),
    DATA_DIR: join(tmp, 'data'),
    LOG_LEVEL: 'warn',
    RATE_LIMIT_IP: '100000/10s',
    RATE_LIMIT_USER: '100000/10s',
  },
  serviceEnv: (name) =>
    name === 'gateway' ? {} : { DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${dbName(name)}` },
  onLog: (name, line) => logs.push(`${name}: ${line}`),
});

const events: FlowEvent[] = [];
let stopTap: (() => Promise<void>) | null = null;

beforeAll(async () => {
  broker = await setUpBroker({ vhost, userPrefix: `e2e-${run}.`, password: randomPasswords() });
  await createDatabases(databases);
  await ensureDevKeys(join(tmp, 'keys'));
  stopTap = await tapEvents(rabbitUrl, (e) => events.push(e));
  await platform.startAll();
}, 300_000);

afterAll(async () => {
  await stopTap?.();
  await platform.stopAll();
  await broker?.remove();
  await dropDatabases(databases);
  rmSync(tmp, { recursive: true, force: true });
}, 120_000);

/** demo.ts's poller, with the services' last log lines on a time-out. */
function until<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 45_000,
): Promise<T> {
  return pollUntil(what, timeoutMs, fn).catch((err: Error) => {
    throw new Error(`${err.message}\n${logs.slice(-40).join('\n')}`);
  });
}

const api = (
  method: string,
  path: string,
  body?: unknown,
  token?: string,
  headers?: Record<string, string>,
) => new Http(platform.urlOf('gateway')).call(method, path, body, token, headers);

async function account(role: 'buyer' | 'seller') {
  const email = `${role}-${randomUUID().slice(0, 8)}@example.com`;
  const password = `pw-${randomUUID()}`;
  // The typed client generated from gateway.yaml, as a caller would use it.
  const gateway = createGatewayClient(platform.urlOf('gateway'));
  const registered = await gateway.POST('/auth/register', {
    body: { email, password, name: `E2E ${role}`, role },
  });
  expect(registered.response.status).toBe(201);
  // Ordering and listing need a verified address: confirm it from the dev mail outbox, as a user would.
  await verifyFromMail(gateway, join(tmp, 'mail'), email, 45_000);
  const login = await gateway.POST('/auth/login', { body: { email, password } });
  expect(login.response.status).toBe(200);
  return login.data?.accessToken ?? '';
}

async function product(seller: string, stock: number, amount = 1000) {
  const r = await api(
    'POST',
    '/products',
    { name: `P-${randomUUID().slice(0, 6)}`, category: 'test', price: { amount, currency: 'USD' }, stock },
    seller,
  );
  expect(r.status).toBe(201);
  return r.json.productId as string;
}

async function order(buyer: string, productId: string, quantity: number, paymentMethodId = 'pm_card_visa') {
  const correlationId = randomUUID();
  const r = await until('the order service to know the product', async () => {
    const x = await api('POST', '/orders', { items: [{ productId, quantity }], paymentMethodId }, buyer, {
      'x-correlation-id': correlationId,
    });
    return x.status === 422 ? undefined : x;
  });
  expect(r.status).toBe(202);
  return { orderId: r.json.orderId as string, correlationId };
}

async function finalState(buyer: string, orderId: string) {
  return until(`order ${orderId} to finish`, async () => {
    const r = await api('GET', `/orders/${orderId}`, undefined, buyer);
    return r.json?.status === 'PAID' || r.json?.status === 'FAILED' ? r.json : undefined;
  });
}

describe('checkout saga end to end', () => {
  it('the demo: a paid order, a declined card and an out-of-stock order, each with a notification', async () => {
    const result = await runDemo({
      gatewayUrl: platform.urlOf('gateway'),
      rabbitUrl,
      mailDir: join(tmp, 'mail'),
      log: () => {},
    });
    expect(result.orders.map((o) => [o.label, o.status, o.failureReason, o.notified])).toEqual([
      ['pay by card', 'PAID', null, true],
      ['declined card', 'FAILED', 'PAYMENT_FAILED', true],
      ['out of stock', 'FAILED', 'OUT_OF_STOCK', true],
    ]);
    // The saga's events flowed in order for the paid one.
    const paid = result.orders[0];
    const flow = result.events.filter((e) => e.correlationId === paid?.correlationId).map((e) => e.eventType);
    for (const t of [
      'order.created',
      'stock.reserved',
      'payment.intent.created',
      'payment.succeeded',
      'order.paid',
      'notification.sent',
    ]) {
      expect(flow).toContain(t);
    }
    expect(flow.indexOf('order.created')).toBeLessThan(flow.indexOf('order.paid'));
  });

  it('concurrent orders for the last item: exactly one wins', async () => {
    const seller = await account('seller');
    const [b1, b2] = await Promise.all([account('buyer'), account('buyer')]);
    const pid = await product(seller, 1);
    await until('the product to reach the order service', async () => {
      const x = await api(
        'POST',
        '/orders',
        { items: [{ productId: pid, quantity: 2 }], paymentMethodId: 'pm_card_visa' },
        b1,
      );
      return x.status === 422 ? undefined : x; // quantity 2 of 1: fails on stock, but proves order knows the product
    });
    const [o1, o2] = await Promise.all([order(b1, pid, 1), order(b2, pid, 1)]);
    const states = await Promise.all([finalState(b1, o1.orderId), finalState(b2, o2.orderId)]);
    expect(states.map((s) => s.status).sort()).toEqual(['FAILED', 'PAID']);
    expect(states.find((s) => s.status === 'FAILED')?.failureReason).toBe('OUT_OF_STOCK');
  });

  it('a duplicate Stripe webhook is processed once', async () => {
    const seller = await account('seller');
    const buyer = await account('buyer');
    const pid = await product(seller, 5);
    const o = await order(buyer, pid, 1);
    await finalState(buyer, o.orderId);
    const intent = await until('the payment intent', () =>
      events.find((e) => e.eventType === 'payment.intent.created' && e.data.orderId === o.orderId),
    );
    const payload = JSON.stringify({
      id: `evt_dup_${randomUUID().replace(/-/g, '')}`,
      object: 'event',
      type: 'charge.refunded',
      api_version: '2024-06-20',
      livemode: false,
      created: Math.floor(Date.now() / 1000),
      data: {
        object: {
          id: `ch_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
          object: 'charge',
          amount: 1000,
          amount_refunded: 1000,
          currency: 'usd',
          payment_intent: intent.data.paymentIntentId,
          metadata: { orderId: o.orderId },
        },
      },
    });
    const stripe = new Stripe('sk_test_unused');
    const send = () =>
      fetch(`${platform.urlOf('gateway')}/webhooks/stripe`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret }),
        },
        body: payload,
      });
    const first = await send();
    expect(first.status, await first.clone().text()).toBe(200);
    expect((await send()).status).toBe(200);
    await until('payment.refunded', () =>
      events.some((e) => e.eventType === 'payment.refunded' && e.data.orderId === o.orderId)
        ? true
        : undefined,
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(
      events.filter((e) => e.eventType === 'payment.refunded' && e.data.orderId === o.orderId),
    ).toHaveLength(1);
    // A forged signature is refused.
    const forged = await fetch(`${platform.urlOf('gateway')}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=deadbeef' },
      body: payload,
    });
    expect(forged.status).toBe(400);
  });

  it('a service that is down while events accumulate catches up when it starts', async () => {
    const seller = await account('seller');
    const buyer = await account('buyer');
    const pid = await product(seller, 5);
    await platform.stop('notification');
    const o = await order(buyer, pid, 1);
    expect((await finalState(buyer, o.orderId)).status).toBe('PAID');
    await new Promise((r) => setTimeout(r, 1000));
    expect(
      events.some((e) => e.eventType === 'notification.sent' && e.correlationId === o.correlationId),
    ).toBe(false);
    await platform.start('notification');
    await until('the notification after restart', () =>
      events.some((e) => e.eventType === 'notification.sent' && e.correlationId === o.correlationId)
        ? true
        : undefined,
    );
  });
});
