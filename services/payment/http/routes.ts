import { timingSafeEqual } from 'node:crypto';
import { createPaymentPublisher } from '@kada/contracts/services/payment/index.ts';
import { runWithContext } from '@kada/runtime';
import {
  asyncRoute,
  currentUser,
  HttpError,
  isUniqueViolation,
  PROBLEM_BASE,
  requireAuth,
  type ServiceContext,
  validationError,
} from '@kada/service-kit';
import express, { type Express } from 'express';
import type { Transaction } from 'kysely';
import Stripe from 'stripe';
import type { PaymentDatabase } from '../db/schema.ts';
import { keepRawBodyFor } from './raw-body.ts';
import { applyStripeEvent } from './stripe-events.ts';

const StripeErrors = Stripe.errors;
const WEBHOOK_PATH = '/webhooks/stripe';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface StripeWebhookConfig {
  stripe: Stripe;
  webhookSecret: string;
  /** stripe: the browser confirms with Stripe.js; simulated: with POST /payments/{orderId}/simulated-confirmation. */
  kind?: 'stripe' | 'simulated';
  publishableKey?: string | null;
}

/**
 * POST /webhooks/stripe (signed by Stripe, no JWT); GET /payments/{orderId} (the buyer's own);
 * GET /payments/{orderId}/client-secret and, with the simulated Stripe only,
 * POST /payments/{orderId}/simulated-confirmation (orders whose browser confirms the PaymentIntent).
 */
export function paymentRoutes(
  app: Express,
  ctx: ServiceContext<PaymentDatabase>,
  stripe: StripeWebhookConfig,
): void {
  keepRawBodyFor(app, WEBHOOK_PATH);

  app.post(
    WEBHOOK_PATH,
    express.raw({ type: () => true, limit: '1mb' }),
    asyncRoute(async (req, res) => {
      const signature = req.headers['stripe-signature'];
      if (!Buffer.isBuffer(req.body) || typeof signature !== 'string' || signature === '') {
        throw new HttpError(400, 'Invalid Stripe signature', 'A signed Stripe event is required.', {
          type: `${PROBLEM_BASE}invalid-signature`,
        });
      }
      let event: Stripe.Event;
      try {
        // Verifies the HMAC over the raw bytes and the timestamp's age before anything is parsed.
        event = stripe.stripe.webhooks.constructEvent(req.body, signature, stripe.webhookSecret);
      } catch {
        throw new HttpError(
          400,
          'Invalid Stripe signature',
          'The Stripe-Signature header does not match the body.',
          {
            type: `${PROBLEM_BASE}invalid-signature`,
          },
        );
      }
      // Continue the order's flow: the intent carries its correlation id in metadata.
      const metadata = (event.data.object as { metadata?: Record<string, string> | null }).metadata ?? {};
      const apply = () =>
        ctx.rt.transaction((tx, sink) =>
          applyStripeEvent(tx as Transaction<PaymentDatabase>, createPaymentPublisher(sink), event, ctx.log),
        );
      let outcome: Awaited<ReturnType<typeof apply>>;
      try {
        outcome = metadata.correlationId
          ? await runWithContext({ correlationId: metadata.correlationId, causationId: event.id }, apply)
          : await apply();
      } catch (error) {
        // The same event delivered twice at once: the other delivery recorded it first and this
        // transaction rolled back, effects and all. It is a duplicate, not a failure Stripe should retry.
        if (!isUniqueViolation(error)) throw error;
        outcome = 'duplicate';
      }
      ctx.log.info({ stripeEvent: event.id, type: event.type, outcome }, 'Stripe webhook');
      res.json({ received: true });
    }),
  );

  app.get(
    '/payments/:orderId',
    requireAuth(ctx),
    asyncRoute(async (req, res) => {
      const orderId = String(req.params.orderId);
      if (!UUID.test(orderId)) throw validationError([{ parameter: 'orderId', detail: 'must be a UUID' }]);
      const payment = await ctx.db
        .selectFrom('payments')
        .selectAll()
        .where('order_id', '=', orderId)
        .where('user_id', '=', currentUser(req).id)
        .executeTakeFirst();
      if (!payment) throw new HttpError(404, 'Not Found', 'No such payment.');
      res.json({
        orderId: payment.order_id,
        paymentIntentId: payment.payment_intent_id,
        status: payment.status,
        amount: { amount: Number(payment.amount), currency: payment.currency },
        declineCode: payment.status === 'FAILED' ? payment.decline_code : null,
        message: payment.status === 'FAILED' ? payment.message : null,
        createdAt: payment.created_at,
        updatedAt: payment.updated_at,
      });
    }),
  );

  /** The buyer's own payment, or 404. */
  const ownPayment = async (req: express.Request) => {
    const orderId = String(req.params.orderId);
    if (!UUID.test(orderId)) throw validationError([{ parameter: 'orderId', detail: 'must be a UUID' }]);
    const payment = await ctx.db
      .selectFrom('payments')
      .selectAll()
      .where('order_id', '=', orderId)
      .where('user_id', '=', currentUser(req).id)
      .executeTakeFirst();
    if (!payment) throw new HttpError(404, 'Not Found', 'No such payment.');
    return payment;
  };
  const notReady = (detail: string) =>
    new HttpError(409, 'Payment not ready', detail, { type: `${PROBLEM_BASE}payment-not-ready` });
  /** The intent of a payment the browser is to confirm, while it can still be confirmed. */
  const intentToConfirm = async (req: express.Request): Promise<Stripe.PaymentIntent> => {
    const payment = await ownPayment(req);
    if (payment.confirmation !== 'client')
      throw new HttpError(
        409,
        'Confirmed by the server',
        'This order was paid with a saved payment method.',
        {
          type: `${PROBLEM_BASE}server-confirmation`,
        },
      );
    if (payment.status === 'AWAITING_STOCK' || payment.payment_intent_id === null)
      throw notReady('Stock is not reserved yet; try again in a moment.');
    if (payment.status !== 'PROCESSING') throw notReady(`The payment is already ${payment.status}.`);
    return stripe.stripe.paymentIntents.retrieve(payment.payment_intent_id);
  };

  app.get(
    '/payments/:orderId/client-secret',
    requireAuth(ctx),
    asyncRoute(async (req, res) => {
      const intent = await intentToConfirm(req);
      if (!intent.client_secret) throw notReady('The PaymentIntent has no client secret.');
      res.json({
        orderId: String(req.params.orderId),
        paymentIntentId: intent.id,
        clientSecret: intent.client_secret,
        provider: stripe.kind ?? 'stripe',
        publishableKey: stripe.publishableKey ?? null,
      });
    }),
  );

  // The simulated Stripe's stand-in for Stripe.js's confirmCardPayment. It exists only with the
  // simulator: with real Stripe card numbers never reach this service (Stripe.js sends them to Stripe).
  if (stripe.kind === 'simulated') {
    app.post(
      '/payments/:orderId/simulated-confirmation',
      requireAuth(ctx),
      express.json({ limit: '16kb' }),
      asyncRoute(async (req, res) => {
        const body = req.body as { clientSecret?: unknown; cardNumber?: unknown } | undefined;
        const problems = [];
        if (typeof body?.clientSecret !== 'string' || body.clientSecret === '')
          problems.push({ pointer: '/clientSecret', detail: 'must be a non-empty string' });
        if (typeof body?.cardNumber !== 'string' || !/^[0-9 ]{12,23}$/.test(body.cardNumber))
          problems.push({ pointer: '/cardNumber', detail: 'must be 12 to 23 digits or spaces' });
        if (
          problems.length > 0 ||
          typeof body?.clientSecret !== 'string' ||
          typeof body.cardNumber !== 'string'
        )
          throw validationError(problems);
        const intent = await intentToConfirm(req);
        const given = Buffer.from(body.clientSecret);
        const expected = Buffer.from(intent.client_secret ?? '');
        if (given.length !== expected.length || !timingSafeEqual(given, expected))
          throw new HttpError(400, 'Invalid client secret', "The client secret is not this order's.", {
            type: `${PROBLEM_BASE}invalid-client-secret`,
          });
        try {
          await stripe.stripe.paymentIntents.confirm(intent.id, {
            // Raw card numbers: accepted by the simulator only (Stripe takes them from Stripe.js).
            payment_method_data: { type: 'card', card: { number: body.cardNumber } },
          } as unknown as Stripe.PaymentIntentConfirmParams);
          res.json({ outcome: 'succeeded', declineCode: null, message: null });
        } catch (error) {
          if (error instanceof StripeErrors.StripeCardError) {
            res.json({
              outcome: 'declined',
              declineCode: error.decline_code ?? error.code ?? null,
              message: error.message,
            });
            return;
          }
          if (error instanceof StripeErrors.StripeInvalidRequestError)
            throw new HttpError(400, 'Card refused', error.message, { type: `${PROBLEM_BASE}card-refused` });
          throw error;
        }
      }),
    );
  }
}
