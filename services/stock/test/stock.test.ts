import { randomUUID } from 'node:crypto';
import type { StockRejectedV1, StockReleasedV1, StockReservedV1 } from '@kada/contracts/events.ts';
import { registerStockConsumers } from '@kada/contracts/services/stock/index.ts';
import { dialects, only, type ServiceTest, serviceTest } from '@kada/service-kit/testing.ts';
import { describe, expect, it } from 'vitest';
import { migrations } from '../db/migrations.ts';
import type { StockDatabase } from '../db/schema.ts';
import { NotYetKnownError } from '../handlers/errors.ts';
import { stockHandlers } from '../handlers/index.ts';

const seller = randomUUID();
const buyer = randomUUID();

function productCreated(productId: string, stock: number, createdAt = '2025-06-01T10:00:00.000Z') {
  return {
    productId,
    sellerId: seller,
    name: 'Batik sarong',
    description: 'Hand-dyed.',
    category: 'handicrafts',
    price: { amount: 2499, currency: 'USD' },
    stock,
    createdAt,
  };
}

function productUpdated(productId: string, stock: number, updatedAt: string, active = true) {
  return {
    productId,
    sellerId: seller,
    name: 'Batik sarong',
    category: 'handicrafts',
    price: { amount: 1999, currency: 'USD' },
    stock,
    active,
    updatedAt,
  };
}

/** A canonical order.created (what the order service sends), of which stock reads its view. */
function orderCreated(orderId: string, items: Array<{ productId: string; quantity: number }>) {
  const lines = items.map((item) => ({
    productId: item.productId,
    sellerId: seller,
    name: 'Batik sarong',
    quantity: item.quantity,
    unitPrice: { amount: 1000, currency: 'USD' },
    lineTotal: { amount: 1000 * item.quantity, currency: 'USD' },
  }));
  return {
    orderId,
    userId: buyer,
    items: lines,
    total: { amount: lines.reduce((sum, line) => sum + line.lineTotal.amount, 0), currency: 'USD' },
    paymentMethodId: 'pm_card_visa',
    createdAt: new Date().toISOString(),
  };
}

function orderEnded(orderId: string) {
  return {
    orderId,
    userId: buyer,
    reason: 'PAYMENT_FAILED',
    detail: 'Your card was declined.',
    failedAt: new Date().toISOString(),
  };
}

/** New products with the given stocks (their ids); a product's stock level and an order's reservation. */
function helpers(stock: ServiceTest<StockDatabase>) {
  return {
    async stocked<const Stocks extends number[]>(
      ...stocks: Stocks
    ): Promise<{ [K in keyof Stocks]: string }> {
      const ids = stocks.map(() => randomUUID());
      for (const [i, id] of ids.entries()) {
        await stock.deliver('product.created.v1', productCreated(id, stocks[i] as number));
      }
      return ids as { [K in keyof Stocks]: string };
    },
    level: (productId: string) =>
      stock.db
        .selectFrom('stock_levels')
        .select(['available', 'reserved', 'sold', 'declared', 'active'])
        .where('product_id', '=', productId)
        .executeTakeFirstOrThrow(),
    reservation: (orderId: string) =>
      stock.db.selectFrom('reservations').selectAll().where('order_id', '=', orderId).executeTakeFirst(),
  };
}

for (const dialect of dialects) {
  describe(`stock handlers (${dialect})`, () => {
    const stock = serviceTest<StockDatabase>(dialect, {
      name: 'stock',
      migrations,
      consumers: (rt) => registerStockConsumers(rt, stockHandlers),
    });

    const { stocked, level, reservation } = helpers(stock);

    it('consumes exactly the events of its contract', () => {
      expect(stock.routingKeys.sort()).toEqual([
        'order.cancelled.v1',
        'order.created.v1',
        'order.failed.v1',
        'order.paid.v1',
        'product.created.v1',
        'product.updated.v1',
      ]);
    });

    it('keeps stock levels from product events, applying changes of the declared stock only', async () => {
      const [p] = await stocked(10);
      expect(await level(p)).toMatchObject({ available: 10, declared: 10, reserved: 0 });

      // 3 units reserved by an order; then the seller changes only the price (stock still 10).
      await stock.deliver('order.created.v1', orderCreated(randomUUID(), [{ productId: p, quantity: 3 }]));
      await stock.deliver('product.updated.v1', productUpdated(p, 10, '2025-06-02T00:00:00.000Z'));
      expect(await level(p)).toMatchObject({ available: 7, reserved: 3 });

      // The seller restocks 5 more.
      await stock.deliver('product.updated.v1', productUpdated(p, 15, '2025-06-03T00:00:00.000Z'));
      expect(await level(p)).toMatchObject({ available: 12, declared: 15 });

      // An older update arriving late is ignored.
      await stock.deliver('product.updated.v1', productUpdated(p, 1, '2025-06-02T12:00:00.000Z'));
      expect(await level(p)).toMatchObject({ available: 12, declared: 15 });

      // Cutting the declared stock below what is reserved leaves nothing available, never less.
      await stock.deliver('product.updated.v1', productUpdated(p, 0, '2025-06-04T00:00:00.000Z', false));
      expect(await level(p)).toMatchObject({ available: 0, reserved: 3, declared: 0, active: 0 });
    });

    it('keeps the newer state when product.updated overtakes product.created', async () => {
      const p = randomUUID();
      await stock.deliver('product.updated.v1', productUpdated(p, 4, '2025-06-02T00:00:00.000Z'));
      await stock.deliver('product.created.v1', productCreated(p, 40));
      expect(await level(p)).toMatchObject({ available: 4, declared: 4 });
    });

    it('reserves every line of an order and emits stock.reserved with the total and buyer', async () => {
      const [a, b] = await stocked(5, 2);
      const orderId = randomUUID();
      const order = orderCreated(orderId, [
        { productId: a, quantity: 2 },
        { productId: b, quantity: 2 },
      ]);
      const delivery = await stock.deliver('order.created.v1', order);
      const reserved = only<StockReservedV1>(delivery, 'stock.reserved');
      expect(reserved).toMatchObject({ orderId, userId: buyer, total: order.total });
      expect(reserved.items).toHaveLength(2);
      expect(reserved.items).toEqual(
        expect.arrayContaining([
          { productId: a, quantity: 2 },
          { productId: b, quantity: 2 },
        ]),
      );
      expect(await level(a)).toMatchObject({ available: 3, reserved: 2 });
      expect(await level(b)).toMatchObject({ available: 0, reserved: 2 });
      expect(await reservation(orderId)).toMatchObject({
        status: 'RESERVED',
        reservation_id: reserved.reservationId,
      });

      // The same order again (e.g. re-published with a new event id): no second reservation.
      const again = await stock.deliver('order.created.v1', order);
      expect(again.emitted).toEqual([]);
      expect(await level(a)).toMatchObject({ available: 3, reserved: 2 });
    });

    it('reserves nothing when one line is short, and names the unavailable lines', async () => {
      const [a, b] = await stocked(5, 1);
      const orderId = randomUUID();
      const delivery = await stock.deliver(
        'order.created.v1',
        orderCreated(orderId, [
          { productId: a, quantity: 2 },
          { productId: b, quantity: 3 },
        ]),
      );
      const rejected = only<StockRejectedV1>(delivery, 'stock.rejected');
      expect(rejected).toMatchObject({
        orderId,
        userId: buyer,
        reason: 'OUT_OF_STOCK',
        unavailable: [{ productId: b, requested: 3, available: 1 }],
      });
      expect(delivery.emitted).toHaveLength(1);
      // The line that could be taken was given back in the same transaction.
      expect(await level(a)).toMatchObject({ available: 5, reserved: 0 });
      expect(await level(b)).toMatchObject({ available: 1, reserved: 0 });
      expect(await reservation(orderId)).toMatchObject({ status: 'REJECTED', reason: 'OUT_OF_STOCK' });
    });

    it('rejects delisted products with PRODUCT_INACTIVE', async () => {
      const [p] = await stocked(5);
      await stock.deliver('product.updated.v1', productUpdated(p, 5, '2025-06-02T00:00:00.000Z', false));
      const delivery = await stock.deliver(
        'order.created.v1',
        orderCreated(randomUUID(), [{ productId: p, quantity: 1 }]),
      );
      expect(only<StockRejectedV1>(delivery, 'stock.rejected').reason).toBe('PRODUCT_INACTIVE');
      expect(await level(p)).toMatchObject({ available: 5, reserved: 0 });
    });

    it('retries an order for a product it has not heard of, then rejects it on the last attempt', async () => {
      const p = randomUUID();
      const orderId = randomUUID();
      const order = orderCreated(orderId, [{ productId: p, quantity: 1 }]);
      await expect(stock.deliver('order.created.v1', order, { attempt: 1 })).rejects.toBeInstanceOf(
        NotYetKnownError,
      );
      expect(await reservation(orderId)).toBeUndefined();

      const last = await stock.deliver('order.created.v1', order, { attempt: 4 });
      expect(only<StockRejectedV1>(last, 'stock.rejected')).toMatchObject({
        reason: 'UNKNOWN_PRODUCT',
        unavailable: [{ productId: p, requested: 1, available: 0 }],
      });
    });

    it('releases a reservation once when the order fails, and never a rejected one', async () => {
      const [p] = await stocked(3);
      const orderId = randomUUID();
      const reserved = only<StockReservedV1>(
        await stock.deliver('order.created.v1', orderCreated(orderId, [{ productId: p, quantity: 2 }])),
        'stock.reserved',
      );

      const released = only<StockReleasedV1>(
        await stock.deliver('order.failed.v1', orderEnded(orderId)),
        'stock.released',
      );
      expect(released).toMatchObject({
        orderId,
        reservationId: reserved.reservationId,
        reason: 'ORDER_FAILED',
      });
      expect(await level(p)).toMatchObject({ available: 3, reserved: 0 });

      // Duplicate (or an order.cancelled after it): nothing more is given back.
      expect((await stock.deliver('order.failed.v1', orderEnded(orderId))).emitted).toEqual([]);
      const cancelled = {
        orderId,
        userId: buyer,
        cancelledAt: new Date().toISOString(),
        reason: 'USER_REQUEST',
      };
      expect((await stock.deliver('order.cancelled.v1', cancelled)).emitted).toEqual([]);
      expect(await level(p)).toMatchObject({ available: 3, reserved: 0 });

      // A rejected order holds nothing, so its order.failed releases nothing.
      const big = randomUUID();
      await stock.deliver('order.created.v1', orderCreated(big, [{ productId: p, quantity: 9 }]));
      expect((await stock.deliver('order.failed.v1', orderEnded(big))).emitted).toEqual([]);
      expect(await level(p)).toMatchObject({ available: 3, reserved: 0 });
    });

    it('never reserves for an order cancelled before its order.created arrived', async () => {
      const [p] = await stocked(3);
      const orderId = randomUUID();
      const cancelled = {
        orderId,
        userId: buyer,
        cancelledAt: new Date().toISOString(),
        reason: 'USER_DELETED',
      };
      expect((await stock.deliver('order.cancelled.v1', cancelled)).emitted).toEqual([]);
      expect(await reservation(orderId)).toMatchObject({ status: 'VOIDED' });

      const late = await stock.deliver(
        'order.created.v1',
        orderCreated(orderId, [{ productId: p, quantity: 1 }]),
      );
      expect(late.emitted).toEqual([]);
      expect(await level(p)).toMatchObject({ available: 3, reserved: 0 });
    });

    it('commits on order.paid: the units are sold and no longer released', async () => {
      const [p] = await stocked(3);
      const orderId = randomUUID();
      const reserved = only<StockReservedV1>(
        await stock.deliver('order.created.v1', orderCreated(orderId, [{ productId: p, quantity: 2 }])),
        'stock.reserved',
      );
      const paid = {
        orderId,
        userId: buyer,
        sellerIds: [seller],
        total: reserved.total,
        paymentIntentId: 'pi_test_1',
        paidAt: new Date().toISOString(),
      };
      expect((await stock.deliver('order.paid.v1', paid)).emitted).toEqual([]);
      expect(await level(p)).toMatchObject({ available: 1, reserved: 0, sold: 2 });
      expect(await reservation(orderId)).toMatchObject({ status: 'COMMITTED' });

      await stock.deliver('order.paid.v1', paid);
      const cancelled = {
        orderId,
        userId: buyer,
        cancelledAt: new Date().toISOString(),
        reason: 'ADMIN_ACTION',
      };
      expect((await stock.deliver('order.cancelled.v1', cancelled)).emitted).toEqual([]);
      expect(await level(p)).toMatchObject({ available: 1, reserved: 0, sold: 2 });

      await expect(stock.deliver('order.paid.v1', { ...paid, orderId: randomUUID() })).rejects.toBeInstanceOf(
        NotYetKnownError,
      );
    });
  });
}

describe('stock under concurrent orders (postgres)', () => {
  const stock = serviceTest<StockDatabase>('postgres', {
    name: 'stock',
    migrations,
    consumers: (rt) => registerStockConsumers(rt, stockHandlers),
  });
  const { stocked, level } = helpers(stock);

  it('gives the last unit to exactly one of two concurrent orders', async () => {
    const [p] = await stocked(1);
    const deliveries = await Promise.all(
      [randomUUID(), randomUUID()].map((orderId) =>
        stock.deliver('order.created.v1', orderCreated(orderId, [{ productId: p, quantity: 1 }])),
      ),
    );
    const types = deliveries.flatMap((d) => d.emitted.map((e) => e.eventType)).sort();
    expect(types).toEqual(['stock.rejected', 'stock.reserved']);
    expect(await level(p)).toMatchObject({ available: 0, reserved: 1 });
  });

  it('moves a reservation once when order.paid and order.failed race (two replicas)', async () => {
    const [p] = await stocked(10);
    const orders = Array.from({ length: 8 }, () => randomUUID());
    const totals = new Map<string, StockReservedV1['total']>();
    for (const orderId of orders) {
      const reserved = only<StockReservedV1>(
        await stock.deliver('order.created.v1', orderCreated(orderId, [{ productId: p, quantity: 1 }])),
        'stock.reserved',
      );
      totals.set(orderId, reserved.total);
    }
    const paid = (orderId: string) => ({
      orderId,
      userId: buyer,
      sellerIds: [seller],
      total: totals.get(orderId),
      paymentIntentId: `pi_${orderId.replace(/-/g, '')}`,
      paidAt: new Date().toISOString(),
    });
    await Promise.all(
      orders.flatMap((orderId) => [
        stock.deliver('order.paid.v1', paid(orderId)),
        stock.deliver('order.failed.v1', orderEnded(orderId)),
      ]),
    );
    const rows = await stock.db
      .selectFrom('reservations')
      .select('status')
      .where('order_id', 'in', orders)
      .execute();
    const committed = rows.filter((r) => r.status === 'COMMITTED').length;
    const released = rows.filter((r) => r.status === 'RELEASED').length;
    expect(committed + released).toBe(orders.length);
    expect(await level(p)).toMatchObject({ available: 2 + released, reserved: 0, sold: committed });
  });

  it('applies racing product.updated events once each: the declared change is never added twice', async () => {
    const products = Array.from({ length: 6 }, () => randomUUID());
    for (const p of products) await stock.deliver('product.created.v1', productCreated(p, 10));
    const updates = products.flatMap((p) => [
      productUpdated(p, 15, '2025-06-02T10:00:00.000Z'),
      productUpdated(p, 12, '2025-06-03T10:00:00.000Z'),
    ]);
    await Promise.all(updates.map((data) => stock.deliverUntilHandled('product.updated.v1', data)));
    for (const p of products) {
      expect(await level(p)).toMatchObject({ declared: 12, available: 12 });
    }
  });

  it('never oversells when many multi-line orders race (all-or-nothing under contention)', async () => {
    const [a, b] = await stocked(5, 5);
    // 12 orders each want one of a and one of b, listed in both orders (no deadlock: rows are locked in id order).
    const deliveries = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        stock.deliver(
          'order.created.v1',
          orderCreated(
            randomUUID(),
            i % 2 === 0
              ? [
                  { productId: a, quantity: 1 },
                  { productId: b, quantity: 1 },
                ]
              : [
                  { productId: b, quantity: 1 },
                  { productId: a, quantity: 1 },
                ],
          ),
        ),
      ),
    );
    const reservedCount = deliveries.filter((d) =>
      d.emitted.some((e) => e.eventType === 'stock.reserved'),
    ).length;
    const rejectedCount = deliveries.filter((d) =>
      d.emitted.some((e) => e.eventType === 'stock.rejected'),
    ).length;
    expect(reservedCount).toBe(5);
    expect(rejectedCount).toBe(7);
    for (const productId of [a, b]) {
      expect(await level(productId)).toMatchObject({ available: 0, reserved: 5 });
    }
  });
});
