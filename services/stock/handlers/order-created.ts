import { randomUUID } from 'node:crypto';
import { type StockHandlers, stockQueues } from '@kada/contracts/services/stock/index.ts';
import type { Transaction } from 'kysely';
import { insertReservation, moveUnits } from '../db/levels.ts';
import type { StockDatabase } from '../db/schema.ts';
import { NotYetKnownError } from './errors.ts';

interface Line {
  productId: string;
  quantity: number;
}

interface Unavailable {
  productId: string;
  requested: number;
  available: number;
  why: 'UNKNOWN_PRODUCT' | 'PRODUCT_INACTIVE' | 'OUT_OF_STOCK';
}

/**
 * Reserves every line of the order or none. Each line is taken with one conditional UPDATE
 * (`available = available - q WHERE available >= q`), so two orders racing for the last unit can
 * never both succeed: the database serialises the row, and the loser's UPDATE matches no row.
 * When any line fails, the lines already taken are given back in the same transaction, so nobody
 * ever sees a partial reservation. Idempotent per orderId: a second order.created for an order
 * that already has a decision does nothing.
 */
export const orderCreatedV1: StockHandlers<StockDatabase>['orderCreatedV1'] = async (event, ctx) => {
  const { tx, log, publish } = ctx;
  const { orderId, userId, total } = event.data;
  const decided = await tx
    .selectFrom('reservations')
    .select('status')
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  if (decided) {
    log.info({ orderId, status: decided.status }, 'order.created for an order already decided; ignored');
    return;
  }

  const lines = mergeLines(event.data.items);
  const levels = new Map(
    (
      await tx
        .selectFrom('stock_levels')
        .select(['product_id', 'active'])
        .where(
          'product_id',
          'in',
          lines.map((line) => line.productId),
        )
        .execute()
    ).map((row) => [row.product_id, row]),
  );
  const unknown = lines.filter((line) => !levels.has(line.productId));
  // The order service priced these products, so they exist: our product.created may just be late.
  if (unknown.length > 0 && ctx.attempt <= stockQueues.stock.retry.maxRetries) {
    throw new NotYetKnownError(`products not known yet: ${unknown.map((line) => line.productId).join(', ')}`);
  }

  const now = new Date().toISOString();
  const taken: Line[] = [];
  const unavailable: Unavailable[] = [];
  for (const line of lines) {
    const level = levels.get(line.productId);
    if (!level) {
      unavailable.push({ ...requested(line), available: 0, why: 'UNKNOWN_PRODUCT' });
    } else if (level.active !== 1) {
      unavailable.push({ ...requested(line), available: 0, why: 'PRODUCT_INACTIVE' });
    } else if (await take(tx, line, now)) {
      taken.push(line);
    } else {
      unavailable.push({
        ...requested(line),
        available: await availableOf(tx, line.productId),
        why: 'OUT_OF_STOCK',
      });
    }
  }

  const reservationId = randomUUID();
  if (unavailable.length > 0) {
    for (const line of taken) {
      await moveUnits(tx, line.productId, line.quantity, 'reserved', 'available', now).execute();
    }
    const reason = rejectionReason(unavailable);
    await insertReservation(tx, { orderId, reservationId, userId, status: 'REJECTED', reason, total, now });
    await publish.stockRejectedV1(
      {
        orderId,
        userId,
        reason,
        unavailable: unavailable.map(({ why: _why, ...line }) => line),
        rejectedAt: now,
      },
      { orderingKey: orderId },
    );
    log.info({ orderId, reason, lines: unavailable.length }, 'reservation rejected');
    return;
  }

  await insertReservation(tx, {
    orderId,
    reservationId,
    userId,
    status: 'RESERVED',
    reason: null,
    total,
    now,
  });
  await tx
    .insertInto('reservation_lines')
    .values(lines.map((line) => ({ order_id: orderId, product_id: line.productId, quantity: line.quantity })))
    .execute();
  await publish.stockReservedV1(
    { orderId, userId, reservationId, items: lines, total: { ...total }, reservedAt: now },
    { orderingKey: orderId },
  );
  log.info({ orderId, reservationId, lines: lines.length }, 'stock reserved');
};

/** One line per product (quantities of repeated products added), in product id order so that
 * concurrent reservations lock rows in the same order and cannot deadlock. */
function mergeLines(items: ReadonlyArray<{ productId: string; quantity: number }>): Line[] {
  const merged = new Map<string, number>();
  for (const item of items) merged.set(item.productId, (merged.get(item.productId) ?? 0) + item.quantity);
  return [...merged]
    .map(([productId, quantity]) => ({ productId, quantity }))
    .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
}

function requested(line: Line): { productId: string; requested: number } {
  return { productId: line.productId, requested: line.quantity };
}

/** The atomic check-and-take: true when the row had enough and now holds the line. */
async function take(tx: Transaction<StockDatabase>, line: Line, now: string): Promise<boolean> {
  const result = await moveUnits(tx, line.productId, line.quantity, 'available', 'reserved', now)
    .where('active', '=', 1)
    .where('available', '>=', line.quantity)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

async function availableOf(tx: Transaction<StockDatabase>, productId: string): Promise<number> {
  const row = await tx
    .selectFrom('stock_levels')
    .select('available')
    .where('product_id', '=', productId)
    .executeTakeFirst();
  return Math.max(0, row?.available ?? 0);
}

function rejectionReason(lines: Unavailable[]): 'UNKNOWN_PRODUCT' | 'PRODUCT_INACTIVE' | 'OUT_OF_STOCK' {
  if (lines.some((line) => line.why === 'UNKNOWN_PRODUCT')) return 'UNKNOWN_PRODUCT';
  if (lines.some((line) => line.why === 'PRODUCT_INACTIVE')) return 'PRODUCT_INACTIVE';
  return 'OUT_OF_STOCK';
}
