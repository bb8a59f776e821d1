/**
 * Thrown when an event needs a payment row that has not arrived yet (e.g. stock.reserved overtook
 * order.created on the queue). The runtime retries any thrown error with backoff; the stable `code`
 * tells logs and dead-letter headers that this one is expected to heal by itself.
 */
export class PaymentNotYetKnownError extends Error {
  readonly code = 'PAYMENT_NOT_YET_KNOWN';
  readonly retryable = true;

  constructor(orderId: string, eventType: string) {
    super(`${eventType} for order ${orderId}, whose order.created has not arrived (yet)`);
    this.name = 'PaymentNotYetKnownError';
  }
}
