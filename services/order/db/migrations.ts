import { createTables } from '@kada/service-kit';
import type { Migration } from 'kysely/migration';

/** The order service's migrations (Kysely schema builder only: SQLite, PostgreSQL and SQL Server). */
export const migrations: Record<string, Migration> = {
  '0001_orders': createTables({
    catalogue: {
      columns: {
        product_id: 'varchar(64) primary key',
        seller_id: 'varchar(64) not null',
        name: 'varchar(200) not null',
        price_amount: 'bigint not null',
        price_currency: 'varchar(3) not null',
        active: 'integer not null',
        version_at: 'varchar(32) not null',
        updated_at: 'varchar(32) not null',
      },
    },
    orders: {
      columns: {
        order_id: 'varchar(64) primary key',
        user_id: 'varchar(64) not null',
        status: 'varchar(20) not null',
        total_amount: 'bigint not null',
        total_currency: 'varchar(3) not null',
        payment_method_id: 'varchar(255)',
        payment_intent_id: 'varchar(255)',
        failure_reason: 'varchar(32)',
        failure_detail: 'varchar(1000)',
        created_at: 'varchar(32) not null',
        updated_at: 'varchar(32) not null',
        erased_at: 'varchar(32)',
      },
      indexes: { orders_by_user: ['user_id', 'created_at'] },
    },
    order_lines: {
      columns: {
        order_id: 'varchar(64) not null',
        line_no: 'integer not null',
        product_id: 'varchar(64) not null',
        seller_id: 'varchar(64) not null',
        name: 'varchar(200) not null',
        quantity: 'integer not null',
        unit_amount: 'bigint not null',
        currency: 'varchar(3) not null',
        line_amount: 'bigint not null',
      },
      primaryKey: ['order_id', 'line_no'],
    },
    order_requests: {
      columns: {
        user_id: 'varchar(64) not null',
        idempotency_key: 'varchar(128) not null',
        order_id: 'varchar(64) not null',
        created_at: 'varchar(32) not null',
      },
      primaryKey: ['user_id', 'idempotency_key'],
    },
    order_history: {
      columns: {
        order_id: 'varchar(64) not null',
        event_id: 'varchar(64) not null',
        event_type: 'varchar(100) not null',
        applied: 'integer not null',
        note: 'varchar(500)',
        recorded_at: 'varchar(32) not null',
      },
      primaryKey: ['order_id', 'event_id'],
    },
  }),
};
