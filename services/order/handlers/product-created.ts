import type { OrderHandlers } from '@kada/contracts/services/order/index.ts';
import type { OrderDatabase } from '../db/schema.ts';
import { applyCatalogueEntry } from './catalogue.ts';

/** A new product enters order's own price list (orders are priced from it, never from the client). */
export const productCreatedV1: OrderHandlers<OrderDatabase>['productCreatedV1'] = async (
  event,
  { tx, log },
) => {
  const { productId, sellerId, name, price, createdAt } = event.data;
  const outcome = await applyCatalogueEntry(tx, {
    productId,
    sellerId,
    name,
    price,
    active: true,
    at: createdAt,
  });
  if (outcome === 'stale') log.info({ productId }, 'product.created older than the known state; ignored');
};
