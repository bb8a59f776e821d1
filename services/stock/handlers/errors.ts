/**
 * A handler error that heals by itself: the runtime retries any thrown error with backoff, and the
 * stable `code` tells logs and dead-letter headers which expected condition it was.
 */
abstract class RetryableStockError extends Error {
  abstract readonly code: string;
  readonly retryable = true;
}

/** The event cannot be handled YET: another event it depends on has not arrived. */
export class NotYetKnownError extends RetryableStockError {
  readonly code = 'STOCK_NOT_YET_KNOWN';
  override readonly name = 'NotYetKnownError';
}

/** The row a handler computed from changed under it (another replica); a retry computes again. */
export class ConcurrentChangeError extends RetryableStockError {
  readonly code = 'STOCK_CONCURRENT_CHANGE';
  override readonly name = 'ConcurrentChangeError';
}
