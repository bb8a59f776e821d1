import type { AuditHandlers } from '@kada/contracts/services/audit/index.ts';
import { revokeSubject } from '@kada/service-kit';
import type { AuditDatabase } from '../db/schema.ts';
import { type EmailPaths, loadEmailPaths } from '../masking/schema-formats.ts';
import { appendToLog } from './append.ts';

/**
 * The generated AuditHandlers interface. Every event gets the same treatment (append, masked), so
 * the handlers share one implementation instead of one file each; the interface still makes a
 * missing or misspelled event fail to compile.
 */
export function createAuditHandlers(emailPaths: EmailPaths = loadEmailPaths()): AuditHandlers<AuditDatabase> {
  const append = appendToLog(emailPaths);
  return {
    userRegisteredV1: append,
    userEmailVerificationRequestedV2: append,
    userPasswordResetRequestedV2: append,
    userLoginAlertV1: append,
    userLockedV1: append,
    userUnlockedV1: append,
    userTwoFactorEnabledV1: append,
    userTwoFactorDisabledV1: append,
    // An administrator's account deleted at auth: its tokens stop working here too.
    userDeletedV1: async (event, ctx) => {
      await revokeSubject(ctx.tx, event.data.userId);
      await append(event, ctx);
    },
    productCreatedV1: append,
    productUpdatedV1: append,
    orderCreatedV1: append,
    orderPaidV1: append,
    orderFailedV1: append,
    orderHeldV1: append,
    orderCancelledV1: append,
    stockReservedV1: append,
    stockRejectedV1: append,
    stockReleasedV1: append,
    paymentIntentCreatedV1: append,
    paymentSucceededV1: append,
    paymentFailedV1: append,
    paymentRefundedV1: append,
    paymentCancelledV1: append,
    notificationSentV1: append,
    notificationFailedV1: append,
  };
}
