import { createTables } from '@kada/service-kit';
import type { Migration } from 'kysely/migration';

/** The stock service's migrations (Kysely schema builder only: SQLite, PostgreSQL and SQL Server). */
export const migrations: Record<string, Migration> = {
  '0001_stock': createTables({
    stock_levels: {
      columns: {
        product_id: 'varchar(64) primary key',
        seller_id: 'varchar(64) not null',
        declared: 'integer not null',
        available: 'integer not null',
        reserved: 'integer not null default 0',
        sold: 'integer not null default 0',
        active: 'integer not null default 1',
        declared_at: 'varchar(32) not null',
        updated_at: 'varchar(32) not null',
      },
    },
    reservations: {
      columns: {
        order_id: 'varchar(64) primary key',
        reservation_id: 'varchar(64) not null unique',
        user_id: 'varchar(64) not null',
        status: 'varchar(16) not null',
        reason: 'varchar(32)',
        total_amount: 'bigint',
        total_currency: 'varchar(3)',
        created_at: 'varchar(32) not null',
        updated_at: 'varchar(32) not null',
      },
    },
    reservation_lines: {
      columns: {
        order_id: 'varchar(64) not null',
        product_id: 'varchar(64) not null',
        quantity: 'integer not null',
      },
      primaryKey: ['order_id', 'product_id'],
    },
  }),
};
