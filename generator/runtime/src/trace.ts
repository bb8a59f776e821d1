import { randomHex } from './uuid.ts';

/** The parts of a W3C `traceparent` header (version 00). */
export interface TraceParent {
  readonly traceId: string;
  readonly spanId: string;
  readonly flags: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

export function parseTraceparent(value: unknown): TraceParent | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value.trim().toLowerCase());
  if (!match) return undefined;
  const [, traceId, spanId, flags] = match;
  if (!traceId || !spanId || !flags || traceId === ZERO_TRACE || spanId === ZERO_SPAN) return undefined;
  return { traceId, spanId, flags };
}

export function formatTraceparent(trace: TraceParent): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.flags}`;
}

/**
 * A child span of `parent` (same trace id, new span id), or a new sampled trace when there is none.
 * Ids are random and never all zeros (W3C: invalid); one draw of random bytes for both.
 */
export function childTrace(parent: TraceParent | undefined): TraceParent {
  if (parent)
    return { traceId: parent.traceId, spanId: nonZero(randomHex(8), ZERO_SPAN), flags: parent.flags };
  const random = randomHex(24);
  return {
    traceId: nonZero(random.slice(0, 32), ZERO_TRACE),
    spanId: nonZero(random.slice(32), ZERO_SPAN),
    flags: '01',
  };
}

/** `hex` unless it is all zeros (2^-64 at most): then a fresh draw of the same length. */
function nonZero(hex: string, zero: string): string {
  let value = hex;
  while (value === zero) value = randomHex(zero.length / 2);
  return value;
}
