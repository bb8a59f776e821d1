// @kada/runtime: what kada-gen's generated publishers and consumers, and the services built on
// them, import. Explicit and small; the layers underneath (broker, outbox relay, inbox and
// outbox queries, metrics) are '@kada/runtime/internals', for tools and tests.

export type { Transaction } from 'kysely';
export type { Logger } from 'pino';
// Generated clients for plain AMQP documents (any team's, without the envelope) import these.
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
export type { ContextSeed, EventContext } from './context.ts';
export { currentContext, runWithContext } from './context.ts';
export { dialectOf, openDatabase } from './db/open.ts';
export { openSqlite } from './db/sqlite.ts';
export type { PreparedEvent } from './envelope.ts';
export { prepareEvent } from './envelope.ts';
export type { ErrorSeverity, KadaErrorCode, ValidationIssue } from './errors.ts';
export { isKadaError, KadaError, KadaValidationError } from './errors.ts';
export type {
  HttpHandler,
  HttpInput,
  HttpMethod,
  HttpOperation,
  HttpParameterGroup,
  HttpReply,
  HttpResponseValidators,
  HttpRoutes,
  HttpRouteTable,
} from './http.ts';
export { createLogger } from './logger.ts';
export { createServiceRuntime } from './runtime.ts';
export { exitOnSignal } from './signals.ts';
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
