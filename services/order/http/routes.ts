import { type OrderOperations, orderRouteTable } from '@kada/contracts/openapi/order.routes.ts';
import { createOrderPublisher } from '@kada/contracts/services/order/index.ts';
import {
  currentUser,
  cursorParameter,
  HttpError,
  mountRoutes,
  requireAuth,
  type ServiceContext,
  type ServiceRoutes,
} from '@kada/service-kit';
import type { Express } from 'express';
import type { Transaction } from 'kysely';
import type { OrderDatabase } from '../db/schema.ts';
import { findIdempotentOrder, placeOrder } from './place-order.ts';
import { getOrder, listOrders } from './read-orders.ts';

/** POST /orders (buyers), GET /orders and GET /orders/{orderId} (the caller's own orders): order.yaml's routes. */
export function orderRoutes(app: Express, ctx: ServiceContext<OrderDatabase>): void {
  mountRoutes(app, orderRouteTable, orderHandlers(ctx), {
    before: {
      // Ordering needs a buyer who proved their address: receipts and disputes go there.
      createOrder: [requireAuth(ctx, ['buyer'], { verifiedEmail: true })],
      listOrders: [requireAuth(ctx)],
      getOrder: [requireAuth(ctx)],
    },
  });
}

export function orderHandlers(ctx: ServiceContext<OrderDatabase>): ServiceRoutes<OrderOperations> {
  return {
    async createOrder({ body, headers }, { req }) {
      const user = currentUser(req);
      const idempotencyKey = headers['Idempotency-Key'];
      let placed: Awaited<ReturnType<typeof placeOrder>>;
      try {
        placed = await ctx.rt.transaction((tx, sink) =>
          placeOrder(
            tx as Transaction<OrderDatabase>,
            createOrderPublisher(sink),
            user.id,
            body,
            idempotencyKey,
          ),
        );
      } catch (error) {
        // Two requests with the same key at once: the second one's insert lost; answer with the first order.
        const earlier =
          idempotencyKey !== undefined && !(error instanceof HttpError)
            ? await findIdempotentOrder(ctx.db, user.id, idempotencyKey)
            : undefined;
        if (!earlier) throw error;
        placed = { orderId: earlier, status: 'PENDING_PAYMENT', replayed: true };
      }
      return {
        status: 202,
        headers: { Location: `/orders/${placed.orderId}` },
        body: { orderId: placed.orderId, status: placed.status },
      };
    },

    async listOrders({ query }, { req }) {
      const cursor = cursorParameter(query.cursor);
      const page = await listOrders(ctx.db, currentUser(req).id, {
        ...(query.status ? { status: query.status } : {}),
        limit: query.limit ?? 20,
        ...(cursor ? { cursor } : {}),
      });
      return { status: 200, body: page };
    },

    async getOrder({ params }, { req }) {
      return { status: 200, body: await getOrder(ctx.db, currentUser(req).id, params.orderId) };
    },
  };
}
