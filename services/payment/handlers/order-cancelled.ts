import Stripe from 'stripe';
import { PaymentNotYetKnownError } from './errors.ts';
import type { PaymentHandlersWithDeps } from './index.ts';

/**
 * The order was cancelled: stop the money. Before stock was reserved there is nothing at Stripe
 * (CANCELLED here); an intent in flight is cancelled (payment_intent.canceled -> payment.cancelled);
 * a captured payment is refunded (charge.refunded -> payment.refunded). The webhooks emit the events.
 */
export const orderCancelledV1: PaymentHandlersWithDeps['orderCancelledV1'] = async (
  event,
  { tx, log },
  { stripe },
) => {
  const { orderId } = event.data;
  const read = () => tx.selectFrom('payments').selectAll().where('order_id', '=', orderId).executeTakeFirst();
  let payment = await read();
  if (!payment) throw new PaymentNotYetKnownError(orderId, event.eventType);
  const now = new Date().toISOString();
  if (
    payment.status === 'AWAITING_STOCK' ||
    (payment.status === 'PROCESSING' && payment.payment_intent_id === null)
  ) {
    const cancelled = await tx
      .updateTable('payments')
      .set({ status: 'CANCELLED', updated_at: now })
      .where('order_id', '=', orderId)
      .where((eb) =>
        eb.or([
          eb('status', '=', 'AWAITING_STOCK'),
          eb.and([eb('status', '=', 'PROCESSING'), eb('payment_intent_id', 'is', null)]),
        ]),
      )
      .executeTakeFirst();
    if (Number(cancelled.numUpdatedRows) === 1) return;
    // stock.reserved charged meanwhile (another replica committed first): stop that money below.
    payment = await read();
    if (!payment) throw new PaymentNotYetKnownError(orderId, event.eventType);
  }
  const intentId = payment.payment_intent_id;
  if (intentId === null || !['PROCESSING', 'SUCCEEDED'].includes(payment.status)) {
    log.info({ orderId, status: payment.status }, 'nothing to cancel or refund');
    return;
  }
  if (payment.status === 'PROCESSING') {
    try {
      await stripe.paymentIntents.cancel(
        intentId,
        { cancellation_reason: 'abandoned' },
        { idempotencyKey: `cancel-${orderId}` },
      );
      return;
    } catch (error) {
      // It captured meanwhile: refund it instead.
      if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
      log.info({ orderId, code: error.code }, 'PaymentIntent can no longer be cancelled; refunding');
    }
  }
  await stripe.refunds.create(
    { payment_intent: intentId, reason: 'requested_by_customer', metadata: { orderId } },
    { idempotencyKey: `refund-${orderId}` },
  );
};
