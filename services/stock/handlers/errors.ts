/**
 * Thrown by a handler when the event cannot be handled YET (another event it depends on has not
 * arrived). The runtime retries any thrown error with backoff; the stable `code` tells logs and
 * dead-letter headers that this one is expected to heal by itself.
 */
export class NotYetKnownError extends Error {
  readonly code = 'STOCK_NOT_YET_KNOWN';
  readonly retryable = true;

  constructor(message: string) {
    super(message);
    this.name = 'NotYetKnownError';
  }
}

/** The row a handler computed from changed under it (another replica); a retry computes again. */
export class ConcurrentChangeError extends Error {
  readonly code = 'STOCK_CONCURRENT_CHANGE';
  readonly retryable = true;

  constructor(message: string) {
    super(message);
    this.name = 'ConcurrentChangeError';
  }
}
