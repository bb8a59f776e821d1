import type { ProductHandlers } from '@kada/contracts/services/product/index.ts';
import { revokeSubject } from '@kada/service-kit';
import type { ProductDatabase } from '../db/schema.ts';
import { updateProduct } from '../http/catalogue.ts';

/**
 * user.deleted -> every active product of that seller is delisted, each with product.updated (active false),
 * so order stops pricing it and the catalogue stops showing it. Buyers own no products: nothing to do.
 */
export const userDeletedV1: ProductHandlers<ProductDatabase>['userDeletedV1'] = async (event, ctx) => {
  const { tx, publish, log } = ctx;
  const { userId } = event.data;
  await revokeSubject(tx, userId);
  const listed = await tx
    .selectFrom('products')
    .select('product_id')
    .where('seller_id', '=', userId)
    .where('active', '=', 1)
    .orderBy('product_id')
    .execute();
  for (const { product_id } of listed) {
    await updateProduct(tx, publish, { id: userId, role: 'seller' }, product_id, { active: false });
  }
  if (listed.length > 0) log.info({ sellerId: userId, delisted: listed.length }, 'deleted seller delisted');
};
