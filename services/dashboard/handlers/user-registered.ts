import type { UserRegisteredV1 } from '@kada/contracts/events.ts';
import type { DashboardHandlerContext } from '@kada/contracts/services/dashboard/index.ts';
import type { Envelope } from '@kada/runtime';
import { countSignupDay, dayOf } from '../db/read-model.ts';
import type { DashboardDatabase } from '../db/schema.ts';

/** Counts the signup on its day, by role. Nothing about the user is stored. */
export async function userRegistered(
  event: Envelope<UserRegisteredV1>,
  ctx: DashboardHandlerContext<DashboardDatabase>,
): Promise<void> {
  const { role, registeredAt } = event.data;
  await countSignupDay(ctx.tx, dayOf(registeredAt), role === 'seller' ? 'sellers' : 'buyers');
}
