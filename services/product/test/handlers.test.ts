import { randomUUID } from 'node:crypto';
import type { ProductUpdatedV1 } from '@kada/contracts/events.ts';
import { createProductPublisher, registerProductConsumers } from '@kada/contracts/services/product/index.ts';
import { dialects, recordingSink, serviceTest } from '@kada/service-kit/testing.ts';
import { describe, expect, it } from 'vitest';
import { migrations } from '../db/migrations.ts';
import type { ProductDatabase } from '../db/schema.ts';
import { handlers } from '../handlers/index.ts';
import { createProduct, listProducts, parseListQuery } from '../http/catalogue.ts';
import { sarong } from './fixtures.ts';

for (const dialect of dialects) {
  describe(`product handlers (${dialect})`, () => {
    const product = serviceTest<ProductDatabase>(dialect, {
      name: 'product',
      migrations,
      consumers: (rt) => registerProductConsumers(rt, handlers),
    });

    async function list(sellerId: string) {
      const sink = recordingSink('product');
      const id = await product.db
        .transaction()
        .execute((tx) => createProduct(tx, createProductPublisher(sink), sellerId, sarong));
      return id.productId;
    }

    it("delists a deleted seller's products with product.updated, and leaves other sellers alone", async () => {
      const gone = randomUUID();
      const stays = randomUUID();
      const mine = [await list(gone), await list(gone)];
      const theirs = await list(stays);
      const delivery = await product.deliver('user.deleted.v1', {
        userId: gone,
        deletedAt: new Date().toISOString(),
        reason: 'USER_REQUEST',
      });
      const updates = delivery.emitted
        .filter((e) => e.eventType === 'product.updated')
        .map((e) => e.data as ProductUpdatedV1);
      expect(updates.map((u) => u.productId).sort()).toEqual([...mine].sort());
      expect(updates.every((u) => u.active === false && u.sellerId === gone)).toBe(true);

      const visible = await listProducts(product.db, parseListQuery({}));
      expect(visible.items.map((p) => p.productId)).toEqual([theirs]);

      // Redelivered: nothing left to delist, nothing emitted.
      const again = await product.deliver('user.deleted.v1', {
        userId: gone,
        deletedAt: new Date().toISOString(),
        reason: 'USER_REQUEST',
      });
      expect(again.emitted).toEqual([]);
    });
  });
}
