import type { UserHandlers } from '@kada/contracts/services/user/index.ts';
import type { UserDatabase } from '../db/schema.ts';
import { userDeletedV1 } from './user-deleted.ts';
import { userRegisteredV1 } from './user-registered.ts';

/** Every event the user service receives (the generated interface makes a missing one a compile error). */
export const handlers: UserHandlers<UserDatabase> = { userRegisteredV1, userDeletedV1 };
