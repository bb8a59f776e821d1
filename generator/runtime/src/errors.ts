/**
 * Typed errors with a stable `code`. `severity` says how far the trouble reaches:
 * `message` (this message or publish only), `channel` (the AMQP channel was lost and is re-created),
 * `connection` (the broker connection is down; the runtime reconnects).
 */
export type ErrorSeverity = 'message' | 'channel' | 'connection';

export type KadaErrorCode =
  | 'KADA_VALIDATION'
  | 'KADA_PUBLISH_NACKED'
  | 'KADA_PUBLISH_UNROUTABLE'
  | 'KADA_PUBLISH_TIMEOUT'
  | 'KADA_PUBLISH_OVERFLOW'
  | 'KADA_PUBLISH_UNCONFIRMED'
  | 'KADA_REQUEST_TIMEOUT'
  | 'KADA_BROKER_UNAVAILABLE'
  | 'KADA_STOPPED'
  | 'KADA_CONFIG'
  | 'KADA_DATABASE';

export class KadaError extends Error {
  readonly code: KadaErrorCode;
  readonly severity: ErrorSeverity;

  constructor(
    code: KadaErrorCode,
    message: string,
    options: { cause?: unknown; severity?: ErrorSeverity } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KadaError';
    this.code = code;
    this.severity = options.severity ?? 'message';
  }
}

/** One schema violation as reported by a precompiled ajv validator. */
export interface ValidationIssue {
  readonly instancePath: string;
  readonly message: string;
}

/** Thrown by `emit()` before anything is written or published, and used for invalid consumed messages. */
export class KadaValidationError extends KadaError {
  readonly eventType: string;
  readonly version: number;
  readonly issues: readonly ValidationIssue[];

  constructor(eventType: string, version: number, issues: readonly ValidationIssue[]) {
    const detail = issues.map((issue) => `${issue.instancePath || '/'} ${issue.message}`).join('; ');
    super('KADA_VALIDATION', `${eventType} v${version} is invalid: ${detail}`);
    this.name = 'KadaValidationError';
    this.eventType = eventType;
    this.version = version;
    this.issues = issues;
  }
}

export function isKadaError(error: unknown): error is KadaError {
  return error instanceof KadaError;
}

/** A short, single-line description of any thrown value, for logs and headers. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
