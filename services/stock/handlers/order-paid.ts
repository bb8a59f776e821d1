import type { StockHandlers } from '@kada/contracts/services/stock/index.ts';
import type { StockDatabase } from '../db/schema.ts';
import { NotYetKnownError } from './errors.ts';

/** Payment went through: the reserved units are sold for good. */
export const orderPaidV1: StockHandlers<StockDatabase>['orderPaidV1'] = async (event, { tx, log }) => {
  const { orderId } = event.data;
  const reservation = await tx
    .selectFrom('reservations')
    .select('status')
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  if (!reservation) throw new NotYetKnownError(`no reservation for order ${orderId} yet`);
  if (reservation.status !== 'RESERVED') {
    const level = reservation.status === 'COMMITTED' ? 'info' : 'warn';
    log[level](
      { orderId, status: reservation.status },
      'order.paid for a reservation not held; not committed',
    );
    return;
  }
  const now = new Date().toISOString();
  // Claim the transition first, so that a concurrent release (another replica) and this commit
  // cannot both move the units.
  const claimed = await tx
    .updateTable('reservations')
    .set({ status: 'COMMITTED', updated_at: now })
    .where('order_id', '=', orderId)
    .where('status', '=', 'RESERVED')
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) {
    log.warn({ orderId }, 'reservation ended concurrently; not committed');
    return;
  }
  const lines = await tx
    .selectFrom('reservation_lines')
    .select(['product_id', 'quantity'])
    .where('order_id', '=', orderId)
    .orderBy('product_id')
    .execute();
  for (const line of lines) {
    await tx
      .updateTable('stock_levels')
      .set((eb) => ({
        reserved: eb('reserved', '-', line.quantity),
        sold: eb('sold', '+', line.quantity),
        updated_at: now,
      }))
      .where('product_id', '=', line.product_id)
      .execute();
  }
  log.info({ orderId }, 'reservation committed');
};
