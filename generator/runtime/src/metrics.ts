import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Reasons a message is dead-lettered; also the value of the `x-kada-reason` header. */
export type DeadLetterReason =
  | 'handler-error'
  | 'too-large'
  | 'invalid-json'
  | 'validation'
  | 'unknown-event'
  | 'producer-mismatch'
  | 'delivery-limit';

/** The runtime's Prometheus metrics, registered on one registry (the service's or a new one). */
export class RuntimeMetrics {
  readonly registry: Registry;
  readonly consumed: Counter<'queue'>;
  readonly succeeded: Counter<'queue'>;
  readonly retried: Counter<'queue'>;
  readonly deadLettered: Counter<'queue' | 'reason'>;
  readonly duplicates: Counter<'queue'>;
  readonly handlerDuration: Histogram<'queue'>;
  readonly published: Counter<'exchange' | 'routing_key'>;
  readonly outboxLag: Gauge;
  readonly outboxPending: Gauge;
  readonly reconnects: Counter;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    this.consumed = new Counter({
      name: 'kada_messages_consumed_total',
      help: 'Messages delivered to a consumer queue',
      labelNames: ['queue'],
      registers,
    });
    this.succeeded = new Counter({
      name: 'kada_messages_succeeded_total',
      help: 'Messages handled and acknowledged (duplicates included)',
      labelNames: ['queue'],
      registers,
    });
    this.retried = new Counter({
      name: 'kada_messages_retried_total',
      help: 'Messages sent to a retry delay queue after a handler error',
      labelNames: ['queue'],
      registers,
    });
    this.deadLettered = new Counter({
      name: 'kada_messages_dead_lettered_total',
      help: 'Messages moved to the dead-letter queue, by reason',
      labelNames: ['queue', 'reason'],
      registers,
    });
    this.duplicates = new Counter({
      name: 'kada_messages_duplicate_total',
      help: 'Deliveries acknowledged without running the handler because the inbox had the event',
      labelNames: ['queue'],
      registers,
    });
    this.handlerDuration = new Histogram({
      name: 'kada_handler_duration_seconds',
      help: 'Handler run time including its database transaction',
      labelNames: ['queue'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.published = new Counter({
      name: 'kada_published_total',
      help: 'Messages published and confirmed by the broker',
      labelNames: ['exchange', 'routing_key'],
      registers,
    });
    this.outboxLag = new Gauge({
      name: 'kada_outbox_lag_seconds',
      help: 'Age of the oldest unsent outbox row (0 when none)',
      registers,
    });
    this.outboxPending = new Gauge({
      name: 'kada_outbox_pending',
      help: 'Unsent outbox rows',
      registers,
    });
    this.reconnects = new Counter({
      name: 'kada_broker_reconnects_total',
      help: 'Broker connections re-established after a loss',
      registers,
    });
  }
}
