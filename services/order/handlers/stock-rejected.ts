import type { OrderHandlers } from '@kada/contracts/services/order/index.ts';
import type { OrderDatabase } from '../db/schema.ts';
import { failOrder } from './fail-order.ts';

/** Stock could not reserve every line: the order FAILS with OUT_OF_STOCK. */
export const stockRejectedV1: OrderHandlers<OrderDatabase>['stockRejectedV1'] = (event, ctx) => {
  const count = event.data.unavailable.length;
  const detail = `${count} ${count === 1 ? 'item is' : 'items are'} not available in the quantity ordered.`;
  return failOrder(ctx, event, event.data.orderId, 'OUT_OF_STOCK', detail);
};
