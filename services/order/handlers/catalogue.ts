import type { Transaction } from 'kysely';
import type { OrderDatabase } from '../db/schema.ts';

export interface CatalogueEntry {
  productId: string;
  sellerId: string;
  name: string;
  price: { amount: number; currency: string };
  active: boolean;
  /** When the product had this state (createdAt / updatedAt of the event). */
  at: string;
}

/**
 * Keeps the local price list at the newest product state seen. Product events carry the full state,
 * so the newest one wins; an older one arriving late (a retry, a redelivery) is ignored.
 */
export async function applyCatalogueEntry(
  tx: Transaction<OrderDatabase>,
  entry: CatalogueEntry,
): Promise<'inserted' | 'updated' | 'stale'> {
  const versionAt = new Date(entry.at).toISOString();
  const now = new Date().toISOString();
  const row = {
    seller_id: entry.sellerId,
    name: entry.name,
    price_amount: entry.price.amount,
    price_currency: entry.price.currency,
    active: entry.active ? 1 : 0,
    version_at: versionAt,
    updated_at: now,
  };
  const existing = await tx
    .selectFrom('catalogue')
    .select('version_at')
    .where('product_id', '=', entry.productId)
    .executeTakeFirst();
  if (!existing) {
    await tx
      .insertInto('catalogue')
      .values({ product_id: entry.productId, ...row })
      .execute();
    return 'inserted';
  }
  if (versionAt <= existing.version_at) return 'stale';
  // The version condition sits in the UPDATE itself: a newer state committed by a concurrent
  // handler (another replica) since the read above makes this one match nothing, not overwrite it.
  const updated = await tx
    .updateTable('catalogue')
    .set(row)
    .where('product_id', '=', entry.productId)
    .where('version_at', '<', versionAt)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1 ? 'updated' : 'stale';
}
