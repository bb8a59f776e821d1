import { notify } from '../delivery/notify.ts';
import type { NotificationHandlersWithDeps } from './index.ts';

/** Keeps the contact copy (email, name) and sends the welcome email. */
export const userRegisteredV1: NotificationHandlersWithDeps['userRegisteredV1'] = async (
  event,
  ctx,
  deps,
) => {
  const { userId, email, name } = event.data;
  const erased = await ctx.tx
    .selectFrom('erased_users')
    .select('user_id')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (erased) {
    ctx.log.info({ userId }, 'user.registered for an erased user; not stored');
    return;
  }
  const now = new Date().toISOString();
  const updated = await ctx.tx
    .updateTable('contacts')
    .set({ email, name, updated_at: now })
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    await ctx.tx
      .insertInto('contacts')
      .values({ user_id: userId, email, name, phone: null, updated_at: now })
      .execute();
  }
  await notify(deps, ctx, {
    userId,
    template: 'user.registered',
    priority: 'normal',
    channels: ['email'],
    email,
    phone: null,
    vars: { name },
  });
};
