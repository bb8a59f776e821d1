import type { OrderHandlers } from '@kada/contracts/services/order/index.ts';
import type { OrderDatabase } from '../db/schema.ts';
import { failOrder } from './fail-order.ts';

/** The payment was declined or could not be made: the order FAILS with PAYMENT_FAILED. */
export const paymentFailedV1: OrderHandlers<OrderDatabase>['paymentFailedV1'] = (event, ctx) =>
  failOrder(ctx, event, event.data.orderId, 'PAYMENT_FAILED', event.data.message);
