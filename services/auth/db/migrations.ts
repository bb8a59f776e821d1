import { createTables } from '@kada/service-kit';
import type { Migration } from 'kysely/migration';

/** The auth service's migrations (Kysely schema builder only: SQLite, PostgreSQL and SQL Server). */
export const migrations: Record<string, Migration> = {
  '0001_auth': createTables({
    users: {
      columns: {
        id: 'varchar(36) primary key',
        email: 'varchar(254) not null unique',
        name: 'varchar(200) not null',
        role: 'varchar(16) not null',
        password_hash: 'varchar(255) not null',
        email_verified: 'integer not null default 0',
        failed_logins: 'integer not null default 0',
        locked_until: 'varchar(32)',
        created_at: 'varchar(32) not null',
        updated_at: 'varchar(32) not null',
      },
      indexes: { users_locked_until: ['locked_until'] },
    },
    refresh_tokens: {
      columns: {
        id: 'varchar(36) primary key',
        user_id: 'varchar(36) not null',
        family_id: 'varchar(36) not null',
        token_hash: 'varchar(64) not null unique',
        created_at: 'varchar(32) not null',
        expires_at: 'varchar(32) not null',
        revoked_at: 'varchar(32)',
        replaced_by: 'varchar(36)',
      },
      indexes: { refresh_tokens_user: ['user_id'], refresh_tokens_family: ['family_id'] },
    },
    one_time_tokens: {
      columns: {
        token_hash: 'varchar(64) primary key',
        user_id: 'varchar(36) not null',
        purpose: 'varchar(32) not null',
        created_at: 'varchar(32) not null',
        expires_at: 'varchar(32) not null',
        used_at: 'varchar(32)',
      },
      indexes: { one_time_tokens_user: ['user_id'] },
    },
    known_logins: {
      columns: {
        user_id: 'varchar(36) not null',
        kind: 'varchar(8) not null',
        value_hash: 'varchar(64) not null',
        first_seen_at: 'varchar(32) not null',
        last_seen_at: 'varchar(32) not null',
      },
      primaryKey: ['user_id', 'kind', 'value_hash'],
    },
  }),
  '0002_two_factor': createTables({
    two_factor: {
      columns: {
        user_id: 'varchar(36) primary key',
        secret_sealed: 'varchar(255) not null',
        confirmed_at: 'varchar(32)',
        last_step: 'bigint',
        created_at: 'varchar(32) not null',
      },
    },
    recovery_codes: {
      columns: {
        code_hash: 'varchar(64) primary key',
        user_id: 'varchar(36) not null',
        used_at: 'varchar(32)',
      },
      indexes: { recovery_codes_user: ['user_id'] },
    },
  }),
};
