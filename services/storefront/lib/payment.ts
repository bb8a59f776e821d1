'use client';
/**
 * Confirming an order's PaymentIntent in the browser, as the plan has it: the order is placed with
 * `confirmation: client`, payment creates the PaymentIntent from the order's own total once stock is
 * held, the browser fetches its client secret through the gateway and confirms it; the signed
 * Stripe webhook then decides PAID or FAILED.
 *
 * - simulated (PAYMENT_PROVIDER=simulated, no Stripe keys): POST /payments/{orderId}/simulated-confirmation
 *   with the client secret and one of Stripe's test card numbers; the simulated Stripe sends the webhook.
 * - stripe (STRIPE_PUBLISHABLE_KEY given to the storefront): Stripe.js's confirmCardPayment with the
 *   PaymentMethod created from the card element at checkout. NOT TESTED here: this machine cannot reach Stripe.
 */
import type { Stripe, StripeCardElement } from '@stripe/stripe-js';
import { api, asProblem, type Problem, type Schemas } from './api.ts';

/** Stripe's test cards that the simulated Stripe knows, with their test PaymentMethods. */
export const TEST_CARDS = [
  { number: '4242 4242 4242 4242', paymentMethod: 'pm_card_visa', outcome: 'succeeds' },
  { number: '5555 5555 5555 4444', paymentMethod: 'pm_card_mastercard', outcome: 'succeeds' },
  { number: '4000 0000 0000 0002', paymentMethod: 'pm_card_chargeDeclined', outcome: 'declined' },
  {
    number: '4000 0000 0000 9995',
    paymentMethod: 'pm_card_chargeDeclinedInsufficientFunds',
    outcome: 'declined: insufficient funds',
  },
  {
    number: '4000 0000 0000 0069',
    paymentMethod: 'pm_card_chargeDeclinedExpiredCard',
    outcome: 'declined: expired',
  },
] as const;

export function testCardOf(number: string) {
  const digits = number.replace(/\s/g, '');
  return TEST_CARDS.find((card) => card.number.replace(/\s/g, '') === digits);
}

/** How the order page confirms a just-placed order (kept in memory across the client-side navigation). */
export type PendingPayment =
  | { kind: 'simulated'; cardNumber: string }
  | { kind: 'stripe'; stripe: Stripe; card: StripeCardElement };

export const pendingPayments = new Map<string, PendingPayment>();

export type ConfirmResult =
  | { outcome: 'succeeded' | 'declined'; message: string | null }
  | { problem: Problem };

/** Waits for the client secret (409 until stock is held and the PaymentIntent exists). */
export async function clientSecretOf(
  orderId: string,
): Promise<{ secret: Schemas['PaymentClientSecret'] } | { wait: true } | { problem: Problem }> {
  const { data, error, response } = await api.GET('/payments/{orderId}/client-secret', {
    params: { path: { orderId } },
  });
  if (data) return { secret: data };
  // 404: payment has not seen order.created yet; 409: stock not held yet (or the payment ended).
  if (response.status === 404 || (response.status === 409 && /not-ready/.test(error?.type ?? '')))
    return { wait: true };
  return { problem: asProblem(error, response) };
}

export async function confirmSimulated(
  orderId: string,
  clientSecret: string,
  cardNumber: string,
): Promise<ConfirmResult> {
  const { data, error, response } = await api.POST('/payments/{orderId}/simulated-confirmation', {
    params: { path: { orderId } },
    body: { clientSecret, cardNumber },
  });
  if (!data) return { problem: asProblem(error, response) };
  return { outcome: data.outcome, message: data.message };
}

export async function confirmWithStripe(stripe: Stripe, clientSecret: string, card?: StripeCardElement) {
  const result = await stripe.confirmCardPayment(
    clientSecret,
    card ? { payment_method: { card } } : undefined,
  );
  if (result.error)
    return { outcome: 'declined' as const, message: result.error.message ?? 'Your card was declined.' };
  return { outcome: 'succeeded' as const, message: null };
}
