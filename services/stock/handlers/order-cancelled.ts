import type { StockHandlers } from '@kada/contracts/services/stock/index.ts';
import type { StockDatabase } from '../db/schema.ts';
import { releaseReservation } from './release.ts';

/** The order was cancelled: give the units back unless they were already sold. */
export const orderCancelledV1: StockHandlers<StockDatabase>['orderCancelledV1'] = (event, ctx) =>
  releaseReservation(ctx, event.data, 'ORDER_CANCELLED');
