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
