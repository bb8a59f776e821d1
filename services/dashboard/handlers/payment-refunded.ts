import type { PaymentRefundedV1 } from '@kada/contracts/events.ts';
import type { DashboardHandlerContext } from '@kada/contracts/services/dashboard/index.ts';
import type { Envelope } from '@kada/runtime';
import { recordMoney } from '../db/read-model.ts';
import type { DashboardDatabase } from '../db/schema.ts';

/** A refund (there may be several per order), subtracted from revenue on the day it was made. */
export async function paymentRefunded(
  event: Envelope<PaymentRefundedV1>,
  ctx: DashboardHandlerContext<DashboardDatabase>,
): Promise<void> {
  const { orderId, paymentIntentId, amount, refundedAt } = event.data;
  await recordMoney(ctx.tx, {
    key: `refund:${paymentIntentId}:${refundedAt}:${amount.amount}`,
    orderId,
    kind: 'refund',
    amount: amount.amount,
    currency: amount.currency,
    at: refundedAt,
  });
}
