import { notify } from '../delivery/notify.ts';
import { recipientOf } from '../delivery/recipients.ts';
import { formatTime } from '../delivery/templates.ts';
import type { NotificationHandlersWithDeps } from './index.ts';

/** Emails the verification link. The token goes into the email only, never into a log. */
export const userEmailVerificationRequestedV1: NotificationHandlersWithDeps['userEmailVerificationRequestedV1'] =
  async (event, ctx, deps) => {
    const { userId, email, token, expiresAt } = event.data;
    const { erased, contact } = await recipientOf(deps, ctx, userId, { needContact: false });
    if (erased) return;
    await notify(deps, ctx, {
      userId,
      template: 'user.email_verification_requested',
      priority: 'normal',
      channels: ['email'],
      email,
      phone: null,
      vars: {
        name: contact?.name,
        verifyUrl: `${deps.config.appUrl}/verify-email?token=${encodeURIComponent(token)}`,
        expiresAt: formatTime(expiresAt),
      },
    });
  };
