import { notify } from '../delivery/notify.ts';
import { recipientOf } from '../delivery/recipients.ts';
import { formatTime } from '../delivery/templates.ts';
import type { NotificationHandlersWithDeps } from './index.ts';

/**
 * Emails the verification link. The token, opened with this service's private seal key, goes into the email only,
 * never into a log.
 */
export const userEmailVerificationRequestedV2: NotificationHandlersWithDeps['userEmailVerificationRequestedV2'] =
  async (event, ctx, deps) => {
    const { userId, email, sealedToken, expiresAt } = event.data;
    const { erased, contact } = await recipientOf(deps, ctx, userId, { needContact: false });
    if (erased) return;
    // Sealed by auth for this service alone, bound to the event type and user; a tampered or moved one throws.
    const token = await deps.linkTokens.open(sealedToken, `user.email_verification_requested:${userId}`);
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
