import {
  notificationFailedV1Event,
  orderCreatedV1Event,
  userLoginAlertV1Event,
  userPasswordResetRequestedV2Event,
  userRegisteredV1Event,
} from '@kada/contracts/events.ts';
import { type AuditHandlerContext, registerAuditConsumers } from '@kada/contracts/services/audit/index.ts';
import { createLogger, uuidv7 } from '@kada/runtime';
import { dialects, envelopeOf, serviceTest } from '@kada/service-kit/testing.ts';
import { describe, expect, it } from 'vitest';
import { migrations } from '../db/migrations.ts';
import type { AuditDatabase } from '../db/schema.ts';
import { createAuditHandlers } from '../handlers/index.ts';

describe.each(dialects)('audit handlers on %s', (dialect) => {
  const audit = serviceTest<AuditDatabase>(dialect, {
    name: 'audit',
    migrations,
    per: 'suite',
    consumers: (rt) => registerAuditConsumers(rt, createAuditHandlers()),
  });

  const orderCreated = () =>
    envelopeOf(orderCreatedV1Event, {
      orderId: uuidv7(),
      userId: uuidv7(),
      items: [
        {
          productId: uuidv7(),
          sellerId: uuidv7(),
          name: 'Ceylon tea, 500 g',
          quantity: 2,
          unitPrice: { amount: 1999, currency: 'USD' },
          lineTotal: { amount: 3998, currency: 'USD' },
        },
      ],
      total: { amount: 3998, currency: 'USD' },
      paymentMethodId: 'pm_card_visa',
      createdAt: '2025-06-12T14:00:00Z',
    });

  const row = (eventId: string) =>
    audit.db.selectFrom('audit_log').selectAll().where('event_id', '=', eventId).executeTakeFirstOrThrow();

  it('logs the envelope facts and masks the personal data of user.registered', async () => {
    const event = envelopeOf(
      userRegisteredV1Event,
      {
        userId: uuidv7(),
        email: 'jane.doe@example.com',
        name: 'Jane Doe',
        role: 'seller' as const,
        registeredAt: '2025-06-12T14:00:00Z',
      },
      { producer: 'auth', causationId: uuidv7() },
    );
    await audit.deliver(event);
    const stored = await row(event.eventId);
    expect(stored).toMatchObject({
      event_type: 'user.registered',
      producer: 'auth',
      correlation_id: event.correlationId,
      causation_id: event.causationId,
      occurred_at: new Date(event.occurredAt).toISOString(),
    });
    expect(Number(stored.version)).toBe(1);
    expect(JSON.parse(stored.data)).toEqual({
      userId: event.data.userId,
      email: 'j***@example.com',
      name: 'J*** D***',
      role: 'seller',
      registeredAt: '2025-06-12T14:00:00Z',
    });
    expect(audit.emitted).toHaveLength(0);
  });

  it('never stores a token, an IP or a user agent in clear', async () => {
    const token = 'SECRETtokenSECRETtokenSECRETtoken_42'.padEnd(120, 'x');
    const reset = envelopeOf(userPasswordResetRequestedV2Event, {
      userId: uuidv7(),
      email: 'jane.doe@example.com',
      sealedToken: token,
      expiresAt: '2030-01-01T00:00:00Z',
    });
    const alert = envelopeOf(userLoginAlertV1Event, {
      userId: uuidv7(),
      email: 'jane.doe@example.com',
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
      loggedInAt: '2025-06-12T14:00:00Z',
    });
    await audit.deliver(reset);
    await audit.deliver(alert);
    expect(JSON.parse((await row(reset.eventId)).data)).toMatchObject({ sealedToken: '[redacted]' });
    expect(JSON.parse((await row(alert.eventId)).data)).toMatchObject({
      ip: '203.0.x.x',
      userAgent: '[masked]',
      email: 'j***@example.com',
    });
    const everything = JSON.stringify(await audit.db.selectFrom('audit_log').selectAll().execute());
    for (const secret of [token, '203.0.113.7', 'Mozilla', 'jane.doe@'])
      expect(everything).not.toContain(secret);
  });

  it('keeps business data such as product names and amounts as they are', async () => {
    const event = orderCreated();
    await audit.deliver(event);
    expect(JSON.parse((await row(event.eventId)).data)).toEqual(event.data);
  });

  it('ignores a second copy of an event id and keeps the first', async () => {
    const data = {
      notificationId: uuidv7(),
      userId: uuidv7(),
      channel: 'push' as const,
      template: 'user.login_alert',
      error: { kind: 'recipient' as const, field: 'deviceToken' as const, message: 'No device.' },
      failedAt: '2025-06-04T21:03:20Z',
    };
    const first = envelopeOf(notificationFailedV1Event, data);
    await audit.deliver(first);
    await audit.deliver({ ...first, producer: 'someone-else' });
    const rows = await audit.db
      .selectFrom('audit_log')
      .selectAll()
      .where('event_id', '=', first.eventId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.producer).toBe('test');
  });

  it('ignores an event id already in the log when the handler itself sees it twice (not only the inbox)', async () => {
    const event = orderCreated();
    const handlers = createAuditHandlers();
    const log = createLogger('audit-test');
    for (const producer of ['order', 'someone-else'])
      await audit.db.transaction().execute((tx) =>
        handlers.orderCreatedV1({ ...event, producer }, {
          tx,
          log,
          attempt: 1,
          envelope: event,
        } as unknown as AuditHandlerContext<AuditDatabase>),
      );
    const rows = await audit.db
      .selectFrom('audit_log')
      .selectAll()
      .where('event_id', '=', event.eventId)
      .execute();
    expect(rows.map((r) => r.producer)).toEqual(['order']);
  });
});
