import { notify } from '../delivery/notify.ts';
import { recipientOf } from '../delivery/recipients.ts';
import { formatTime } from '../delivery/templates.ts';
import type { NotificationHandlersWithDeps } from './index.ts';

/**
 * Emails the password reset link. The token, opened with this service's private seal key, goes into the email only,
 * never into a log.
 */
export const userPasswordResetRequestedV2: NotificationHandlersWithDeps['userPasswordResetRequestedV2'] =
  async (event, ctx, deps) => {
    const { userId, email, sealedToken, expiresAt } = event.data;
    const { erased, contact } = await recipientOf(deps, ctx, userId, { needContact: false });
    if (erased) return;
    // Sealed by auth for this service alone, bound to the event type and user; a tampered or moved one throws.
    const token = await deps.linkTokens.open(sealedToken, `user.password_reset_requested:${userId}`);
    await notify(deps, ctx, {
      userId,
      template: 'user.password_reset_requested',
      priority: 'normal',
      channels: ['email'],
      email,
      phone: null,
      vars: {
        name: contact?.name,
        resetUrl: `${deps.config.appUrl}/reset-password?token=${encodeURIComponent(token)}`,
        expiresAt: formatTime(expiresAt),
      },
    });
  };
