import type { ListProductsInput } from '@kada/contracts/openapi/product.routes.ts';
import type { components } from '@kada/contracts/openapi/product.ts';
import type { ProductPublisher } from '@kada/contracts/services/product/index.ts';
import { cursorParameter, HttpError, type PagePosition, pageOf, uuidv7 } from '@kada/service-kit';
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { ProductDatabase, ProductsTable } from '../db/schema.ts';

/** The `Product` of product.yaml. */
export type ProductView = components['schemas']['Product'];
/** The body of POST /products, as product.yaml's CreateProductRequest types it. */
export type CreateProductRequest = components['schemas']['CreateProductRequest'];
/** The body of PATCH /products/{productId}. */
export type UpdateProductRequest = components['schemas']['UpdateProductRequest'];

/** Who is changing a product: its seller, or an administrator. */
export interface Caller {
  id: string;
  role: string;
}

type ProductRow = Selectable<ProductsTable>;

function toView(row: ProductRow): ProductView {
  return {
    productId: row.product_id,
    sellerId: row.seller_id,
    name: row.name,
    description: row.description,
    category: row.category,
    price: { amount: Number(row.price_amount), currency: row.price_currency },
    stock: row.stock,
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Lists a product for the calling seller and writes product.created to the outbox, in one transaction. */
export async function createProduct(
  tx: Transaction<ProductDatabase>,
  publish: ProductPublisher,
  sellerId: string,
  request: CreateProductRequest,
): Promise<ProductView> {
  const now = new Date().toISOString();
  const row: ProductRow = {
    product_id: uuidv7(),
    seller_id: sellerId,
    name: request.name,
    description: request.description ?? '',
    category: request.category,
    price_amount: request.price.amount,
    price_currency: request.price.currency,
    stock: request.stock,
    active: 1,
    created_at: now,
    updated_at: now,
  };
  await tx.insertInto('products').values(row).execute();
  const product = toView(row);
  await publish.productCreatedV1(
    {
      productId: product.productId,
      sellerId,
      name: product.name,
      description: product.description,
      category: product.category,
      price: product.price,
      stock: product.stock,
      createdAt: now,
    },
    { orderingKey: product.productId },
  );
  return product;
}

/**
 * Changes the given fields (owner or admin) and writes product.updated with the full new state. The
 * row is locked first (a no-op UPDATE), so concurrent changes apply one after the other and each
 * event's `updatedAt` is later than the previous one: consumers keep the newest state.
 */
export async function updateProduct(
  tx: Transaction<ProductDatabase>,
  publish: ProductPublisher,
  caller: Caller,
  productId: string,
  changes: UpdateProductRequest,
): Promise<ProductView> {
  await tx
    .updateTable('products')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('product_id', '=', productId)
    .execute();
  const current = await tx
    .selectFrom('products')
    .selectAll()
    .where('product_id', '=', productId)
    .executeTakeFirst();
  if (!current) throw new HttpError(404, 'Not Found', 'No such product.');
  if (current.seller_id !== caller.id && caller.role !== 'admin') {
    throw new HttpError(403, 'Forbidden', 'Only the seller who listed the product can change it.');
  }
  const next: ProductRow = {
    ...current,
    ...(changes.name !== undefined ? { name: changes.name } : {}),
    ...(changes.description !== undefined ? { description: changes.description } : {}),
    ...(changes.category !== undefined ? { category: changes.category } : {}),
    ...(changes.price !== undefined
      ? { price_amount: changes.price.amount, price_currency: changes.price.currency }
      : {}),
    ...(changes.stock !== undefined ? { stock: changes.stock } : {}),
    ...(changes.active !== undefined ? { active: changes.active ? 1 : 0 } : {}),
    updated_at: laterThan(current.updated_at),
  };
  const { product_id: _id, ...values } = next;
  await tx.updateTable('products').set(values).where('product_id', '=', productId).execute();
  const product = toView(next);
  await publish.productUpdatedV1(
    {
      productId,
      sellerId: product.sellerId,
      name: product.name,
      category: product.category,
      price: product.price,
      stock: product.stock,
      active: product.active,
      updatedAt: product.updatedAt,
    },
    { orderingKey: productId },
  );
  return product;
}

/** Now, or 1 ms after `previous` when the clock has not moved past it. */
function laterThan(previous: string): string {
  const now = Date.now();
  const last = Date.parse(previous);
  return new Date(Number.isNaN(last) || now > last ? now : last + 1).toISOString();
}

export async function getProduct(db: Kysely<ProductDatabase>, productId: string): Promise<ProductView> {
  const row = await db
    .selectFrom('products')
    .selectAll()
    .where('product_id', '=', productId)
    .executeTakeFirst();
  if (!row) throw new HttpError(404, 'Not Found', 'No such product.');
  return toView(row);
}

export interface ListQuery {
  category?: string;
  sellerId?: string;
  q?: string;
  limit: number;
  cursor?: PagePosition;
}

/** GET /products' query (already checked against product.yaml) as a search; 400 for a cursor not ours. */
export function parseListQuery(query: ListProductsInput['query']): ListQuery {
  const result: ListQuery = { limit: query.limit ?? 20 };
  if (query.category !== undefined) result.category = query.category;
  if (query.q !== undefined && query.q.trim() !== '') result.q = query.q.trim();
  if (query.sellerId !== undefined) result.sellerId = query.sellerId;
  const cursor = cursorParameter(query.cursor);
  if (cursor) result.cursor = cursor;
  return result;
}

/** Active products, newest first, a page at a time (keyset pagination on createdAt, productId). */
export async function listProducts(
  db: Kysely<ProductDatabase>,
  query: ListQuery,
): Promise<{ items: ProductView[]; nextCursor: string | null }> {
  let select = db.selectFrom('products').selectAll().where('active', '=', 1);
  if (query.category !== undefined) select = select.where('category', '=', query.category);
  if (query.sellerId !== undefined) select = select.where('seller_id', '=', query.sellerId);
  if (query.q !== undefined) {
    const pattern = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    select = select.where((eb) =>
      eb.or([
        sql<boolean>`lower(${eb.ref('name')}) like ${pattern} escape '\\'`,
        sql<boolean>`lower(${eb.ref('description')}) like ${pattern} escape '\\'`,
      ]),
    );
  }
  const { cursor } = query;
  if (cursor) {
    select = select.where((eb) =>
      eb.or([
        eb('created_at', '<', cursor.createdAt),
        eb.and([eb('created_at', '=', cursor.createdAt), eb('product_id', '<', cursor.id)]),
      ]),
    );
  }
  const rows = await select
    .orderBy('created_at', 'desc')
    .orderBy('product_id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const { page, nextCursor } = pageOf(rows, query.limit, (row) => ({
    createdAt: row.created_at,
    id: row.product_id,
  }));
  return { items: page.map(toView), nextCursor };
}
