import { type Kysely, MssqlAdapter, sql } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The append-only log table (no `down`: the log is never dropped by a migration). Event data can be
 * long: `nvarchar(max)` on SQL Server, `text` elsewhere.
 */
export const migrations: Record<string, Migration> = {
  '0001_audit_log': {
    async up(db: Kysely<unknown>): Promise<void> {
      const longText = db.getExecutor().adapter instanceof MssqlAdapter ? sql`nvarchar(max)` : sql`text`;
      await db.schema
        .createTable('audit_log')
        .addColumn('event_id', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('event_type', 'varchar(200)', (col) => col.notNull())
        .addColumn('version', 'integer', (col) => col.notNull())
        .addColumn('producer', 'varchar(200)', (col) => col.notNull())
        .addColumn('correlation_id', 'varchar(128)', (col) => col.notNull())
        .addColumn('causation_id', 'varchar(128)')
        .addColumn('occurred_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('received_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('data', longText, (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('audit_log_correlation')
        .on('audit_log')
        .columns(['correlation_id', 'occurred_at'])
        .execute();
      await db.schema
        .createIndex('audit_log_type')
        .on('audit_log')
        .columns(['event_type', 'occurred_at'])
        .execute();
    },
  },
};
