import { createTables } from '@kada/service-kit';
import type { Migration } from 'kysely/migration';

/** The product service's migrations (Kysely schema builder only: SQLite, PostgreSQL and SQL Server). */
export const migrations: Record<string, Migration> = {
  '0001_products': createTables({
    products: {
      columns: {
        product_id: 'varchar(64) primary key',
        seller_id: 'varchar(64) not null',
        name: 'varchar(200) not null',
        description: 'varchar(5000) not null',
        category: 'varchar(100) not null',
        price_amount: 'bigint not null',
        price_currency: 'varchar(3) not null',
        stock: 'integer not null',
        active: 'integer not null',
        created_at: 'varchar(32) not null',
        updated_at: 'varchar(32) not null',
      },
      indexes: {
        products_newest: ['created_at', 'product_id'],
        products_by_category: ['category', 'created_at'],
        products_by_seller: ['seller_id', 'created_at'],
      },
    },
  }),
};
