import { type Generated, type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import { KadaError } from '../errors.ts';
import type { AnySchema, SqlDialect } from '../types.ts';

/** The inbox: one row per (consumer queue, event) handled; written in the handler's transaction. */
export interface ProcessedEventsTable {
  consumer: string;
  event_id: string;
  event_type: string;
  /** Unix milliseconds. */
  processed_at: number | string;
}

/** The outbox: events written in the caller's transaction and relayed to the broker in `id` order. */
export interface OutboxTable {
  id: Generated<number | string>;
  event_id: string;
  ordering_key: string | null;
  exchange: string;
  routing_key: string;
  event_type: string;
  correlation_id: string;
  producer: string;
  body: string;
  /** JSON object of AMQP headers (traceparent, x-kada-version, the caller's). */
  headers: string;
  /** Unix milliseconds (the event's occurredAt). */
  created_at: number | string;
  sent_at: number | string | null;
  attempts: Generated<number>;
  last_error: string | null;
}

export interface RuntimeTables {
  processed_events: ProcessedEventsTable;
  outbox: OutboxTable;
}

/** Migration bookkeeping of the runtime's own tables, apart from the service's migrations. */
export const RUNTIME_MIGRATION_TABLE = 'kada_runtime_migration';
export const RUNTIME_MIGRATION_LOCK_TABLE = 'kada_runtime_migration_lock';

/** Long text: `text` is deprecated on SQL Server. */
function longText(dialect: SqlDialect) {
  return dialect === 'mssql' ? sql`nvarchar(max)` : sql`text`;
}

/**
 * The runtime's migrations, one schema for the three dialects; only the auto-increment key and the
 * long-text type differ. Timestamps are Unix milliseconds in `bigint` columns, so lag arithmetic is
 * the same everywhere.
 */
export function runtimeMigrations(dialect: SqlDialect): Record<string, Migration> {
  return {
    '0001_inbox_outbox': {
      async up(db: Kysely<AnySchema>): Promise<void> {
        await db.schema
          .createTable('processed_events')
          .addColumn('consumer', 'varchar(200)', (col) => col.notNull())
          .addColumn('event_id', 'varchar(64)', (col) => col.notNull())
          .addColumn('event_type', 'varchar(200)', (col) => col.notNull())
          .addColumn('processed_at', 'bigint', (col) => col.notNull())
          .addPrimaryKeyConstraint('processed_events_pk', ['consumer', 'event_id'])
          .execute();
        await db.schema
          .createIndex('processed_events_processed_at')
          .on('processed_events')
          .column('processed_at')
          .execute();
        await db.schema
          .createTable('outbox')
          .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigint', (col) => {
            if (dialect === 'sqlite') return col.primaryKey().autoIncrement();
            if (dialect === 'mssql') return col.primaryKey().identity();
            return col.primaryKey().generatedAlwaysAsIdentity();
          })
          .addColumn('event_id', 'varchar(64)', (col) => col.notNull().unique())
          .addColumn('ordering_key', 'varchar(200)')
          .addColumn('exchange', 'varchar(255)', (col) => col.notNull())
          .addColumn('routing_key', 'varchar(255)', (col) => col.notNull())
          .addColumn('event_type', 'varchar(200)', (col) => col.notNull())
          .addColumn('correlation_id', 'varchar(64)', (col) => col.notNull())
          .addColumn('producer', 'varchar(200)', (col) => col.notNull())
          .addColumn('body', longText(dialect), (col) => col.notNull())
          .addColumn('headers', longText(dialect), (col) => col.notNull())
          .addColumn('created_at', 'bigint', (col) => col.notNull())
          .addColumn('sent_at', 'bigint')
          .addColumn('attempts', 'integer', (col) => col.notNull().defaultTo(0))
          .addColumn('last_error', 'varchar(1000)')
          .execute();
        await db.schema.createIndex('outbox_unsent').on('outbox').columns(['sent_at', 'id']).execute();
      },
      async down(db: Kysely<AnySchema>): Promise<void> {
        await db.schema.dropTable('outbox').execute();
        await db.schema.dropTable('processed_events').execute();
      },
    },
  };
}

/** Creates or upgrades `processed_events` and `outbox` (idempotent; safe from several processes). */
export async function migrateRuntimeTables(db: Kysely<AnySchema>, dialect: SqlDialect): Promise<void> {
  const migrations = runtimeMigrations(dialect);
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: RUNTIME_MIGRATION_TABLE,
    migrationLockTableName: RUNTIME_MIGRATION_LOCK_TABLE,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new KadaError('KADA_DATABASE', `runtime migration ${failed ?? ''} failed: ${String(error)}`, {
      cause: error,
    });
  }
}
