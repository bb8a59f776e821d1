import type { components } from '@kada/contracts/openapi/order.ts';
import { HttpError, type PagePosition, pageOf } from '@kada/service-kit';
import type { Kysely } from 'kysely';
import type { OrderDatabase, OrderStatus } from '../db/schema.ts';

type Order = components['schemas']['Order'];
type OrderPage = components['schemas']['OrderPage'];

/** One of the caller's orders; 404 for an order that is not theirs, as for one that does not exist. */
export async function getOrder(db: Kysely<OrderDatabase>, userId: string, orderId: string): Promise<Order> {
  const order = await db
    .selectFrom('orders')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!order) throw new HttpError(404, 'Not Found', 'No such order.');
  const lines = await db
    .selectFrom('order_lines')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('line_no')
    .execute();
  return {
    orderId: order.order_id,
    userId: order.user_id,
    status: order.status,
    items: lines.map((line) => ({
      productId: line.product_id,
      sellerId: line.seller_id,
      name: line.name,
      quantity: line.quantity,
      unitPrice: { amount: Number(line.unit_amount), currency: line.currency },
      lineTotal: { amount: Number(line.line_amount), currency: line.currency },
    })),
    total: { amount: Number(order.total_amount), currency: order.total_currency },
    paymentIntentId: order.payment_intent_id,
    failureReason: order.status === 'FAILED' ? order.failure_reason : null,
    createdAt: order.created_at,
    updatedAt: order.updated_at,
  };
}

export interface ListQuery {
  status?: OrderStatus;
  limit: number;
  cursor?: PagePosition | undefined;
}

/** The caller's orders, newest first, a page at a time (keyset pagination on createdAt, orderId). */
export async function listOrders(
  db: Kysely<OrderDatabase>,
  userId: string,
  query: ListQuery,
): Promise<OrderPage> {
  let select = db
    .selectFrom('orders')
    .select(['order_id', 'status', 'total_amount', 'total_currency', 'created_at'])
    .where('user_id', '=', userId);
  if (query.status) select = select.where('status', '=', query.status);
  const { cursor } = query;
  if (cursor) {
    select = select.where((eb) =>
      eb.or([
        eb('created_at', '<', cursor.createdAt),
        eb.and([eb('created_at', '=', cursor.createdAt), eb('order_id', '<', cursor.id)]),
      ]),
    );
  }
  const rows = await select
    .orderBy('created_at', 'desc')
    .orderBy('order_id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const { page, nextCursor } = pageOf(rows, query.limit, (row) => ({
    createdAt: row.created_at,
    id: row.order_id,
  }));
  const counts = new Map<string, number>();
  if (page.length > 0) {
    const grouped = await db
      .selectFrom('order_lines')
      .select((eb) => ['order_id', eb.fn.countAll().as('lines')])
      .where(
        'order_id',
        'in',
        page.map((row) => row.order_id),
      )
      .groupBy('order_id')
      .execute();
    for (const row of grouped) counts.set(row.order_id, Number(row.lines));
  }
  return {
    items: page.map((row) => ({
      orderId: row.order_id,
      status: row.status,
      itemCount: counts.get(row.order_id) ?? 0,
      total: { amount: Number(row.total_amount), currency: row.total_currency },
      createdAt: row.created_at,
    })),
    nextCursor,
  };
}
