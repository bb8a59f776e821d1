import type { NotificationHandlersWithDeps } from './index.ts';
import { emailLink } from './link-email.ts';

/** Emails the verification link (see emailLink). */
export const userEmailVerificationRequestedV2: NotificationHandlersWithDeps['userEmailVerificationRequestedV2'] =
  (event, ctx, deps) =>
    emailLink(
      { eventType: 'user.email_verification_requested', path: 'verify-email', urlVar: 'verifyUrl' },
      event,
      ctx,
      deps,
    );
