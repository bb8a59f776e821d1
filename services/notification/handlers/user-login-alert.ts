import { notifyUser } from '../delivery/recipients.ts';
import { formatTime } from '../delivery/templates.ts';
import type { NotificationHandlersWithDeps } from './index.ts';

/** A sign-in from a new device: email (with device and IP) and a push. */
export const userLoginAlertV1: NotificationHandlersWithDeps['userLoginAlertV1'] = async (
  event,
  ctx,
  deps,
) => {
  const { userId, email, ip, userAgent, loggedInAt } = event.data;
  await notifyUser(deps, ctx, {
    userId,
    template: 'user.login_alert',
    priority: 'normal',
    channels: ['email', 'push'],
    email,
    vars: {
      loggedInAt: formatTime(loggedInAt),
      device: userAgent ? `"${userAgent.slice(0, 160)}"` : 'an unknown device',
      ip,
    },
  });
};
