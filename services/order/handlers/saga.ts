import type { Envelope } from '@kada/runtime';
import type { Selectable, Transaction } from 'kysely';
import type { OrderDatabase, OrderStatus, OrdersTable } from '../db/schema.ts';
import { OrderChangedConcurrentlyError, OrderNotYetKnownError } from './errors.ts';

export type OrderRow = Selectable<OrdersTable>;

/** The order an event is about; throws a retryable error when we do not have it (yet). */
export async function orderFor(
  tx: Transaction<OrderDatabase>,
  orderId: string,
  event: Envelope<unknown>,
): Promise<OrderRow> {
  const order = await tx.selectFrom('orders').selectAll().where('order_id', '=', orderId).executeTakeFirst();
  if (!order) throw new OrderNotYetKnownError(orderId, event.eventType);
  return order;
}

/** PAID, FAILED, CANCELLED and ON_HOLD are final for the saga: no later event moves an order out of them. */
export function isTerminal(status: OrderStatus): boolean {
  return status !== 'PENDING_PAYMENT';
}

/**
 * Moves an order from PENDING_PAYMENT only (a conditional UPDATE), so two events racing for the
 * same order cannot both win; the loser retries and then finds the order terminal.
 */
export async function leavePending(
  tx: Transaction<OrderDatabase>,
  orderId: string,
  changes: Partial<Pick<OrdersTable, 'status' | 'payment_intent_id' | 'failure_reason' | 'failure_detail'>>,
  now: string,
): Promise<void> {
  const result = await tx
    .updateTable('orders')
    .set({ ...changes, updated_at: now })
    .where('order_id', '=', orderId)
    .where('status', '=', 'PENDING_PAYMENT')
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw new OrderChangedConcurrentlyError(orderId);
}

/**
 * Records a saga event against the order, whether it changed the order or not; an event already
 * recorded is left as it is. One `insert … select … where not exists` statement (every dialect)
 * rather than a select and then an insert: a round trip fewer for each saga event.
 */
export async function recordHistory(
  tx: Transaction<OrderDatabase>,
  orderId: string,
  event: Envelope<unknown>,
  applied: boolean,
  note: string | null = null,
): Promise<void> {
  await tx
    .insertInto('order_history')
    .columns(['order_id', 'event_id', 'event_type', 'applied', 'note', 'recorded_at'])
    .expression(
      tx
        .selectNoFrom((eb) => [
          eb.cast<string>(eb.val(orderId), 'varchar(64)').as('order_id'),
          eb.cast<string>(eb.val(event.eventId), 'varchar(64)').as('event_id'),
          eb.cast<string>(eb.val(event.eventType), 'varchar(100)').as('event_type'),
          eb.cast<number>(eb.val(applied ? 1 : 0), 'integer').as('applied'),
          eb.cast<string | null>(eb.val(note), 'varchar(500)').as('note'),
          eb.cast<string>(eb.val(new Date().toISOString()), 'varchar(32)').as('recorded_at'),
        ])
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('order_history')
                .select('event_id')
                .where('order_id', '=', orderId)
                .where('event_id', '=', event.eventId),
            ),
          ),
        ),
    )
    .execute();
}
