import { randomUUID } from 'node:crypto';
import type { ProductCreatedV1, ProductUpdatedV1 } from '@kada/contracts/events.ts';
import { productResponseValidators } from '@kada/contracts/openapi/product.responses.ts';
import { productRouteTable } from '@kada/contracts/openapi/product.routes.ts';
import { contractFetch } from '@kada/service-kit/testing/contract.ts';
import { dialects, only, serviceTest } from '@kada/service-kit/testing.ts';
import { beforeEach, describe, expect, it } from 'vitest';
import { migrations } from '../db/migrations.ts';
import type { ProductDatabase } from '../db/schema.ts';
import type { ProductView } from '../http/catalogue.ts';
import { productRoutes } from '../http/routes.ts';
import { sarong } from './fixtures.ts';

// Every answer these tests see is checked against product.yaml (status, content type, body schema).
const fetch = contractFetch(productRouteTable, productResponseValidators);

for (const dialect of dialects) {
  describe(`product HTTP API (${dialect})`, () => {
    const service = serviceTest<ProductDatabase>(dialect, {
      name: 'product',
      migrations,
      routes: productRoutes,
    });
    let seller: { id: string; role: 'seller' };
    let token: string;

    beforeEach(async () => {
      seller = { id: randomUUID(), role: 'seller' };
      token = await service.http.token(seller);
    });

    function send(method: string, path: string, body?: unknown, bearer: string | null = token) {
      return fetch(`${service.http.url}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    }

    async function create(body: unknown = sarong, bearer = token): Promise<ProductView> {
      const res = await send('POST', '/products', body, bearer);
      expect(res.status).toBe(201);
      return (await res.json()) as ProductView;
    }

    it('lists a product for its seller: 201, Location, product.created with the same state', async () => {
      const res = await send('POST', '/products', { ...sarong, description: undefined });
      expect(res.status).toBe(201);
      const product = (await res.json()) as ProductView;
      expect(res.headers.get('location')).toBe(`/products/${product.productId}`);
      expect(product).toMatchObject({
        sellerId: seller.id,
        description: '',
        stock: 40,
        active: true,
        price: sarong.price,
      });

      const event = only<ProductCreatedV1>(service.http.events, 'product.created');
      expect(event).toEqual({
        productId: product.productId,
        sellerId: seller.id,
        name: sarong.name,
        description: '',
        category: 'handicrafts',
        price: { amount: 2499, currency: 'USD' },
        stock: 40,
        createdAt: product.createdAt,
      });
      const read = await send('GET', `/products/${product.productId}`, undefined, null);
      expect(await read.json()).toEqual(product);
    });

    it('refuses non-sellers and invalid products with problem+json, writing nothing', async () => {
      expect((await send('POST', '/products', sarong, null)).status).toBe(401);
      const buyer = await service.http.token({ id: randomUUID(), role: 'buyer' });
      expect((await send('POST', '/products', sarong, buyer)).status).toBe(403);
      const unverified = await service.http.token({ id: randomUUID(), role: 'seller', emailVerified: false });
      const notYet = await send('POST', '/products', sarong, unverified);
      expect(notYet.status).toBe(403);
      expect(await notYet.json()).toMatchObject({ type: expect.stringMatching(/email-not-verified$/) });
      const bad = await send('POST', '/products', {
        ...sarong,
        category: 'Not A Slug',
        price: { amount: -1, currency: 'usd' },
      });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await bad.json()) as { errors: Array<{ pointer: string }> };
      expect(problem.errors.map((e) => e.pointer).sort()).toEqual([
        '/category',
        '/price/amount',
        '/price/currency',
      ]);
      expect(service.http.events).toEqual([]);
      expect(await service.db.selectFrom('products').select('product_id').execute()).toEqual([]);
    });

    it('changes its own product and publishes the full new state', async () => {
      const product = await create();
      const res = await send('PATCH', `/products/${product.productId}`, {
        price: { amount: 1999, currency: 'USD' },
        stock: 38,
      });
      expect(res.status).toBe(200);
      const changed = (await res.json()) as ProductView;
      expect(changed).toMatchObject({
        name: sarong.name,
        price: { amount: 1999, currency: 'USD' },
        stock: 38,
        active: true,
      });
      expect(changed.updatedAt > product.updatedAt).toBe(true);

      const event = only<ProductUpdatedV1>(service.http.events, 'product.updated');
      expect(event).toEqual({
        productId: product.productId,
        sellerId: seller.id,
        name: sarong.name,
        category: 'handicrafts',
        price: { amount: 1999, currency: 'USD' },
        stock: 38,
        active: true,
        updatedAt: changed.updatedAt,
      });
    });

    it("refuses changes to another seller's product, to unknown products, and empty changes", async () => {
      const product = await create();
      const other = await service.http.token({ id: randomUUID(), role: 'seller' });
      expect((await send('PATCH', `/products/${product.productId}`, { stock: 0 }, other)).status).toBe(403);
      expect((await send('PATCH', `/products/${randomUUID()}`, { stock: 0 })).status).toBe(404);
      expect((await send('PATCH', `/products/${product.productId}`, {})).status).toBe(400);
      expect(service.http.events.filter((e) => e.eventType === 'product.updated')).toEqual([]);
      const admin = await service.http.token({ id: randomUUID(), role: 'admin' });
      expect((await send('PATCH', `/products/${product.productId}`, { active: false }, admin)).status).toBe(
        200,
      );
    });

    it('browses active products newest first, filtered and paged', async () => {
      const otherSeller = await service.http.token({ id: randomUUID(), role: 'seller' });
      const a = await create({ ...sarong, name: 'Ceylon Tea 500 g', category: 'tea' });
      const b = await create({ ...sarong, name: 'Batik 100% cotton', category: 'handicrafts' });
      const c = await create({ ...sarong, name: 'Wooden mask', category: 'handicrafts' }, otherSeller);
      const d = await create({ ...sarong, name: 'Delisted', category: 'tea' });
      await send('PATCH', `/products/${d.productId}`, { active: false });

      const list = async (query: string) => {
        const res = await send('GET', `/products${query}`, undefined, null);
        expect(res.status).toBe(200);
        return (await res.json()) as { items: ProductView[]; nextCursor: string | null };
      };
      expect((await list('')).items.map((p) => p.productId)).toEqual([c.productId, b.productId, a.productId]);
      expect((await list('?category=tea')).items.map((p) => p.productId)).toEqual([a.productId]);
      expect((await list(`?sellerId=${seller.id}`)).items.map((p) => p.productId)).toEqual([
        b.productId,
        a.productId,
      ]);
      expect((await list('?q=CEYLON')).items.map((p) => p.productId)).toEqual([a.productId]);
      expect((await list('?q=100%25')).items.map((p) => p.productId)).toEqual([b.productId]);
      expect((await list('?q=a%25n')).items).toEqual([]);

      const page1 = await list('?limit=2');
      expect(page1.items.map((p) => p.productId)).toEqual([c.productId, b.productId]);
      const page2 = await list(`?limit=2&cursor=${page1.nextCursor}`);
      expect(page2).toEqual({ items: [a], nextCursor: null });

      const bad = await send('GET', '/products?limit=0&sellerId=nope', undefined, null);
      expect(bad.status).toBe(400);
      const delisted = await send('GET', `/products/${d.productId}`, undefined, null);
      expect(((await delisted.json()) as ProductView).active).toBe(false);
    });

    it('applies concurrent changes one after another, so the newest event is the stored state', async () => {
      const product = await create();
      await Promise.all(
        [1, 2, 3, 4, 5].map((stock) => send('PATCH', `/products/${product.productId}`, { stock })),
      );
      const updates = service.http.events
        .filter((e) => e.eventType === 'product.updated')
        .map((e) => e.data as ProductUpdatedV1);
      expect(updates).toHaveLength(5);
      for (let i = 1; i < updates.length; i++) {
        expect((updates[i]?.updatedAt ?? '') > (updates[i - 1]?.updatedAt ?? '')).toBe(true);
      }
      const stored = (await (
        await send('GET', `/products/${product.productId}`, undefined, null)
      ).json()) as ProductView;
      expect(stored.stock).toBe(updates.at(-1)?.stock);
      expect(stored.updatedAt).toBe(updates.at(-1)?.updatedAt);
    });
  });
}
