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
import type Stripe from 'stripe';
import type { PaymentDatabase } from '../db/schema.ts';
import { keepRawBodyFor } from './raw-body.ts';
import { applyStripeEvent } from './stripe-events.ts';

const WEBHOOK_PATH = '/webhooks/stripe';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface StripeWebhookConfig {
  stripe: Stripe;
  webhookSecret: string;
}

/** POST /webhooks/stripe (signed by Stripe, no JWT) and GET /payments/{orderId} (the buyer's own). */
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
}
