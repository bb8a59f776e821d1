import { createTables } from '@kada/service-kit';
import type { Migration } from 'kysely/migration';

/**
 * The append-only log table (no `down`: the log is never dropped by a migration). Event data can be
 * long: `longtext` (`nvarchar(max)` on SQL Server, `text` elsewhere).
 */
export const migrations: Record<string, Migration> = {
  '0001_audit_log': {
    up: createTables({
      audit_log: {
        columns: {
          event_id: 'varchar(64) primary key',
          event_type: 'varchar(200) not null',
          version: 'integer not null',
          producer: 'varchar(200) not null',
          correlation_id: 'varchar(128) not null',
          causation_id: 'varchar(128)',
          occurred_at: 'varchar(32) not null',
          received_at: 'varchar(32) not null',
          data: 'longtext not null',
        },
        indexes: {
          audit_log_correlation: ['correlation_id', 'occurred_at'],
          audit_log_type: ['event_type', 'occurred_at'],
        },
      },
    }).up,
  },
};
