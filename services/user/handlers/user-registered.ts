import type { UserHandlers } from '@kada/contracts/services/user/index.ts';
import type { UserDatabase } from '../db/schema.ts';

/**
 * user.registered -> a profile with the name, email and role; phone and address start empty. A replay, or a
 * registration of a user already erased (user.deleted overtook it), changes nothing.
 */
export const userRegisteredV1: UserHandlers<UserDatabase>['userRegisteredV1'] = async (
  event,
  { tx, log },
) => {
  const { userId, email, name, role, registeredAt } = event.data;
  const erased = await tx
    .selectFrom('erased_users')
    .select('user_id')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (erased) {
    log.info({ userId }, 'user.registered for an erased user; no profile created');
    return;
  }
  const existing = await tx
    .selectFrom('profiles')
    .select('user_id')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (existing) return;
  await tx
    .insertInto('profiles')
    .values({
      user_id: userId,
      email,
      name,
      role,
      phone: null,
      address: null,
      created_at: registeredAt,
      updated_at: registeredAt,
    })
    .execute();
};
