import {
  orderCancelledV1Event,
  orderCreatedV1Event,
  orderPaidV1Event,
  paymentRefundedV1Event,
  paymentSucceededV1Event,
  userDeletedV1Event,
  userRegisteredV1Event,
} from '@kada/contracts/events.ts';
import { registerDashboardConsumers } from '@kada/contracts/services/dashboard/index.ts';
import { uuidv7 } from '@kada/runtime';
import { decodeCursor } from '@kada/service-kit';
import { dialects, envelopeOf, serviceTest } from '@kada/service-kit/testing.ts';
import { describe, expect, it } from 'vitest';
import { migrations } from '../db/migrations.ts';
import type { DashboardDatabase } from '../db/schema.ts';
import { handlers } from '../handlers/index.ts';
import { listOrders, orderStatusCounts, revenueReport, signupReport } from '../http/queries.ts';

const usd = (amount: number) => ({ amount, currency: 'USD' });

/** order.created with lines (seller, quantity, line total in cents). */
export function orderCreated(
  lines: Array<[sellerId: string, lineTotal: number]>,
  createdAt = '2025-06-12T14:00:00.000Z',
  orderId = uuidv7(),
) {
  return envelopeOf(orderCreatedV1Event, {
    orderId,
    userId: uuidv7(),
    items: lines.map(([sellerId, lineTotal]) => ({
      productId: uuidv7(),
      sellerId,
      name: 'A product',
      quantity: 1,
      unitPrice: usd(lineTotal),
      lineTotal: usd(lineTotal),
    })),
    total: usd(lines.reduce((sum, [, amount]) => sum + amount, 0)),
    paymentMethodId: 'pm_card_visa',
    createdAt,
  });
}

describe.each(dialects)('dashboard handlers on %s', (dialect) => {
  const dashboard = serviceTest<DashboardDatabase>(dialect, {
    name: 'dashboard',
    migrations,
    per: 'suite',
    consumers: (rt) => registerDashboardConsumers(rt, handlers),
  });

  const paid = (orderId: string, total: number, paidAt = '2025-06-12T14:00:09.000Z') =>
    envelopeOf(orderPaidV1Event, {
      orderId,
      userId: uuidv7(),
      sellerIds: [uuidv7()],
      total: usd(total),
      paymentIntentId: 'pi_3Ptest',
      paidAt,
    });
  const succeeded = (orderId: string, amount: number, succeededAt = '2025-06-12T14:00:08.000Z') =>
    envelopeOf(paymentSucceededV1Event, {
      orderId,
      userId: uuidv7(),
      paymentIntentId: 'pi_3Ptest',
      amount: usd(amount),
      succeededAt,
    });
  const range = { from: '2025-06-11', to: '2025-06-13' };

  it('keeps each seller to their own lines of an order; an admin sees the whole order', async () => {
    const [a, b] = [uuidv7(), uuidv7()];
    const event = orderCreated([
      [a, 3998],
      [b, 1250],
      [a, 500],
    ]);
    await dashboard.deliver(event);

    const mine = await listOrders(dashboard.db, { sellerId: a }, { range, limit: 20 });
    expect(mine.items).toEqual([
      {
        orderId: event.data.orderId,
        status: 'PENDING_PAYMENT',
        itemCount: 2,
        sellerTotal: usd(4498),
        createdAt: '2025-06-12T14:00:00.000Z',
        updatedAt: '2025-06-12T14:00:00.000Z',
      },
    ]);
    const theirs = await listOrders(dashboard.db, { sellerId: b }, { range, limit: 20 });
    expect(theirs.items.map((o) => [o.itemCount, o.sellerTotal.amount])).toEqual([[1, 1250]]);
    const all = await listOrders(dashboard.db, { all: true }, { range, limit: 100 });
    expect(all.items.find((o) => o.orderId === event.data.orderId)).toMatchObject({
      itemCount: 3,
      sellerTotal: usd(5748),
    });
    expect(dashboard.emitted).toHaveLength(0); // the dashboard sends nothing
  });

  it('ends in the right status whatever order the events arrive in', async () => {
    const seller = uuidv7();
    const created = orderCreated([[seller, 1000]]);
    const { orderId } = created.data;
    await dashboard.deliver(paid(orderId, 1000)); // before order.created
    await dashboard.deliver(created);
    let page = await listOrders(dashboard.db, { sellerId: seller }, { range, limit: 20 });
    expect(page.items[0]).toMatchObject({ status: 'PAID', updatedAt: '2025-06-12T14:00:09.000Z' });

    await dashboard.deliver(
      envelopeOf(orderCancelledV1Event, {
        orderId,
        userId: uuidv7(),
        cancelledAt: '2025-06-12T15:00:00.000Z',
        reason: 'ADMIN_ACTION',
      }),
    );
    page = await listOrders(dashboard.db, { sellerId: seller }, { range, limit: 20, status: 'CANCELLED' });
    expect(page.items.map((o) => o.orderId)).toEqual([orderId]);
    expect(await orderStatusCounts(dashboard.db, { sellerId: seller })).toEqual({
      PENDING_PAYMENT: 0,
      PAID: 0,
      FAILED: 0,
      CANCELLED: 1,
    });
  });

  it('counts revenue once per order, splits refunds by seller share, and includes empty days', async () => {
    const [a, b] = [uuidv7(), uuidv7()];
    const created = orderCreated(
      [
        [a, 3000],
        [b, 1000],
      ],
      '2025-07-01T10:00:00.000Z',
    );
    const { orderId } = created.data;
    await dashboard.deliver(created);
    await dashboard.deliver(succeeded(orderId, 4000, '2025-07-01T10:00:05.000Z'));
    await dashboard.deliver(paid(orderId, 4000, '2025-07-01T10:00:06.000Z'));
    await dashboard.deliver(
      envelopeOf(paymentRefundedV1Event, {
        orderId,
        paymentIntentId: 'pi_3Ptest',
        amount: usd(1000),
        refundedAt: '2025-07-03T09:00:00.000Z',
      }),
    );
    const july = { from: '2025-07-01', to: '2025-07-03' };
    const revenueA = await revenueReport(dashboard.db, { sellerId: a }, july, 'USD');
    expect(revenueA).toEqual([
      { date: '2025-07-01', orders: 1, gross: usd(3000), refunded: usd(0), net: usd(3000) },
      { date: '2025-07-02', orders: 0, gross: usd(0), refunded: usd(0), net: usd(0) },
      { date: '2025-07-03', orders: 0, gross: usd(0), refunded: usd(750), net: usd(0) },
    ]);
    const revenueB = await revenueReport(dashboard.db, { sellerId: b }, july, 'USD');
    expect(revenueB.map((d) => [d.gross.amount, d.refunded.amount])).toEqual([
      [1000, 0],
      [0, 0],
      [0, 250],
    ]);
    const admin = await revenueReport(dashboard.db, { all: true }, july, 'USD');
    expect(admin.map((d) => [d.orders, d.gross.amount, d.refunded.amount])).toEqual([
      [1, 4000, 0],
      [0, 0, 0],
      [0, 0, 1000],
    ]);
    expect(
      (await revenueReport(dashboard.db, { all: true }, july, 'EUR')).every((d) => d.gross.amount === 0),
    ).toBe(true);
  });

  it('counts signups per day by role, and deletions', async () => {
    const day = '2025-08-01';
    const register = (role: 'buyer' | 'seller') =>
      envelopeOf(userRegisteredV1Event, {
        userId: uuidv7(),
        email: 'someone@example.com',
        name: 'Some One',
        role,
        registeredAt: `${day}T08:00:00Z`,
      });
    await dashboard.deliver(register('buyer'));
    await dashboard.deliver(register('buyer'));
    await dashboard.deliver(register('seller'));
    await dashboard.deliver(
      envelopeOf(userDeletedV1Event, {
        userId: uuidv7(),
        deletedAt: `${day}T09:00:00Z`,
        reason: 'USER_REQUEST',
      }),
    );
    expect(await signupReport(dashboard.db, { from: day, to: '2025-08-02' })).toEqual([
      { date: day, buyers: 2, sellers: 1, deleted: 1 },
      { date: '2025-08-02', buyers: 0, sellers: 0, deleted: 0 },
    ]);
    const stored = JSON.stringify(await dashboard.db.selectFrom('dash_signup_days').selectAll().execute());
    expect(stored).not.toContain('someone@example.com');
  });

  it("erases a deleted seller's rows and does not bring them back", async () => {
    const [gone, other] = [uuidv7(), uuidv7()];
    const first = orderCreated(
      [
        [gone, 100],
        [other, 200],
      ],
      '2025-09-01T00:00:00.000Z',
    );
    await dashboard.deliver(first);
    await dashboard.deliver(
      envelopeOf(userDeletedV1Event, {
        userId: gone,
        deletedAt: '2025-09-02T00:00:00Z',
        reason: 'USER_REQUEST',
      }),
    );
    await dashboard.deliver(orderCreated([[gone, 100]], '2025-09-03T00:00:00.000Z'));
    const rows = await dashboard.db
      .selectFrom('dash_order_sellers')
      .selectAll()
      .where('seller_id', '=', gone)
      .execute();
    expect(rows).toEqual([]);
    const sept = { from: '2025-09-01', to: '2025-09-30' };
    expect(
      (await listOrders(dashboard.db, { sellerId: other }, { range: sept, limit: 20 })).items,
    ).toHaveLength(1);
    expect((await listOrders(dashboard.db, { all: true }, { range: sept, limit: 20 })).items).toHaveLength(2);
  });

  it('pages newest first with a cursor', async () => {
    const seller = uuidv7();
    const times = ['2025-10-01T01:00:00.000Z', '2025-10-01T02:00:00.000Z', '2025-10-01T03:00:00.000Z'];
    for (const at of times) await dashboard.deliver(orderCreated([[seller, 100]], at));
    const oct = { from: '2025-10-01', to: '2025-10-01' };
    const first = await listOrders(dashboard.db, { sellerId: seller }, { range: oct, limit: 2 });
    expect(first.items.map((o) => o.createdAt)).toEqual([times[2], times[1]]);
    expect(first.nextCursor).not.toBeNull();
    const second = await listOrders(
      dashboard.db,
      { sellerId: seller },
      { range: oct, limit: 2, after: decodeCursor(first.nextCursor ?? '') },
    );
    expect(second.items.map((o) => o.createdAt)).toEqual([times[0]]);
    expect(second.nextCursor).toBeNull();
  });
});
