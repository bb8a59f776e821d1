import type { StockHandlers } from '@kada/contracts/services/stock/index.ts';
import { endReservation } from '../db/levels.ts';
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
  // endReservation claims the transition first, so that a concurrent release (another replica) and
  // this commit cannot both move the units.
  if (!(await endReservation(tx, orderId, { status: 'COMMITTED' }, now))) {
    log.warn({ orderId }, 'reservation ended concurrently; not committed');
    return;
  }
  log.info({ orderId }, 'reservation committed');
};
