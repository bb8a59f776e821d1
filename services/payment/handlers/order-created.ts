import type { PaymentHandlers } from '@kada/contracts/services/payment/index.ts';
import type { PaymentDatabase } from '../db/schema.ts';

/** Keeps what the charge needs (buyer, total, payment method, who confirms) until stock is reserved. */
export const orderCreatedV1: PaymentHandlers<PaymentDatabase>['orderCreatedV1'] = async (
  event,
  { tx, log },
) => {
  const { orderId, userId, total, paymentMethodId, confirmation } = event.data;
  const known = await tx
    .selectFrom('payments')
    .select('status')
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  if (known) {
    log.info({ orderId }, 'order.created for a known order; ignored');
    return;
  }
  const now = new Date().toISOString();
  await tx
    .insertInto('payments')
    .values({
      order_id: orderId,
      user_id: userId,
      amount: total.amount,
      currency: total.currency,
      payment_method_id: paymentMethodId,
      confirmation: confirmation === 'client' ? 'client' : 'server',
      status: 'AWAITING_STOCK',
      payment_intent_id: null,
      decline_code: null,
      message: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
};
