import type { OrderFailedV1 } from '@kada/contracts/events.ts';
import type { DashboardHandlerContext } from '@kada/contracts/services/dashboard/index.ts';
import type { Envelope } from '@kada/runtime';
import { applyOrderStatus } from '../db/read-model.ts';
import type { DashboardDatabase } from '../db/schema.ts';

export async function orderFailed(
  event: Envelope<OrderFailedV1>,
  ctx: DashboardHandlerContext<DashboardDatabase>,
): Promise<void> {
  await applyOrderStatus(ctx.tx, event.data.orderId, 'FAILED', event.data.failedAt);
}
