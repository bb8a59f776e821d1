import type { OrderHandlerContext } from '@kada/contracts/services/order/index.ts';
import type { Envelope } from '@kada/runtime';
import type { OrderDatabase, OrderFailureReason } from '../db/schema.ts';
import { isTerminal, leavePending, orderFor, recordHistory } from './saga.ts';

/**
 * PENDING_PAYMENT -> FAILED with a reason, and order.failed (stock releases its reservation). An
 * order that already ended keeps its state; the event is recorded as not applied.
 */
export async function failOrder(
  ctx: OrderHandlerContext<OrderDatabase>,
  event: Envelope<unknown>,
  orderId: string,
  reason: OrderFailureReason,
  detail: string | null,
): Promise<void> {
  const { tx, log, publish } = ctx;
  const order = await orderFor(tx, orderId, event);
  if (isTerminal(order.status)) {
    log.info(
      { orderId, status: order.status, eventType: event.eventType },
      'order already ended; recorded, not applied',
    );
    await recordHistory(tx, orderId, event, false, `order already ${order.status}`);
    return;
  }
  const now = new Date().toISOString();
  await leavePending(tx, orderId, { status: 'FAILED', failure_reason: reason, failure_detail: detail }, now);
  await publish.orderFailedV1(
    { orderId, userId: order.user_id, reason, detail, failedAt: now },
    { orderingKey: orderId },
  );
  await recordHistory(tx, orderId, event, true);
  log.info({ orderId, reason }, 'order failed');
}
