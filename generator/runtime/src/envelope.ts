import { currentContext } from './context.ts';
import { KadaValidationError, type ValidationIssue } from './errors.ts';
import { childTrace, formatTraceparent } from './trace.ts';
import type { Envelope, EventDescriptor, PublishOptions, ValidateFunction } from './types.ts';
import { uuidv7 } from './uuid.ts';

/** An event ready to be published or written to the outbox: validated, serialized, with its AMQP facts. */
export interface PreparedEvent<T = unknown> {
  readonly envelope: Envelope<T>;
  readonly exchange: string;
  readonly routingKey: string;
  readonly orderingKey: string | null;
  /** `envelope.occurredAt` in Unix milliseconds (parsed once, here). */
  readonly occurredAtMs: number;
  /** The JSON body: the envelope, or the bare payload when the descriptor says `envelope: false`. */
  readonly body: string;
  /** AMQP headers: traceparent, x-kada-version and the caller's own. */
  readonly headers: Record<string, string>;
}

export function validationIssues(validate: ValidateFunction): ValidationIssue[] {
  return (validate.errors ?? []).map((error) => ({
    instancePath: error.instancePath,
    message: error.message ?? error.keyword,
  }));
}

/**
 * Builds the envelope (UUIDv7 id, now, correlation and causation from the current context unless
 * given), validates the whole body with the descriptor's precompiled validator and serializes it.
 * Throws {@link KadaValidationError} (code KADA_VALIDATION) before anything leaves the process.
 */
export function prepareEvent<T>(
  producer: string,
  descriptor: EventDescriptor<T>,
  data: T,
  options: PublishOptions = {},
): PreparedEvent<T> {
  const context = currentContext();
  const now = Date.now();
  const occurredAtMs = options.occurredAt === undefined ? now : Date.parse(options.occurredAt) || now;
  const envelope: Envelope<T> = {
    eventId: options.eventId ?? uuidv7(now),
    eventType: descriptor.eventType,
    version: descriptor.version,
    occurredAt: options.occurredAt ?? new Date(now).toISOString(),
    correlationId: options.correlationId ?? context?.correlationId ?? uuidv7(),
    causationId: options.causationId !== undefined ? options.causationId : (context?.causationId ?? null),
    producer,
    data,
  };
  const payload: unknown = descriptor.envelope ? envelope : data;
  if (!descriptor.validate(payload)) {
    throw new KadaValidationError(
      descriptor.eventType,
      descriptor.version,
      validationIssues(descriptor.validate),
    );
  }
  const traceparent = formatTraceparent(childTrace(context?.trace));
  return {
    envelope,
    exchange: descriptor.exchange,
    routingKey: descriptor.routingKey,
    orderingKey: options.orderingKey ?? null,
    occurredAtMs,
    body: JSON.stringify(payload),
    headers:
      options.headers === undefined
        ? { traceparent, 'x-kada-version': String(descriptor.version) }
        : { ...options.headers, traceparent, 'x-kada-version': String(descriptor.version) },
  };
}

/** AMQP properties for an event: persistent, mandatory, and the envelope's facts. */
export function amqpProperties(event: {
  eventId: string;
  eventType: string;
  correlationId: string;
  occurredAtMs: number;
  producer: string;
  headers: Record<string, string>;
}): {
  messageId: string;
  type: string;
  correlationId: string;
  timestamp: number;
  appId: string;
  contentType: string;
  headers: Record<string, string>;
  persistent: true;
  mandatory: true;
} {
  return {
    persistent: true,
    mandatory: true,
    messageId: event.eventId,
    type: event.eventType,
    correlationId: event.correlationId,
    timestamp: Math.floor(event.occurredAtMs / 1000),
    appId: event.producer,
    contentType: 'application/json',
    headers: event.headers,
  };
}
