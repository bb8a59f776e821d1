import type { OrderHandlers } from '@kada/contracts/services/order/index.ts';
import type { OrderDatabase } from '../db/schema.ts';
import { paymentFailedV1 } from './payment-failed.ts';
import { paymentIntentCreatedV1 } from './payment-intent-created.ts';
import { paymentSucceededV1 } from './payment-succeeded.ts';
import { productCreatedV1 } from './product-created.ts';
import { productUpdatedV1 } from './product-updated.ts';
import { stockRejectedV1 } from './stock-rejected.ts';
import { userDeletedV1 } from './user-deleted.ts';

/** Every event order receives, one handler each (the generated interface checks the set). */
export const orderHandlers: OrderHandlers<OrderDatabase> = {
  paymentFailedV1,
  paymentIntentCreatedV1,
  paymentSucceededV1,
  productCreatedV1,
  productUpdatedV1,
  stockRejectedV1,
  userDeletedV1,
};
