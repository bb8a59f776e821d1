import { notify } from '../delivery/notify.ts';
import { recipientOf } from '../delivery/recipients.ts';
import { formatTime } from '../delivery/templates.ts';
import type { NotificationHandlersWithDeps } from './index.ts';

/** A sign-in from a new device: email (with device and IP) and a push. */
export const userLoginAlertV1: NotificationHandlersWithDeps['userLoginAlertV1'] = async (
  event,
  ctx,
  deps,
) => {
  const { userId, email, ip, userAgent, loggedInAt } = event.data;
  const { erased, contact } = await recipientOf(deps, ctx, userId, { needContact: false });
  if (erased) return;
  await notify(deps, ctx, {
    userId,
    template: 'user.login_alert',
    priority: 'normal',
    channels: ['email', 'push'],
    email,
    phone: null,
    vars: {
      name: contact?.name,
      loggedInAt: formatTime(loggedInAt),
      device: userAgent ? `"${userAgent.slice(0, 160)}"` : 'an unknown device',
      ip,
    },
  });
};
