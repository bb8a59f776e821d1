import type { OrderPaidV1 } from '@kada/contracts/services/notification/index.ts';
import type { Envelope } from '@kada/runtime';
import { type Ctx, type NotificationDeps, notify } from '../delivery/notify.ts';
import { recipientOf } from '../delivery/recipients.ts';
import { formatMoney, formatTime, orderRef } from '../delivery/templates.ts';

/** Order confirmation (queue notification.priority): email and push. */
export async function orderPaid(
  deps: NotificationDeps,
  event: Envelope<OrderPaidV1>,
  ctx: Ctx,
): Promise<void> {
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
}
