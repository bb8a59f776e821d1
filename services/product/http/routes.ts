import { createProductPublisher } from '@kada/contracts/services/product/index.ts';
import {
  asyncRoute,
  currentUser,
  loadOpenApi,
  openApiSchema,
  requireAuth,
  type ServiceContext,
  validateBody,
} from '@kada/service-kit';
import type { Express } from 'express';
import type { Transaction } from 'kysely';
import type { ProductDatabase } from '../db/schema.ts';
import {
  type CreateProductRequest,
  createProduct,
  getProduct,
  listProducts,
  parseListQuery,
  type UpdateProductRequest,
  updateProduct,
} from './catalogue.ts';

const SPEC = new URL('../../../specs/openapi/product.yaml', import.meta.url);

/** Browse (public) and list or change products (sellers, their own products). */
export function productRoutes(app: Express, ctx: ServiceContext<ProductDatabase>): void {
  const spec = loadOpenApi(SPEC);

  app.get(
    '/products',
    asyncRoute(async (req, res) => {
      res.json(await listProducts(ctx.db, parseListQuery(req.query as Record<string, unknown>)));
    }),
  );

  app.get(
    '/products/:productId',
    asyncRoute(async (req, res) => {
      res.json(await getProduct(ctx.db, String(req.params.productId)));
    }),
  );

  app.post(
    '/products',
    // Listing needs a seller who proved their address (issue 9: no anonymous throwaway shops).
    requireAuth(ctx, ['seller'], { verifiedEmail: true }),
    validateBody(openApiSchema(spec, 'CreateProductRequest')),
    asyncRoute(async (req, res) => {
      const seller = currentUser(req);
      const product = await ctx.rt.transaction((tx, sink) =>
        createProduct(
          tx as Transaction<ProductDatabase>,
          createProductPublisher(sink),
          seller.id,
          req.body as CreateProductRequest,
        ),
      );
      res.status(201).location(`/products/${product.productId}`).json(product);
    }),
  );

  app.patch(
    '/products/:productId',
    requireAuth(ctx, ['seller', 'admin']),
    validateBody(openApiSchema(spec, 'UpdateProductRequest')),
    asyncRoute(async (req, res) => {
      const caller = currentUser(req);
      const product = await ctx.rt.transaction((tx, sink) =>
        updateProduct(
          tx as Transaction<ProductDatabase>,
          createProductPublisher(sink),
          caller,
          String(req.params.productId),
          req.body as UpdateProductRequest,
        ),
      );
      res.json(product);
    }),
  );
}
