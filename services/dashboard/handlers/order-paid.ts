import type { OrderPaidV1 } from '@kada/contracts/events.ts';
import type { DashboardHandlerContext } from '@kada/contracts/services/dashboard/index.ts';
import type { Envelope } from '@kada/runtime';
import { applyOrderStatus, recordPayment } from '../db/read-model.ts';
import type { DashboardDatabase } from '../db/schema.ts';

/** PAID, and the order's payment for revenue (unless payment.succeeded recorded it first). */
export async function orderPaid(
  event: Envelope<OrderPaidV1>,
  ctx: DashboardHandlerContext<DashboardDatabase>,
): Promise<void> {
  const { orderId, total, paidAt } = event.data;
  await applyOrderStatus(ctx.tx, orderId, 'PAID', paidAt);
  await recordPayment(ctx.tx, orderId, total, paidAt);
}
