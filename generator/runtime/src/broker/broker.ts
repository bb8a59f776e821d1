import type { ChannelModel } from 'amqplib';
import type { Logger } from 'pino';
import { describeError } from '../errors.ts';
import type { RuntimeMetrics } from '../metrics.ts';
import type { BrokerOptions, ConsumerDefinition } from '../types.ts';
import { BrokerConnection } from './connection.ts';
import { type BatchExecutor, type DeliveryExecutor, QueueConsumer } from './consumer.ts';
import { ConfirmPublisher, type OutgoingMessage } from './publisher.ts';
import { ensureExchange } from './topology.ts';

/**
 * The broker layer without any database: one connection, one confirming publisher, and queue
 * consumers that hand validated deliveries to an executor. The service runtime adds the inbox and
 * outbox on top; the benchmark and the DLQ tool use this layer directly.
 */
export class Broker {
  readonly connection: BrokerConnection;
  readonly publisher: ConfirmPublisher;
  readonly #log: Logger;
  readonly #metrics: RuntimeMetrics;
  readonly #consumers = new Set<QueueConsumer>();
  /** Exchanges declared on the current connection. */
  #exchanges = new Map<string, Promise<void>>();
  #declared = new Set<string>();

  constructor(options: BrokerOptions, log: Logger, metrics: RuntimeMetrics) {
    this.#log = log;
    this.#metrics = metrics;
    this.connection = new BrokerConnection(options, log, metrics);
    this.publisher = new ConfirmPublisher(this.connection, log, metrics);
    this.connection.on('connected', () => {
      this.#exchanges = new Map();
      this.#declared = new Set();
    });
  }

  start(): Promise<void> {
    return this.connection.start();
  }

  /**
   * Publishes with confirms. The target exchange is checked (declared if missing) once per
   * connection first: publishing to a missing exchange would close the channel with every message
   * in flight on it. Resolves with `value` once confirmed.
   */
  publish<T = void>(message: OutgoingMessage, value?: T): Promise<T> {
    if (message.exchange === '' || this.#declared.has(message.exchange))
      return this.publisher.publish(message, value);
    return this.ensureExchange(message.exchange).then(() => this.publisher.publish(message, value));
  }

  ensureExchange(exchange: string): Promise<void> {
    let declared = this.#exchanges.get(exchange);
    if (!declared) {
      declared = this.#declareExchange(exchange);
      this.#exchanges.set(exchange, declared);
      declared.then(
        () => this.#declared.add(exchange),
        () => this.#exchanges.delete(exchange),
      );
    }
    return declared;
  }

  async #declareExchange(exchange: string): Promise<void> {
    const model: ChannelModel = await this.connection.whenUp(this.connection.options.publishTimeoutMs);
    try {
      await ensureExchange(model, exchange);
    } catch (error) {
      this.#log.warn({ err: describeError(error), exchange }, 'declare failed');
      throw error;
    }
  }

  /** Declares the queue's topology and starts consuming it; deliveries one by one, or in batches. */
  async consume(
    definition: ConsumerDefinition,
    executor: DeliveryExecutor | BatchExecutor,
  ): Promise<QueueConsumer> {
    const consumer: QueueConsumer = new QueueConsumer(
      definition,
      this.connection,
      this.publisher,
      executor,
      this.#log,
      this.#metrics,
      () => this.#consumers.delete(consumer),
    );
    await consumer.start();
    this.#consumers.add(consumer);
    return consumer;
  }

  /** Stops every consumer (finishing in-flight messages). */
  async stopConsumers(): Promise<void> {
    await Promise.all([...this.#consumers].map((consumer) => consumer.stop()));
  }

  /** Stops consumers, waits for outstanding confirms (bounded), closes the connection. */
  async close(flushTimeoutMs = 10_000): Promise<void> {
    await this.stopConsumers();
    await this.publisher.idle(flushTimeoutMs);
    await this.publisher.close();
    await this.connection.close();
  }
}
