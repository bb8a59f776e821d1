import { createTables } from '@kada/service-kit';
import type { Migration } from 'kysely/migration';

/**
 * The notification service's migrations (Kysely schema builder only: the same on SQLite, PostgreSQL
 * and SQL Server). Bounded varchar everywhere a column is keyed or indexed; SQL Server cannot index text.
 */
export const migrations: Record<string, Migration> = {
  '0001_notification': createTables({
    contacts: {
      columns: {
        user_id: 'varchar(64) primary key',
        email: 'varchar(254) not null',
        name: 'varchar(200) not null',
        phone: 'varchar(32)',
        updated_at: 'varchar(32) not null',
      },
    },
    erased_users: {
      columns: { user_id: 'varchar(64) primary key', erased_at: 'varchar(32) not null' },
    },
    notifications: {
      columns: {
        id: 'varchar(64) primary key',
        user_id: 'varchar(64) not null',
        channel: 'varchar(16) not null',
        template: 'varchar(100) not null',
        event_id: 'varchar(64) not null',
        priority: 'varchar(16) not null',
        status: 'varchar(16) not null',
        provider: 'varchar(50)',
        error: 'varchar(200)',
        created_at: 'varchar(32) not null',
        updated_at: 'varchar(32) not null',
      },
      // The rate limit counts a user's recent notifications.
      indexes: { notifications_user_created: ['user_id', 'created_at'] },
    },
    delivery_log: {
      columns: {
        id: 'varchar(64) primary key',
        notification_id: 'varchar(64) not null',
        user_id: 'varchar(64) not null',
        channel: 'varchar(16) not null',
        template: 'varchar(100) not null',
        provider: 'varchar(50) not null',
        status: 'varchar(16) not null',
        error: 'varchar(1000)',
        created_at: 'varchar(32) not null',
      },
      indexes: { delivery_log_notification: ['notification_id'] },
    },
  }),
};
