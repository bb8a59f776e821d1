import type { UserLockedV1 } from '@kada/contracts/events.ts';
import { notifyUser } from '../delivery/recipients.ts';
import { formatTime } from '../delivery/templates.ts';
import type { NotificationHandlersWithDeps } from './index.ts';

const reasons: Record<UserLockedV1['reason'], string> = {
  TOO_MANY_FAILED_LOGINS: 'too many failed sign-in attempts',
  SUSPICIOUS_ACTIVITY: 'suspicious activity',
  ADMIN_ACTION: 'by an administrator',
};

/** Tells the user their account is locked: email, and SMS when a phone number is on file. */
export const userLockedV1: NotificationHandlersWithDeps['userLockedV1'] = async (event, ctx, deps) => {
  const { userId, email, reason, lockedUntil } = event.data;
  await notifyUser(deps, ctx, {
    userId,
    template: 'user.locked',
    priority: 'normal',
    channels: ['email'],
    smsWhenPhone: true,
    email,
    vars: {
      reason: reasons[reason],
      until: lockedUntil
        ? `It unlocks by itself at ${formatTime(lockedUntil)}.`
        : 'An administrator has to unlock it; contact support.',
    },
  });
};
