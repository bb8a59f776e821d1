import type { DashboardHandlerContext, OrderCreatedV1 } from '@kada/contracts/services/dashboard/index.ts';
import type { Envelope } from '@kada/runtime';
import { isErased, isoOf } from '../db/read-model.ts';
import type { DashboardDatabase } from '../db/schema.ts';

/**
 * Adds the order and each seller's share of it (lines and total). A status event that came first
 * left a placeholder row: it keeps its status and gains the order's facts.
 */
export async function orderCreated(
  event: Envelope<OrderCreatedV1>,
  ctx: DashboardHandlerContext<DashboardDatabase>,
): Promise<void> {
  const { orderId, items, total, createdAt } = event.data;
  const { tx } = ctx;
  const now = new Date().toISOString();
  const facts = {
    created_at: isoOf(createdAt),
    total_amount: total.amount,
    currency: total.currency,
    line_count: items.length,
    updated_at: now,
  };
  const existing = await tx
    .selectFrom('dash_orders')
    .select('order_id')
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  if (existing) {
    await tx.updateTable('dash_orders').set(facts).where('order_id', '=', orderId).execute();
  } else {
    await tx
      .insertInto('dash_orders')
      .values({ order_id: orderId, status: 'PENDING_PAYMENT', status_at: facts.created_at, ...facts })
      .execute();
  }

  const bySeller = new Map<string, { lines: number; total: number; currency: string }>();
  for (const item of items) {
    const share = bySeller.get(item.sellerId) ?? { lines: 0, total: 0, currency: item.lineTotal.currency };
    share.lines += 1;
    share.total += item.lineTotal.amount;
    bySeller.set(item.sellerId, share);
  }
  for (const [sellerId, share] of bySeller) {
    if (await isErased(tx, sellerId)) continue;
    const line = await tx
      .selectFrom('dash_order_sellers')
      .select('order_id')
      .where('order_id', '=', orderId)
      .where('seller_id', '=', sellerId)
      .executeTakeFirst();
    if (line) continue;
    await tx
      .insertInto('dash_order_sellers')
      .values({
        order_id: orderId,
        seller_id: sellerId,
        line_count: share.lines,
        seller_total: share.total,
        currency: share.currency,
      })
      .execute();
  }
}
