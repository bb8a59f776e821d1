import { timingSafeEqual } from 'node:crypto';
import { type PaymentOperations, paymentRouteTable } from '@kada/contracts/openapi/payment.routes.ts';
import { createPaymentPublisher } from '@kada/contracts/services/payment/index.ts';
import { runWithContext } from '@kada/runtime';
import {
  currentUser,
  HttpError,
  isUniqueViolation,
  mountRoutes,
  PROBLEM_BASE,
  requireAuth,
  type ServiceContext,
  type ServiceRoutes,
} from '@kada/service-kit';
import type { Express, Request, RequestHandler } from 'express';
import type { Transaction } from 'kysely';
import Stripe from 'stripe';
import type { PaymentDatabase } from '../db/schema.ts';
import { keepRawBodyFor } from './raw-body.ts';
import { applyStripeEvent } from './stripe-events.ts';

const StripeErrors = Stripe.errors;

export interface StripeWebhookConfig {
  stripe: Stripe;
  webhookSecret: string;
  /** stripe: the browser confirms with Stripe.js; simulated: with POST /payments/{orderId}/simulated-confirmation. */
  kind?: 'stripe' | 'simulated';
  publishableKey?: string | null;
}

/** The webhook's body is read raw (its signature is an HMAC over the exact bytes). */
type RawOperations = 'handleStripeWebhook';

/**
 * payment.yaml's routes: POST /webhooks/stripe (signed by Stripe, no JWT); GET /payments/{orderId} (the
 * buyer's own); GET /payments/{orderId}/client-secret and, with the simulated Stripe only,
 * POST /payments/{orderId}/simulated-confirmation (orders whose browser confirms the PaymentIntent).
 *
 * With real Stripe the simulated confirmation is still in the route table (mountRoutes mounts every
 * operation), but a middleware ahead of authentication and validation answers it 404 problem+json, as
 * for a route that does not exist: card numbers never reach this service there (Stripe.js sends them to Stripe).
 */
export function paymentRoutes(
  app: Express,
  ctx: ServiceContext<PaymentDatabase>,
  stripe: StripeWebhookConfig,
): void {
  keepRawBodyFor(app, paymentRouteTable.operations.handleStripeWebhook.expressPath);
  const simulated = stripe.kind === 'simulated';
  mountRoutes<PaymentOperations, RawOperations>(app, paymentRouteTable, paymentHandlers(ctx, stripe), {
    rawBody: ['handleStripeWebhook'],
    before: {
      getPayment: [requireAuth(ctx)],
      getPaymentClientSecret: [requireAuth(ctx)],
      confirmSimulatedPayment: simulated ? [requireAuth(ctx)] : [notMounted],
    },
  });
}

/** Answers as if the route did not exist (the kit's 404 for unknown routes), before auth and validation. */
const notMounted: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'Not Found', `No route for ${req.method} ${req.path}`));
};

const invalidSignature = (detail: string) =>
  new HttpError(400, 'Invalid Stripe signature', detail, { type: `${PROBLEM_BASE}invalid-signature` });
const notReady = (detail: string) =>
  new HttpError(409, 'Payment not ready', detail, { type: `${PROBLEM_BASE}payment-not-ready` });

export function paymentHandlers(
  ctx: ServiceContext<PaymentDatabase>,
  stripe: StripeWebhookConfig,
): ServiceRoutes<PaymentOperations, RawOperations> {
  /** The buyer's own payment, or 404. */
  const ownPayment = async (req: Request, orderId: string) => {
    const payment = await ctx.db
      .selectFrom('payments')
      .selectAll()
      .where('order_id', '=', orderId)
      .where('user_id', '=', currentUser(req).id)
      .executeTakeFirst();
    if (!payment) throw new HttpError(404, 'Not Found', 'No such payment.');
    return payment;
  };
  /** The intent of a payment the browser is to confirm, while it can still be confirmed. */
  const intentToConfirm = async (req: Request, orderId: string): Promise<Stripe.PaymentIntent> => {
    const payment = await ownPayment(req, orderId);
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

  return {
    async handleStripeWebhook({ body, headers }) {
      // The generated validator required a non-empty Stripe-Signature; the raw body is not parsed yet.
      const signature = headers['Stripe-Signature'];
      if (body.length === 0) throw invalidSignature('A signed Stripe event is required.');
      let event: Stripe.Event;
      try {
        // Verifies the HMAC over the raw bytes and the timestamp's age before anything is parsed.
        event = stripe.stripe.webhooks.constructEvent(body, signature, stripe.webhookSecret);
      } catch {
        throw invalidSignature('The Stripe-Signature header does not match the body.');
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
      return { status: 200, body: { received: true } };
    },

    async getPayment({ params }, { req }) {
      const payment = await ownPayment(req, params.orderId);
      return {
        status: 200,
        body: {
          orderId: payment.order_id,
          paymentIntentId: payment.payment_intent_id,
          status: payment.status,
          amount: { amount: Number(payment.amount), currency: payment.currency },
          declineCode: payment.status === 'FAILED' ? payment.decline_code : null,
          message: payment.status === 'FAILED' ? payment.message : null,
          createdAt: payment.created_at,
          updatedAt: payment.updated_at,
        },
      };
    },

    async getPaymentClientSecret({ params }, { req }) {
      const intent = await intentToConfirm(req, params.orderId);
      if (!intent.client_secret) throw notReady('The PaymentIntent has no client secret.');
      return {
        status: 200,
        body: {
          orderId: params.orderId,
          paymentIntentId: intent.id,
          clientSecret: intent.client_secret,
          provider: stripe.kind ?? 'stripe',
          publishableKey: stripe.publishableKey ?? null,
        },
      };
    },

    // The simulated Stripe's stand-in for Stripe.js's confirmCardPayment (reached only with the simulator:
    // paymentRoutes answers it 404 otherwise). The body's shape and card pattern are checked by the validator.
    async confirmSimulatedPayment({ params, body }, { req }) {
      const intent = await intentToConfirm(req, params.orderId);
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
        return { status: 200, body: { outcome: 'succeeded', declineCode: null, message: null } };
      } catch (error) {
        if (error instanceof StripeErrors.StripeCardError) {
          return {
            status: 200,
            body: {
              outcome: 'declined',
              declineCode: error.decline_code ?? error.code ?? null,
              message: error.message,
            },
          };
        }
        if (error instanceof StripeErrors.StripeInvalidRequestError)
          throw new HttpError(400, 'Card refused', error.message, { type: `${PROBLEM_BASE}card-refused` });
        throw error;
      }
    },
  };
}
