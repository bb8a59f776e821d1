import type { OrderHandlers } from '@kada/contracts/services/order/index.ts';
import type { OrderDatabase } from '../db/schema.ts';
import { isTerminal, leavePending, orderFor, recordHistory } from './saga.ts';

/**
 * PENDING_PAYMENT -> PAID and order.paid (stock commits, the buyer is notified). A payment whose amount or
 * currency differs from the stored order total is not a payment of this order: the order goes ON_HOLD with
 * order.held (stock stays reserved; a person decides) and an error-level alert. A success for an order that
 * already ended (FAILED, CANCELLED) is recorded but not applied: final states are final.
 */
export const paymentSucceededV1: OrderHandlers<OrderDatabase>['paymentSucceededV1'] = async (event, ctx) => {
  const { tx, log, publish } = ctx;
  const { orderId, paymentIntentId, amount, succeededAt } = event.data;
  const order = await orderFor(tx, orderId, event);
  if (isTerminal(order.status)) {
    const duplicate = order.status === 'PAID';
    if (duplicate) log.info({ orderId }, 'payment.succeeded for a paid order; duplicate');
    else
      log.warn(
        { orderId, status: order.status },
        'payment.succeeded after the order ended; recorded, not applied',
      );
    await recordHistory(tx, orderId, event, false, duplicate ? 'duplicate' : `order already ${order.status}`);
    return;
  }
  const total = { amount: Number(order.total_amount), currency: order.total_currency };
  const now = new Date().toISOString();
  if (amount.amount !== total.amount || amount.currency !== total.currency) {
    log.error(
      { orderId, paid: amount, total, alert: 'order-held' },
      'payment differs from the order total; order held',
    );
    await leavePending(tx, orderId, { status: 'ON_HOLD', payment_intent_id: paymentIntentId }, now);
    await publish.orderHeldV1(
      {
        orderId,
        userId: order.user_id,
        reason: 'PAYMENT_MISMATCH',
        expected: total,
        paid: amount,
        paymentIntentId,
        heldAt: now,
      },
      { orderingKey: orderId },
    );
    await recordHistory(tx, orderId, event, true, 'payment differs from the order total');
    return;
  }
  await leavePending(tx, orderId, { status: 'PAID', payment_intent_id: paymentIntentId }, now);
  const sellers = await tx
    .selectFrom('order_lines')
    .select('seller_id')
    .distinct()
    .where('order_id', '=', orderId)
    .orderBy('seller_id')
    .execute();
  await publish.orderPaidV1(
    {
      orderId,
      userId: order.user_id,
      sellerIds: sellers.map((row) => row.seller_id),
      total,
      paymentIntentId,
      paidAt: new Date(succeededAt).toISOString(),
    },
    { orderingKey: orderId },
  );
  await recordHistory(tx, orderId, event, true);
  log.info({ orderId }, 'order paid');
};
