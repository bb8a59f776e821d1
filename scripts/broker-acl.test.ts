/**
 * Broker least privilege, on the real RabbitMQ: the generated definitions are put in force on a
 * vhost of this test's own (users prefixed with this run's id, removed after), and each service's
 * user tries what the contract does not allow it. The order consumer is the generated registration
 * (`registerOrderConsumers`) running under order's own user, with handlers that record what reaches
 * them.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OrderHandlers } from '@kada/contracts/services/order/index.ts';
import { registerOrderConsumers } from '@kada/contracts/services/order/index.ts';
import { createPaymentPublisher } from '@kada/contracts/services/payment/index.ts';
import { createProductPublisher } from '@kada/contracts/services/product/index.ts';
import {
  Broker,
  brokerDefaults,
  createDirectSink,
  createLogger,
  createServiceRuntime,
  type Envelope,
  openDatabase,
  RuntimeMetrics,
  type ServiceRuntime,
} from '@kada/runtime/internals';
import { type ChannelModel, connect, type GetMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrokerSetup, randomPasswords, setUpBroker } from './broker-setup.ts';

const run = randomUUID().slice(0, 8);
const silent = createLogger('broker-acl');
silent.level = process.env.TEST_LOG_LEVEL ?? 'silent';
let broker: BrokerSetup;
let order: ServiceRuntime;
const tmp = mkdtempSync(join(tmpdir(), 'kada-acl-'));
const reached: { handler: string; event: Envelope<unknown>; attempt: number }[] = [];
/** productIds whose handler fails: once (then succeeds on the retry) or always. */
const failOnce = new Set<string>();
const failAlways = new Set<string>();

const urlOf = (service: string): string => broker.urlOf(service) as string;

/** A broker user's session: one connection, and a channel per attempt (a refusal closes it). */
async function as(service: string): Promise<ChannelModel> {
  return connect(urlOf(service));
}

/** The AMQP error code that closed the channel of `attempt`, or 'ok' when the broker accepted it. */
async function outcome(
  model: ChannelModel,
  attempt: (ch: Awaited<ReturnType<ChannelModel['createConfirmChannel']>>) => Promise<unknown>,
): Promise<number | 'ok'> {
  const ch = await model.createConfirmChannel();
  // A refused publish fails its confirm with "channel closed"; the code comes with the close.
  const closed = new Promise<number>((resolve) =>
    ch.on('error', (error: { code?: number }) => resolve(error.code ?? -1)),
  );
  try {
    await attempt(ch);
    await ch.close();
    return 'ok';
  } catch (error) {
    return (error as { code?: number }).code ?? (await closed);
  }
}

function publishConfirmed(
  ch: Awaited<ReturnType<ChannelModel['createConfirmChannel']>>,
  exchange: string,
  routingKey: string,
  body: unknown,
  properties: Record<string, unknown> = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    ch.publish(
      exchange,
      routingKey,
      Buffer.from(JSON.stringify(body)),
      { messageId: randomUUID(), persistent: true, ...properties },
      (error: unknown) => (error ? reject(error) : resolve()),
    );
  });
}

/** A direct publisher under a service's own user, as its runtime would publish. */
async function publisherOf(
  service: string,
): Promise<{ broker: Broker; sink: ReturnType<typeof createDirectSink> }> {
  const b = new Broker(brokerDefaults({ service, url: urlOf(service) }), silent, new RuntimeMetrics());
  await b.start();
  return { broker: b, sink: createDirectSink(service, b) };
}

const money = { amount: 1000, currency: 'USD' };
const succeeded = (orderId: string) => ({
  orderId,
  userId: randomUUID(),
  paymentIntentId: `pi_${run}`,
  amount: money,
  succeededAt: new Date().toISOString(),
});
const product = (productId: string) => ({
  productId,
  sellerId: randomUUID(),
  name: 'Lamp',
  description: 'A lamp',
  category: 'home',
  price: money,
  stock: 3,
  createdAt: new Date().toISOString(),
});

async function drain(queue: string): Promise<GetMessage[]> {
  const model = await connect(broker.adminUrl);
  try {
    const ch = await model.createChannel();
    const out: GetMessage[] = [];
    for (;;) {
      const m = await ch.get(queue, { noAck: true });
      if (m === false) return out;
      out.push(m);
    }
  } finally {
    await model.close();
  }
}

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  broker = await setUpBroker({
    vhost: `kada-acl-${run}`,
    userPrefix: `acl-${run}.`,
    password: randomPasswords(),
  });
  const { db, dialect } = await openDatabase({ service: 'order', url: join(tmp, 'order.sqlite') });
  order = createServiceRuntime({ service: 'order', url: urlOf('order'), db, dialect, logger: silent });
  const record =
    (handler: string) =>
    async (event: Envelope<unknown>, ctx: { attempt: number }): Promise<void> => {
      reached.push({ handler, event, attempt: ctx.attempt });
      const productId = (event.data as { productId?: string }).productId ?? '';
      if (failAlways.has(productId)) throw new Error(`handler fails for ${productId}`);
      if (failOnce.has(productId) && ctx.attempt === 1)
        throw new Error(`first attempt fails for ${productId}`);
    };
  const handlers = Object.fromEntries(
    [
      'paymentFailedV1',
      'paymentIntentCreatedV1',
      'paymentSucceededV1',
      'productCreatedV1',
      'productUpdatedV1',
      'stockRejectedV1',
      'userDeletedV1',
    ].map((h) => [h, record(h)]),
  ) as unknown as OrderHandlers;
  await registerOrderConsumers(order, handlers);
}, 120_000);

afterAll(async () => {
  await order?.stop();
  await broker?.remove();
  rmSync(tmp, { recursive: true, force: true });
}, 120_000);

describe('broker least privilege from the contract', () => {
  it('the broker refuses what a service does not own: others’ routing keys, the default exchange, a false user_id', async () => {
    const payment = await as('payment');
    const product_ = await as('product');
    try {
      // Positive control: payment publishes what it sends.
      expect(
        await outcome(payment, (ch) =>
          publishConfirmed(
            ch,
            'domain.events',
            'payment.cancelled.v1',
            {},
            { userId: broker.users.get('payment') },
          ),
        ),
      ).toBe('ok');
      // product may not publish payment's routing key (topic permission), nor use the default
      // exchange to push into order's queue, nor claim to be payment.
      expect(
        await outcome(product_, (ch) => publishConfirmed(ch, 'domain.events', 'payment.succeeded.v1', {})),
      ).toBe(403);
      expect(await outcome(product_, (ch) => publishConfirmed(ch, '', 'order', {}))).toBe(403);
      expect(await outcome(product_, (ch) => publishConfirmed(ch, 'order.dlx', 'order', {}))).toBe(403);
      expect(
        await outcome(product_, (ch) =>
          publishConfirmed(
            ch,
            'domain.events',
            'product.created.v1',
            {},
            { userId: broker.users.get('payment') },
          ),
        ),
      ).toBe(406);
    } finally {
      await payment.close();
      await product_.close();
    }
  });

  it('binding # (or any key a service does not receive) is refused, and so is reading another queue', async () => {
    const notification = await as('notification');
    const payment = await as('payment');
    try {
      expect(await outcome(notification, (ch) => ch.bindQueue('notification', 'domain.events', '#'))).toBe(
        403,
      );
      expect(
        await outcome(notification, (ch) =>
          ch.bindQueue('notification', 'domain.events', 'payment.succeeded.v1'),
        ),
      ).toBe(403);
      expect(await outcome(notification, (ch) => ch.assertQueue('spy', { exclusive: true }))).toBe(403);
      expect(await outcome(payment, (ch) => ch.consume('order', () => undefined))).toBe(403);
      expect(await outcome(payment, (ch) => ch.get('notification'))).toBe(403);
      // What the contract does allow: notification binds a key it receives.
      expect(
        await outcome(notification, (ch) =>
          ch.bindQueue('notification', 'domain.events', 'user.registered.v1'),
        ),
      ).toBe('ok');
    } finally {
      await notification.close();
      await payment.close();
    }
  });

  it('a forged payment.succeeded never reaches order; the real one does', async () => {
    const productPub = await publisherOf('product');
    const paymentPub = await publisherOf('payment');
    const raw = await as('product');
    try {
      const forgedOrderId = randomUUID();
      // product owns product.created.v1, so the broker routes it to order; the body claims payment.succeeded.
      const forged = {
        eventId: randomUUID(),
        eventType: 'payment.succeeded',
        version: 1,
        occurredAt: new Date().toISOString(),
        correlationId: randomUUID(),
        causationId: null,
        producer: 'payment',
        data: succeeded(forgedOrderId),
      };
      expect(
        await outcome(raw, (ch) =>
          publishConfirmed(ch, 'domain.events', 'product.created.v1', forged, {
            userId: broker.users.get('product'),
            headers: { 'x-kada-user-id': broker.users.get('payment') },
          }),
        ),
      ).toBe('ok');
      // The same without user_id.
      expect(
        await outcome(raw, (ch) =>
          publishConfirmed(ch, 'domain.events', 'product.created.v1', { ...forged, eventId: randomUUID() }),
        ),
      ).toBe('ok');
      const realOrderId = randomUUID();
      await createPaymentPublisher(paymentPub.sink).paymentSucceededV1(succeeded(realOrderId));
      await createProductPublisher(productPub.sink).productCreatedV1(product(randomUUID()));

      await until('the real payment.succeeded', () =>
        reached.some(
          (r) =>
            r.handler === 'paymentSucceededV1' &&
            (r.event.data as { orderId: string }).orderId === realOrderId,
        )
          ? true
          : undefined,
      );
      const dead = await until('two dead letters', async () => {
        const got = await drain('order.dlq');
        return got.length >= 2 ? got : undefined;
      });
      expect(dead.map((m) => m.properties.headers?.['x-kada-reason'])).toEqual([
        'producer-mismatch',
        'producer-mismatch',
      ]);
      expect(String(dead[0]?.properties.headers?.['x-kada-error'])).toContain(
        `is sent by payment (broker user ${broker.users.get('payment')}) but was published by ${broker.users.get('product')}`,
      );
      expect(String(dead[1]?.properties.headers?.['x-kada-error'])).toContain('without user_id');
      expect(reached.filter((r) => (r.event.data as { orderId?: string }).orderId === forgedOrderId)).toEqual(
        [],
      );
    } finally {
      await raw.close();
      await productPub.broker.close();
      await paymentPub.broker.close();
    }
  });

  it('retries and dead letters work under the restricted users, and keep the producer verified', async () => {
    const productPub = await publisherOf('product');
    try {
      const flaky = randomUUID();
      const broken = randomUUID();
      failOnce.add(flaky);
      failAlways.add(broken);
      const publish = createProductPublisher(productPub.sink);
      await publish.productCreatedV1(product(flaky));
      await publish.productCreatedV1(product(broken));
      // order's retry policy from the contract: 3 retries after 1 s, 2 s, 4 s.
      const dead = await until(
        'the broken one in order.dlq',
        async () => {
          const got = await drain('order.dlq');
          return got.length > 0 ? got : undefined;
        },
        30_000,
      );
      const attempts = (id: string) =>
        reached
          .filter((r) => (r.event.data as { productId?: string }).productId === id)
          .map((r) => r.attempt);
      expect(attempts(flaky)).toEqual([1, 2]);
      expect(attempts(broken)).toEqual([1, 2, 3, 4]);
      expect(dead).toHaveLength(1);
      expect(dead[0]?.properties.headers?.['x-kada-reason']).toBe('handler-error');
      expect(dead[0]?.properties.headers?.['x-kada-user-id']).toBe(broker.users.get('product'));
      expect(JSON.parse(dead[0]?.content.toString() ?? '{}').data.productId).toBe(broken);
    } finally {
      await productPub.broker.close();
    }
  }, 60_000);
});
