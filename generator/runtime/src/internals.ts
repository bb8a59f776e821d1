// @kada/runtime/internals: the layers under the public surface, for tools, tests and the
// benchmark. No stability promise; services and generated code use '@kada/runtime'.

export type { Transaction } from 'kysely';
export type { Logger } from 'pino';
export type {
  AmqpExchange,
  AmqpMessage,
  AmqpQueue,
  AmqpRoute,
  Received,
  RequestOptions,
  SendOptions,
  SubscribeOptions,
  Subscription,
} from './broker/amqp-client.ts';
export { AmqpClient, DEAD_LETTER_REASON_HEADER, fillAddress } from './broker/amqp-client.ts';
export { Broker } from './broker/broker.ts';
export { BrokerConnection, brokerDefaults, reconnectDelay } from './broker/connection.ts';
export type {
  BatchExecutor,
  Delivery,
  DeliveryExecutor,
  DeliveryOutcome,
  DeliveryResult,
} from './broker/consumer.ts';
export { QueueConsumer, singleDeliveries } from './broker/consumer.ts';
export type { OutgoingMessage } from './broker/publisher.ts';
export { ConfirmPublisher } from './broker/publisher.ts';
export {
  consumerBindings,
  consumerQueues,
  declareConsumerTopology,
  dlqName,
  dlxName,
  ensureExchange,
  mainQueueArguments,
  retryDelayMs,
  retryQueueName,
} from './broker/topology.ts';
export type { ContextSeed, EventContext } from './context.ts';
export { currentContext, runWithContext } from './context.ts';
export { claimInbox, claimInboxMssql, claimInboxUpsert } from './db/inbox.ts';
export { dialectOf, openDatabase } from './db/open.ts';
export {
  insertOutboxQuery,
  markSentQuery,
  outboxStatsQuery,
  relayLockQuery,
  selectUnsentQuery,
} from './db/outbox.ts';
export type { OutboxTable, ProcessedEventsTable, RuntimeTables } from './db/schema.ts';
export { migrateRuntimeTables, runtimeMigrations } from './db/schema.ts';
export { openSqlite } from './db/sqlite.ts';
export type { PreparedEvent } from './envelope.ts';
export { prepareEvent } from './envelope.ts';
export type { ErrorSeverity, KadaErrorCode, ValidationIssue } from './errors.ts';
export { isKadaError, KadaError, KadaValidationError } from './errors.ts';
export { createLogger } from './logger.ts';
export type { DeadLetterReason } from './metrics.ts';
export { RuntimeMetrics } from './metrics.ts';
export { OutboxRelay } from './relay.ts';
export { createServiceRuntime } from './runtime.ts';
export { exitOnSignal } from './signals.ts';
export { createDirectSink, createOutboxSink } from './sinks.ts';
export type { TraceParent } from './trace.ts';
export { formatTraceparent, parseTraceparent } from './trace.ts';
export type {
  AnyPayload,
  AnySchema,
  BrokerOptions,
  ConsumerDefinition,
  ConsumerHandle,
  ConsumerPolicy,
  ConsumerRoute,
  Envelope,
  EventDescriptor,
  EventSink,
  HandlerContext,
  PublishOptions,
  RetryPolicy,
  ServiceRuntime,
  ServiceRuntimeOptions,
  SqlDialect,
  ValidateFunction,
} from './types.ts';
export { uuidv7 } from './uuid.ts';
