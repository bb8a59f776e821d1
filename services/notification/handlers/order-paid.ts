import { notifyUser } from '../delivery/recipients.ts';
import { formatMoney, formatTime, orderRef } from '../delivery/templates.ts';
import type { NotificationHandlersWithDeps } from './index.ts';

/** Order confirmation (queue notification.priority): email and push. */
export const orderPaidV1: NotificationHandlersWithDeps['orderPaidV1'] = async (event, ctx, deps) => {
  const { orderId, userId, total, paidAt } = event.data;
  await notifyUser(deps, ctx, {
    userId,
    template: 'order.paid',
    priority: 'high',
    channels: ['email', 'push'],
    vars: {
      orderRef: orderRef(orderId),
      total: formatMoney(total),
      paidAt: paidAt ? formatTime(paidAt) : undefined,
    },
  });
};
