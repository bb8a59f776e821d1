import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type NotificationFailedV1,
  type NotificationSentV1,
  orderFailedV1Event,
  orderPaidV1Event,
  paymentFailedV1Event,
  userDeletedV1Event,
  userLoginAlertV1Event,
  userPasswordResetRequestedV2Event,
  userRegisteredV1Event,
} from '@kada/contracts/events.ts';
import {
  type NotificationHandlers,
  registerNotificationConsumers,
} from '@kada/contracts/services/notification/index.ts';
import type { ConsumerDefinition, ServiceRuntime } from '@kada/runtime';
import { uuidv7 } from '@kada/runtime';
import { createLinkTokenOpener, openToken, sealToken } from '@kada/service-kit';
import {
  type ConsumerHarness,
  consumerHarness,
  dialects,
  envelopeOf,
  type TestDatabase,
  testDatabase,
} from '@kada/service-kit/testing.ts';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from '../db/migrations.ts';
import type { NotificationDatabase } from '../db/schema.ts';
import { loadNotificationConfig, type NotificationConfig } from '../delivery/config.ts';
import { notificationId } from '../delivery/notify.ts';
import { createProviders } from '../delivery/providers.ts';
import { ContactNotYetKnownError } from '../delivery/recipients.ts';
import { createNotificationHandlers } from '../handlers/index.ts';

type Handlers = NotificationHandlers<NotificationDatabase>;

/** The .eml with its quoted-printable parts decoded, for assertions on the text. */
function readEml(file: string): string {
  const raw = readFileSync(file, 'utf8').replace(/=\r?\n/g, '');
  return Buffer.from(
    raw.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
}

describe.each(dialects)('notification handlers on %s', (dialect) => {
  let testDb: TestDatabase<NotificationDatabase>;
  let dir: string;

  const sealKeys = generateKeyPairSync('x25519');
  beforeAll(async () => {
    testDb = await testDatabase<NotificationDatabase>(dialect, { name: 'notification', migrations });
  });
  afterAll(async () => {
    await testDb.destroy();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kada-notify-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  /** The service's handlers on a config of this test's own, delivered to through the generated registration. */
  async function setup(
    overrides: Partial<NotificationConfig> = {},
    replace: (handlers: Handlers) => Partial<Handlers> = () => ({}),
  ): Promise<{ notification: ConsumerHarness; config: NotificationConfig }> {
    const config: NotificationConfig = {
      ...loadNotificationConfig({}),
      outboxDir: join(dir, 'outbox'),
      fallbackDir: join(dir, 'outbox-fallback'),
      deliveryLogFile: join(dir, 'deliveries.log'),
      ...overrides,
    };
    const handlers = createNotificationHandlers({
      config,
      providers: createProviders(config),
      linkTokens,
    });
    const notification = await consumerHarness('notification', testDb.db, (rt) =>
      registerNotificationConsumers(rt, { ...handlers, ...replace(handlers) }),
    );
    return { notification, config };
  }

  /** Notification's opener, holding this test's private seal key (main.ts binds the one from config). */
  const linkTokens = {
    open: async (sealedToken: string, context: string) =>
      openToken(sealKeys.privateKey, sealedToken, context),
  };

  /** Auth's side: the token sealed to this test's notification key, bound to the event type and user. */
  const sealed = (token: string, userId: string, eventType = 'user.password_reset_requested') =>
    sealToken(sealKeys.publicKey, token, `${eventType}:${userId}`);

  const registered = (userId = uuidv7(), email = 'jane.doe@example.com') =>
    envelopeOf(userRegisteredV1Event, {
      userId,
      email,
      name: 'Jane Doe',
      role: 'buyer' as const,
      registeredAt: new Date().toISOString(),
    });

  const paid = (userId: string, orderId = uuidv7()) =>
    envelopeOf(orderPaidV1Event, {
      orderId,
      userId,
      sellerIds: [uuidv7()],
      total: { amount: 5248, currency: 'USD' },
      paymentIntentId: 'pi_3Ptest',
      paidAt: '2025-06-12T14:00:09Z',
    });

  const dump = async (userId: string): Promise<string> =>
    JSON.stringify([
      await testDb.db.selectFrom('notifications').selectAll().where('user_id', '=', userId).execute(),
      await testDb.db.selectFrom('delivery_log').selectAll().where('user_id', '=', userId).execute(),
    ]);

  it('keeps the contact from user.registered and writes the welcome email to the outbox folder', async () => {
    const { notification, config } = await setup();
    const event = registered();
    await notification.deliver(event);

    const contact = await testDb.db
      .selectFrom('contacts')
      .selectAll()
      .where('user_id', '=', event.data.userId)
      .executeTakeFirstOrThrow();
    expect(contact).toMatchObject({ email: 'jane.doe@example.com', name: 'Jane Doe', phone: null });

    const id = notificationId(event.eventId, 'email');
    const eml = readEml(join(config.outboxDir, `${id}.eml`));
    expect(eml).toContain('To: jane.doe@example.com');
    expect(eml).toContain('Subject: Welcome to Kada Mandiya');
    expect(eml).toContain('Hello Jane Doe,');
    expect(eml).toContain('text/html');

    const sent = notification.of<NotificationSentV1>('notification.sent');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.data).toMatchObject({
      notificationId: id,
      userId: event.data.userId,
      channel: 'email',
      template: 'user.registered',
      provider: 'file',
    });
    expect(sent[0]?.causationId).toBe(event.eventId);
    const log = await testDb.db
      .selectFrom('delivery_log')
      .selectAll()
      .where('notification_id', '=', id)
      .execute();
    expect(log.map((row) => [row.provider, row.status])).toEqual([['file', 'sent']]);
  });

  it('confirms a paid order by email and push, at high priority, without personal data in its tables', async () => {
    const { notification, config } = await setup();
    const user = registered();
    await notification.deliver(user);
    const event = paid(user.data.userId);
    await notification.deliver(event);

    const rows = await testDb.db
      .selectFrom('notifications')
      .selectAll()
      .where('event_id', '=', event.eventId)
      .orderBy('channel')
      .execute();
    expect(rows.map((row) => [row.channel, row.template, row.status, row.priority, row.provider])).toEqual([
      ['email', 'order.paid', 'sent', 'high', 'file'],
      ['push', 'order.paid', 'sent', 'high', 'push-a'],
    ]);
    const eml = readEml(join(config.outboxDir, `${notificationId(event.eventId, 'email')}.eml`));
    expect(eml).toContain('$52.48');
    expect(notification.of('notification.sent').map((e) => e.data)).toHaveLength(3);
    const line = JSON.parse(readFileSync(config.deliveryLogFile, 'utf8').trim());
    expect(line).toMatchObject({ provider: 'push-a', channel: 'push', template: 'order.paid' });

    const stored = await dump(user.data.userId);
    expect(stored).not.toContain('jane.doe@example.com');
    expect(stored).not.toContain('Jane Doe');
  });

  it('does not duplicate a message when the delivery is retried after a crash', async () => {
    let crash = true;
    const { notification, config } = await setup({}, (handlers) => ({
      async orderPaidV1(e, ctx) {
        await handlers.orderPaidV1(e, ctx);
        if (crash) throw new Error('process died before commit');
      },
    }));
    const user = registered();
    await notification.deliver(user);
    const event = paid(user.data.userId);
    await expect(notification.deliver(event)).rejects.toThrow('process died');
    crash = false;
    expect(notification.of('notification.sent')).toHaveLength(1); // the welcome email only
    await notification.deliver(event, { attempt: 2 });

    const files = readdirSync(config.outboxDir).filter((f) => f.endsWith('.eml'));
    expect(files.sort()).toEqual(
      [
        `${notificationId(user.eventId, 'email')}.eml`,
        `${notificationId(event.eventId, 'email')}.eml`,
      ].sort(),
    );
    const rows = await testDb.db
      .selectFrom('notifications')
      .select('id')
      .where('event_id', '=', event.eventId)
      .execute();
    expect(rows).toHaveLength(2);
    expect(notification.of('notification.sent')).toHaveLength(3);
  });

  it('falls back to the second email provider when the first fails, and logs both attempts', async () => {
    const { notification, config } = await setup({ failProviders: ['file'] });
    const event = registered();
    await notification.deliver(event);

    const id = notificationId(event.eventId, 'email');
    expect(existsSync(join(config.outboxDir, `${id}.eml`))).toBe(false);
    expect(existsSync(join(config.fallbackDir, `${id}.eml`))).toBe(true);
    const log = await testDb.db
      .selectFrom('delivery_log')
      .select(['provider', 'status', 'error'])
      .where('notification_id', '=', id)
      .orderBy('status')
      .execute();
    expect(log.map((row) => [row.provider, row.status])).toEqual([
      ['file', 'failed'],
      ['file-fallback', 'sent'],
    ]);
    expect(log[0]?.error).toContain('UNAVAILABLE');
    expect(notification.of<NotificationSentV1>('notification.sent')[0]?.data.provider).toBe('file-fallback');
  });

  it('emits notification.failed with the provider error when every provider fails', async () => {
    const { notification } = await setup({ failProviders: ['file', 'file-fallback'] });
    const event = registered();
    await notification.deliver(event);

    const failed = notification.of<NotificationFailedV1>('notification.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.data.error).toEqual({
      kind: 'provider',
      provider: 'file-fallback',
      code: 'UNAVAILABLE',
      message: 'file-fallback is unavailable (injected failure)',
      retryable: true,
    });
    const row = await testDb.db
      .selectFrom('notifications')
      .select(['status', 'error'])
      .where('id', '=', notificationId(event.eventId, 'email'))
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'failed', error: 'PROVIDERS_FAILED' });
    expect(notification.of('notification.sent')).toHaveLength(0);
  });

  it('skips notifications over the per-user hourly limit and says so with notification.failed', async () => {
    const { notification } = await setup({ rateLimitPerHour: 2 });
    const userId = uuidv7();
    const reset = () =>
      envelopeOf(userPasswordResetRequestedV2Event, {
        userId,
        email: 'jane.doe@example.com',
        sealedToken: sealed('tok_'.padEnd(43, 'x'), userId),
        expiresAt: '2030-01-01T00:00:00Z',
      });
    const events = [reset(), reset(), reset()];
    for (const event of events) await notification.deliver(event);

    const statuses = await testDb.db
      .selectFrom('notifications')
      .select(['event_id', 'status'])
      .where('user_id', '=', userId)
      .execute();
    const byEvent = new Map(statuses.map((row) => [row.event_id, row.status]));
    expect(events.map((e) => byEvent.get(e.eventId))).toEqual(['sent', 'sent', 'skipped']);
    const failed = notification.of<NotificationFailedV1>('notification.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.data.error).toMatchObject({
      kind: 'provider',
      provider: 'rate-limit',
      code: 'RATE_LIMITED',
    });
    const skipped = await testDb.db
      .selectFrom('delivery_log')
      .select(['provider', 'status'])
      .where('notification_id', '=', notificationId(events[2]?.eventId ?? '', 'email'))
      .execute();
    expect(skipped).toEqual([{ provider: 'rate-limit', status: 'skipped' }]);
  });

  it('puts the reset token in the email only, never in its tables', async () => {
    const { notification, config } = await setup();
    const userId = uuidv7();
    const token = 'SECRET_reset_token_'.padEnd(48, 'Z');
    const event = envelopeOf(userPasswordResetRequestedV2Event, {
      userId,
      email: 'jane.doe@example.com',
      sealedToken: sealed(token, userId),
      expiresAt: '2030-01-01T00:00:00Z',
    });
    await notification.deliver(event);
    const eml = readEml(join(config.outboxDir, `${notificationId(event.eventId, 'email')}.eml`));
    expect(eml).toContain(`reset-password?token=${token}`);
    expect(await dump(userId)).not.toContain(token);
    expect(JSON.stringify(notification.emitted)).not.toContain(token);
  });

  it('refuses a sealed token that was moved to another user or event, or altered, and mails nothing', async () => {
    const { notification, config } = await setup();
    const userId = uuidv7();
    const token = 'SECRET_moved_token_'.padEnd(48, 'Q');
    const otherUser = sealed(token, uuidv7());
    const otherEvent = sealed(token, userId, 'user.email_verification_requested');
    const good = sealed(token, userId);
    const altered = `${good.slice(0, 60)}${good[60] === 'A' ? 'B' : 'A'}${good.slice(61)}`;
    for (const sealedToken of [otherUser, otherEvent, altered]) {
      const event = envelopeOf(userPasswordResetRequestedV2Event, {
        userId,
        email: 'jane.doe@example.com',
        sealedToken,
        expiresAt: '2030-01-01T00:00:00Z',
      });
      await expect(notification.deliver(event)).rejects.toThrow();
      expect(existsSync(join(config.outboxDir, `${notificationId(event.eventId, 'email')}.eml`))).toBe(false);
    }
  });

  it('waits for the contact on early deliveries, then fails with a recipient error', async () => {
    const { notification } = await setup({ contactWaitAttempts: 3 });
    const event = paid(uuidv7());
    await expect(notification.deliver(event, { attempt: 1 })).rejects.toBeInstanceOf(ContactNotYetKnownError);
    expect(notification.emitted).toHaveLength(0);
    await notification.deliver(event, { attempt: 3 });
    const failed = notification.of<NotificationFailedV1>('notification.failed');
    expect(failed.map((e) => [e.data.channel, e.data.error])).toEqual([
      ['email', { kind: 'recipient', field: 'email', message: 'No email on file for the user.' }],
    ]);
    // Push needs no contact and still goes out.
    expect(notification.of<NotificationSentV1>('notification.sent').map((e) => e.data.channel)).toEqual([
      'push',
    ]);
  });

  it('texts a declined payment through the second SMS provider when the first fails', async () => {
    const { notification, config } = await setup({ failProviders: ['sim-a'] });
    const user = registered();
    await notification.deliver(user);
    await testDb.db
      .updateTable('contacts')
      .set({ phone: '+6281234567890' })
      .where('user_id', '=', user.data.userId)
      .execute();
    const event = envelopeOf(paymentFailedV1Event, {
      orderId: uuidv7(),
      userId: user.data.userId,
      paymentIntentId: 'pi_3Pdecl',
      amount: { amount: 1250, currency: 'USD' },
      declineCode: 'insufficient_funds',
      message: 'Your card has insufficient funds.',
      failedAt: new Date().toISOString(),
    });
    await notification.deliver(event);
    const sent = notification
      .of<NotificationSentV1>('notification.sent')
      .filter((e) => e.data.template === 'payment.failed');
    expect(sent.map((e) => [e.data.channel, e.data.provider])).toEqual([
      ['email', 'file'],
      ['sms', 'sim-b'],
    ]);
    const line = readFileSync(config.deliveryLogFile, 'utf8');
    expect(line).toContain('+62*******7890');
    expect(line).not.toContain('+6281234567890');
  });

  it('sends only a push for order.failed after a declined payment, email and push otherwise', async () => {
    const { notification } = await setup();
    const user = registered();
    await notification.deliver(user);
    const failed = (reason: 'PAYMENT_FAILED' | 'OUT_OF_STOCK') =>
      envelopeOf(orderFailedV1Event, {
        orderId: uuidv7(),
        userId: user.data.userId,
        reason,
        detail: null,
        failedAt: new Date().toISOString(),
      });
    const declined = failed('PAYMENT_FAILED');
    const outOfStock = failed('OUT_OF_STOCK');
    await notification.deliver(declined);
    await notification.deliver(outOfStock);
    const channels = async (eventId: string) =>
      (
        await testDb.db
          .selectFrom('notifications')
          .select('channel')
          .where('event_id', '=', eventId)
          .orderBy('channel')
          .execute()
      ).map((row) => row.channel);
    expect(await channels(declined.eventId)).toEqual(['push']);
    expect(await channels(outOfStock.eventId)).toEqual(['email', 'push']);
  });

  it('erases the contact and stored emails on user.deleted and sends nothing afterwards', async () => {
    const { notification, config } = await setup();
    const user = registered();
    await notification.deliver(user);
    const alert = envelopeOf(userLoginAlertV1Event, {
      userId: user.data.userId,
      email: user.data.email,
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0',
      loggedInAt: new Date().toISOString(),
    });
    await notification.deliver(alert);
    expect(readdirSync(config.outboxDir)).toHaveLength(2);

    await notification.deliver(
      envelopeOf(userDeletedV1Event, {
        userId: user.data.userId,
        deletedAt: new Date().toISOString(),
        reason: 'USER_REQUEST',
      }),
    );
    const contact = await testDb.db
      .selectFrom('contacts')
      .select('user_id')
      .where('user_id', '=', user.data.userId)
      .executeTakeFirst();
    expect(contact).toBeUndefined();
    expect(readdirSync(config.outboxDir)).toHaveLength(0);

    const before = notification.emitted.length;
    await notification.deliver(paid(user.data.userId));
    await notification.deliver(registered(user.data.userId));
    expect(notification.emitted.length).toBe(before);
    const again = await testDb.db
      .selectFrom('contacts')
      .select('user_id')
      .where('user_id', '=', user.data.userId)
      .executeTakeFirst();
    expect(again).toBeUndefined();
  });
});

describe('notification consumer registration', () => {
  it('consumes order and payment messages on their own queue, notification.priority', async () => {
    const defs: ConsumerDefinition[] = [];
    const rt = {
      consume: async (def: ConsumerDefinition) => {
        defs.push(def);
        return { queue: def.policy.queue, stop: async () => undefined };
      },
    } as unknown as ServiceRuntime;
    const config = loadNotificationConfig({});
    await registerNotificationConsumers(
      rt,
      createNotificationHandlers({
        config,
        providers: createProviders(config),
        linkTokens: createLinkTokenOpener(config.sealPrivateKeyFile),
      }),
    );
    const routes = Object.fromEntries(
      defs.map((def) => [def.policy.queue, def.routes.map((route) => route.descriptor.routingKey).sort()]),
    );
    expect(routes['notification.priority']).toEqual([
      'order.failed.v1',
      'order.paid.v1',
      'payment.failed.v1',
    ]);
    expect(routes.notification).toEqual([
      'user.deleted.v1',
      'user.email_verification_requested.v2',
      'user.locked.v1',
      'user.login_alert.v1',
      'user.password_reset_requested.v2',
      'user.registered.v1',
    ]);
  });
});
