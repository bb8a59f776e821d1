import type { ContactsTable } from '../db/schema.ts';
import type { Ctx, NotificationDeps } from './notify.ts';

/** Thrown to have the broker redeliver later: the user's contact copy has not arrived yet. */
export class ContactNotYetKnownError extends Error {
  constructor() {
    super('no contact on file for the user yet (user.registered not seen); retrying later');
    this.name = 'ContactNotYetKnownError';
  }
}

export type Contact = Pick<ContactsTable, 'email' | 'name' | 'phone'>;

/**
 * The user's contact copy. `undefined` with `erased: true` when the user was deleted (send nothing).
 * When the contact is unknown and the event still has deliveries left to wait, throws
 * {@link ContactNotYetKnownError} so the message is retried (user.registered travels on another queue
 * and may be late); after that the caller records a recipient failure.
 */
export async function recipientOf(
  deps: NotificationDeps,
  ctx: Ctx,
  userId: string,
  options: { needContact: boolean },
): Promise<{ erased: boolean; contact: Contact | undefined }> {
  const erased = await ctx.tx
    .selectFrom('erased_users')
    .select('user_id')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (erased) return { erased: true, contact: undefined };
  const contact = await ctx.tx
    .selectFrom('contacts')
    .select(['email', 'name', 'phone'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!contact && options.needContact && ctx.attempt < deps.config.contactWaitAttempts) {
    throw new ContactNotYetKnownError();
  }
  return { erased: false, contact };
}
