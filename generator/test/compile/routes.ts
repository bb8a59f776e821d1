/**
 * Compile-time checks of the emitted HTTP route tables, run by `pnpm typecheck`: each `@ts-expect-error`
 * below must see an error, so if the generated types stopped catching the mistake, the typecheck would fail
 * ("unused @ts-expect-error").
 */
import type { OrderOperations } from '../../../generated/openapi/order.routes.ts';
import type { ServiceRoutes } from '../../../services/kit/index.ts';

type Routes = ServiceRoutes<OrderOperations>;
const createOrder: Routes['createOrder'] = async () => ({
  status: 202,
  body: { orderId: '0190d4c5-0000-7000-8000-000000000000', status: 'PENDING_PAYMENT' },
});
const listOrders: Routes['listOrders'] = async () => ({ status: 200, body: { items: [], nextCursor: null } });
const getOrder: Routes['getOrder'] = async ({ params }) => {
  // Path parameters are typed by the spec.
  const id: string = params.orderId;
  // @ts-expect-error order.yaml's getOrder has no path parameter productId
  void params.productId;
  return { status: 404, body: { type: 'about:blank', title: 'Not Found', status: 404, detail: id } };
};

// All operations: compiles.
export const complete: Routes = { createOrder, listOrders, getOrder };

// A missing operation does not compile.
// @ts-expect-error getOrder is missing
export const missing: Routes = { createOrder, listOrders };

// A misspelled operation does not compile.
export const misspelled: Routes = {
  createOrder,
  listOrders,
  getOrder,
  // @ts-expect-error no operation getOrders in order.yaml
  getOrders: getOrder,
};

// Replies are typed by status: 202 carries OrderAccepted, and 200 is not a status createOrder declares.
export const wrongStatus: Routes['createOrder'] = async () =>
  // @ts-expect-error createOrder declares 202, 400, 401, 403 and 422, not 200
  ({ status: 200, body: { orderId: 'x', status: 'PENDING_PAYMENT' } });

// @ts-expect-error OrderAccepted's status is always PENDING_PAYMENT
export const wrongBody: Routes['createOrder'] = async () => ({
  status: 202,
  body: { orderId: 'x', status: 'PAID' },
});

// The body the handler gets is CreateOrderRequest: quantities are numbers, and there are no prices.
export const readsBody: Routes['createOrder'] = async ({ body }) => {
  const quantity: number = body.items[0]?.quantity ?? 0;
  // @ts-expect-error the client never sends prices
  void body.items[0]?.unitPrice;
  return { status: 422, body: { type: 'about:blank', title: 'No', status: 422, detail: String(quantity) } };
};
