/**
 * Thrown when an event names an order this service does not have yet (it cannot be applied now, and
 * may be later). The runtime retries any thrown error with backoff, then dead-letters it; the stable
 * `code` says in logs and dead-letter headers that this one is expected to heal by itself.
 */
export class OrderNotYetKnownError extends Error {
  readonly code = 'ORDER_NOT_YET_KNOWN';
  readonly retryable = true;
  readonly orderId: string;

  constructor(orderId: string, eventType: string) {
    super(`${eventType} for order ${orderId}, which is not known (yet)`);
    this.name = 'OrderNotYetKnownError';
    this.orderId = orderId;
  }
}

/** Thrown when another event changed the order between our read and our write; a retry re-reads it. */
export class OrderChangedConcurrentlyError extends Error {
  readonly code = 'ORDER_CHANGED_CONCURRENTLY';
  readonly retryable = true;

  constructor(orderId: string) {
    super(`order ${orderId} changed while an event was applied to it`);
    this.name = 'OrderChangedConcurrentlyError';
  }
}
