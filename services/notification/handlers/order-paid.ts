import { notify } from '../delivery/notify.ts';
import { recipientOf } from '../delivery/recipients.ts';
import { formatMoney, formatTime, orderRef } from '../delivery/templates.ts';
import type { NotificationHandlersWithDeps } from './index.ts';

/** Order confirmation (queue notification.priority): email and push. */
export const orderPaidV1: NotificationHandlersWithDeps['orderPaidV1'] = async (event, ctx, deps) => {
  const { orderId, userId, total, paidAt } = event.data;
  const { erased, contact } = await recipientOf(deps, ctx, userId, { needContact: true });
  if (erased) return;
  await notify(deps, ctx, {
    userId,
    template: 'order.paid',
    priority: 'high',
    channels: ['email', 'push'],
    email: contact?.email ?? null,
    phone: contact?.phone ?? null,
    vars: {
      name: contact?.name,
      orderRef: orderRef(orderId),
      total: formatMoney(total),
      paidAt: paidAt ? formatTime(paidAt) : undefined,
    },
  });
};
