import { randomUUID } from 'node:crypto';
import type { StockHandlerContext } from '@kada/contracts/services/stock/index.ts';
import { endReservation, insertReservation } from '../db/levels.ts';
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
    await insertReservation(tx, {
      orderId: order.orderId,
      reservationId: randomUUID(),
      userId: order.userId,
      status: 'VOIDED',
      reason,
      total: null,
      now,
    });
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
  if (!(await endReservation(tx, order.orderId, { status: 'RELEASED', reason }, now))) {
    log.info({ orderId: order.orderId }, 'reservation ended concurrently; no release');
    return;
  }
  await publish.stockReleasedV1(
    { orderId: order.orderId, reservationId: reservation.reservation_id, reason, releasedAt: now },
    { orderingKey: order.orderId },
  );
  log.info({ orderId: order.orderId, reason }, 'reservation released');
}
