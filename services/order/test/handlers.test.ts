import { randomUUID } from 'node:crypto';
import type {
  OrderCancelledV1,
  OrderCreatedV1,
  OrderFailedV1,
  OrderHeldV1,
  OrderPaidV1,
} from '@kada/contracts/events.ts';
import { createOrderPublisher, registerOrderConsumers } from '@kada/contracts/services/order/index.ts';
import { dialects, only, recordingSink, serviceTest } from '@kada/service-kit/testing.ts';
import { beforeEach, describe, expect, it } from 'vitest';
import { migrations } from '../db/migrations.ts';
import type { OrderDatabase } from '../db/schema.ts';
import { OrderNotYetKnownError } from '../handlers/errors.ts';
import { orderHandlers } from '../handlers/index.ts';
import { ERASED_USER_ID } from '../handlers/user-deleted.ts';
import { placeOrder } from '../http/place-order.ts';
import { productCreated, productUpdated } from './fixtures.ts';

const sellerA = randomUUID();
const sellerB = randomUUID();

for (const dialect of dialects) {
  describe(`order handlers (${dialect})`, () => {
    let buyer: string;
    let p1: string;
    let p2: string;
    const order = serviceTest<OrderDatabase>(dialect, {
      name: 'order',
      migrations,
      consumers: (rt) => registerOrderConsumers(rt, orderHandlers),
    });
    beforeEach(async () => {
      buyer = randomUUID();
      p1 = randomUUID();
      p2 = randomUUID();
      await order.deliver('product.created.v1', productCreated(p1, sellerA, 1999));
      await order.deliver('product.created.v1', productCreated(p2, sellerB, 1250));
    });

    /** Places an order the way POST /orders does; returns its order.created. */
    async function place(userId = buyer): Promise<OrderCreatedV1> {
      const sink = recordingSink('order');
      await order.db.transaction().execute((tx) =>
        placeOrder(tx, createOrderPublisher(sink), userId, {
          items: [
            { productId: p1, quantity: 2 },
            { productId: p2, quantity: 1 },
          ],
          paymentMethodId: 'pm_card_visa',
        }),
      );
      return only<OrderCreatedV1>(sink.events, 'order.created');
    }

    async function row(orderId: string) {
      return order.db
        .selectFrom('orders')
        .selectAll()
        .where('order_id', '=', orderId)
        .executeTakeFirstOrThrow();
    }

    async function history(orderId: string) {
      return order.db
        .selectFrom('order_history')
        .select(['event_type', 'applied', 'note'])
        .where('order_id', '=', orderId)
        .orderBy('event_type')
        .orderBy('applied', 'desc')
        .execute();
    }

    function succeeded(created: OrderCreatedV1, paymentIntentId = 'pi_3PqK2nLkdIwHu7ix0abc1234') {
      return {
        orderId: created.orderId,
        userId: created.userId,
        paymentIntentId,
        amount: created.total,
        succeededAt: '2025-06-12T14:00:08.000Z',
      };
    }

    function failed(created: OrderCreatedV1) {
      return {
        orderId: created.orderId,
        userId: created.userId,
        paymentIntentId: 'pi_3PqK2nLkdIwHu7ix0def5678',
        amount: created.total,
        declineCode: 'insufficient_funds',
        message: 'Your card has insufficient funds.',
        failedAt: new Date().toISOString(),
      };
    }

    function rejected(created: OrderCreatedV1) {
      return {
        orderId: created.orderId,
        userId: created.userId,
        reason: 'OUT_OF_STOCK',
        unavailable: [{ productId: p1, requested: 2, available: 1 }],
        rejectedAt: new Date().toISOString(),
      };
    }

    it('keeps its own price list at the newest product state', async () => {
      await order.deliver(
        'product.updated.v1',
        productUpdated(p1, sellerA, 1499, '2025-06-10T08:00:00.000Z'),
      );
      // An older update arriving late changes nothing.
      await order.deliver('product.updated.v1', productUpdated(p1, sellerA, 999, '2025-06-05T08:00:00.000Z'));
      // product.created redelivered after updates changes nothing either.
      await order.deliver('product.created.v1', productCreated(p1, sellerA, 1999));
      const entry = await order.db
        .selectFrom('catalogue')
        .selectAll()
        .where('product_id', '=', p1)
        .executeTakeFirstOrThrow();
      expect(Number(entry.price_amount)).toBe(1499);
      expect(entry.active).toBe(1);
      // Delisting: the next order for it is refused (see the HTTP tests); here the flag.
      await order.deliver(
        'product.updated.v1',
        productUpdated(p1, sellerA, 1499, '2025-06-11T08:00:00.000Z', false),
      );
      const delisted = await order.db
        .selectFrom('catalogue')
        .select('active')
        .where('product_id', '=', p1)
        .executeTakeFirstOrThrow();
      expect(delisted.active).toBe(0);
    });

    it('prices an order from its catalogue and emits order.created with the lines and total', async () => {
      const created = await place();
      expect(created.total).toEqual({ amount: 2 * 1999 + 1250, currency: 'USD' });
      expect(created.items).toEqual([
        expect.objectContaining({
          productId: p1,
          sellerId: sellerA,
          quantity: 2,
          lineTotal: { amount: 3998, currency: 'USD' },
        }),
        expect.objectContaining({
          productId: p2,
          sellerId: sellerB,
          quantity: 1,
          unitPrice: { amount: 1250, currency: 'USD' },
        }),
      ]);
      expect(await row(created.orderId)).toMatchObject({ status: 'PENDING_PAYMENT', user_id: buyer });
    });

    it('stores the PaymentIntent, then moves to PAID once and emits order.paid', async () => {
      const created = await place();
      const intent = {
        orderId: created.orderId,
        userId: buyer,
        paymentIntentId: 'pi_3PqK2nLkdIwHu7ix0abc1234',
        amount: created.total,
        createdAt: new Date().toISOString(),
      };
      expect((await order.deliver('payment.intent.created.v1', intent)).emitted).toEqual([]);
      expect((await row(created.orderId)).payment_intent_id).toBe('pi_3PqK2nLkdIwHu7ix0abc1234');

      const paid = only<OrderPaidV1>(
        await order.deliver('payment.succeeded.v1', succeeded(created)),
        'order.paid',
      );
      expect(paid).toMatchObject({
        orderId: created.orderId,
        userId: buyer,
        total: created.total,
        paymentIntentId: 'pi_3PqK2nLkdIwHu7ix0abc1234',
        paidAt: '2025-06-12T14:00:08.000Z',
      });
      expect(paid.sellerIds.sort()).toEqual([sellerA, sellerB].sort());
      expect(await row(created.orderId)).toMatchObject({ status: 'PAID' });

      // A second payment.succeeded (another event id) is harmless.
      expect((await order.deliver('payment.succeeded.v1', succeeded(created))).emitted).toEqual([]);
      expect(await history(created.orderId)).toEqual([
        { event_type: 'payment.intent.created', applied: 1, note: null },
        { event_type: 'payment.succeeded', applied: 1, note: null },
        { event_type: 'payment.succeeded', applied: 0, note: 'duplicate' },
      ]);
    });

    it.each([
      ['a smaller amount', (total: { amount: number; currency: string }) => ({ ...total, amount: 1 })],
      ['another currency', (total: { amount: number; currency: string }) => ({ ...total, currency: 'JPY' })],
    ])('holds an order paid with %s: ON_HOLD and order.held, never PAID', async (_name, change) => {
      const created = await place();
      const paidWith = change(created.total);
      const delivery = await order.deliver('payment.succeeded.v1', {
        ...succeeded(created),
        amount: paidWith,
      });
      const held = only<OrderHeldV1>(delivery, 'order.held');
      expect(held).toMatchObject({
        orderId: created.orderId,
        userId: buyer,
        reason: 'PAYMENT_MISMATCH',
        expected: created.total,
        paid: paidWith,
        paymentIntentId: 'pi_3PqK2nLkdIwHu7ix0abc1234',
      });
      expect(delivery.emitted.map((e) => e.eventType)).not.toContain('order.paid');
      expect(await row(created.orderId)).toMatchObject({ status: 'ON_HOLD' });
      // The right payment arriving later does not release it: a person decides.
      expect((await order.deliver('payment.succeeded.v1', succeeded(created))).emitted).toEqual([]);
      expect(await row(created.orderId)).toMatchObject({ status: 'ON_HOLD' });
    });

    it('fails on payment.failed with PAYMENT_FAILED, and a later success is recorded but not applied', async () => {
      const created = await place();
      const failure = only<OrderFailedV1>(
        await order.deliver('payment.failed.v1', failed(created)),
        'order.failed',
      );
      expect(failure).toMatchObject({
        orderId: created.orderId,
        userId: buyer,
        reason: 'PAYMENT_FAILED',
        detail: 'Your card has insufficient funds.',
      });
      expect(await row(created.orderId)).toMatchObject({
        status: 'FAILED',
        failure_reason: 'PAYMENT_FAILED',
      });

      const late = await order.deliver('payment.succeeded.v1', succeeded(created));
      expect(late.emitted).toEqual([]);
      expect(await row(created.orderId)).toMatchObject({
        status: 'FAILED',
        failure_reason: 'PAYMENT_FAILED',
      });
      expect(await history(created.orderId)).toEqual([
        { event_type: 'payment.failed', applied: 1, note: null },
        { event_type: 'payment.succeeded', applied: 0, note: 'order already FAILED' },
      ]);
    });

    it('fails on stock.rejected with OUT_OF_STOCK, and ignores later failures', async () => {
      const created = await place();
      const failure = only<OrderFailedV1>(
        await order.deliver('stock.rejected.v1', rejected(created)),
        'order.failed',
      );
      expect(failure).toMatchObject({ orderId: created.orderId, reason: 'OUT_OF_STOCK' });
      expect(failure.detail).toContain('1 item');
      expect((await order.deliver('payment.failed.v1', failed(created))).emitted).toEqual([]);
      expect((await order.deliver('stock.rejected.v1', rejected(created))).emitted).toEqual([]);
      expect(await row(created.orderId)).toMatchObject({ status: 'FAILED', failure_reason: 'OUT_OF_STOCK' });
    });

    it('does not overwrite PAID with a late failure', async () => {
      const created = await place();
      await order.deliver('payment.succeeded.v1', succeeded(created));
      expect((await order.deliver('payment.failed.v1', failed(created))).emitted).toEqual([]);
      expect(await row(created.orderId)).toMatchObject({ status: 'PAID', failure_reason: null });
    });

    it('retries (typed error) an event for an order it does not know yet, writing nothing', async () => {
      const unknown = { ...(await place()), orderId: randomUUID() };
      await expect(order.deliver('payment.succeeded.v1', succeeded(unknown))).rejects.toBeInstanceOf(
        OrderNotYetKnownError,
      );
      await expect(order.deliver('stock.rejected.v1', rejected(unknown))).rejects.toMatchObject({
        code: 'ORDER_NOT_YET_KNOWN',
        retryable: true,
      });
      expect(await history(unknown.orderId)).toEqual([]);
    });

    it('erases a deleted buyer: cancels orders in checkout, keeps amounts, unlinks the person', async () => {
      const paidOrder = await place();
      await order.deliver('payment.succeeded.v1', succeeded(paidOrder));
      const pendingOrder = await place();
      const otherBuyersOrder = await place(randomUUID());

      const deleted = { userId: buyer, deletedAt: new Date().toISOString(), reason: 'USER_REQUEST' };
      const delivery = await order.deliver('user.deleted.v1', deleted);
      expect(only<OrderCancelledV1>(delivery, 'order.cancelled')).toMatchObject({
        orderId: pendingOrder.orderId,
        userId: buyer,
        reason: 'USER_DELETED',
      });

      const paidRow = await row(paidOrder.orderId);
      expect(paidRow).toMatchObject({ status: 'PAID', user_id: ERASED_USER_ID, payment_method_id: null });
      expect(Number(paidRow.total_amount)).toBe(paidOrder.total.amount);
      expect(paidRow.erased_at).not.toBeNull();
      expect(await row(pendingOrder.orderId)).toMatchObject({ status: 'CANCELLED', user_id: ERASED_USER_ID });
      const lines = await order.db
        .selectFrom('order_lines')
        .select('line_amount')
        .where('order_id', '=', paidOrder.orderId)
        .execute();
      expect(lines.map((line) => Number(line.line_amount)).sort()).toEqual([1250, 3998]);
      expect(await row(otherBuyersOrder.orderId)).toMatchObject({ user_id: otherBuyersOrder.userId });

      // A late payment.succeeded for the cancelled order changes nothing; a second user.deleted neither.
      expect((await order.deliver('payment.succeeded.v1', succeeded(pendingOrder))).emitted).toEqual([]);
      expect((await order.deliver('user.deleted.v1', deleted)).emitted).toEqual([]);
      expect(await row(pendingOrder.orderId)).toMatchObject({ status: 'CANCELLED' });
    });

    // Two replicas racing need a server database; SQLite has one writer at a time.
    if (dialect === 'postgres')
      it('an order racing payment.succeeded against user.deleted (two replicas) announces one end only', async () => {
        const orders = [];
        for (let i = 0; i < 20; i++) orders.push(await place());
        const deleted = { userId: buyer, deletedAt: new Date().toISOString(), reason: 'USER_REQUEST' };
        const deliveries = await Promise.all([
          order.deliverUntilHandled('user.deleted.v1', deleted),
          ...orders.map((created) => order.deliverUntilHandled('payment.succeeded.v1', succeeded(created))),
        ]);
        const ends = deliveries
          .flatMap((d) => d.emitted)
          .filter((e) => e.eventType === 'order.paid' || e.eventType === 'order.cancelled')
          .map((e) => ({ type: e.eventType, orderId: (e.data as { orderId: string }).orderId }));
        for (const created of orders) {
          const announced = ends.filter((e) => e.orderId === created.orderId);
          expect(announced).toHaveLength(1);
          const status = (await row(created.orderId)).status;
          expect(status).toBe(announced[0]?.type === 'order.paid' ? 'PAID' : 'CANCELLED');
        }
      });
  });
}
