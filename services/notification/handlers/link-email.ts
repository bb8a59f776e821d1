import { notify } from '../delivery/notify.ts';
import { recipientOf } from '../delivery/recipients.ts';
import { formatTime } from '../delivery/templates.ts';
import type { NotificationHandlersWithDeps } from './index.ts';

type Handler = NotificationHandlersWithDeps['userEmailVerificationRequestedV2'];
type Event = Parameters<Handler>[0];
type Ctx = Parameters<Handler>[1];
type Deps = Parameters<Handler>[2];

/** One kind of emailed link: its event type (the template and what the seal is bound to), its page and variable. */
export interface LinkKind {
  readonly eventType: 'user.email_verification_requested' | 'user.password_reset_requested';
  readonly path: string;
  readonly urlVar: 'verifyUrl' | 'resetUrl';
}

/**
 * Emails a link carrying a token. The token, opened with this service's private seal key, goes into
 * the email only, never into a log. Sealed by auth for this service alone and bound to the event type
 * and user: a tampered or moved one throws.
 */
export async function emailLink(kind: LinkKind, event: Event, ctx: Ctx, deps: Deps): Promise<void> {
  const { userId, email, sealedToken, expiresAt } = event.data;
  const { erased, contact } = await recipientOf(deps, ctx, userId, { needContact: false });
  if (erased) return;
  const token = await deps.linkTokens.open(sealedToken, `${kind.eventType}:${userId}`);
  await notify(deps, ctx, {
    userId,
    template: kind.eventType,
    priority: 'normal',
    channels: ['email'],
    email,
    phone: null,
    vars: {
      name: contact?.name,
      [kind.urlVar]: `${deps.config.appUrl}/${kind.path}?token=${encodeURIComponent(token)}`,
      expiresAt: formatTime(expiresAt),
    },
  });
}
