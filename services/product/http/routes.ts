import { type ProductOperations, productRouteTable } from '@kada/contracts/openapi/product.routes.ts';
import { createProductPublisher } from '@kada/contracts/services/product/index.ts';
import {
  currentUser,
  mountRoutes,
  requireAuth,
  type ServiceContext,
  type ServiceRoutes,
} from '@kada/service-kit';
import type { Express } from 'express';
import type { Transaction } from 'kysely';
import type { ProductDatabase } from '../db/schema.ts';
import { createProduct, getProduct, listProducts, parseListQuery, updateProduct } from './catalogue.ts';

/** Browse (public) and list or change products (sellers, their own products): product.yaml's routes. */
export function productRoutes(app: Express, ctx: ServiceContext<ProductDatabase>): void {
  mountRoutes(app, productRouteTable, productHandlers(ctx), {
    before: {
      // Listing needs a seller who proved their address (issue 9: no anonymous throwaway shops).
      createProduct: [requireAuth(ctx, ['seller'], { verifiedEmail: true })],
      updateProduct: [requireAuth(ctx, ['seller', 'admin'])],
    },
  });
}

export function productHandlers(ctx: ServiceContext<ProductDatabase>): ServiceRoutes<ProductOperations> {
  return {
    async listProducts({ query }) {
      return { status: 200, body: await listProducts(ctx.db, parseListQuery(query)) };
    },

    async getProduct({ params }) {
      return { status: 200, body: await getProduct(ctx.db, params.productId) };
    },

    async createProduct({ body }, { req }) {
      const seller = currentUser(req);
      const product = await ctx.rt.transaction((tx, sink) =>
        createProduct(tx as Transaction<ProductDatabase>, createProductPublisher(sink), seller.id, body),
      );
      return { status: 201, headers: { Location: `/products/${product.productId}` }, body: product };
    },

    async updateProduct({ params, body }, { req }) {
      const caller = currentUser(req);
      const product = await ctx.rt.transaction((tx, sink) =>
        updateProduct(
          tx as Transaction<ProductDatabase>,
          createProductPublisher(sink),
          caller,
          params.productId,
          body,
        ),
      );
      return { status: 200, body: product };
    },
  };
}
