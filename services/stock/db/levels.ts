import type { Transaction } from 'kysely';
import type { ReservationStatus, StockDatabase } from './schema.ts';

type Tx = Transaction<StockDatabase>;

/** The three buckets a product's units are in (see StockLevelsTable). */
export type Bucket = 'available' | 'reserved' | 'sold';

/**
 * The UPDATE that moves `quantity` units of a product from one bucket to another, not yet run: callers
 * add conditions (reserving takes only from an active product with enough available).
 */
export function moveUnits(
  tx: Tx,
  productId: string,
  quantity: number,
  from: Bucket,
  to: Bucket,
  now: string,
) {
  return tx
    .updateTable('stock_levels')
    .set((eb) => ({
      [from]: eb(from, '-', quantity),
      [to]: eb(to, '+', quantity),
      updated_at: now,
    }))
    .where('product_id', '=', productId);
}

/** A product's first stock level: what its seller declared, all of it available. */
export async function insertLevel(
  tx: Tx,
  level: {
    productId: string;
    sellerId: string;
    stock: number;
    active: boolean;
    declaredAt: string;
    now: string;
  },
): Promise<void> {
  await tx
    .insertInto('stock_levels')
    .values({
      product_id: level.productId,
      seller_id: level.sellerId,
      declared: level.stock,
      available: level.stock,
      reserved: 0,
      sold: 0,
      active: level.active ? 1 : 0,
      declared_at: level.declaredAt,
      updated_at: level.now,
    })
    .execute();
}

/**
 * Ends a held reservation: claims the transition from RESERVED first, so that of two ends handled at
 * once (order.paid and order.failed on two replicas) exactly one finds it still RESERVED, then moves each
 * line's units out of `reserved` (back to `available` on release, to `sold` on commit), in product id
 * order. False, with nothing moved, when the reservation was no longer RESERVED.
 */
export async function endReservation(
  tx: Tx,
  orderId: string,
  end: { status: 'RELEASED'; reason: string } | { status: 'COMMITTED' },
  now: string,
): Promise<boolean> {
  const claimed = await tx
    .updateTable('reservations')
    .set({ ...end, updated_at: now })
    .where('order_id', '=', orderId)
    .where('status', '=', 'RESERVED')
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return false;
  const lines = await tx
    .selectFrom('reservation_lines')
    .select(['product_id', 'quantity'])
    .where('order_id', '=', orderId)
    .orderBy('product_id')
    .execute();
  const to = end.status === 'RELEASED' ? 'available' : 'sold';
  for (const line of lines)
    await moveUnits(tx, line.product_id, line.quantity, 'reserved', to, now).execute();
  return true;
}

/** An order's stock decision (its idempotency key): what was held for it, or why nothing was. */
export async function insertReservation(
  tx: Tx,
  reservation: {
    orderId: string;
    reservationId: string;
    userId: string;
    status: ReservationStatus;
    reason: string | null;
    total: { amount: number; currency: string } | null;
    now: string;
  },
): Promise<void> {
  const { total, now } = reservation;
  await tx
    .insertInto('reservations')
    .values({
      order_id: reservation.orderId,
      reservation_id: reservation.reservationId,
      user_id: reservation.userId,
      status: reservation.status,
      reason: reservation.reason,
      total_amount: total?.amount ?? null,
      total_currency: total?.currency ?? null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}
