import type { Transaction } from 'kysely';
import type { DashboardDatabase, OrderStatus } from './schema.ts';

type Tx = Transaction<DashboardDatabase>;

/** `2025-06-12T14:00:09Z` -> `2025-06-12` (UTC). */
export function dayOf(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}

/** Canonical ISO form, so stored timestamps compare as strings. */
export function isoOf(iso: string): string {
  return new Date(iso).toISOString();
}

const terminal = (status: OrderStatus): number => (status === 'PENDING_PAYMENT' ? 0 : 1);

/**
 * Moves an order to `status` as of `at`, whatever order the events arrive in: a final status
 * (PAID, FAILED, CANCELLED) is never replaced by PENDING_PAYMENT, and between final statuses the
 * later event wins. An order not seen yet gets a placeholder row that order.created completes.
 * The check is in the UPDATE's own WHERE (replicas: two handlers of one order never both read the
 * old row and then write); a concurrent first insert fails on the primary key and is retried, and
 * the retry's UPDATE decides.
 */
export async function applyOrderStatus(
  tx: Tx,
  orderId: string,
  status: OrderStatus,
  at: string,
): Promise<void> {
  const when = isoOf(at);
  const now = new Date().toISOString();
  const updated = await tx
    .updateTable('dash_orders')
    .set({ status, status_at: when, updated_at: now })
    .where('order_id', '=', orderId)
    .where((eb) =>
      terminal(status) === 1
        ? eb.or([eb('status', '=', 'PENDING_PAYMENT'), eb('status_at', '<=', when)])
        : eb.and([eb('status', '=', 'PENDING_PAYMENT'), eb('status_at', '<=', when)]),
    )
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  const exists = await tx
    .selectFrom('dash_orders')
    .select('order_id')
    .where('order_id', '=', orderId)
    .executeTakeFirst();
  if (exists) return;
  await tx
    .insertInto('dash_orders')
    .values({
      order_id: orderId,
      status,
      status_at: when,
      created_at: null,
      total_amount: null,
      currency: null,
      line_count: null,
      updated_at: now,
    })
    .execute();
}

/** Records a money fact once per key (payment.succeeded and order.paid both report the payment). */
export async function recordMoney(
  tx: Tx,
  fact: {
    key: string;
    orderId: string;
    kind: 'payment' | 'refund';
    amount: number;
    currency: string;
    at: string;
  },
): Promise<boolean> {
  // One statement (insert … select … where not exists), not a select and then an insert.
  const inserted = await tx
    .insertInto('dash_payments')
    .columns(['key', 'order_id', 'kind', 'amount', 'currency', 'day', 'occurred_at'])
    .expression(
      tx
        .selectNoFrom((eb) => [
          eb.cast<string>(eb.val(fact.key), 'varchar(200)').as('key'),
          eb.cast<string>(eb.val(fact.orderId), 'varchar(64)').as('order_id'),
          eb.cast<string>(eb.val(fact.kind), 'varchar(10)').as('kind'),
          eb.cast<number>(eb.val(fact.amount), 'bigint').as('amount'),
          eb.cast<string>(eb.val(fact.currency), 'varchar(3)').as('currency'),
          eb.cast<string>(eb.val(dayOf(fact.at)), 'varchar(10)').as('day'),
          eb.cast<string>(eb.val(isoOf(fact.at)), 'varchar(32)').as('occurred_at'),
        ])
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('dash_payments').select('key').where('key', '=', fact.key))),
        ),
    )
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** The payment for an order, recorded once whichever of order.paid and payment.succeeded reports it first. */
export function recordPayment(
  tx: Tx,
  orderId: string,
  paid: { amount: number; currency: string },
  at: string,
): Promise<boolean> {
  return recordMoney(tx, { key: `paid:${orderId}`, orderId, kind: 'payment', ...paid, at });
}

/**
 * Adds one to a day's signup counter. The increment is done by the database (`x = x + 1`), so
 * concurrent handlers do not lose counts; a concurrent first insert of the day fails on the primary
 * key and the message is retried.
 */
export async function countSignupDay(
  tx: Tx,
  day: string,
  column: 'buyers' | 'sellers' | 'deleted',
): Promise<void> {
  const result = await tx
    .updateTable('dash_signup_days')
    .set((eb) => ({ [column]: eb(column, '+', 1) }))
    .where('day', '=', day)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) > 0) return;
  await tx
    .insertInto('dash_signup_days')
    .values({ day, buyers: 0, sellers: 0, deleted: 0, [column]: 1 })
    .execute();
}

export async function isErased(tx: Tx, userId: string): Promise<boolean> {
  const row = await tx
    .selectFrom('dash_erased_users')
    .select('user_id')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}
