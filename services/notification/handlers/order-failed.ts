import type { OrderFailedV1 } from '@kada/contracts/events.ts';
import { notifyUser } from '../delivery/recipients.ts';
import { orderRef } from '../delivery/templates.ts';
import type { NotificationHandlersWithDeps } from './index.ts';

const reasons: Record<OrderFailedV1['reason'], string> = {
  PAYMENT_FAILED: 'the payment was declined',
  OUT_OF_STOCK: 'some items are out of stock',
  CANCELLED_BY_USER: 'it was cancelled',
  PAYMENT_TIMEOUT: 'the payment was not completed in time',
};

/**
 * The order could not be completed (queue notification.priority): email and push. When the cause
 * is a declined payment, payment.failed already emailed the buyer, so only the push goes out.
 */
export const orderFailedV1: NotificationHandlersWithDeps['orderFailedV1'] = async (event, ctx, deps) => {
  const { orderId, userId, reason } = event.data;
  await notifyUser(deps, ctx, {
    userId,
    template: 'order.failed',
    priority: 'high',
    channels: reason === 'PAYMENT_FAILED' ? ['push'] : ['email', 'push'],
    vars: { orderRef: orderRef(orderId), reason: reasons[reason] },
  });
};
