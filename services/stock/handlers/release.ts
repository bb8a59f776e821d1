import { randomUUID } from 'node:crypto';
import type { StockHandlerContext } from '@kada/contracts/services/stock/index.ts';
import type { StockDatabase } from '../db/schema.ts';

/**
 * Compensation: gives a reservation's units back and emits stock.released, only when the order
 * holds a reservation that is neither released nor committed. An order that failed or was
 * cancelled before its order.created reached us is recorded as VOIDED, so that a late
 * order.created never reserves for it.
 */
export async function releaseReservation(
  ctx: StockHandlerContext<StockDatabase>,
  order: { orderId: string; userId: string },
  reason: 'ORDER_FAILED' | 'ORDER_CANCELLED',
): Promise<void> {
  const { tx, log, publish } = ctx;
  const now = new Date().toISOString();
  const reservation = await tx
    .selectFrom('reservations')
    .select(['reservation_id', 'status'])
    .where('order_id', '=', order.orderId)
    .executeTakeFirst();
  if (!reservation) {
    await tx
      .insertInto('reservations')
      .values({
        order_id: order.orderId,
        reservation_id: randomUUID(),
        user_id: order.userId,
        status: 'VOIDED',
        reason,
        total_amount: null,
        total_currency: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    log.info({ orderId: order.orderId, reason }, 'order ended before it was reserved; voided');
    return;
  }
  if (reservation.status !== 'RESERVED') {
    log.info(
      { orderId: order.orderId, status: reservation.status },
      'nothing held for the order; no release',
    );
    return;
  }
  // Claim the transition first: of two ends handled at once (order.paid and order.failed on two
  // replicas), exactly one finds the reservation still RESERVED; the other gives nothing back.
  const claimed = await tx
    .updateTable('reservations')
    .set({ status: 'RELEASED', reason, updated_at: now })
    .where('order_id', '=', order.orderId)
    .where('status', '=', 'RESERVED')
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) {
    log.info({ orderId: order.orderId }, 'reservation ended concurrently; no release');
    return;
  }
  const lines = await tx
    .selectFrom('reservation_lines')
    .select(['product_id', 'quantity'])
    .where('order_id', '=', order.orderId)
    .orderBy('product_id')
    .execute();
  for (const line of lines) {
    await tx
      .updateTable('stock_levels')
      .set((eb) => ({
        available: eb('available', '+', line.quantity),
        reserved: eb('reserved', '-', line.quantity),
        updated_at: now,
      }))
      .where('product_id', '=', line.product_id)
      .execute();
  }
  await publish.stockReleasedV1(
    { orderId: order.orderId, reservationId: reservation.reservation_id, reason, releasedAt: now },
    { orderingKey: order.orderId },
  );
  log.info({ orderId: order.orderId, reason }, 'reservation released');
}
