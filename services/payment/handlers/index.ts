import type { PaymentHandlers } from '@kada/contracts/services/payment/index.ts';
import type Stripe from 'stripe';
import type { PaymentDatabase } from '../db/schema.ts';
import { orderCancelledHandler } from './order-cancelled.ts';
import { orderCreatedV1 } from './order-created.ts';
import { stockReservedHandler } from './stock-reserved.ts';
import { userDeletedV1 } from './user-deleted.ts';

/** Every event payment receives, one handler each; the Stripe client is the one dependency. */
export function createPaymentHandlers(stripe: Stripe): PaymentHandlers<PaymentDatabase> {
  return {
    orderCancelledV1: orderCancelledHandler(stripe),
    orderCreatedV1,
    stockReservedV1: stockReservedHandler(stripe),
    userDeletedV1,
  };
}
