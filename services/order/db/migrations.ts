import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** The order service's migrations (Kysely schema builder only: SQLite, PostgreSQL and SQL Server). */
export const migrations: Record<string, Migration> = {
  '0001_orders': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('catalogue')
        .addColumn('product_id', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('seller_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('name', 'varchar(200)', (col) => col.notNull())
        .addColumn('price_amount', 'bigint', (col) => col.notNull())
        .addColumn('price_currency', 'varchar(3)', (col) => col.notNull())
        .addColumn('active', 'integer', (col) => col.notNull())
        .addColumn('version_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
        .execute();
      await db.schema
        .createTable('orders')
        .addColumn('order_id', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('user_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('status', 'varchar(20)', (col) => col.notNull())
        .addColumn('total_amount', 'bigint', (col) => col.notNull())
        .addColumn('total_currency', 'varchar(3)', (col) => col.notNull())
        .addColumn('payment_method_id', 'varchar(255)')
        .addColumn('payment_intent_id', 'varchar(255)')
        .addColumn('failure_reason', 'varchar(32)')
        .addColumn('failure_detail', 'varchar(1000)')
        .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('erased_at', 'varchar(32)')
        .execute();
      await db.schema.createIndex('orders_by_user').on('orders').columns(['user_id', 'created_at']).execute();
      await db.schema
        .createTable('order_lines')
        .addColumn('order_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('line_no', 'integer', (col) => col.notNull())
        .addColumn('product_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('seller_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('name', 'varchar(200)', (col) => col.notNull())
        .addColumn('quantity', 'integer', (col) => col.notNull())
        .addColumn('unit_amount', 'bigint', (col) => col.notNull())
        .addColumn('currency', 'varchar(3)', (col) => col.notNull())
        .addColumn('line_amount', 'bigint', (col) => col.notNull())
        .addPrimaryKeyConstraint('order_lines_pk', ['order_id', 'line_no'])
        .execute();
      await db.schema
        .createTable('order_requests')
        .addColumn('user_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('idempotency_key', 'varchar(128)', (col) => col.notNull())
        .addColumn('order_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
        .addPrimaryKeyConstraint('order_requests_pk', ['user_id', 'idempotency_key'])
        .execute();
      await db.schema
        .createTable('order_history')
        .addColumn('order_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('event_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('event_type', 'varchar(100)', (col) => col.notNull())
        .addColumn('applied', 'integer', (col) => col.notNull())
        .addColumn('note', 'varchar(500)')
        .addColumn('recorded_at', 'varchar(32)', (col) => col.notNull())
        .addPrimaryKeyConstraint('order_history_pk', ['order_id', 'event_id'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of ['order_history', 'order_requests', 'order_lines', 'orders', 'catalogue']) {
        await db.schema.dropTable(table).execute();
      }
    },
  },
};
