import { type PagePosition, pageOf } from '@kada/service-kit';
import type { Kysely } from 'kysely';
import type { DashboardDatabase, OrderStatus } from '../db/schema.ts';
import { addDays, type DateRange, eachDay } from './params.ts';

/** Whose data: one seller's, or everyone's (admin). */
export type Scope = { sellerId: string } | { all: true };

interface Money {
  amount: number;
  currency: string;
}

export interface DashboardOrder {
  orderId: string;
  status: OrderStatus;
  itemCount: number;
  sellerTotal: Money;
  createdAt: string;
  updatedAt: string;
}

export interface DashboardOrderPage {
  items: DashboardOrder[];
  nextCursor: string | null;
}

/** The later of two ISO timestamps (they compare as strings). */
function laterOf(a: string, b: string): string {
  if (a > b) return a;
  return b;
}

/**
 * Orders placed in the range, newest first. A seller sees only orders with their lines, and only
 * their lines' count and total; an admin sees whole orders.
 */
export async function listOrders(
  db: Kysely<DashboardDatabase>,
  scope: Scope,
  options: {
    range: DateRange;
    status?: OrderStatus | undefined;
    limit: number;
    after?: PagePosition | undefined;
  },
): Promise<DashboardOrderPage> {
  const start = `${options.range.from}T00:00:00.000Z`;
  const end = `${addDays(options.range.to, 1)}T00:00:00.000Z`;
  let query = db
    .selectFrom('dash_orders as o')
    .where('o.created_at', 'is not', null)
    .where('o.created_at', '>=', start)
    .where('o.created_at', '<', end);
  if (options.status) query = query.where('o.status', '=', options.status);
  const after = options.after;
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('o.created_at', '<', after.createdAt),
        eb.and([eb('o.created_at', '=', after.createdAt), eb('o.order_id', '<', after.id)]),
      ]),
    );
  }
  const rows =
    'sellerId' in scope
      ? await query
          .innerJoin('dash_order_sellers as s', 's.order_id', 'o.order_id')
          .where('s.seller_id', '=', scope.sellerId)
          .select([
            'o.order_id',
            'o.status',
            'o.status_at',
            'o.created_at',
            's.line_count as lines',
            's.seller_total as amount',
            's.currency as currency',
          ])
          .orderBy('o.created_at', 'desc')
          .orderBy('o.order_id', 'desc')
          .limit(options.limit + 1)
          .execute()
      : await query
          .select([
            'o.order_id',
            'o.status',
            'o.status_at',
            'o.created_at',
            'o.line_count as lines',
            'o.total_amount as amount',
            'o.currency as currency',
          ])
          .orderBy('o.created_at', 'desc')
          .orderBy('o.order_id', 'desc')
          .limit(options.limit + 1)
          .execute();
  const { page, nextCursor } = pageOf(rows, options.limit, (row) => ({
    createdAt: row.created_at ?? '',
    id: row.order_id,
  }));
  const items = page.map((row) => {
    const createdAt = row.created_at ?? row.status_at;
    return {
      orderId: row.order_id,
      status: row.status,
      itemCount: Number(row.lines ?? 0),
      sellerTotal: { amount: Number(row.amount ?? 0), currency: row.currency ?? 'USD' },
      createdAt,
      updatedAt: laterOf(row.status_at, createdAt),
    };
  });
  return { items, nextCursor };
}

export interface RevenueDay {
  date: string;
  orders: number;
  gross: Money;
  refunded: Money;
  net: Money;
}

/**
 * Revenue per day in one currency. For a seller: their lines' total of each paid order, and each
 * refund in proportion to their share of the order (rounded down). For an admin: whole payments and
 * refunds. Days without sales are included, with zeros.
 */
export async function revenueReport(
  db: Kysely<DashboardDatabase>,
  scope: Scope,
  range: DateRange,
  currency: string,
): Promise<RevenueDay[]> {
  const base = db
    .selectFrom('dash_payments as p')
    .where('p.day', '>=', range.from)
    .where('p.day', '<=', range.to)
    .where('p.currency', '=', currency);
  const facts =
    'sellerId' in scope
      ? await base
          .innerJoin('dash_order_sellers as s', 's.order_id', 'p.order_id')
          .innerJoin('dash_orders as o', 'o.order_id', 'p.order_id')
          .where('s.seller_id', '=', scope.sellerId)
          .where('s.currency', '=', currency)
          .select(['p.kind', 'p.day', 'p.amount', 's.seller_total', 'o.total_amount'])
          .execute()
      : (await base.select(['p.kind', 'p.day', 'p.amount']).execute()).map((row) => ({
          ...row,
          seller_total: null,
          total_amount: null,
        }));

  const days = new Map(eachDay(range).map((date) => [date, { orders: 0, gross: 0, refunded: 0 }]));
  for (const fact of facts) {
    const day = days.get(fact.day);
    if (!day) continue;
    const amount = Number(fact.amount);
    let share = amount;
    if (fact.seller_total !== null) {
      const sellerTotal = Number(fact.seller_total);
      const orderTotal = Number(fact.total_amount ?? 0);
      share =
        fact.kind === 'payment'
          ? sellerTotal
          : orderTotal > 0
            ? Math.floor((amount * Math.min(sellerTotal, orderTotal)) / orderTotal)
            : 0;
    }
    if (fact.kind === 'payment') {
      day.orders += 1;
      day.gross += share;
    } else {
      day.refunded += share;
    }
  }
  return [...days].map(([date, day]) => ({
    date,
    orders: day.orders,
    gross: { amount: day.gross, currency },
    refunded: { amount: day.refunded, currency },
    net: { amount: Math.max(0, day.gross - day.refunded), currency },
  }));
}

export interface SignupDay {
  date: string;
  buyers: number;
  sellers: number;
  deleted: number;
}

export async function signupReport(db: Kysely<DashboardDatabase>, range: DateRange): Promise<SignupDay[]> {
  const rows = await db
    .selectFrom('dash_signup_days')
    .selectAll()
    .where('day', '>=', range.from)
    .where('day', '<=', range.to)
    .execute();
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return eachDay(range).map((date) => {
    const row = byDay.get(date);
    return {
      date,
      buyers: Number(row?.buyers ?? 0),
      sellers: Number(row?.sellers ?? 0),
      deleted: Number(row?.deleted ?? 0),
    };
  });
}

/** Orders per status (the order status read model); not exposed by the dashboard spec yet. */
export async function orderStatusCounts(
  db: Kysely<DashboardDatabase>,
  scope: Scope,
): Promise<Record<OrderStatus, number>> {
  const counts: Record<OrderStatus, number> = { PENDING_PAYMENT: 0, PAID: 0, FAILED: 0, CANCELLED: 0 };
  const query = db.selectFrom('dash_orders as o').where('o.created_at', 'is not', null);
  const rows =
    'sellerId' in scope
      ? await query
          .innerJoin('dash_order_sellers as s', 's.order_id', 'o.order_id')
          .where('s.seller_id', '=', scope.sellerId)
          .select(['o.status', (eb) => eb.fn.countAll<number | string | bigint>().as('n')])
          .groupBy('o.status')
          .execute()
      : await query
          .select(['o.status', (eb) => eb.fn.countAll<number | string | bigint>().as('n')])
          .groupBy('o.status')
          .execute();
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}
