import type { OrderFailedV1 } from '@kada/contracts/events.ts';
import { notify } from '../delivery/notify.ts';
import { recipientOf } from '../delivery/recipients.ts';
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
  const emailToo = reason !== 'PAYMENT_FAILED';
  const { erased, contact } = await recipientOf(deps, ctx, userId, { needContact: emailToo });
  if (erased) return;
  await notify(deps, ctx, {
    userId,
    template: 'order.failed',
    priority: 'high',
    channels: emailToo ? ['email', 'push'] : ['push'],
    email: contact?.email ?? null,
    phone: contact?.phone ?? null,
    vars: { name: contact?.name, orderRef: orderRef(orderId), reason: reasons[reason] },
  });
};
