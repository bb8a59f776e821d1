import type { Kysely, Transaction } from 'kysely';
import type { Broker } from './broker/broker.ts';
import type { OutgoingMessage } from './broker/publisher.ts';
import { insertOutboxQuery } from './db/outbox.ts';
import type { RuntimeTables } from './db/schema.ts';
import { amqpProperties, type PreparedEvent, prepareEvent } from './envelope.ts';
import type { AnySchema, EventSink } from './types.ts';

export function toOutgoing(event: PreparedEvent): OutgoingMessage {
  const { envelope } = event;
  return {
    exchange: event.exchange,
    routingKey: event.routingKey,
    content: Buffer.from(event.body),
    properties: amqpProperties({
      eventId: envelope.eventId,
      eventType: envelope.eventType,
      correlationId: envelope.correlationId,
      occurredAtMs: event.occurredAtMs,
      producer: envelope.producer,
      headers: event.headers,
    }),
  };
}

/** Publishes at once with confirms: `emit` resolves when the broker has the event. */
export function createDirectSink(producer: string, broker: Broker): EventSink {
  return {
    emit(descriptor, data, options) {
      let event: PreparedEvent<typeof data>;
      try {
        event = prepareEvent(producer, descriptor, data, options);
      } catch (error) {
        // A promise API rejects; it does not throw.
        return Promise.reject(error);
      }
      // Only the envelope stays referenced while the confirm is awaited; the publish resolves with it.
      return broker.publish(toOutgoing(event), event.envelope);
    },
  };
}

/**
 * Writes events to the outbox in the caller's transaction; the relay publishes them after commit.
 * `onWrite` lets the owner of the transaction wake the relay once it has committed.
 */
export function createOutboxSink(
  producer: string,
  tx: Transaction<AnySchema> | Kysely<AnySchema>,
  onWrite: () => void,
  insert?: (db: Transaction<RuntimeTables>, event: PreparedEvent) => Promise<void>,
): EventSink {
  const db = tx as Transaction<RuntimeTables>;
  return {
    async emit(descriptor, data, options) {
      const event = prepareEvent(producer, descriptor, data, options);
      if (insert) await insert(db, event);
      else await insertOutboxQuery(db, event).execute();
      onWrite();
      return event.envelope;
    },
  };
}

/**
 * Collects events for the outbox of the caller's transaction: the owner of the transaction writes
 * them all in one statement just before it commits (see `compileInsertOutboxBatch`), instead of one
 * insert per event. Same guarantee: the rows commit, or roll back, with the state change.
 */
export function createBufferedOutboxSink(producer: string, into: PreparedEvent[]): EventSink {
  return {
    emit(descriptor, data, options) {
      try {
        const event = prepareEvent(producer, descriptor, data, options);
        into.push(event);
        return Promise.resolve(event.envelope);
      } catch (error) {
        return Promise.reject(error);
      }
    },
  };
}
