import type { StockHandlers } from '@kada/contracts/services/stock/index.ts';
import { insertLevel } from '../db/levels.ts';
import type { StockDatabase } from '../db/schema.ts';
import { ConcurrentChangeError } from './errors.ts';

/**
 * The seller's declared stock is applied as a CHANGE to what is available: the product service does
 * not see sales, so its `stock` field stays at the seller's last figure. Setting `available` to it
 * outright would give back units that are reserved or sold whenever a seller edits, say, the price.
 * A rise of the declared stock adds units; a fall removes them (never below zero). Older events
 * than the state already applied are ignored.
 */
export const productUpdatedV1: StockHandlers<StockDatabase>['productUpdatedV1'] = async (
  event,
  { tx, log },
) => {
  const { productId, sellerId, stock, active, updatedAt } = event.data;
  const declaredAt = new Date(updatedAt).toISOString();
  const now = new Date().toISOString();
  const level = await tx
    .selectFrom('stock_levels')
    .select(['declared', 'declared_at'])
    .where('product_id', '=', productId)
    .executeTakeFirst();
  if (!level) {
    await insertLevel(tx, { productId, sellerId, stock, active, declaredAt, now });
    return;
  }
  if (declaredAt < level.declared_at) {
    log.info({ productId, updatedAt }, 'stale product.updated (a newer state is applied); ignored');
    return;
  }
  const delta = stock - level.declared;
  // The change is computed from the row read above; the UPDATE applies only if that row is still
  // what was read, so two product.updated handled at once (two replicas) cannot both add their
  // change. The loser retries and computes again from the new state.
  const applied = await tx
    .updateTable('stock_levels')
    .set((eb) => ({
      declared: stock,
      available: eb('available', '+', delta),
      active: active ? 1 : 0,
      seller_id: sellerId,
      declared_at: declaredAt,
      updated_at: now,
    }))
    .where('product_id', '=', productId)
    .where('declared', '=', level.declared)
    .where('declared_at', '=', level.declared_at)
    .executeTakeFirst();
  if (Number(applied.numUpdatedRows) !== 1) {
    throw new ConcurrentChangeError(`stock of ${productId} changed while product.updated was applied`);
  }
  if (delta < 0) {
    await tx
      .updateTable('stock_levels')
      .set({ available: 0 })
      .where('product_id', '=', productId)
      .where('available', '<', 0)
      .execute();
  }
};
