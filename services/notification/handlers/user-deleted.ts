import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { NotificationHandlersWithDeps } from './index.ts';

/**
 * GDPR erase: drops the contact copy, remembers the user as erased (so nothing is sent to them
 * again and a late user.registered is ignored) and deletes the stored .eml files addressed to them.
 * The notification and delivery rows hold no personal data and stay, for the record.
 */
export const userDeletedV1: NotificationHandlersWithDeps['userDeletedV1'] = async (event, ctx, deps) => {
  const { userId } = event.data;
  await ctx.tx.deleteFrom('contacts').where('user_id', '=', userId).execute();
  const erased = await ctx.tx
    .selectFrom('erased_users')
    .select('user_id')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!erased) {
    await ctx.tx
      .insertInto('erased_users')
      .values({ user_id: userId, erased_at: new Date().toISOString() })
      .execute();
  }
  const emails = await ctx.tx
    .selectFrom('notifications')
    .select('id')
    .where('user_id', '=', userId)
    .where('channel', '=', 'email')
    .execute();
  for (const { id } of emails) {
    for (const dir of [deps.config.outboxDir, deps.config.fallbackDir]) {
      await rm(join(dir, `${id}.eml`), { force: true });
    }
  }
  ctx.log.info({ userId, emailsErased: emails.length }, 'user personal data erased');
};
