import type { NotificationHandlers } from '@kada/contracts/services/notification/index.ts';
import { type HandlersWithDeps, withDeps } from '@kada/service-kit';
import type { NotificationDatabase } from '../db/schema.ts';
import type { NotificationDeps } from '../delivery/notify.ts';
import { orderFailedV1 } from './order-failed.ts';
import { orderPaidV1 } from './order-paid.ts';
import { paymentFailedV1 } from './payment-failed.ts';
import { userDeletedV1 } from './user-deleted.ts';
import { userEmailVerificationRequestedV2 } from './user-email-verification-requested.ts';
import { userLockedV1 } from './user-locked.ts';
import { userLoginAlertV1 } from './user-login-alert.ts';
import { userPasswordResetRequestedV2 } from './user-password-reset-requested.ts';
import { userRegisteredV1 } from './user-registered.ts';

export type NotificationHandlersWithDeps = HandlersWithDeps<
  NotificationHandlers<NotificationDatabase>,
  NotificationDeps
>;

/**
 * The generated NotificationHandlers interface, one handler per received event, each also given the
 * delivery dependencies. The generated registration puts order.paid, order.failed and payment.failed
 * on queue `notification.priority` (its own consumer), the account events on queue `notification`.
 */
export const notificationHandlers: NotificationHandlersWithDeps = {
  userRegisteredV1,
  userEmailVerificationRequestedV2,
  userPasswordResetRequestedV2,
  userLoginAlertV1,
  userLockedV1,
  userDeletedV1,
  orderPaidV1,
  orderFailedV1,
  paymentFailedV1,
};

/** The handlers with the delivery config, providers and link token opener bound, for registerNotificationConsumers. */
export function createNotificationHandlers(
  deps: NotificationDeps,
): NotificationHandlers<NotificationDatabase> {
  return withDeps<NotificationHandlers<NotificationDatabase>, NotificationDeps>(notificationHandlers, deps);
}
