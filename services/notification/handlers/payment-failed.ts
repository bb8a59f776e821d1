import { notify } from '../delivery/notify.ts';
import { recipientOf } from '../delivery/recipients.ts';
import { formatMoney, orderRef } from '../delivery/templates.ts';
import type { NotificationHandlersWithDeps } from './index.ts';

/** A declined payment (queue notification.priority): email, and SMS when a phone number is on file. */
export const paymentFailedV1: NotificationHandlersWithDeps['paymentFailedV1'] = async (event, ctx, deps) => {
  const { orderId, userId, amount, message } = event.data;
  const { erased, contact } = await recipientOf(deps, ctx, userId, { needContact: true });
  if (erased) return;
  await notify(deps, ctx, {
    userId,
    template: 'payment.failed',
    priority: 'high',
    channels: contact?.phone ? ['email', 'sms'] : ['email'],
    email: contact?.email ?? null,
    phone: contact?.phone ?? null,
    vars: { name: contact?.name, orderRef: orderRef(orderId), amount: formatMoney(amount), message },
  });
};
