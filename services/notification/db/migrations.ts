import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The notification service's migrations (Kysely schema builder only: the same on SQLite, PostgreSQL
 * and SQL Server). Bounded varchar everywhere a column is keyed or indexed; SQL Server cannot index text.
 */
export const migrations: Record<string, Migration> = {
  '0001_notification': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('contacts')
        .addColumn('user_id', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('email', 'varchar(254)', (col) => col.notNull())
        .addColumn('name', 'varchar(200)', (col) => col.notNull())
        .addColumn('phone', 'varchar(32)')
        .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
        .execute();
      await db.schema
        .createTable('erased_users')
        .addColumn('user_id', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('erased_at', 'varchar(32)', (col) => col.notNull())
        .execute();
      await db.schema
        .createTable('notifications')
        .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('user_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('channel', 'varchar(16)', (col) => col.notNull())
        .addColumn('template', 'varchar(100)', (col) => col.notNull())
        .addColumn('event_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('priority', 'varchar(16)', (col) => col.notNull())
        .addColumn('status', 'varchar(16)', (col) => col.notNull())
        .addColumn('provider', 'varchar(50)')
        .addColumn('error', 'varchar(200)')
        .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
        .execute();
      // The rate limit counts a user's recent notifications.
      await db.schema
        .createIndex('notifications_user_created')
        .on('notifications')
        .columns(['user_id', 'created_at'])
        .execute();
      await db.schema
        .createTable('delivery_log')
        .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('notification_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('user_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('channel', 'varchar(16)', (col) => col.notNull())
        .addColumn('template', 'varchar(100)', (col) => col.notNull())
        .addColumn('provider', 'varchar(50)', (col) => col.notNull())
        .addColumn('status', 'varchar(16)', (col) => col.notNull())
        .addColumn('error', 'varchar(1000)')
        .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('delivery_log_notification')
        .on('delivery_log')
        .column('notification_id')
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('delivery_log').execute();
      await db.schema.dropTable('notifications').execute();
      await db.schema.dropTable('erased_users').execute();
      await db.schema.dropTable('contacts').execute();
    },
  },
};
