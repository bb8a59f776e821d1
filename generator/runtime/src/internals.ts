// @kada/runtime/internals: the layers under the public surface, for tools, tests and the
// benchmark. No stability promise; services and generated code use '@kada/runtime'.
// Everything public is here too (one list of it: index.ts).

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
export { claimInbox, claimInboxMssql, claimInboxUpsert } from './db/inbox.ts';
export { createPgPool } from './db/open.ts';
export {
  insertOutboxQuery,
  markSentQuery,
  outboxStatsQuery,
  relayLockQuery,
  selectUnsentQuery,
} from './db/outbox.ts';
export type { OutboxTable, ProcessedEventsTable, RuntimeTables } from './db/schema.ts';
export { migrateRuntimeTables, runtimeMigrations } from './db/schema.ts';
export { pipelinedTransaction } from './db/transaction.ts';
export * from './index.ts';
export type { DeadLetterReason } from './metrics.ts';
export { RuntimeMetrics } from './metrics.ts';
export { OutboxRelay } from './relay.ts';
export { createDirectSink, createOutboxSink } from './sinks.ts';
export type { TraceParent } from './trace.ts';
export { formatTraceparent, parseTraceparent } from './trace.ts';
