import type { PaymentHandlers } from '@kada/contracts/services/payment/index.ts';
import { type HandlersWithDeps, withDeps } from '@kada/service-kit';
import type Stripe from 'stripe';
import type { PaymentDatabase } from '../db/schema.ts';
import { orderCancelledV1 } from './order-cancelled.ts';
import { orderCreatedV1 } from './order-created.ts';
import { stockReservedV1 } from './stock-reserved.ts';
import { userDeletedV1 } from './user-deleted.ts';

/** What payment's handlers need beyond their context: the Stripe client (real or simulated). */
export interface PaymentDeps {
  readonly stripe: Stripe;
}

export type PaymentHandlersWithDeps = HandlersWithDeps<PaymentHandlers<PaymentDatabase>, PaymentDeps>;

/** Every event payment receives, one handler each (the generated interface checks the set). */
export const paymentHandlers: PaymentHandlersWithDeps = {
  orderCancelledV1,
  orderCreatedV1,
  stockReservedV1,
  userDeletedV1,
};

/** The handlers with the Stripe client bound, for registerPaymentConsumers. */
export function createPaymentHandlers(stripe: Stripe): PaymentHandlers<PaymentDatabase> {
  return withDeps<PaymentHandlers<PaymentDatabase>, PaymentDeps>(paymentHandlers, { stripe });
}
