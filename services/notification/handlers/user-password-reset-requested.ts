import type { NotificationHandlersWithDeps } from './index.ts';
import { emailLink } from './link-email.ts';

/** Emails the password reset link (see emailLink). */
export const userPasswordResetRequestedV2: NotificationHandlersWithDeps['userPasswordResetRequestedV2'] = (
  event,
  ctx,
  deps,
) =>
  emailLink(
    { eventType: 'user.password_reset_requested', path: 'reset-password', urlVar: 'resetUrl' },
    event,
    ctx,
    deps,
  );
