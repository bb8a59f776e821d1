import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** The payment service's migrations (Kysely schema builder only: SQLite, PostgreSQL and SQL Server). */
export const migrations: Record<string, Migration> = {
  '0001_payments': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('payments')
        .addColumn('order_id', 'varchar(64)', (col) => col.primaryKey())
        .addColumn('user_id', 'varchar(64)', (col) => col.notNull())
        .addColumn('amount', 'bigint', (col) => col.notNull())
        .addColumn('currency', 'varchar(3)', (col) => col.notNull())
        .addColumn('payment_method_id', 'varchar(255)')
        .addColumn('status', 'varchar(20)', (col) => col.notNull())
        .addColumn('payment_intent_id', 'varchar(255)')
        .addColumn('decline_code', 'varchar(100)')
        .addColumn('message', 'varchar(1000)')
        .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
        .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
        .execute();
      await db.schema.createIndex('payments_by_intent').on('payments').column('payment_intent_id').execute();
      await db.schema.createIndex('payments_by_user').on('payments').column('user_id').execute();
      await db.schema
        .createTable('stripe_events')
        .addColumn('event_id', 'varchar(255)', (col) => col.primaryKey())
        .addColumn('type', 'varchar(100)', (col) => col.notNull())
        .addColumn('object_id', 'varchar(255)')
        .addColumn('outcome', 'varchar(16)', (col) => col.notNull())
        .addColumn('received_at', 'varchar(32)', (col) => col.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('stripe_events').execute();
      await db.schema.dropTable('payments').execute();
    },
  },
  '0002_payment_confirmation': {
    async up(db: Kysely<unknown>): Promise<void> {
      // client: the buyer's browser confirms the PaymentIntent with its client secret (order.created's confirmation).
      await db.schema.alterTable('payments').addColumn('confirmation', 'varchar(10)').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('payments').dropColumn('confirmation').execute();
    },
  },
};
