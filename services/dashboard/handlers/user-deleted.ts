import type { UserDeletedV1 } from '@kada/contracts/events.ts';
import type { DashboardHandlerContext } from '@kada/contracts/services/dashboard/index.ts';
import type { Envelope } from '@kada/runtime';
import { revokeSubject } from '@kada/service-kit';
import { countSignupDay, dayOf, isErased } from '../db/read-model.ts';
import type { DashboardDatabase } from '../db/schema.ts';

/**
 * GDPR erase: a deleted seller's order lines go (their user id is the only personal reference the
 * dashboard holds); platform-wide order and revenue totals stay, anonymous. Counts the deletion.
 */
export async function userDeleted(
  event: Envelope<UserDeletedV1>,
  ctx: DashboardHandlerContext<DashboardDatabase>,
): Promise<void> {
  const { userId, deletedAt } = event.data;
  const { tx } = ctx;
  await revokeSubject(tx, userId);
  const erased = await tx.deleteFrom('dash_order_sellers').where('seller_id', '=', userId).executeTakeFirst();
  if (!(await isErased(tx, userId))) {
    await tx
      .insertInto('dash_erased_users')
      .values({ user_id: userId, erased_at: new Date().toISOString() })
      .execute();
  }
  await countSignupDay(tx, dayOf(deletedAt), 'deleted');
  ctx.log.info({ userId, sellerRowsErased: Number(erased.numDeletedRows) }, 'user personal data erased');
}
