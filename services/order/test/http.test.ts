import { randomUUID } from 'node:crypto';
import type { OrderCreatedV1 } from '@kada/contracts/events.ts';
import { orderResponseValidators } from '@kada/contracts/openapi/order.responses.ts';
import { orderRouteTable } from '@kada/contracts/openapi/order.routes.ts';
import { registerOrderConsumers } from '@kada/contracts/services/order/index.ts';
import { contractFetch } from '@kada/service-kit/testing/contract.ts';
import { dialects, only, serviceTest } from '@kada/service-kit/testing.ts';
import { beforeEach, describe, expect, it } from 'vitest';
import { migrations } from '../db/migrations.ts';
import type { OrderDatabase } from '../db/schema.ts';
import { orderHandlers } from '../handlers/index.ts';
import { orderRoutes } from '../http/routes.ts';
import { productCreated, productUpdated } from './fixtures.ts';

const seller = randomUUID();
// Every answer these tests see is checked against order.yaml (status, content type, body schema).
const fetch = contractFetch(orderRouteTable, orderResponseValidators);

for (const dialect of dialects) {
  describe(`order HTTP API (${dialect})`, () => {
    const service = serviceTest<OrderDatabase>(dialect, {
      name: 'order',
      migrations,
      consumers: (rt) => registerOrderConsumers(rt, orderHandlers),
      routes: orderRoutes,
    });
    let buyer: { id: string; role: 'buyer' };
    let token: string;
    let usd: string;
    let usd2: string;
    let eur: string;

    beforeEach(async () => {
      buyer = { id: randomUUID(), role: 'buyer' };
      token = await service.http.token(buyer);
      [usd, usd2, eur] = [randomUUID(), randomUUID(), randomUUID()];
      for (const [productId, amount, currency] of [
        [usd, 1999, 'USD'],
        [usd2, 500, 'USD'],
        [eur, 700, 'EUR'],
      ] as const) {
        await service.deliver('product.created.v1', productCreated(productId, seller, amount, currency));
      }
    });

    function post(body: unknown, headers: Record<string, string> = {}, bearer: string | null = token) {
      return fetch(`${service.http.url}/orders`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
          ...headers,
        },
        body: JSON.stringify(body),
      });
    }

    function get(path: string, bearer = token) {
      return fetch(`${service.http.url}${path}`, { headers: { authorization: `Bearer ${bearer}` } });
    }

    const order = (productId: string, quantity = 1) => ({
      items: [{ productId, quantity }],
      paymentMethodId: 'pm_card_visa',
    });

    it('accepts an order priced from its own catalogue: 202, Location, order.created', async () => {
      const res = await post({
        items: [
          { productId: usd, quantity: 2 },
          { productId: usd2, quantity: 3 },
          { productId: usd, quantity: 1 },
        ],
        paymentMethodId: 'pm_card_visa',
      });
      expect(res.status).toBe(202);
      const body = (await res.json()) as { orderId: string; status: string };
      expect(body.status).toBe('PENDING_PAYMENT');
      expect(res.headers.get('location')).toBe(`/orders/${body.orderId}`);

      const created = only<OrderCreatedV1>(service.http.events, 'order.created');
      expect(created).toMatchObject({
        orderId: body.orderId,
        userId: buyer.id,
        paymentMethodId: 'pm_card_visa',
      });
      expect(created.total).toEqual({ amount: 3 * 1999 + 3 * 500, currency: 'USD' });
      expect(created.items.map((item) => [item.productId, item.quantity])).toEqual([
        [usd, 3],
        [usd2, 3],
      ]);

      const view = await get(`/orders/${body.orderId}`);
      expect(view.status).toBe(200);
      expect(await view.json()).toMatchObject({
        orderId: body.orderId,
        userId: buyer.id,
        status: 'PENDING_PAYMENT',
        total: created.total,
        paymentIntentId: null,
        failureReason: null,
        items: [
          { productId: usd, sellerId: seller, quantity: 3, unitPrice: { amount: 1999, currency: 'USD' } },
          { productId: usd2, quantity: 3, lineTotal: { amount: 1500, currency: 'USD' } },
        ],
      });
    });

    it('never takes prices from the client: extra members are a 400', async () => {
      const res = await post({
        items: [{ productId: usd, quantity: 1, unitPrice: { amount: 1, currency: 'USD' } }],
        paymentMethodId: 'pm_card_visa',
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await res.json()) as { errors: Array<{ pointer: string }> };
      expect(problem.errors.map((e) => e.pointer)).toContain('/items/0/unitPrice');
      expect(service.http.events).toEqual([]);
    });

    it('answers 422 problem+json for unknown or delisted products and mixed currencies, storing nothing', async () => {
      const unknown = randomUUID();
      const res = await post({
        items: [
          { productId: unknown, quantity: 1 },
          { productId: usd, quantity: 1 },
        ],
        paymentMethodId: 'pm_card_visa',
      });
      expect(res.status).toBe(422);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({
        status: 422,
        title: 'Product not available',
        productIds: [unknown],
      });

      await service.deliver(
        'product.updated.v1',
        productUpdated(usd2, seller, 500, '2025-06-02T00:00:00.000Z', false),
      );
      expect((await post(order(usd2))).status).toBe(422);

      const mixed = await post({
        items: [
          { productId: usd, quantity: 1 },
          { productId: eur, quantity: 1 },
        ],
        paymentMethodId: 'pm_card_visa',
      });
      expect(mixed.status).toBe(422);
      expect(await mixed.json()).toMatchObject({ title: 'Mixed currencies' });

      expect(service.http.events).toEqual([]);
      expect(await service.db.selectFrom('orders').select('order_id').execute()).toEqual([]);
    });

    it('requires a buyer token with a verified email', async () => {
      const anonymous = await post(order(usd), {}, null);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
      const asSeller = await post(
        order(usd),
        {},
        await service.http.token({ id: randomUUID(), role: 'seller' }),
      );
      expect(asSeller.status).toBe(403);
      const unverified = await service.http.token({ id: randomUUID(), role: 'buyer', emailVerified: false });
      const notYet = await post(order(usd), {}, unverified);
      expect(notYet.status).toBe(403);
      expect(await notYet.json()).toMatchObject({ type: expect.stringMatching(/email-not-verified$/) });
      expect(service.http.events).toEqual([]);
    });

    it('returns the first order for a repeated Idempotency-Key', async () => {
      const first = (await (await post(order(usd), { 'idempotency-key': 'k-1' })).json()) as {
        orderId: string;
      };
      const again = await post(order(usd), { 'idempotency-key': 'k-1' });
      expect(again.status).toBe(202);
      expect(((await again.json()) as { orderId: string }).orderId).toBe(first.orderId);
      expect(service.http.events.filter((e) => e.eventType === 'order.created')).toHaveLength(1);
      // Another buyer's identical key is another order.
      const other = await post(
        order(usd),
        { 'idempotency-key': 'k-1' },
        await service.http.token({ id: randomUUID(), role: 'buyer' }),
      );
      expect(((await other.json()) as { orderId: string }).orderId).not.toBe(first.orderId);
    });

    it("lists only the caller's orders, newest first, page by page, and hides others' orders", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++)
        ids.push(((await (await post(order(usd))).json()) as { orderId: string }).orderId);
      const stranger = await service.http.token({ id: randomUUID(), role: 'buyer' });
      await post(order(usd2), {}, stranger);

      const page1 = (await (await get('/orders?limit=2')).json()) as {
        items: Array<{ orderId: string; itemCount: number }>;
        nextCursor: string;
      };
      expect(page1.items.map((o) => o.orderId)).toEqual([ids[2], ids[1]]);
      expect(page1.items[0]?.itemCount).toBe(1);
      expect(page1.nextCursor).toEqual(expect.any(String));
      const page2 = (await (await get(`/orders?limit=2&cursor=${page1.nextCursor}`)).json()) as {
        items: Array<{ orderId: string }>;
        nextCursor: null;
      };
      expect(page2).toEqual({
        items: [expect.objectContaining({ orderId: ids[0], status: 'PENDING_PAYMENT' })],
        nextCursor: null,
      });

      expect(((await (await get('/orders?status=PAID')).json()) as { items: unknown[] }).items).toEqual([]);
      const bad = await get('/orders?limit=500&status=NOPE');
      expect(bad.status).toBe(400);
      expect(
        ((await bad.json()) as { errors: Array<{ parameter: string }> }).errors
          .map((e) => e.parameter)
          .sort(),
      ).toEqual(['limit', 'status']);

      expect((await get(`/orders/${ids[0]}`, stranger)).status).toBe(404);
      expect((await get(`/orders/${randomUUID()}`)).status).toBe(404);
    });
  });
}
