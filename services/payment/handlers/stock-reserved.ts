import { paymentQueues } from '@kada/contracts/services/payment/index.ts';
import Stripe from 'stripe';
import { PaymentNotYetKnownError } from './errors.ts';
import type { PaymentHandlersWithDeps } from './index.ts';

const PROVIDER_UNAVAILABLE = 'The payment provider is unavailable.';

/**
 * Stock is held: create the PaymentIntent for the order total stored from order.created (never a
 * client value, nor what another event claims), with the idempotency key `order-<orderId>`, so a
 * retried or redelivered event can never charge twice; confirm it here, unless the order asked for
 * confirmation by the buyer's browser (`confirmation: client`: GET /payments/{orderId}/client-secret). The outcome (succeeded / declined) arrives through
 * the signed webhook, from real or simulated Stripe alike.
 *
 * - a card decline: Stripe answers 402 but the intent exists: payment.intent.created; the decline
 *   itself comes as payment_intent.payment_failed.
 * - a request Stripe refuses (unknown payment method...): payment.failed at once, no intent.
 * - Stripe unreachable or failing: retried with backoff; on the last attempt, payment.failed.
 */
export const stockReservedV1: PaymentHandlersWithDeps['stockReservedV1'] = async (event, ctx, { stripe }) => {
  const { tx, log, publish } = ctx;
  const { orderId, userId } = event.data;
  const payment = await tx
    .selectFrom('payments')
    .selectAll()
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  if (!payment) throw new PaymentNotYetKnownError(orderId, event.eventType);
  if (payment.status !== 'AWAITING_STOCK') {
    log.info(
      { orderId, status: payment.status },
      'stock.reserved for a payment already under way or ended; ignored',
    );
    return;
  }
  const total = { amount: Number(payment.amount), currency: payment.currency };
  if (event.data.total.amount !== total.amount || event.data.total.currency !== total.currency) {
    log.warn({ orderId }, 'stock.reserved total differs from order.created; charging the order total');
  }
  const now = new Date().toISOString();
  // Claim the payment before any money moves: an order.cancelled handled at the same time (another
  // replica) then waits for this transaction and finds the intent to cancel or refund, instead of
  // both deciding from the AWAITING_STOCK they read. Rolled back with the rest on a retry.
  const claimed = await tx
    .updateTable('payments')
    .set({ status: 'PROCESSING', updated_at: now })
    .where('order_id', '=', orderId)
    .where('status', '=', 'AWAITING_STOCK')
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) {
    log.info({ orderId }, 'payment changed concurrently (cancelled?); no charge');
    return;
  }
  const fail = async (paymentIntentId: string | null, declineCode: string | null, message: string) => {
    await tx
      .updateTable('payments')
      .set({
        status: 'FAILED',
        payment_intent_id: paymentIntentId,
        decline_code: declineCode,
        message,
        updated_at: now,
      })
      .where('order_id', '=', orderId)
      .execute();
    await publish.paymentFailedV1(
      { orderId, userId, paymentIntentId, amount: total, declineCode, message, failedAt: now },
      { orderingKey: orderId },
    );
  };
  if (payment.payment_method_id === null) {
    await fail(null, null, 'No payment method is on file for this order.');
    return;
  }

  const confirmedInBrowser = payment.confirmation === 'client';
  let intent: Stripe.PaymentIntent;
  try {
    intent = await stripe.paymentIntents.create(
      {
        amount: total.amount,
        currency: total.currency.toLowerCase(),
        payment_method: payment.payment_method_id,
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
        // confirmation client: the buyer's browser confirms it with the client secret (Stripe.js or
        // the simulator's stand-in); the outcome still arrives through the signed webhook.
        confirm: !confirmedInBrowser,
        // The correlation id rides along so the webhook continues this order's flow.
        metadata: { orderId, userId, correlationId: ctx.envelope.correlationId },
      },
      { idempotencyKey: `order-${orderId}` },
    );
  } catch (error) {
    if (error instanceof Stripe.errors.StripeCardError && error.payment_intent) {
      intent = error.payment_intent;
      log.info({ orderId, code: error.code }, 'card declined; the webhook reports the failure');
    } else if (error instanceof Stripe.errors.StripeInvalidRequestError) {
      log.warn({ orderId, code: error.code }, 'Stripe refused the PaymentIntent');
      await fail(
        error.payment_intent?.id ?? null,
        null,
        'The payment could not be made with this payment method.',
      );
      return;
    } else if (ctx.attempt <= paymentQueues.payment.retry.maxRetries) {
      throw error;
    } else {
      log.error(
        { orderId, err: error instanceof Error ? error.message : String(error) },
        'Stripe unavailable; giving up',
      );
      await fail(null, null, PROVIDER_UNAVAILABLE);
      return;
    }
  }

  // The webhook may already have moved the payment on (it can beat this commit): only fill in what is missing.
  await tx
    .updateTable('payments')
    .set({ payment_intent_id: intent.id, updated_at: now })
    .where('order_id', '=', orderId)
    .where('payment_intent_id', 'is', null)
    .execute();
  await publish.paymentIntentCreatedV1(
    {
      orderId,
      userId,
      paymentIntentId: intent.id,
      amount: { amount: intent.amount, currency: intent.currency.toUpperCase() },
      createdAt: new Date(intent.created * 1000).toISOString(),
    },
    { orderingKey: orderId },
  );
};
