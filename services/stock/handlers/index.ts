import type { StockHandlers } from '@kada/contracts/services/stock/index.ts';
import type { StockDatabase } from '../db/schema.ts';
import { orderCancelledV1 } from './order-cancelled.ts';
import { orderCreatedV1 } from './order-created.ts';
import { orderFailedV1 } from './order-failed.ts';
import { orderPaidV1 } from './order-paid.ts';
import { productCreatedV1 } from './product-created.ts';
import { productUpdatedV1 } from './product-updated.ts';

/** Every event stock receives, one handler each (the generated interface checks the set). */
export const stockHandlers: StockHandlers<StockDatabase> = {
  orderCancelledV1,
  orderCreatedV1,
  orderFailedV1,
  orderPaidV1,
  productCreatedV1,
  productUpdatedV1,
};
