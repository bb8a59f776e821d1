import { createTables } from '@kada/service-kit';
import type { Migration } from 'kysely/migration';

/** The user service's migrations (Kysely schema builder only: SQLite, PostgreSQL and SQL Server). */
export const migrations: Record<string, Migration> = {
  '0001_profiles': createTables({
    profiles: {
      columns: {
        user_id: 'varchar(36) primary key',
        email: 'varchar(254) not null',
        name: 'varchar(200) not null',
        role: 'varchar(16) not null',
        phone: 'varchar(16)',
        address: 'text',
        created_at: 'varchar(32) not null',
        updated_at: 'varchar(32) not null',
      },
    },
    erased_users: { columns: { user_id: 'varchar(36) primary key', erased_at: 'varchar(32) not null' } },
  }),
};
