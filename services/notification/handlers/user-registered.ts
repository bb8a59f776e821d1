import type { UserRegisteredV1 } from '@kada/contracts/events.ts';
import type { Envelope } from '@kada/runtime';
import { type Ctx, type NotificationDeps, notify } from '../delivery/notify.ts';

/** Keeps the contact copy (email, name) and sends the welcome email. */
export async function userRegistered(
  deps: NotificationDeps,
  event: Envelope<UserRegisteredV1>,
  ctx: Ctx,
): Promise<void> {
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
}
