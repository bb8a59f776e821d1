import type { PaymentPublisher } from '@kada/contracts/services/payment/index.ts';
import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import type Stripe from 'stripe';
import type { PaymentDatabase } from '../db/schema.ts';

export type StripeEventOutcome = 'applied' | 'ignored' | 'duplicate';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Applies one verified Stripe event, in the caller's transaction: records its id (a redelivery of
 * the same event id is a duplicate and changes nothing), updates the payment and writes the domain
 * event to the outbox:
 *   payment_intent.succeeded      -> payment.succeeded
 *   payment_intent.payment_failed -> payment.failed (declineCode, message)
 *   charge.refunded               -> payment.refunded
 *   payment_intent.canceled       -> payment.cancelled
 * Other types, and objects that belong to no order of ours, are recorded and ignored.
 */
export async function applyStripeEvent(
  tx: Transaction<PaymentDatabase>,
  publish: PaymentPublisher,
  event: Stripe.Event,
  log: Logger,
): Promise<StripeEventOutcome> {
  const seen = await tx
    .selectFrom('stripe_events')
    .select('event_id')
    .where('event_id', '=', event.id)
    .executeTakeFirst();
  if (seen) return 'duplicate';
  const object = event.data.object as { id?: string };
  const outcome = await apply(tx, publish, event, log);
  await tx
    .insertInto('stripe_events')
    .values({
      event_id: event.id,
      type: event.type,
      object_id: typeof object.id === 'string' ? object.id : null,
      outcome,
      received_at: new Date().toISOString(),
    })
    .execute();
  return outcome;
}

async function apply(
  tx: Transaction<PaymentDatabase>,
  publish: PaymentPublisher,
  event: Stripe.Event,
  log: Logger,
): Promise<'applied' | 'ignored'> {
  const at = new Date(event.created * 1000).toISOString();
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed':
    case 'payment_intent.canceled': {
      const intent = event.data.object as Stripe.PaymentIntent;
      const payment = await paymentOf(tx, intent.metadata?.orderId, intent.id);
      if (!payment) {
        log.warn({ stripeEvent: event.id, type: event.type }, 'Stripe event for no order of ours; ignored');
        return 'ignored';
      }
      const orderId = payment.order_id;
      const amount = { amount: intent.amount, currency: intent.currency.toUpperCase() };
      if (event.type === 'payment_intent.succeeded') {
        await update(
          tx,
          orderId,
          { status: 'SUCCEEDED', payment_intent_id: intent.id, decline_code: null, message: null },
          LATER_THAN.SUCCEEDED,
        );
        await publish.paymentSucceededV1(
          {
            orderId,
            userId: payment.user_id,
            paymentIntentId: intent.id,
            amount: { ...amount, amount: intent.amount_received || intent.amount },
            succeededAt: at,
          },
          { orderingKey: orderId },
        );
      } else if (event.type === 'payment_intent.payment_failed') {
        const error = intent.last_payment_error;
        const declineCode =
          error?.decline_code ?? (error?.type === 'card_error' ? (error.code ?? null) : null);
        const message = error?.message || 'The payment failed.';
        await update(
          tx,
          orderId,
          { status: 'FAILED', payment_intent_id: intent.id, decline_code: declineCode, message },
          LATER_THAN.FAILED,
        );
        await publish.paymentFailedV1(
          {
            orderId,
            userId: payment.user_id,
            paymentIntentId: intent.id,
            amount,
            declineCode,
            message,
            failedAt: at,
          },
          { orderingKey: orderId },
        );
      } else {
        await update(
          tx,
          orderId,
          { status: 'CANCELLED', payment_intent_id: intent.id },
          LATER_THAN.CANCELLED,
        );
        await publish.paymentCancelledV1(
          { orderId, paymentIntentId: intent.id, cancelledAt: at },
          { orderingKey: orderId },
        );
      }
      return 'applied';
    }
    case 'charge.refunded': {
      const charge = event.data.object as Stripe.Charge;
      const intentId =
        typeof charge.payment_intent === 'string' ? charge.payment_intent : charge.payment_intent?.id;
      const payment = intentId ? await paymentOf(tx, charge.metadata?.orderId, intentId) : undefined;
      if (!payment || !intentId) {
        log.warn({ stripeEvent: event.id }, 'refund for no order of ours; ignored');
        return 'ignored';
      }
      const full = charge.amount_refunded >= charge.amount;
      if (full) await update(tx, payment.order_id, { status: 'REFUNDED' }, LATER_THAN.REFUNDED);
      await publish.paymentRefundedV1(
        {
          orderId: payment.order_id,
          paymentIntentId: intentId,
          amount: { amount: charge.amount_refunded, currency: charge.currency.toUpperCase() },
          refundedAt: at,
        },
        { orderingKey: payment.order_id },
      );
      return 'applied';
    }
    default:
      return 'ignored';
  }
}

/** The payment row of an order (from the object's metadata), else of the PaymentIntent. */
async function paymentOf(tx: Transaction<PaymentDatabase>, orderId: string | undefined, intentId: string) {
  if (orderId && UUID.test(orderId)) {
    const byOrder = await tx
      .selectFrom('payments')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    if (byOrder) return byOrder;
  }
  return tx.selectFrom('payments').selectAll().where('payment_intent_id', '=', intentId).executeTakeFirst();
}

type WebhookStatus = 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'REFUNDED';

/**
 * Stripe does not deliver webhooks in order: charge.refunded can arrive (or commit, on another
 * replica) before the payment_intent.succeeded it follows. A status never goes back to one it has
 * left: these are the statuses that each one may not overwrite. A failed attempt may still be
 * followed by success (the intent is retried); nothing overwrites a refund.
 */
const LATER_THAN: Readonly<Record<WebhookStatus, readonly WebhookStatus[]>> = {
  SUCCEEDED: ['CANCELLED', 'REFUNDED'],
  FAILED: ['SUCCEEDED', 'CANCELLED', 'REFUNDED'],
  CANCELLED: ['SUCCEEDED', 'REFUNDED'],
  REFUNDED: [],
};

/** Moves the order's payment to a status, unless it already holds one that comes later (see LATER_THAN). */
async function update(
  tx: Transaction<PaymentDatabase>,
  orderId: string,
  changes: Partial<{
    status: WebhookStatus;
    payment_intent_id: string;
    decline_code: string | null;
    message: string | null;
  }>,
  unlessStatusIn: readonly WebhookStatus[],
): Promise<void> {
  // The guard is part of the UPDATE, so PostgreSQL re-checks it against a row another replica
  // changed meanwhile (a read first, then a write, would race).
  let update = tx
    .updateTable('payments')
    .set({ ...changes, updated_at: new Date().toISOString() })
    .where('order_id', '=', orderId);
  if (unlessStatusIn.length > 0) update = update.where('status', 'not in', unlessStatusIn);
  await update.execute();
}
