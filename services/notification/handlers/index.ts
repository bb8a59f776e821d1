import type { NotificationHandlers } from '@kada/contracts/services/notification/index.ts';
import type { NotificationDatabase } from '../db/schema.ts';
import type { NotificationDeps } from '../delivery/notify.ts';
import { orderFailed } from './order-failed.ts';
import { orderPaid } from './order-paid.ts';
import { paymentFailed } from './payment-failed.ts';
import { userDeleted } from './user-deleted.ts';
import { userEmailVerificationRequested } from './user-email-verification-requested.ts';
import { userLocked } from './user-locked.ts';
import { userLoginAlert } from './user-login-alert.ts';
import { userPasswordResetRequested } from './user-password-reset-requested.ts';
import { userRegistered } from './user-registered.ts';

/**
 * The generated NotificationHandlers interface, one method per received event. The generated
 * registration puts order.paid, order.failed and payment.failed on queue `notification.priority`
 * (its own consumer), the account events on queue `notification`.
 */
export function createNotificationHandlers(
  deps: NotificationDeps,
): NotificationHandlers<NotificationDatabase> {
  return {
    userRegisteredV1: (event, ctx) => userRegistered(deps, event, ctx),
    userEmailVerificationRequestedV1: (event, ctx) => userEmailVerificationRequested(deps, event, ctx),
    userPasswordResetRequestedV1: (event, ctx) => userPasswordResetRequested(deps, event, ctx),
    userLoginAlertV1: (event, ctx) => userLoginAlert(deps, event, ctx),
    userLockedV1: (event, ctx) => userLocked(deps, event, ctx),
    userDeletedV1: (event, ctx) => userDeleted(deps, event, ctx),
    orderPaidV1: (event, ctx) => orderPaid(deps, event, ctx),
    orderFailedV1: (event, ctx) => orderFailed(deps, event, ctx),
    paymentFailedV1: (event, ctx) => paymentFailed(deps, event, ctx),
  };
}
