import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** The dashboard's read-model tables (schema builder only: SQLite, PostgreSQL and SQL Server alike). */
export const migrations: Record<string, Migration> = {
  '0001_dashboard': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('dash_orders')
        .addColumn('order_id', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('status', 'varchar(20)', (col) => col.notNull())
        .addColumn('status_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('created_at', 'varchar(32)')
        .addColumn('total_amount', 'bigint')
        .addColumn('currency', 'varchar(3)')
        .addColumn('line_count', 'integer')
        .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('dash_orders_created')
        .on('dash_orders')
        .columns(['created_at', 'order_id'])
        .execute();
      await db.schema
        .createTable('dash_order_sellers')
        .addColumn('order_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('seller_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('line_count', 'integer', (col) => col.notNull())
        .addColumn('seller_total', 'bigint', (col) => col.notNull())
        .addColumn('currency', 'varchar(3)', (col) => col.notNull())
        .addPrimaryKeyConstraint('dash_order_sellers_pk', ['order_id', 'seller_id'])
        .execute();
      await db.schema
        .createIndex('dash_order_sellers_seller')
        .on('dash_order_sellers')
        .columns(['seller_id', 'order_id'])
        .execute();
      await db.schema
        .createTable('dash_payments')
        .addColumn('key', 'varchar(200)', (col) => col.primaryKey())
        .addColumn('order_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('kind', 'varchar(10)', (col) => col.notNull())
        .addColumn('amount', 'bigint', (col) => col.notNull())
        .addColumn('currency', 'varchar(3)', (col) => col.notNull())
        .addColumn('day', 'varchar(10)', (col) => col.notNull())
        .addColumn('occurred_at', 'varchar(32)', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('dash_payments_day')
        .on('dash_payments')
        .columns(['day', 'currency'])
        .execute();
      await db.schema.createIndex('dash_payments_order').on('dash_payments').column('order_id').execute();
      await db.schema
        .createTable('dash_signup_days')
        .addColumn('day', 'varchar(10)', (col) => col.primaryKey())
        .addColumn('buyers', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('sellers', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('deleted', 'integer', (col) => col.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('dash_erased_users')
        .addColumn('user_id', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('erased_at', 'varchar(32)', (col) => col.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'dash_erased_users',
        'dash_signup_days',
        'dash_payments',
        'dash_order_sellers',
        'dash_orders',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  },
};
