import type { OrderHandlers } from '@kada/contracts/services/order/index.ts';
import type { OrderDatabase } from '../db/schema.ts';
import { applyCatalogueEntry } from './catalogue.ts';

/** A product's new price, name or listing state (full state, so it upserts). */
export const productUpdatedV1: OrderHandlers<OrderDatabase>['productUpdatedV1'] = async (
  event,
  { tx, log },
) => {
  const { productId, sellerId, name, price, active, updatedAt } = event.data;
  const outcome = await applyCatalogueEntry(tx, { productId, sellerId, name, price, active, at: updatedAt });
  if (outcome === 'stale')
    log.info({ productId, updatedAt }, 'product.updated older than the known state; ignored');
};
