import { randomUUID } from 'node:crypto';

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

/** 32 random hex digits (a v4 UUID without dashes: cheap, and never all zeros). */
function randomHex32(): string {
  return randomUUID().replaceAll('-', '');
}

/** A child span of `parent` (same trace id, new span id), or a new sampled trace when there is none. */
export function childTrace(parent: TraceParent | undefined): TraceParent {
  return {
    traceId: parent?.traceId ?? randomHex32(),
    // From the variant nibble on: its first digit is 8-b, so the span id is never zero.
    spanId: randomHex32().slice(16),
    flags: parent?.flags ?? '01',
  };
}
