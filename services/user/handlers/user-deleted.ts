import type { UserHandlers } from '@kada/contracts/services/user/index.ts';
import { revokeSubject } from '@kada/service-kit';
import type { UserDatabase } from '../db/schema.ts';

/** user.deleted -> GDPR erasure: the profile row goes; the id is remembered so a late user.registered stays out. */
export const userDeletedV1: UserHandlers<UserDatabase>['userDeletedV1'] = async (event, { tx, log }) => {
  const { userId, deletedAt } = event.data;
  await revokeSubject(tx, userId);
  const removed = await tx.deleteFrom('profiles').where('user_id', '=', userId).executeTakeFirst();
  const known = await tx
    .selectFrom('erased_users')
    .select('user_id')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!known) await tx.insertInto('erased_users').values({ user_id: userId, erased_at: deletedAt }).execute();
  log.info({ userId, erased: Number(removed.numDeletedRows) }, 'profile erased');
};
