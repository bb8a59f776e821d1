import type {
  DashboardHandlerContext,
  PaymentSucceededV1,
} from '@kada/contracts/services/dashboard/index.ts';
import type { Envelope } from '@kada/runtime';
import { recordPayment } from '../db/read-model.ts';
import type { DashboardDatabase } from '../db/schema.ts';

/** The money received for an order, on the day Stripe reported it (once, shared with order.paid). */
export async function paymentSucceeded(
  event: Envelope<PaymentSucceededV1>,
  ctx: DashboardHandlerContext<DashboardDatabase>,
): Promise<void> {
  const { orderId, amount, succeededAt } = event.data;
  await recordPayment(ctx.tx, orderId, amount, succeededAt);
}
