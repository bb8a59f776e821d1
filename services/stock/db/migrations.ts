import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** The stock service's migrations (Kysely schema builder only: SQLite, PostgreSQL and SQL Server). */
export const migrations: Record<string, Migration> = {
  '0001_stock': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('stock_levels')
        .addColumn('product_id', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('seller_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('declared', 'integer', (col) => col.notNull())
        .addColumn('available', 'integer', (col) => col.notNull())
        .addColumn('reserved', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('sold', 'integer', (col) => col.notNull().defaultTo(0))
        .addColumn('active', 'integer', (col) => col.notNull().defaultTo(1))
        .addColumn('declared_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
        .execute();
      await db.schema
        .createTable('reservations')
        .addColumn('order_id', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('reservation_id', 'varchar(64)', (col) => col.notNull().unique())
        .addColumn('user_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('status', 'varchar(16)', (col) => col.notNull())
        .addColumn('reason', 'varchar(32)')
        .addColumn('total_amount', 'bigint')
        .addColumn('total_currency', 'varchar(3)')
        .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
        .execute();
      await db.schema
        .createTable('reservation_lines')
        .addColumn('order_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('product_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('quantity', 'integer', (col) => col.notNull())
        .addPrimaryKeyConstraint('reservation_lines_pk', ['order_id', 'product_id'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('reservation_lines').execute();
      await db.schema.dropTable('reservations').execute();
      await db.schema.dropTable('stock_levels').execute();
    },
  },
};
