import { createTables } from '@kada/service-kit';
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** The payment service's migrations (Kysely schema builder only: SQLite, PostgreSQL and SQL Server). */
export const migrations: Record<string, Migration> = {
  '0001_payments': createTables({
    payments: {
      columns: {
        order_id: 'varchar(64) primary key',
        user_id: 'varchar(64) not null',
        amount: 'bigint not null',
        currency: 'varchar(3) not null',
        payment_method_id: 'varchar(255)',
        status: 'varchar(20) not null',
        payment_intent_id: 'varchar(255)',
        decline_code: 'varchar(100)',
        message: 'varchar(1000)',
        created_at: 'varchar(32) not null',
        updated_at: 'varchar(32) not null',
      },
      indexes: { payments_by_intent: ['payment_intent_id'], payments_by_user: ['user_id'] },
    },
    stripe_events: {
      columns: {
        event_id: 'varchar(255) primary key',
        type: 'varchar(100) not null',
        object_id: 'varchar(255)',
        outcome: 'varchar(16) not null',
        received_at: 'varchar(32) not null',
      },
    },
  }),
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
