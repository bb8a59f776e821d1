import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

/**
 * A service's own database schema, which the runtime does not know; `any` so that a service's
 * typed `Kysely<OrderDb>` and generated handlers fit without casts.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type AnySchema = any;
/** The payload type of a route as seen by the runtime: each generated handler narrows it. */
// biome-ignore lint/suspicious/noExplicitAny: the generated route, not the runtime, knows the payload type
export type AnyPayload = any;

/** A precompiled ajv (standalone) validate function. */
export type ValidateFunction = {
  (data: unknown): boolean;
  errors?: null | Array<{ instancePath: string; message?: string; keyword: string; params: object }>;
};

/** What the generator emits for each event version: routing facts plus its validator. */
export interface EventDescriptor<T = unknown> {
  /** e.g. 'order.created' */
  readonly eventType: string;
  /** The major version, e.g. 1 */
  readonly version: number;
  /** e.g. 'order.created.v1' */
  readonly routingKey: string;
  /** e.g. 'domain.events' */
  readonly exchange: string;
  /** true: the body is the Envelope; false: the body is the bare payload (third-party channels). */
  readonly envelope: boolean;
  /** Validates the WHOLE body (the envelope including data when `envelope` is true). */
  readonly validate: ValidateFunction;
  /**
   * The service that sends this event in the contract (its owner). A consumer running under a
   * per-service broker user requires the message's broker-verified `user_id` to be this service's
   * user, and dead-letters it otherwise; absent (third-party channels), nothing is checked.
   */
  readonly producer?: string;
  /** Phantom type carrier; never set. */
  readonly __data?: T;
}

export interface Envelope<T> {
  eventId: string;
  eventType: string;
  version: number;
  occurredAt: string;
  correlationId: string;
  causationId: string | null;
  producer: string;
  data: T;
}

export interface PublishOptions {
  eventId?: string;
  correlationId?: string;
  causationId?: string | null;
  occurredAt?: string;
  /** Events with the same ordering key (usually the aggregate id) are relayed in commit order. */
  orderingKey?: string;
  headers?: Record<string, string>;
}

export interface EventSink {
  emit<T>(descriptor: EventDescriptor<T>, data: T, options?: PublishOptions): Promise<Envelope<T>>;
}

export interface RetryPolicy {
  maxRetries: number;
  initialDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
}

export interface ConsumerPolicy {
  queue: string;
  queueType: 'quorum' | 'classic';
  prefetch: number;
  concurrency: number;
  retry: RetryPolicy;
  deliveryLimit: number;
  deadLetter: boolean;
  maxPriority?: number;
  /**
   * `x-single-active-consumer`: RabbitMQ delivers to one consumer of the queue at a time (the others
   * wait as stand-ins and take over when it goes), so the queue's order holds across replicas. From
   * `x-kada-consumer.singleActiveConsumer`; it costs the replicas' parallelism on that queue.
   */
  singleActiveConsumer?: boolean;
}

export interface HandlerContext<DB = AnySchema> {
  tx: Transaction<DB>;
  sink: EventSink;
  log: Logger;
  /** 1 on the first delivery, 2 on the first retry, and so on. */
  attempt: number;
  envelope: Envelope<unknown>;
}

export interface ConsumerRoute {
  descriptor: EventDescriptor<AnyPayload>;
  /**
   * Dotted path in the message body (the envelope, e.g. `data.orderId`) whose value orders
   * deliveries on this queue: two messages with the same value never run at once, and run in
   * queue order. From the receive operation's `x-kada-consumer.orderingKey`.
   */
  orderingKey?: string;
  handle(event: Envelope<AnyPayload>, ctx: HandlerContext<AnySchema>): Promise<void>;
}

export interface ConsumerDefinition {
  service: string;
  policy: ConsumerPolicy;
  routes: readonly ConsumerRoute[];
}

export interface ConsumerHandle {
  readonly queue: string;
  /** Stops consuming, finishes in-flight messages, closes the channel. */
  stop(): Promise<void>;
}

export type SqlDialect = 'sqlite' | 'postgres' | 'mssql';

export interface ServiceRuntimeOptions {
  service: string;
  /** Default: process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672' */
  url?: string;
  db: Kysely<AnySchema>;
  dialect: SqlDialect;
  logger?: Logger;
  registry?: Registry;
  outbox?: {
    pollIntervalMs?: number;
    batchSize?: number;
    /**
     * Sent outbox rows (their bodies are dropped when sent) and inbox rows older than this are pruned; also the
     * inbox's dedup window. Default 24 hours.
     */
    retentionMs?: number;
  };
  /**
   * Deliveries of one queue handled in one database transaction at most (default 32, or env
   * KADA_MAX_BATCH; 1 to 60; always 1 on SQL Server). Batches form only from deliveries already
   * waiting, so a lone delivery never waits for company; see the runtime README, "Batches".
   */
  maxBatch?: number;
  /** Passed to amqplib's connect: TLS material for amqps:// (ca, cert, key, passphrase, servername). */
  socketOptions?: Record<string, unknown>;
  /** Broker-layer tuning; defaults in {@link BrokerOptions}. */
  broker?: Partial<Omit<BrokerOptions, 'url' | 'service' | 'log' | 'metrics'>>;
}

export interface ServiceRuntime {
  readonly service: string;
  readonly db: Kysely<AnySchema>;
  readonly log: Logger;
  readonly registry: Registry;
  /** Connects, migrates the inbox/outbox tables, starts the outbox relay. */
  start(): Promise<void>;
  /** Declares the queue's topology and starts consuming. */
  consume(def: ConsumerDefinition): Promise<ConsumerHandle>;
  /** For HTTP routes: state changes and outbox rows in one transaction. */
  transaction<R>(fn: (tx: Transaction<AnySchema>, sink: EventSink) => Promise<R>): Promise<R>;
  /** Publishes with confirms right away, without the outbox. */
  readonly directSink: EventSink;
  /** Graceful: stop consuming, finish in-flight, flush the relay, close. */
  stop(): Promise<void>;
  /** SIGTERM/SIGINT -> stop(). */
  installSignalHandlers(): void;
  health(): { ready: boolean; broker: 'up' | 'down'; db: 'up' | 'down' };
}

/** Tuning of the broker layer. Defaults live in `broker/connection.ts` (`brokerDefaults`). */
export interface BrokerOptions {
  url: string;
  /** Shown in the RabbitMQ management UI as the connection name. */
  service: string;
  heartbeatSeconds: number;
  reconnect: { initialDelayMs: number; maxDelayMs: number; multiplier: number; jitter: number };
  /** Published but not yet confirmed messages at most; more wait for a slot. */
  maxInFlight: number;
  /** Publishes accepted but not yet written (e.g. while disconnected); beyond this, publish rejects. */
  maxQueued: number;
  /** How long a publish may wait for a connection and its confirm before it rejects. */
  publishTimeoutMs: number;
  /** Times a message whose confirm was lost with the connection is re-sent after reconnect. */
  maxResends: number;
  /** A delivered body larger than this is dead-lettered (`too-large`) without being parsed. */
  maxMessageBytes: number;
  socketOptions: Record<string, unknown>;
}
