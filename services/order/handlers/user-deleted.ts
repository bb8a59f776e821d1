import type { OrderHandlers } from '@kada/contracts/services/order/index.ts';
import { revokeSubject } from '@kada/service-kit';
import type { OrderDatabase } from '../db/schema.ts';

/** Stands in for an erased buyer on the orders kept for accounting. */
export const ERASED_USER_ID = '00000000-0000-0000-0000-000000000000';

/**
 * GDPR erasure. Orders still in checkout are CANCELLED (order.cancelled, reason USER_DELETED, so
 * stock releases and payment cancels); then every order of the user loses what ties it to the
 * person (user id, payment method, idempotency keys). Amounts, lines and states stay for accounting.
 * A second user.deleted finds nothing left to erase.
 */
export const userDeletedV1: OrderHandlers<OrderDatabase>['userDeletedV1'] = async (
  event,
  { tx, log, publish },
) => {
  const { userId } = event.data;
  await revokeSubject(tx, userId);
  const now = new Date().toISOString();
  const pending = await tx
    .selectFrom('orders')
    .select('order_id')
    .where('user_id', '=', userId)
    .where('status', '=', 'PENDING_PAYMENT')
    .orderBy('order_id')
    .execute();
  let cancelled = 0;
  for (const { order_id: orderId } of pending) {
    const updated = await tx
      .updateTable('orders')
      .set({ status: 'CANCELLED', updated_at: now })
      .where('order_id', '=', orderId)
      .where('status', '=', 'PENDING_PAYMENT')
      .executeTakeFirst();
    // Paid or failed meanwhile (a payment event handled by another replica): that outcome stands,
    // and an order must never announce two different ends.
    if (Number(updated.numUpdatedRows) !== 1) continue;
    cancelled += 1;
    await publish.orderCancelledV1(
      { orderId, userId, cancelledAt: now, reason: 'USER_DELETED' },
      { orderingKey: orderId },
    );
  }
  const erased = await tx
    .updateTable('orders')
    .set({ user_id: ERASED_USER_ID, payment_method_id: null, erased_at: now, updated_at: now })
    .where('user_id', '=', userId)
    .executeTakeFirst();
  await tx.deleteFrom('order_requests').where('user_id', '=', userId).execute();
  log.info({ orders: Number(erased.numUpdatedRows), cancelled }, 'buyer erased from orders');
};
