import type { StockHandlers } from '@kada/contracts/services/stock/index.ts';
import { insertLevel } from '../db/levels.ts';
import type { StockDatabase } from '../db/schema.ts';

/**
 * A new product starts with the stock its seller declared. When a product.updated for it arrived
 * first (queues do not promise order across retries), the newer state is already there: keep it.
 */
export const productCreatedV1: StockHandlers<StockDatabase>['productCreatedV1'] = async (
  event,
  { tx, log },
) => {
  const { productId, sellerId, stock, createdAt } = event.data;
  const existing = await tx
    .selectFrom('stock_levels')
    .select('product_id')
    .where('product_id', '=', productId)
    .executeTakeFirst();
  if (existing) {
    log.info({ productId }, 'product.created for a product already known; ignored');
    return;
  }
  const declaredAt = new Date(createdAt).toISOString();
  await insertLevel(tx, {
    productId,
    sellerId,
    stock,
    active: true,
    declaredAt,
    now: new Date().toISOString(),
  });
};
