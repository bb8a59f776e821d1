import { createTables } from '@kada/service-kit';
import type { Migration } from 'kysely/migration';

/** The dashboard's read-model tables (schema builder only: SQLite, PostgreSQL and SQL Server alike). */
export const migrations: Record<string, Migration> = {
  '0001_dashboard': createTables({
    dash_orders: {
      columns: {
        order_id: 'varchar(64) primary key',
        status: 'varchar(20) not null',
        status_at: 'varchar(32) not null',
        created_at: 'varchar(32)',
        total_amount: 'bigint',
        currency: 'varchar(3)',
        line_count: 'integer',
        updated_at: 'varchar(32) not null',
      },
      indexes: { dash_orders_created: ['created_at', 'order_id'] },
    },
    dash_order_sellers: {
      columns: {
        order_id: 'varchar(64) not null',
        seller_id: 'varchar(64) not null',
        line_count: 'integer not null',
        seller_total: 'bigint not null',
        currency: 'varchar(3) not null',
      },
      primaryKey: ['order_id', 'seller_id'],
      indexes: { dash_order_sellers_seller: ['seller_id', 'order_id'] },
    },
    dash_payments: {
      columns: {
        key: 'varchar(200) primary key',
        order_id: 'varchar(64) not null',
        kind: 'varchar(10) not null',
        amount: 'bigint not null',
        currency: 'varchar(3) not null',
        day: 'varchar(10) not null',
        occurred_at: 'varchar(32) not null',
      },
      indexes: { dash_payments_day: ['day', 'currency'], dash_payments_order: ['order_id'] },
    },
    dash_signup_days: {
      columns: {
        day: 'varchar(10) primary key',
        buyers: 'integer not null default 0',
        sellers: 'integer not null default 0',
        deleted: 'integer not null default 0',
      },
    },
    dash_erased_users: {
      columns: { user_id: 'varchar(64) primary key', erased_at: 'varchar(32) not null' },
    },
  }),
};
