import type { ContactsTable, NotificationChannel } from '../db/schema.ts';
import { type Ctx, type NotificationDeps, type NotifyRequest, notify } from './notify.ts';
import type { TemplateKey, TemplateVars } from './templates.ts';

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

/** A message to a user by id: their contact copy supplies the name, the phone and, unless given, the address. */
export interface UserMessage {
  userId: string;
  template: TemplateKey;
  priority: NotifyRequest['priority'];
  channels: readonly NotificationChannel[];
  /** Also by SMS when a phone number is on file. */
  smsWhenPhone?: boolean;
  /** The address the event carries; without it the contact copy's, waited for when email is a channel. */
  email?: string;
  /** The template's variables besides `name`. */
  vars?: TemplateVars;
}

/** Notifies a user (see {@link notify}) unless they were erased; see {@link recipientOf} for the contact copy. */
export async function notifyUser(deps: NotificationDeps, ctx: Ctx, message: UserMessage): Promise<void> {
  const { userId, email, channels } = message;
  const needContact = email === undefined && channels.includes('email');
  const { erased, contact } = await recipientOf(deps, ctx, userId, { needContact });
  if (erased) return;
  const phone = contact?.phone ?? null;
  await notify(deps, ctx, {
    userId,
    template: message.template,
    priority: message.priority,
    channels: message.smsWhenPhone && phone ? [...channels, 'sms'] : channels,
    email: email ?? contact?.email ?? null,
    phone,
    vars: { name: contact?.name, ...message.vars },
  });
}
