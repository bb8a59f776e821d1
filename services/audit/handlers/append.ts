import type { AuditHandlerContext } from '@kada/contracts/services/audit/index.ts';
import type { Envelope } from '@kada/runtime';
import type { AuditDatabase } from '../db/schema.ts';
import { maskEventData } from '../masking/mask.ts';
import type { EmailPaths } from '../masking/schema-formats.ts';

/**
 * Appends one event to the log, its data masked. Inserts only: there is no update or delete of
 * audit rows anywhere in this service. An event id already logged is ignored (the inbox already
 * drops redeliveries; this also covers the same event reaching audit twice by another path): one
 * `insert … select … where not exists` statement, portable to every dialect, instead of a select
 * and then an insert (a round trip fewer for each of the ~7 events of a checkout).
 */
export function appendToLog(emailPaths: EmailPaths) {
  return async (event: Envelope<unknown>, ctx: AuditHandlerContext<AuditDatabase>): Promise<void> => {
    const routingKey = `${event.eventType}.v${event.version}`;
    const data = maskEventData(event.data, event.eventType, routingKey, emailPaths);
    const inserted = await ctx.tx
      .insertInto('audit_log')
      .columns([
        'event_id',
        'event_type',
        'version',
        'producer',
        'correlation_id',
        'causation_id',
        'occurred_at',
        'received_at',
        'data',
      ])
      .expression(
        ctx.tx
          .selectNoFrom((eb) => [
            eb.cast<string>(eb.val(event.eventId), 'varchar(64)').as('event_id'),
            eb.cast<string>(eb.val(event.eventType), 'varchar(200)').as('event_type'),
            eb.cast<number>(eb.val(event.version), 'integer').as('version'),
            eb.cast<string>(eb.val(event.producer), 'varchar(200)').as('producer'),
            eb.cast<string>(eb.val(event.correlationId), 'varchar(128)').as('correlation_id'),
            eb.cast<string | null>(eb.val(event.causationId ?? null), 'varchar(128)').as('causation_id'),
            eb
              .cast<string>(eb.val(new Date(event.occurredAt).toISOString()), 'varchar(32)')
              .as('occurred_at'),
            eb.cast<string>(eb.val(new Date().toISOString()), 'varchar(32)').as('received_at'),
            eb.val(JSON.stringify(data)).as('data'),
          ])
          .where(({ not, exists, selectFrom }) =>
            not(exists(selectFrom('audit_log').select('event_id').where('event_id', '=', event.eventId))),
          ),
      )
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0)
      ctx.log.debug({ eventId: event.eventId }, 'event already in the audit log');
  };
}
