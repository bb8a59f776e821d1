import { randomUUID } from 'node:crypto';
import type {
  PaymentCancelledV1,
  PaymentFailedV1,
  PaymentIntentCreatedV1,
  PaymentRefundedV1,
  PaymentSucceededV1,
} from '@kada/contracts/events.ts';
import { paymentResponseValidators } from '@kada/contracts/openapi/payment.responses.ts';
import { paymentRouteTable } from '@kada/contracts/openapi/payment.routes.ts';
import { registerPaymentConsumers } from '@kada/contracts/services/payment/index.ts';
import { contractFetch } from '@kada/service-kit/testing/contract.ts';
import { consumerHarness, dialects, httpHarness, only, serviceTest } from '@kada/service-kit/testing.ts';
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from '../db/migrations.ts';
import type { PaymentDatabase } from '../db/schema.ts';
import { PaymentNotYetKnownError } from '../handlers/errors.ts';
import { createPaymentHandlers } from '../handlers/index.ts';
import { ERASED_USER_ID } from '../handlers/user-deleted.ts';
import { paymentRoutes } from '../http/routes.ts';
import { simulatedClient } from '../stripe/provider.ts';
import { type SimulatedStripe, startSimulatedStripe } from '../stripe/simulator.ts';

const WEBHOOK_SECRET = 'whsec_test_payment_suite';
// Every answer is checked against specs/openapi/payment.yaml (status, content type, body schema).
const fetch = contractFetch(paymentRouteTable, paymentResponseValidators);

for (const dialect of dialects) {
  describe(`payment with the Stripe SDK against a local Stripe (${dialect})`, () => {
    let sim: SimulatedStripe;
    let stripe: Stripe;
    let buyer: string;

    // The local Stripe starts before the service (its handlers and routes take the client) and stops first.
    beforeEach(async () => {
      sim = await startSimulatedStripe({ webhookSecret: WEBHOOK_SECRET, webhookDelayMs: 5 });
      stripe = simulatedClient(sim);
      buyer = randomUUID();
    });
    const payment = serviceTest<PaymentDatabase>(dialect, {
      name: 'payment',
      migrations,
      consumers: (rt) => registerPaymentConsumers(rt, createPaymentHandlers(stripe)),
      routes: (app, ctx) =>
        paymentRoutes(app, ctx, {
          stripe,
          webhookSecret: WEBHOOK_SECRET,
          kind: 'simulated',
          publishableKey: null,
        }),
    });
    afterEach(async () => {
      await sim.close();
    });

    async function orderCreated(
      paymentMethodId = 'pm_card_visa',
      amount = 5248,
      confirmation: 'server' | 'client' | undefined = undefined,
    ) {
      const orderId = randomUUID();
      await payment.deliver('order.created.v1', {
        orderId,
        userId: buyer,
        items: [
          {
            productId: randomUUID(),
            sellerId: randomUUID(),
            name: 'Batik sarong',
            quantity: 1,
            unitPrice: { amount, currency: 'USD' },
            lineTotal: { amount, currency: 'USD' },
          },
        ],
        total: { amount, currency: 'USD' },
        paymentMethodId,
        ...(confirmation ? { confirmation } : {}),
        createdAt: new Date().toISOString(),
      });
      return orderId;
    }

    function stockReserved(orderId: string, amount = 5248) {
      return {
        orderId,
        userId: buyer,
        reservationId: randomUUID(),
        items: [{ productId: randomUUID(), quantity: 1 }],
        total: { amount, currency: 'USD' },
        reservedAt: new Date().toISOString(),
      };
    }

    async function row(orderId: string) {
      return payment.db
        .selectFrom('payments')
        .selectAll()
        .where('order_id', '=', orderId)
        .executeTakeFirstOrThrow();
    }

    function signedPost(payload: string, signature: string | undefined) {
      return fetch(`${payment.http.url}/webhooks/stripe`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(signature === undefined ? {} : { 'stripe-signature': signature }),
        },
        body: payload,
      });
    }

    it('creates the PaymentIntent with the amount, idempotency key and metadata, once', async () => {
      const orderId = await orderCreated('pm_card_visa', 5248);
      const delivery = await payment.deliver('stock.reserved.v1', stockReserved(orderId));
      const created = only<PaymentIntentCreatedV1>(delivery, 'payment.intent.created');
      expect(created).toMatchObject({ orderId, userId: buyer, amount: { amount: 5248, currency: 'USD' } });
      expect(created.paymentIntentId).toMatch(/^pi_/);

      const creates = sim.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents');
      expect(creates).toHaveLength(1);
      expect(creates[0]).toMatchObject({
        idempotencyKey: `order-${orderId}`,
        params: {
          amount: '5248',
          currency: 'usd',
          confirm: 'true',
          payment_method: 'pm_card_visa',
          metadata: { orderId, userId: buyer },
        },
      });
      expect(await row(orderId)).toMatchObject({
        status: 'PROCESSING',
        payment_intent_id: created.paymentIntentId,
      });

      // Redelivered stock.reserved: no second PaymentIntent.
      expect((await payment.deliver('stock.reserved.v1', stockReserved(orderId))).emitted).toEqual([]);
      expect(sim.requests.filter((r) => r.path === '/v1/payment_intents')).toHaveLength(1);

      // And should the call itself be retried, Stripe's idempotency returns the same intent.
      const replay = await stripe.paymentIntents.create(
        { amount: 5248, currency: 'usd', payment_method: 'pm_card_visa', confirm: true },
        { idempotencyKey: `order-${orderId}` },
      );
      expect(replay.id).toBe(created.paymentIntentId);
    });

    it('charges the order total stored at checkout, whatever stock.reserved carries', async () => {
      const orderId = await orderCreated('pm_card_visa', 5248);
      const delivery = await payment.deliver('stock.reserved.v1', stockReserved(orderId, 1));
      const created = only<PaymentIntentCreatedV1>(delivery, 'payment.intent.created');
      expect(created.amount).toEqual({ amount: 5248, currency: 'USD' });
      const creates = sim.requests.filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents');
      expect(creates.map((r) => r.params.amount)).toEqual(['5248']);
    });

    it('drives the signed webhook to payment.succeeded for pm_card_visa', async () => {
      sim.setWebhookUrl(`${payment.http.url}/webhooks/stripe`);
      const orderId = await orderCreated('pm_card_visa');
      const created = only<PaymentIntentCreatedV1>(
        await payment.deliver('stock.reserved.v1', stockReserved(orderId)),
        'payment.intent.created',
      );
      await sim.idle();
      const succeeded = only<PaymentSucceededV1>(payment.http.events, 'payment.succeeded');
      expect(succeeded).toMatchObject({
        orderId,
        userId: buyer,
        paymentIntentId: created.paymentIntentId,
        amount: { amount: 5248, currency: 'USD' },
      });
      expect(await row(orderId)).toMatchObject({ status: 'SUCCEEDED' });

      const view = await fetch(`${payment.http.url}/payments/${orderId}`, {
        headers: { authorization: `Bearer ${await payment.http.token({ id: buyer, role: 'buyer' })}` },
      });
      expect(await view.json()).toMatchObject({
        orderId,
        status: 'SUCCEEDED',
        paymentIntentId: created.paymentIntentId,
        amount: { amount: 5248, currency: 'USD' },
        declineCode: null,
      });
      const stranger = await payment.http.token({ id: randomUUID(), role: 'buyer' });
      expect(
        (
          await fetch(`${payment.http.url}/payments/${orderId}`, {
            headers: { authorization: `Bearer ${stranger}` },
          })
        ).status,
      ).toBe(404);
      // The generated parameter validator answers a malformed id before the handler runs.
      const malformed = await fetch(`${payment.http.url}/payments/not-a-uuid`, {
        headers: { authorization: `Bearer ${stranger}` },
      });
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({ errors: [{ parameter: 'orderId' }] });
    });

    it('with real Stripe answers the simulated confirmation 404 problem+json, before auth and validation', async () => {
      const real = await httpHarness('payment', payment.database, (app, ctx) =>
        paymentRoutes(app, ctx, {
          stripe,
          webhookSecret: WEBHOOK_SECRET,
          kind: 'stripe',
          publishableKey: 'pk_test_x',
        }),
      );
      try {
        const res = await fetch(`${real.url}/payments/${randomUUID()}/simulated-confirmation`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ cardNumber: 'not a card' }),
        });
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(await res.json()).toMatchObject({ status: 404, title: 'Not Found' });
        // The other operations stay mounted.
        expect((await fetch(`${real.url}/payments/${randomUUID()}/client-secret`)).status).toBe(401);
      } finally {
        await real.close();
      }
    });

    it.each([
      ['pm_card_chargeDeclined', 'generic_decline', 'Your card was declined.'],
      ['pm_card_chargeDeclinedInsufficientFunds', 'insufficient_funds', 'Your card has insufficient funds.'],
    ])('turns a decline (%s) into payment.failed with its decline code', async (pm, declineCode, message) => {
      sim.setWebhookUrl(`${payment.http.url}/webhooks/stripe`);
      const orderId = await orderCreated(pm);
      const created = only<PaymentIntentCreatedV1>(
        await payment.deliver('stock.reserved.v1', stockReserved(orderId)),
        'payment.intent.created',
      );
      await sim.idle();
      expect(only<PaymentFailedV1>(payment.http.events, 'payment.failed')).toMatchObject({
        orderId,
        paymentIntentId: created.paymentIntentId,
        amount: { amount: 5248, currency: 'USD' },
        declineCode,
        message,
      });
      expect(await row(orderId)).toMatchObject({ status: 'FAILED', decline_code: declineCode });
    });

    it('decides by test card numbers too (4000000000000002 declines, 4242… succeeds)', async () => {
      await expect(
        stripe.paymentIntents.create({
          amount: 100,
          currency: 'usd',
          confirm: true,
          payment_method_data: { type: 'card', card: { number: '4000000000000002' } } as never,
        }),
      ).rejects.toMatchObject({
        type: 'StripeCardError',
        code: 'card_declined',
        decline_code: 'generic_decline',
      });
      const ok = await stripe.paymentIntents.create({
        amount: 100,
        currency: 'usd',
        confirm: true,
        payment_method_data: { type: 'card', card: { number: '4242424242424242' } } as never,
      });
      expect(ok.status).toBe('succeeded');
    });

    it.each([
      ['4242 4242 4242 4242', 'succeeded', 'SUCCEEDED', 'payment.succeeded'],
      ['4000 0000 0000 0002', 'declined', 'FAILED', 'payment.failed'],
    ])(
      'confirmation client: the browser confirms with the client secret (%s -> %s), the webhook decides',
      async (cardNumber, outcome, status, eventType) => {
        sim.setWebhookUrl(`${payment.http.url}/webhooks/stripe`);
        const orderId = await orderCreated('pm_card_visa', 5248, 'client');
        const auth = { authorization: `Bearer ${await payment.http.token({ id: buyer, role: 'buyer' })}` };
        const secretOf = () =>
          fetch(`${payment.http.url}/payments/${orderId}/client-secret`, { headers: auth });
        // Before stock is held there is no PaymentIntent yet.
        const early = await secretOf();
        expect(early.status).toBe(409);
        expect(((await early.json()) as { type: string }).type).toMatch(/payment-not-ready$/);

        const created = only<PaymentIntentCreatedV1>(
          await payment.deliver('stock.reserved.v1', stockReserved(orderId)),
          'payment.intent.created',
        );
        await sim.idle();
        // Created from the order's total and left for the browser: nothing charged, no outcome yet.
        expect(payment.http.events.filter((e) => e.eventType.startsWith('payment.'))).toEqual([]);
        expect(sim.requests.find((r) => r.path === '/v1/payment_intents')?.params).toMatchObject({
          amount: '5248',
          confirm: 'false',
        });
        const secret = await secretOf();
        expect(secret.status).toBe(200);
        const body = (await secret.json()) as { clientSecret: string };
        expect(body).toMatchObject({
          orderId,
          paymentIntentId: created.paymentIntentId,
          provider: 'simulated',
        });
        const stranger = await payment.http.token({ id: randomUUID(), role: 'buyer' });
        expect(
          (
            await fetch(`${payment.http.url}/payments/${orderId}/client-secret`, {
              headers: { authorization: `Bearer ${stranger}` },
            })
          ).status,
        ).toBe(404);

        const confirm = (clientSecret: string) =>
          fetch(`${payment.http.url}/payments/${orderId}/simulated-confirmation`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: JSON.stringify({ clientSecret, cardNumber }),
          });
        expect((await confirm(`${body.clientSecret}x`)).status).toBe(400);
        const badCard = await fetch(`${payment.http.url}/payments/${orderId}/simulated-confirmation`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ clientSecret: body.clientSecret, cardNumber: '4242-4242' }),
        });
        expect(badCard.status).toBe(400);
        expect(await badCard.json()).toMatchObject({ errors: [{ pointer: '/cardNumber' }] });
        const confirmed = await confirm(body.clientSecret);
        expect(confirmed.status).toBe(200);
        expect(((await confirmed.json()) as { outcome: string }).outcome).toBe(outcome);
        await sim.idle();
        expect(only(payment.http.events, eventType)).toMatchObject({
          orderId,
          paymentIntentId: created.paymentIntentId,
        });
        expect(await row(orderId)).toMatchObject({ status });
        // Ended: no second confirmation.
        expect((await confirm(body.clientSecret)).status).toBe(409);
      },
    );

    it('fails at once, without an intent, when Stripe refuses the payment method', async () => {
      const orderId = await orderCreated('pm_card_doesNotExist');
      const failed = only<PaymentFailedV1>(
        await payment.deliver('stock.reserved.v1', stockReserved(orderId)),
        'payment.failed',
      );
      expect(failed).toMatchObject({ orderId, paymentIntentId: null, declineCode: null });
      expect(await row(orderId)).toMatchObject({ status: 'FAILED' });
    });

    it('retries while Stripe is unreachable, then fails the payment on the last attempt', async () => {
      const orderId = await orderCreated();
      const down = await startSimulatedStripe({ webhookSecret: WEBHOOK_SECRET });
      await down.close();
      const unreachable = createPaymentHandlers(
        new Stripe('sk_test_x', { ...down.sdkOptions, maxNetworkRetries: 0 }),
      );
      const offline = await consumerHarness('payment', payment.db, (rt) =>
        registerPaymentConsumers(rt, unreachable),
      );
      await expect(
        offline.deliver('stock.reserved.v1', stockReserved(orderId), { attempt: 1 }),
      ).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
      expect(await row(orderId)).toMatchObject({ status: 'AWAITING_STOCK' });
      const last = await offline.deliver('stock.reserved.v1', stockReserved(orderId), { attempt: 6 });
      expect(only<PaymentFailedV1>(last, 'payment.failed')).toMatchObject({
        paymentIntentId: null,
        message: 'The payment provider is unavailable.',
      });
    });

    it('retries stock.reserved that overtook its order.created', async () => {
      await expect(payment.deliver('stock.reserved.v1', stockReserved(randomUUID()))).rejects.toBeInstanceOf(
        PaymentNotYetKnownError,
      );
      expect(sim.requests).toEqual([]);
    });

    it('verifies the signature on the raw body: 400 problem+json for a bad, missing or replayed-with-changes one', async () => {
      const orderId = await orderCreated();
      await payment.deliver('stock.reserved.v1', stockReserved(orderId));
      const [event] = sim.events;
      const payload = JSON.stringify(event, null, 2);
      const good = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });

      const forged = await signedPost(
        payload,
        Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_other' }),
      );
      expect(forged.status).toBe(400);
      expect(forged.headers.get('content-type')).toContain('application/problem+json');
      expect(await forged.json()).toMatchObject({ status: 400, title: 'Invalid Stripe signature' });
      expect((await signedPost(payload, undefined)).status).toBe(400);
      // The same JSON re-serialised (as a JSON body parser would) no longer matches the signature.
      expect((await signedPost(JSON.stringify(event), good)).status).toBe(400);
      const old = Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: WEBHOOK_SECRET,
        timestamp: Math.floor(Date.now() / 1000) - 3600,
      });
      expect((await signedPost(payload, old)).status).toBe(400);
      expect(payment.http.events).toEqual([]);

      const accepted = await signedPost(payload, good);
      expect(accepted.status).toBe(200);
      expect(await accepted.json()).toEqual({ received: true });
      expect(only<PaymentSucceededV1>(payment.http.events, 'payment.succeeded').orderId).toBe(orderId);
    });

    it('deduplicates by Stripe event id: the same webhook twice gives one payment.succeeded', async () => {
      const orderId = await orderCreated();
      await payment.deliver('stock.reserved.v1', stockReserved(orderId));
      const payload = JSON.stringify(sim.events[0]);
      for (let i = 0; i < 2; i++) {
        const res = await signedPost(
          payload,
          Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
        );
        expect(res.status).toBe(200);
      }
      expect(payment.http.events.filter((e) => e.eventType === 'payment.succeeded')).toHaveLength(1);
      const recorded = await payment.db.selectFrom('stripe_events').selectAll().execute();
      expect(recorded).toEqual([
        expect.objectContaining({ type: 'payment_intent.succeeded', outcome: 'applied' }),
      ]);
    });

    it('a refund whose webhook arrives before the success it follows stays REFUNDED', async () => {
      const orderId = await orderCreated();
      await payment.deliver('stock.reserved.v1', stockReserved(orderId));
      const intentId = (await row(orderId)).payment_intent_id ?? '';
      await stripe.refunds.create({ payment_intent: intentId }, { idempotencyKey: `refund-${orderId}` });
      const byType = (type: string) => {
        const event = sim.events.find((e) => e.type === type);
        expect(event, type).toBeDefined();
        return JSON.stringify(event);
      };
      // Stripe does not promise order: the refund first, then the success.
      for (const payload of [byType('charge.refunded'), byType('payment_intent.succeeded')]) {
        const res = await signedPost(
          payload,
          Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
        );
        expect(res.status).toBe(200);
      }
      expect(await row(orderId)).toMatchObject({ status: 'REFUNDED' });
      // Both facts are still announced (the order service decides what they mean for the order).
      expect(payment.http.events.map((e) => e.eventType).sort()).toEqual([
        'payment.refunded',
        'payment.succeeded',
      ]);
    });

    it('answers the same webhook delivered several times at once with 200 and applies it once', async () => {
      const orderId = await orderCreated();
      await payment.deliver('stock.reserved.v1', stockReserved(orderId));
      const payload = JSON.stringify(sim.events[0]);
      const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
      const answers = await Promise.all(Array.from({ length: 6 }, () => signedPost(payload, header)));
      expect(answers.map((res) => res.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(payment.http.events.filter((e) => e.eventType === 'payment.succeeded')).toHaveLength(1);
    });

    it('on order.cancelled: cancels an intent in flight, refunds a captured one, and needs nothing before stock', async () => {
      sim.setWebhookUrl(`${payment.http.url}/webhooks/stripe`);
      const cancelled = (orderId: string) => ({
        orderId,
        userId: buyer,
        cancelledAt: new Date().toISOString(),
        reason: 'USER_REQUEST',
      });

      const early = await orderCreated();
      await payment.deliver('order.cancelled.v1', cancelled(early));
      expect(await row(early)).toMatchObject({ status: 'CANCELLED', payment_intent_id: null });
      expect((await payment.deliver('stock.reserved.v1', stockReserved(early))).emitted).toEqual([]);

      const paid = await orderCreated();
      await payment.deliver('stock.reserved.v1', stockReserved(paid));
      await sim.idle();
      await payment.deliver('order.cancelled.v1', cancelled(paid));
      await sim.idle();
      expect(only<PaymentRefundedV1>(payment.http.events, 'payment.refunded')).toMatchObject({
        orderId: paid,
        amount: { amount: 5248, currency: 'USD' },
      });
      expect(await row(paid)).toMatchObject({ status: 'REFUNDED' });

      // An intent not captured yet is cancelled (a PaymentIntent created without confirming).
      const inFlight = await orderCreated();
      const intent = await stripe.paymentIntents.create({
        amount: 5248,
        currency: 'usd',
        metadata: { orderId: inFlight },
      });
      await payment.db
        .updateTable('payments')
        .set({ status: 'PROCESSING', payment_intent_id: intent.id })
        .where('order_id', '=', inFlight)
        .execute();
      await payment.deliver('order.cancelled.v1', cancelled(inFlight));
      await sim.idle();
      expect(only<PaymentCancelledV1>(payment.http.events, 'payment.cancelled')).toMatchObject({
        orderId: inFlight,
        paymentIntentId: intent.id,
      });
      expect(await row(inFlight)).toMatchObject({ status: 'CANCELLED' });
    });

    // Two replicas racing need a server database; SQLite has one writer at a time.
    if (dialect === 'postgres')
      it('a charge racing order.cancelled (two replicas) never keeps the money', async () => {
        sim.setWebhookUrl(`${payment.http.url}/webhooks/stripe`);
        const orders: string[] = [];
        for (let i = 0; i < 6; i++) orders.push(await orderCreated());
        await Promise.all(
          orders.flatMap((orderId) => [
            payment.deliverUntilHandled('stock.reserved.v1', stockReserved(orderId)),
            payment.deliverUntilHandled('order.cancelled.v1', {
              orderId,
              userId: buyer,
              cancelledAt: new Date().toISOString(),
              reason: 'USER_REQUEST',
            }),
          ]),
        );
        await sim.idle();
        for (const orderId of orders) {
          const created = sim.requests.filter(
            (r) =>
              r.method === 'POST' &&
              r.path === '/v1/payment_intents' &&
              r.idempotencyKey === `order-${orderId}`,
          );
          if (created.length === 0) {
            expect(await row(orderId)).toMatchObject({ status: 'CANCELLED', payment_intent_id: null });
            continue;
          }
          // Charged: the money went back (cancelled in flight, or refunded once captured).
          expect(['CANCELLED', 'REFUNDED']).toContain((await row(orderId)).status);
        }
      });

    it('erases a deleted buyer from payments, keeping amounts', async () => {
      const orderId = await orderCreated();
      await payment.deliver('user.deleted.v1', {
        userId: buyer,
        deletedAt: new Date().toISOString(),
        reason: 'USER_REQUEST',
      });
      const erased = await row(orderId);
      expect(erased).toMatchObject({
        user_id: ERASED_USER_ID,
        payment_method_id: null,
        status: 'AWAITING_STOCK',
      });
      expect(Number(erased.amount)).toBe(5248);
    });
  });
}
