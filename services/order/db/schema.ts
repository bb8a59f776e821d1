/**
 * The order service's tables. Money is integer minor units + ISO 4217 code (bigint columns come
 * back as strings from PostgreSQL: read them with Number()); timestamps ISO 8601 text; booleans 0/1.
 */

/** Order's own copy of the catalogue, fed by product.created / product.updated. */
export interface CatalogueTable {
  product_id: string;
  seller_id: string;
  name: string;
  price_amount: number | string;
  price_currency: string;
  active: number;
  /** createdAt/updatedAt of the product event applied; older events are ignored. */
  version_at: string;
  updated_at: string;
}

/** ON_HOLD: a payment did not match the order total; it waits for a person (order.held). */
export type OrderStatus = 'PENDING_PAYMENT' | 'PAID' | 'FAILED' | 'CANCELLED' | 'ON_HOLD';
export type OrderFailureReason = 'PAYMENT_FAILED' | 'OUT_OF_STOCK' | 'CANCELLED_BY_USER' | 'PAYMENT_TIMEOUT';

export interface OrdersTable {
  order_id: string;
  /** The buyer; replaced by the nil UUID when the buyer's account is erased. */
  user_id: string;
  status: OrderStatus;
  total_amount: number | string;
  total_currency: string;
  /** Personal data (the buyer's payment instrument): erased on user.deleted. */
  payment_method_id: string | null;
  payment_intent_id: string | null;
  failure_reason: OrderFailureReason | null;
  failure_detail: string | null;
  created_at: string;
  updated_at: string;
  erased_at: string | null;
}

export interface OrderLinesTable {
  order_id: string;
  line_no: number;
  product_id: string;
  seller_id: string;
  name: string;
  quantity: number;
  unit_amount: number | string;
  currency: string;
  line_amount: number | string;
}

/** Idempotency-Key of POST /orders, per buyer: a retried request returns the first order. */
export interface OrderRequestsTable {
  user_id: string;
  idempotency_key: string;
  order_id: string;
  created_at: string;
}

/** Every saga event received for an order, applied or not (e.g. a success after the order failed). */
export interface OrderHistoryTable {
  order_id: string;
  event_id: string;
  event_type: string;
  applied: number;
  note: string | null;
  recorded_at: string;
}

export interface OrderDatabase {
  catalogue: CatalogueTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_requests: OrderRequestsTable;
  order_history: OrderHistoryTable;
}
