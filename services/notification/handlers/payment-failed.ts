import { notifyUser } from '../delivery/recipients.ts';
import { formatMoney, orderRef } from '../delivery/templates.ts';
import type { NotificationHandlersWithDeps } from './index.ts';

/** A declined payment (queue notification.priority): email, and SMS when a phone number is on file. */
export const paymentFailedV1: NotificationHandlersWithDeps['paymentFailedV1'] = async (event, ctx, deps) => {
  const { orderId, userId, amount, message } = event.data;
  await notifyUser(deps, ctx, {
    userId,
    template: 'payment.failed',
    priority: 'high',
    channels: ['email'],
    smsWhenPhone: true,
    vars: { orderRef: orderRef(orderId), amount: formatMoney(amount), message },
  });
};
