import { createOrderPublisher } from '@kada/contracts/services/order/index.ts';
import {
  asyncRoute,
  currentUser,
  HttpError,
  loadOpenApi,
  openApiSchema,
  requireAuth,
  type ServiceContext,
  validateBody,
} from '@kada/service-kit';
import type { Express } from 'express';
import type { Transaction } from 'kysely';
import type { OrderDatabase } from '../db/schema.ts';
import { findIdempotentOrder, type PlaceOrderRequest, placeOrder } from './place-order.ts';
import { getOrder, listOrders, parseListQuery } from './read-orders.ts';

const SPEC = new URL('../../../specs/openapi/order.yaml', import.meta.url);

/** POST /orders (buyers), GET /orders and GET /orders/{orderId} (the caller's own orders). */
export function orderRoutes(app: Express, ctx: ServiceContext<OrderDatabase>): void {
  const spec = loadOpenApi(SPEC);

  app.post(
    '/orders',
    // Ordering needs a buyer who proved their address: receipts and disputes go there.
    requireAuth(ctx, ['buyer'], { verifiedEmail: true }),
    validateBody(openApiSchema(spec, 'CreateOrderRequest')),
    asyncRoute(async (req, res) => {
      const user = currentUser(req);
      const idempotencyKey = idempotencyKeyOf(req.headers['idempotency-key']);
      const body = req.body as PlaceOrderRequest;
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
      res
        .status(202)
        .location(`/orders/${placed.orderId}`)
        .json({ orderId: placed.orderId, status: placed.status });
    }),
  );

  app.get(
    '/orders',
    requireAuth(ctx),
    asyncRoute(async (req, res) => {
      const query = parseListQuery(req.query as Record<string, unknown>);
      res.json(await listOrders(ctx.db, currentUser(req).id, query));
    }),
  );

  app.get(
    '/orders/:orderId',
    requireAuth(ctx),
    asyncRoute(async (req, res) => {
      res.json(await getOrder(ctx.db, currentUser(req).id, String(req.params.orderId)));
    }),
  );
}

function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.length < 1 || value.length > 128) {
    throw new HttpError(400, 'Request is not valid', 'Idempotency-Key must be 1 to 128 characters.', {
      errors: [{ header: 'Idempotency-Key', detail: 'must be 1 to 128 characters' }],
    });
  }
  return value;
}
