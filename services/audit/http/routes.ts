import { asyncRoute, requireAuth, type ServiceContext, validationError } from '@kada/service-kit';
import type { Express } from 'express';
import type { AuditDatabase } from '../db/schema.ts';

/**
 * GET /audit/events?correlationId=…[&limit=…] (admin): the log entries of one flow, oldest first.
 * Internal (no OpenAPI contract yet, so the gateway does not route it).
 */
export function auditRoutes(app: Express, ctx: ServiceContext<AuditDatabase>): void {
  app.get(
    '/audit/events',
    requireAuth(ctx, ['admin']),
    asyncRoute(async (req, res) => {
      const { correlationId, limit: limitParam } = req.query;
      const errors = [];
      if (typeof correlationId !== 'string' || correlationId.length < 1 || correlationId.length > 128) {
        errors.push({ parameter: 'correlationId', detail: 'is required: 1 to 128 characters' });
      }
      const limit = limitParam === undefined ? 100 : Number(limitParam);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
        errors.push({ parameter: 'limit', detail: 'must be an integer from 1 to 500' });
      }
      if (errors.length > 0 || typeof correlationId !== 'string') throw validationError(errors);
      const rows = await ctx.db
        .selectFrom('audit_log')
        .selectAll()
        .where('correlation_id', '=', correlationId)
        .orderBy('occurred_at')
        .orderBy('event_id')
        .limit(limit)
        .execute();
      res.json({
        items: rows.map((row) => ({
          eventId: row.event_id,
          eventType: row.event_type,
          version: Number(row.version),
          producer: row.producer,
          correlationId: row.correlation_id,
          causationId: row.causation_id,
          occurredAt: row.occurred_at,
          receivedAt: row.received_at,
          data: JSON.parse(row.data) as unknown,
        })),
      });
    }),
  );
}
