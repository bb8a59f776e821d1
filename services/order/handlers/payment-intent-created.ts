import type { OrderHandlers } from '@kada/contracts/services/order/index.ts';
import type { OrderDatabase } from '../db/schema.ts';
import { orderFor, recordHistory } from './saga.ts';

/** Remembers the PaymentIntent of the order (shown by GET /orders/{orderId}); never changes the status. */
export const paymentIntentCreatedV1: OrderHandlers<OrderDatabase>['paymentIntentCreatedV1'] = async (
  event,
  ctx,
) => {
  const { tx, log } = ctx;
  const { orderId, paymentIntentId } = event.data;
  const order = await orderFor(tx, orderId, event);
  if (order.payment_intent_id === null) {
    await tx
      .updateTable('orders')
      .set({ payment_intent_id: paymentIntentId, updated_at: new Date().toISOString() })
      .where('order_id', '=', orderId)
      .where('payment_intent_id', 'is', null)
      .execute();
    await recordHistory(tx, orderId, event, true);
    return;
  }
  const same = order.payment_intent_id === paymentIntentId;
  if (!same) log.warn({ orderId }, 'a second PaymentIntent reported for the order; kept the first');
  await recordHistory(
    tx,
    orderId,
    event,
    false,
    same ? 'duplicate' : `intent already ${order.payment_intent_id}`,
  );
};
