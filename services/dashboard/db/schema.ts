/**
 * The dashboard's read models, built only from events. Timestamps are ISO-8601 UTC text; days are
 * `YYYY-MM-DD` (UTC). Amounts are integer minor units. No names, emails or addresses are kept: the
 * only personal reference is a seller's user id on their order lines, erased on user.deleted.
 */

export type OrderStatus = 'PENDING_PAYMENT' | 'PAID' | 'FAILED' | 'CANCELLED';

/** One row per order. A status event may arrive before order.created: then `created_at` is null. */
export interface DashOrdersTable {
  order_id: string;
  status: OrderStatus;
  /** When the current status was reached (event time), to order status events that arrive late. */
  status_at: string;
  created_at: string | null;
  total_amount: number | string | null;
  currency: string | null;
  line_count: number | null;
  updated_at: string;
}

/** The lines of one seller in one order, summed. */
export interface DashOrderSellersTable {
  order_id: string;
  seller_id: string;
  line_count: number;
  seller_total: number | string;
  currency: string;
}

/** Money facts per order: the payment (once, from payment.succeeded or order.paid) and each refund. */
export interface DashPaymentsTable {
  /** `paid:<orderId>` or `refund:<paymentIntentId>:<refundedAt>:<amount>`. */
  key: string;
  order_id: string;
  kind: 'payment' | 'refund';
  amount: number | string;
  currency: string;
  /** The revenue day (UTC) of the payment or refund. */
  day: string;
  occurred_at: string;
}

/** Platform signups per day, counted as the events arrive (the inbox makes each count once). */
export interface DashSignupDaysTable {
  day: string;
  buyers: number;
  sellers: number;
  deleted: number;
}

/** Users whose data was erased: late events must not bring their rows back. */
export interface DashErasedUsersTable {
  user_id: string;
  erased_at: string;
}

export interface DashboardDatabase {
  dash_orders: DashOrdersTable;
  dash_order_sellers: DashOrderSellersTable;
  dash_payments: DashPaymentsTable;
  dash_signup_days: DashSignupDaysTable;
  dash_erased_users: DashErasedUsersTable;
}
