/**
 * The payment service's tables. Money is integer minor units + ISO 4217 code (bigint comes back as
 * a string from PostgreSQL: read it with Number()); timestamps ISO 8601 text.
 */

export type PaymentStatus =
  | 'AWAITING_STOCK'
  | 'PROCESSING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'REFUNDED'
  | 'CANCELLED';

/** One row per order, from order.created: what to charge, then how the charge went. */
export interface PaymentsTable {
  order_id: string;
  /** The buyer; replaced by the nil UUID when the buyer's account is erased. */
  user_id: string;
  amount: number | string;
  currency: string;
  /** Personal data (the buyer's payment instrument): erased on user.deleted. */
  payment_method_id: string | null;
  /** server (payment confirms the PaymentIntent) or client (the buyer's browser does); null from before 0002: server. */
  confirmation: 'server' | 'client' | null;
  status: PaymentStatus;
  payment_intent_id: string | null;
  decline_code: string | null;
  message: string | null;
  created_at: string;
  updated_at: string;
}

/** Stripe events already handled, by Stripe event id: a redelivered webhook is acknowledged, not re-applied. */
export interface StripeEventsTable {
  event_id: string;
  type: string;
  /** The id of the object the event is about (pi_…, ch_…). */
  object_id: string | null;
  /** applied | ignored */
  outcome: string;
  received_at: string;
}

export interface PaymentDatabase {
  payments: PaymentsTable;
  stripe_events: StripeEventsTable;
}
