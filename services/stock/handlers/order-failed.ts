import type { StockHandlers } from '@kada/contracts/services/stock/index.ts';
import type { StockDatabase } from '../db/schema.ts';
import { releaseReservation } from './release.ts';

/** The saga failed (declined payment, timeout...): give the units back. */
export const orderFailedV1: StockHandlers<StockDatabase>['orderFailedV1'] = (event, ctx) =>
  releaseReservation(ctx, event.data, 'ORDER_FAILED');
