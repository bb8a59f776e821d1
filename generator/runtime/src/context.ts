import { AsyncLocalStorage } from 'node:async_hooks';
import { parseTraceparent, type TraceParent } from './trace.ts';
import { uuidv7 } from './uuid.ts';

/**
 * What flows from an incoming event or HTTP request to everything published while handling it.
 * `causationId` is the eventId of the message being handled (null for an HTTP request).
 */
export interface EventContext {
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly trace?: TraceParent | undefined;
}

/** What an HTTP route may seed: usually the request's correlation id and `traceparent` header. */
export interface ContextSeed {
  correlationId?: string | undefined;
  causationId?: string | null | undefined;
  traceparent?: string | undefined;
}

const storage = new AsyncLocalStorage<EventContext>();

/**
 * Runs `fn` with a context; events emitted inside it carry the correlation id, causation id and
 * trace. Missing parts get fresh values (a new correlation id; no causation; no trace yet).
 */
export function runWithContext<R>(seed: ContextSeed | EventContext, fn: () => R): R {
  const trace = 'trace' in seed ? seed.trace : parseTraceparent((seed as ContextSeed).traceparent);
  const context: EventContext = {
    correlationId: seed.correlationId ?? uuidv7(),
    causationId: seed.causationId ?? null,
    trace,
  };
  return storage.run(context, fn);
}

/** The context of the message or request being handled, if any. */
export function currentContext(): EventContext | undefined {
  return storage.getStore();
}
