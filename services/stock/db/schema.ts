/**
 * The stock service's tables. Quantities are integers; timestamps ISO 8601 text; booleans 0/1.
 *
 * A product's units are in exactly one of three buckets: `available` (can be reserved),
 * `reserved` (held for an order awaiting payment) or `sold` (committed on order.paid).
 */
export interface StockLevelsTable {
  product_id: string;
  seller_id: string;
  /** The stock the seller last declared (product.created/updated); changes to it move `available`. */
  declared: number;
  available: number;
  reserved: number;
  sold: number;
  active: number;
  /** Time of the product event last applied; older events are ignored. */
  declared_at: string;
  updated_at: string;
}

export type ReservationStatus = 'RESERVED' | 'REJECTED' | 'RELEASED' | 'COMMITTED' | 'VOIDED';

/** One row per order (the idempotency key of every stock decision). */
export interface ReservationsTable {
  order_id: string;
  reservation_id: string;
  user_id: string;
  /**
   * RESERVED -> COMMITTED (order.paid) | RELEASED (order.failed/cancelled). REJECTED: nothing held.
   * VOIDED: the order failed or was cancelled before its order.created arrived; it is never reserved.
   */
  status: ReservationStatus;
  /** Rejection reason or release reason. */
  reason: string | null;
  total_amount: number | string | null;
  total_currency: string | null;
  created_at: string;
  updated_at: string;
}

export interface ReservationLinesTable {
  order_id: string;
  product_id: string;
  quantity: number;
}

export interface StockDatabase {
  stock_levels: StockLevelsTable;
  reservations: ReservationsTable;
  reservation_lines: ReservationLinesTable;
}
