import type { ProductHandlers } from '@kada/contracts/services/product/index.ts';
import type { ProductDatabase } from '../db/schema.ts';
import { userDeletedV1 } from './user-deleted.ts';

/** Every event the product service receives (the generated interface makes a missing one a compile error). */
export const handlers: ProductHandlers<ProductDatabase> = { userDeletedV1 };
