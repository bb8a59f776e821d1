import { createHash, randomUUID } from 'node:crypto';
import type { NotificationFailedV1 } from '@kada/contracts/events.ts';
import type { NotificationHandlerContext } from '@kada/contracts/services/notification/index.ts';
import type { NotificationChannel, NotificationDatabase, NotificationStatus } from '../db/schema.ts';
import type { NotificationConfig } from './config.ts';
import { type ProviderChain, ProviderFailure } from './providers.ts';
import {
  RenderError,
  type RenderedMessage,
  render,
  type TemplateKey,
  type TemplateVars,
} from './templates.ts';

/** What every handler needs besides its context: settings, the provider chains and the link token opener. */
export interface NotificationDeps {
  config: NotificationConfig;
  providers: ProviderChain;
  /**
   * Opens the link tokens auth sealed for this service (user.*_requested.v2); main.ts binds
   * createLinkTokenOpener(config.sealPrivateKeyFile), tests an opener of their own key.
   */
  linkTokens: { open(sealedToken: string, context: string): Promise<string> };
  /** The clock (tests move it). */
  now?: () => Date;
}

export type Ctx = NotificationHandlerContext<NotificationDatabase>;

export interface NotifyRequest {
  userId: string;
  template: TemplateKey;
  priority: 'high' | 'normal';
  /** Channels to deliver on, in order. */
  channels: readonly NotificationChannel[];
  /** The address for the email channel (from the event or the contact copy). */
  email: string | null;
  phone: string | null;
  vars: TemplateVars;
}

export interface NotifyOutcome {
  notificationId: string;
  channel: NotificationChannel;
  status: Exclude<NotificationStatus, 'pending'>;
  provider: string | null;
}

type FailureError = NotificationFailedV1['error'];

/** The notification id for (event, channel): a redelivered event maps to the same id (and .eml file). */
export function notificationId(eventId: string, channel: NotificationChannel): string {
  const hex = createHash('sha256').update(`${eventId}/${channel}`).digest('hex');
  // RFC 9562 UUIDv8 (custom): version nibble 8, variant 10xx.
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Delivers one event's message on each requested channel, inside the handler's transaction:
 * rate limit (skip), recipient and template checks (fail), then each provider of the channel in turn
 * (fallback). Every attempt is in the delivery log; the outcome goes out as notification.sent or
 * notification.failed through the outbox. The notification row is written before any provider is
 * called, so a message is only handed over once its record exists.
 */
export async function notify(
  deps: NotificationDeps,
  ctx: Ctx,
  request: NotifyRequest,
): Promise<NotifyOutcome[]> {
  const outcomes: NotifyOutcome[] = [];
  for (const channel of request.channels) {
    outcomes.push(await notifyOnChannel(deps, ctx, request, channel));
  }
  return outcomes;
}

async function notifyOnChannel(
  deps: NotificationDeps,
  ctx: Ctx,
  request: NotifyRequest,
  channel: NotificationChannel,
): Promise<NotifyOutcome> {
  const now = deps.now?.() ?? new Date();
  const id = notificationId(ctx.envelope.eventId, channel);
  const { userId, template } = request;

  const existing = await ctx.tx
    .selectFrom('notifications')
    .select(['status', 'provider'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (existing && existing.status !== 'pending') {
    return { notificationId: id, channel, status: existing.status, provider: existing.provider };
  }

  const base = {
    id,
    user_id: userId,
    channel,
    template,
    event_id: ctx.envelope.eventId,
    priority: request.priority,
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
  };

  // Per-user rate limit over a rolling hour, counted from the notifications actually attempted.
  const since = new Date(now.getTime() - 3_600_000).toISOString();
  const recent = await ctx.tx
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
    .where('user_id', '=', userId)
    .where('created_at', '>=', since)
    .where('status', 'in', ['sent', 'failed'])
    .executeTakeFirstOrThrow();
  if (Number(recent.n) >= deps.config.rateLimitPerHour) {
    await ctx.tx
      .insertInto('notifications')
      .values({ ...base, status: 'skipped', provider: null, error: 'RATE_LIMITED' })
      .execute();
    await logAttempt(ctx, base, 'rate-limit', 'skipped', 'RATE_LIMITED', now);
    return fail(
      ctx,
      base,
      now,
      {
        kind: 'provider',
        provider: 'rate-limit',
        code: 'RATE_LIMITED',
        message: `More than ${deps.config.rateLimitPerHour} notifications in an hour for this user; skipped.`,
        retryable: true,
      },
      'skipped',
    );
  }

  const to = channel === 'email' ? request.email : channel === 'sms' ? request.phone : userId;
  if (!to) {
    await ctx.tx
      .insertInto('notifications')
      .values({ ...base, status: 'failed', provider: null, error: 'NO_RECIPIENT' })
      .execute();
    const field = channel === 'email' ? 'email' : channel === 'sms' ? 'phone' : 'deviceToken';
    return fail(ctx, base, now, { kind: 'recipient', field, message: `No ${field} on file for the user.` });
  }

  let message: RenderedMessage;
  try {
    message = render(template, request.vars);
  } catch (error) {
    if (!(error instanceof RenderError)) throw error;
    await ctx.tx
      .insertInto('notifications')
      .values({ ...base, status: 'failed', provider: null, error: 'RENDER' })
      .execute();
    return fail(ctx, base, now, { kind: 'render', missingVariables: error.missingVariables });
  }

  // The row exists before anything is handed to a provider.
  await ctx.tx
    .insertInto('notifications')
    .values({ ...base, status: 'pending', provider: null, error: null })
    .execute();

  let lastFailure: ProviderFailure | undefined;
  for (const provider of deps.providers[channel]) {
    try {
      await provider.send({ notificationId: id, userId, channel, template, to, message });
    } catch (error) {
      lastFailure =
        error instanceof ProviderFailure
          ? error
          : new ProviderFailure(provider.name, null, 'provider error', true, error);
      await logAttempt(
        ctx,
        base,
        provider.name,
        'failed',
        `${lastFailure.code ?? 'ERROR'}: ${lastFailure.message}`,
        now,
      );
      ctx.log.warn(
        { notificationId: id, channel, template, provider: provider.name, code: lastFailure.code },
        'notification provider failed; trying the next one',
      );
      continue;
    }
    await logAttempt(ctx, base, provider.name, 'sent', null, now);
    await ctx.tx
      .updateTable('notifications')
      .set({ status: 'sent', provider: provider.name, updated_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
    await ctx.publish.notificationSentV1(
      { notificationId: id, userId, channel, template, provider: provider.name, sentAt: now.toISOString() },
      { orderingKey: userId },
    );
    ctx.log.info({ notificationId: id, channel, template, provider: provider.name }, 'notification sent');
    return { notificationId: id, channel, status: 'sent', provider: provider.name };
  }

  await ctx.tx
    .updateTable('notifications')
    .set({ status: 'failed', error: 'PROVIDERS_FAILED', updated_at: now.toISOString() })
    .where('id', '=', id)
    .execute();
  return fail(ctx, base, now, {
    kind: 'provider',
    provider: lastFailure?.provider ?? 'none',
    code: lastFailure?.code ?? null,
    message: lastFailure?.message ?? `No provider is configured for ${channel}.`,
    retryable: lastFailure?.retryable ?? false,
  });
}

interface Base {
  id: string;
  user_id: string;
  channel: NotificationChannel;
  template: string;
}

async function logAttempt(
  ctx: Ctx,
  base: Base,
  provider: string,
  status: 'sent' | 'failed' | 'skipped',
  error: string | null,
  now: Date,
): Promise<void> {
  await ctx.tx
    .insertInto('delivery_log')
    .values({
      id: randomUUID(),
      notification_id: base.id,
      user_id: base.user_id,
      channel: base.channel,
      template: base.template,
      provider,
      status,
      error: error === null ? null : error.slice(0, 1000),
      created_at: now.toISOString(),
    })
    .execute();
}

async function fail(
  ctx: Ctx,
  base: Base,
  now: Date,
  error: FailureError,
  status: 'failed' | 'skipped' = 'failed',
): Promise<NotifyOutcome> {
  await ctx.publish.notificationFailedV1(
    {
      notificationId: base.id,
      userId: base.user_id,
      channel: base.channel,
      template: base.template,
      error,
      failedAt: now.toISOString(),
    },
    { orderingKey: base.user_id },
  );
  ctx.log.warn(
    { notificationId: base.id, channel: base.channel, template: base.template, error: error.kind },
    `notification ${status}`,
  );
  return { notificationId: base.id, channel: base.channel, status, provider: null };
}
