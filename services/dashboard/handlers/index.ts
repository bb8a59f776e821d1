import type { DashboardHandlers } from '@kada/contracts/services/dashboard/index.ts';
import type { DashboardDatabase } from '../db/schema.ts';
import { orderCancelled } from './order-cancelled.ts';
import { orderCreated } from './order-created.ts';
import { orderFailed } from './order-failed.ts';
import { orderPaid } from './order-paid.ts';
import { paymentRefunded } from './payment-refunded.ts';
import { paymentSucceeded } from './payment-succeeded.ts';
import { userDeleted } from './user-deleted.ts';
import { userRegistered } from './user-registered.ts';

/** The generated DashboardHandlers interface: one handler per received event. */
export const handlers: DashboardHandlers<DashboardDatabase> = {
  orderCreatedV1: orderCreated,
  orderPaidV1: orderPaid,
  orderFailedV1: orderFailed,
  orderCancelledV1: orderCancelled,
  paymentSucceededV1: paymentSucceeded,
  paymentRefundedV1: paymentRefunded,
  userRegisteredV1: userRegistered,
  userDeletedV1: userDeleted,
};
