import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** The product service's migrations (Kysely schema builder only: SQLite, PostgreSQL and SQL Server). */
export const migrations: Record<string, Migration> = {
  '0001_products': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('products')
        .addColumn('product_id', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('seller_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('name', 'varchar(200)', (col) => col.notNull())
        .addColumn('description', 'varchar(5000)', (col) => col.notNull())
        .addColumn('category', 'varchar(100)', (col) => col.notNull())
        .addColumn('price_amount', 'bigint', (col) => col.notNull())
        .addColumn('price_currency', 'varchar(3)', (col) => col.notNull())
        .addColumn('stock', 'integer', (col) => col.notNull())
        .addColumn('active', 'integer', (col) => col.notNull())
        .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
        .execute();
      await db.schema
        .createIndex('products_newest')
        .on('products')
        .columns(['created_at', 'product_id'])
        .execute();
      await db.schema
        .createIndex('products_by_category')
        .on('products')
        .columns(['category', 'created_at'])
        .execute();
      await db.schema
        .createIndex('products_by_seller')
        .on('products')
        .columns(['seller_id', 'created_at'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('products').execute();
    },
  },
};
