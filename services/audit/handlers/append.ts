import type { AuditHandlerContext } from '@kada/contracts/services/audit/index.ts';
import type { Envelope } from '@kada/runtime';
import type { AuditDatabase } from '../db/schema.ts';
import { maskEventData } from '../masking/mask.ts';
import type { EmailPaths } from '../masking/schema-formats.ts';

/**
 * Appends one event to the log, its data masked. Inserts only: there is no update or delete of
 * audit rows anywhere in this service. An event id already logged is ignored (the inbox already
 * drops redeliveries; this also covers the same event reaching audit twice by another path).
 */
export function appendToLog(emailPaths: EmailPaths) {
  return async (event: Envelope<unknown>, ctx: AuditHandlerContext<AuditDatabase>): Promise<void> => {
    const existing = await ctx.tx
      .selectFrom('audit_log')
      .select('event_id')
      .where('event_id', '=', event.eventId)
      .executeTakeFirst();
    if (existing) {
      ctx.log.debug({ eventId: event.eventId }, 'event already in the audit log');
      return;
    }
    const routingKey = `${event.eventType}.v${event.version}`;
    const data = maskEventData(event.data, event.eventType, routingKey, emailPaths);
    await ctx.tx
      .insertInto('audit_log')
      .values({
        event_id: event.eventId,
        event_type: event.eventType,
        version: event.version,
        producer: event.producer,
        correlation_id: event.correlationId,
        causation_id: event.causationId,
        occurred_at: new Date(event.occurredAt).toISOString(),
        received_at: new Date().toISOString(),
        data: JSON.stringify(data),
      })
      .execute();
  };
}
