import type { Channel, ChannelModel, ConsumeMessage, MessagePropertyHeaders, Options } from 'amqplib';
import type { Logger } from 'pino';
import { type EventContext, runWithContext } from '../context.ts';
import { validationIssues } from '../envelope.ts';
import { describeError, KadaError } from '../errors.ts';
import type { DeadLetterReason, RuntimeMetrics } from '../metrics.ts';
import { parseTraceparent } from '../trace.ts';
import type { ConsumerDefinition, ConsumerHandle, ConsumerRoute, Envelope } from '../types.ts';
import { uuidv7 } from '../uuid.ts';
import { AckBatcher } from './acks.ts';
import type { BrokerConnection } from './connection.ts';
import type { ConfirmPublisher } from './publisher.ts';
import { declareConsumerTopology, dlqName, dlxName, retryQueueName, validatePolicy } from './topology.ts';

/** One validated message on its way to a handler. */
export interface Delivery {
  readonly queue: string;
  readonly route: ConsumerRoute;
  readonly envelope: Envelope<unknown>;
  readonly attempt: number;
  readonly log: Logger;
  /** Correlation, causation and trace the handler runs with (see `runWithContext`). */
  readonly context: EventContext;
  /** The route's ordering key value, when it has one: deliveries with the same one keep their order. */
  readonly orderingKey?: string | undefined;
}

/** `duplicate`: the inbox already had the event, the handler did not run. */
export type DeliveryOutcome = 'handled' | 'duplicate';

/** Runs the handler of one delivery (in the delivery's context, set by the consumer). */
export type DeliveryExecutor = (delivery: Delivery) => Promise<DeliveryOutcome>;

/** What became of one delivery of a batch: its outcome, or the error its handler (or transaction) gave. */
export type DeliveryResult = { readonly outcome: DeliveryOutcome } | { readonly error: unknown };

/**
 * Runs several deliveries at once (the service runtime: one database transaction for the batch).
 * `run` answers one result per delivery, in order; a failing delivery must not fail the others.
 * Deliveries in one batch never share an ordering key with another batch running at the same time,
 * and those of one key come in queue order: `run` must handle them in the order given. Handlers run
 * in their delivery's context: `run` calls them inside `runWithContext(delivery.context, …)`.
 */
export interface BatchExecutor {
  /** Deliveries per batch at most (1: one at a time). */
  readonly maxBatch: number;
  /**
   * Batches it can run at once (the service runtime: its database's connections), when fewer than
   * the policy's concurrency: the consumer then forms no more batches than that, so deliveries wait
   * together in fewer, larger batches instead of in batches that wait for a connection.
   */
  readonly maxConcurrent?: number | undefined;
  run(deliveries: readonly Delivery[]): Promise<DeliveryResult[]>;
}

/** A single-delivery executor as a batch executor of batches of one. */
export function singleDeliveries(executor: DeliveryExecutor): BatchExecutor {
  return {
    maxBatch: 1,
    async run(deliveries) {
      const delivery = deliveries[0] as Delivery;
      try {
        return [{ outcome: await runWithContext(delivery.context, () => executor(delivery)) }];
      } catch (error) {
        return [{ error }];
      }
    },
  };
}

/** A delivery that passed every check, waiting for its batch's result. */
interface Ready {
  readonly pending: Pending;
  readonly delivery: Delivery;
  readonly originalRoutingKey: string;
  readonly stopTimer: () => unknown;
}

/** Headers the broker owns; copying them onto a re-published message would mislead it. */
const BROKER_HEADERS = /^(x-death|x-first-death-.*|x-last-death-.*|x-delivery-count)$/;
const MAX_ERROR_HEADER = 1000;
/**
 * On retry and dead-letter copies: the broker-verified user of the original publisher. The copy
 * itself carries this service's own user_id, so the header is believed only on a message whose
 * user_id is this service's user (nobody else can write to `<queue>.dlx`).
 */
const PUBLISHER_HEADER = 'x-kada-user-id';

interface Pending {
  readonly message: ConsumeMessage;
  /** The acks of the channel that delivered it; void once that channel is gone. */
  readonly acks: AckBatcher;
  /** The body, when it was parsed on arrival to read its ordering key. */
  readonly parsed?: { readonly body: unknown };
  /** The route's ordering key value: deliveries with the same one run one at a time, in order. */
  readonly key?: string;
}

/**
 * Consumes one queue: manual ack, prefetch, at most `concurrency` batches at once (or the executor's
 * `maxConcurrent`, when lower; a batch: the
 * deliveries waiting together, up to the executor's `maxBatch`, see {@link BatchExecutor}). Every delivery
 * ends in a broker action: ack after success (or duplicate); a copy to the next retry delay queue
 * and then ack after a handler error; a copy to `<queue>.dlq` with reason headers and then ack for
 * an oversized body, bad JSON (or a `__proto__` key), an unknown event, a publisher that does not
 * own the event (see `publisherUser`), a schema violation, retries exhausted, or the delivery
 * limit. Retry and DLQ copies go through the queue's own `<queue>.dlx` exchange. Copies
 * are published with confirms before the original is acked, so a crash in between duplicates at
 * worst. Survives reconnects: the channel, topology and consumer are re-created.
 */
export class QueueConsumer implements ConsumerHandle {
  readonly queue: string;
  readonly #definition: ConsumerDefinition;
  readonly #connection: BrokerConnection;
  readonly #publisher: ConfirmPublisher;
  readonly #executor: BatchExecutor;
  readonly #log: Logger;
  readonly #metrics: RuntimeMetrics;
  readonly #onStopped: (() => void) | undefined;
  /** Envelope routes by eventType, then version. */
  readonly #envelopeRoutes = new Map<string, Map<number, ConsumerRoute>>();
  /** Bare (envelope-less) routes by routing key; several when one channel carries several messages. */
  readonly #bareRoutes = new Map<string, ConsumerRoute[]>();
  /** This connection's broker user, and the prefix that makes a service name a broker user. */
  readonly #ownUser: string;
  readonly #userPrefix: string | undefined;
  #channel: Channel | undefined;
  #acks: AckBatcher | undefined;
  #consumerTag: string | undefined;
  #waiting: Pending[] = [];
  /** Batches being handled, at most `#concurrency`. */
  #active = 0;
  /** The policy's concurrency, or the executor's `maxConcurrent` when lower. */
  readonly #concurrency: number;
  #drainScheduled = false;
  /** Ordering keys of the deliveries being handled. */
  readonly #activeKeys = new Set<string>();
  /** Whether any route declares an ordering key (then bodies are parsed on arrival). */
  readonly #keyed: boolean;
  #stopping = false;
  #stopped: Promise<void> | undefined;
  #idleWaiters: Array<() => void> = [];
  #resetupTimer: NodeJS.Timeout | undefined;
  /** Metric children bound to this queue once, instead of hashing labels per message. */
  readonly #counters: {
    consumed: { inc(): void };
    succeeded: { inc(): void };
    retried: { inc(): void };
    duplicates: { inc(): void };
    duration: { startTimer(): () => unknown };
  };
  readonly #onConnected = (model: ChannelModel): void => {
    void this.#setup(model).catch((error: unknown) => this.#setupFailed(model, error));
  };
  readonly #onDisconnected = (): void => {
    this.#channel = undefined;
    this.#acks = undefined;
    this.#consumerTag = undefined;
    // Unacked deliveries of the dead channel go back to the queue on the broker's side.
    this.#waiting = [];
  };

  constructor(
    definition: ConsumerDefinition,
    connection: BrokerConnection,
    publisher: ConfirmPublisher,
    executor: DeliveryExecutor | BatchExecutor,
    log: Logger,
    metrics: RuntimeMetrics,
    onStopped?: () => void,
  ) {
    validatePolicy(definition.policy);
    this.#onStopped = onStopped;
    this.queue = definition.policy.queue;
    this.#definition = definition;
    this.#connection = connection;
    this.#publisher = publisher;
    this.#executor = typeof executor === 'function' ? singleDeliveries(executor) : executor;
    this.#concurrency = Math.max(
      1,
      Math.min(definition.policy.concurrency, this.#executor.maxConcurrent ?? definition.policy.concurrency),
    );
    this.#log = log.child({ queue: this.queue });
    this.#metrics = metrics;
    this.#ownUser = connection.user;
    this.#userPrefix = producerUserPrefix(connection.user, definition.service);
    const labels = { queue: this.queue };
    this.#counters = {
      consumed: metrics.consumed.labels(labels),
      succeeded: metrics.succeeded.labels(labels),
      retried: metrics.retried.labels(labels),
      duplicates: metrics.duplicates.labels(labels),
      duration: metrics.handlerDuration.labels(labels),
    };
    this.#keyed = definition.routes.some((route) => route.orderingKey !== undefined);
    for (const route of definition.routes) {
      const { descriptor } = route;
      if (descriptor.envelope) {
        let versions = this.#envelopeRoutes.get(descriptor.eventType);
        if (!versions) {
          versions = new Map();
          this.#envelopeRoutes.set(descriptor.eventType, versions);
        }
        versions.set(descriptor.version, route);
      } else {
        this.#bareRoutes.set(descriptor.routingKey, [
          ...(this.#bareRoutes.get(descriptor.routingKey) ?? []),
          route,
        ]);
      }
    }
  }

  /** Declares the topology and starts consuming; rejects if the topology cannot be declared. */
  async start(): Promise<void> {
    // Only worth saying when a route names its owner, i.e. when the check would have applied.
    if (this.#userPrefix === undefined && this.#definition.routes.some((r) => r.descriptor.producer)) {
      this.#log.warn(
        { user: this.#ownUser },
        `producer check off: broker user ${this.#ownUser} is not a per-service user (…${this.#definition.service})`,
      );
    }
    const model = await this.#connection.whenUp(this.#connection.options.publishTimeoutMs);
    await this.#setup(model);
    this.#connection.on('connected', this.#onConnected);
    this.#connection.on('disconnected', this.#onDisconnected);
  }

  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#resetupTimer);
    this.#connection.off('connected', this.#onConnected);
    const channel = this.#channel;
    if (channel && this.#consumerTag) {
      await channel.cancel(this.#consumerTag).catch(() => undefined);
    }
    // Delivered but not started: straight back to the queue for another consumer.
    for (const pending of this.#waiting) this.#settle(pending, 'requeue');
    this.#waiting = [];
    if (this.#active > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    this.#acks?.flush();
    this.#connection.off('disconnected', this.#onDisconnected);
    this.#channel = undefined;
    this.#acks = undefined;
    if (channel) await channel.close().catch(() => undefined);
    this.#onStopped?.();
    this.#log.info('consumer stopped');
  }

  async #setup(model: ChannelModel): Promise<void> {
    if (this.#stopping) return;
    const channel = await model.createChannel();
    channel.on('error', (error: Error) =>
      this.#log.warn({ err: describeError(error) }, 'consumer channel error'),
    );
    channel.once('close', () => {
      if (this.#channel !== channel) return;
      this.#channel = undefined;
      this.#acks = undefined;
      this.#consumerTag = undefined;
      this.#waiting = [];
      if (!this.#stopping && this.#connection.model === model) this.#scheduleSetup(model, 1000);
    });
    try {
      await declareConsumerTopology(model, channel, this.#definition.policy, this.#definition.routes);
      await channel.prefetch(this.#definition.policy.prefetch);
    } catch (error) {
      await channel.close().catch(() => undefined);
      throw new KadaError(
        'KADA_CONFIG',
        `cannot declare topology of ${this.queue}: ${describeError(error)}`,
        {
          cause: error,
          severity: 'channel',
        },
      );
    }
    if (this.#stopping) {
      await channel.close().catch(() => undefined);
      return;
    }
    this.#channel = channel;
    const acks = new AckBatcher(channel, (error) =>
      this.#log.debug({ err: describeError(error) }, 'ack/nack on a closed channel; the broker redelivers'),
    );
    this.#acks = acks;
    const reply = await channel.consume(this.queue, (message) => this.#onMessage(channel, acks, message), {
      noAck: false,
    });
    this.#consumerTag = reply.consumerTag;
    this.#log.info({ prefetch: this.#definition.policy.prefetch }, 'consuming');
  }

  #setupFailed(model: ChannelModel, error: unknown): void {
    this.#log.error({ err: describeError(error) }, 'consumer setup failed; retrying');
    if (!this.#stopping && this.#connection.model === model) this.#scheduleSetup(model, 5000);
  }

  #scheduleSetup(model: ChannelModel, delayMs: number): void {
    clearTimeout(this.#resetupTimer);
    this.#resetupTimer = setTimeout(() => {
      if (this.#stopping || this.#connection.model !== model || this.#channel) return;
      void this.#setup(model).catch((error: unknown) => this.#setupFailed(model, error));
    }, delayMs);
    this.#resetupTimer.unref();
  }

  #onMessage(channel: Channel, acks: AckBatcher, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled us (queue deleted or failed over): consume again once it is back.
      this.#log.warn('consumer cancelled by the broker');
      if (this.#channel === channel) {
        this.#channel = undefined;
        this.#acks = undefined;
        void channel.close().catch(() => undefined);
      }
      return;
    }
    acks.track(message);
    this.#waiting.push(this.#keyed ? this.#withKey(message, acks) : { message, acks });
    // Deliveries parsed from one socket read arrive in one turn: drain once after them, so that
    // they can share a batch instead of each taking a slot of its own.
    if (!this.#drainScheduled) {
      this.#drainScheduled = true;
      queueMicrotask(() => {
        this.#drainScheduled = false;
        this.#drain();
      });
    }
  }

  /** Parses the body once, on arrival, to find its ordering key; a bad body has none (it is dead-lettered later). */
  #withKey(message: ConsumeMessage, acks: AckBatcher): Pending {
    // Too large: not parsed here either; #process dead-letters it.
    if (message.content.length > this.#connection.options.maxMessageBytes) return { message, acks };
    let body: unknown;
    try {
      body = parseBody(message.content);
    } catch {
      return { message, acks };
    }
    const headers = message.properties.headers ?? {};
    const route = this.#findRoute(
      body,
      String(headers['x-kada-original-routing-key'] ?? message.fields.routingKey),
    );
    const value = route?.orderingKey === undefined ? undefined : valueAt(body, route.orderingKey);
    const key =
      typeof value === 'string' || typeof value === 'number' ? `${route?.orderingKey}\0${value}` : undefined;
    return key === undefined ? { message, acks, parsed: { body } } : { message, acks, parsed: { body }, key };
  }

  /**
   * Takes the next batch from the waiting deliveries, oldest first: deliveries whose ordering key
   * no running batch holds, as many as share the free slots evenly (at least one, at most
   * `maxBatch`). A delivery left behind (full batch, or its key busy) keeps the later ones of its
   * key behind it, so each key stays in queue order.
   */
  #takeBatch(): Pending[] {
    const free = this.#concurrency - this.#active;
    const size = Math.min(this.#executor.maxBatch, Math.max(1, Math.ceil(this.#waiting.length / free)));
    const taken: Pending[] = [];
    if (this.#activeKeys.size === 0 && size >= this.#waiting.length) {
      taken.push(...this.#waiting);
      this.#waiting = [];
      return taken;
    }
    const kept: Pending[] = [];
    const skipped = new Set<string>();
    for (const pending of this.#waiting) {
      const key = pending.key;
      const runnable =
        taken.length < size && (key === undefined || (!this.#activeKeys.has(key) && !skipped.has(key)));
      if (runnable) taken.push(pending);
      else {
        if (key !== undefined) skipped.add(key);
        kept.push(pending);
      }
    }
    this.#waiting = kept;
    return taken;
  }

  #drain(): void {
    const concurrency = this.#concurrency;
    while (this.#active < concurrency && !this.#stopping && this.#waiting.length > 0) {
      const batch = this.#takeBatch();
      if (batch.length === 0) break;
      const keys: string[] = [];
      for (const pending of batch) {
        if (pending.key !== undefined && !this.#activeKeys.has(pending.key)) {
          this.#activeKeys.add(pending.key);
          keys.push(pending.key);
        }
      }
      this.#active += 1;
      this.#processBatch(batch).then(
        () => this.#finished(keys),
        (error: unknown) => {
          // Only a bug in the runtime gets here; the broker dead-letters the messages.
          this.#log.error({ err: describeError(error) }, 'unexpected consumer failure');
          for (const pending of batch) this.#settle(pending, 'reject');
          this.#finished(keys);
        },
      );
    }
  }

  #finished(keys: readonly string[]): void {
    for (const key of keys) this.#activeKeys.delete(key);
    this.#active -= 1;
    if (this.#active === 0 && this.#idleWaiters.length > 0) {
      for (const waiter of this.#idleWaiters.splice(0)) waiter();
    }
    this.#drain();
  }

  /**
   * Checks every delivery of the batch (those that fail a check are dead-lettered on their own),
   * runs the rest through the executor together, then settles each by its own result: ack, retry
   * or dead-letter.
   */
  async #processBatch(batch: readonly Pending[]): Promise<void> {
    const ready: Ready[] = [];
    const rejected: Array<Promise<void>> = [];
    for (const pending of batch) {
      const checked = this.#check(pending);
      if (checked instanceof Promise) rejected.push(checked);
      else ready.push(checked);
    }
    if (ready.length > 0) {
      let results: DeliveryResult[];
      try {
        results = await this.#executor.run(ready.map((r) => r.delivery));
      } catch (error) {
        results = ready.map(() => ({ error }));
      }
      await Promise.all(
        ready.map((r, index) => this.#conclude(r, results[index] ?? { error: new Error('no result') })),
      );
    }
    await Promise.all(rejected);
  }

  /** The checks before a handler: a Delivery, or the dead-lettering of a message that fails one. */
  #check(pending: Pending): Ready | Promise<void> {
    const { message } = pending;
    const { policy } = this.#definition;
    const queue = this.queue;
    this.#counters.consumed.inc();
    const headers: MessagePropertyHeaders = message.properties.headers ?? {};
    const attempt = positiveInteger(headers['x-kada-attempt']) ?? 1;
    const originalRoutingKey = String(headers['x-kada-original-routing-key'] ?? message.fields.routingKey);
    const deliveryCount = positiveInteger(headers['x-delivery-count']) ?? 0;

    if (policy.queueType === 'quorum' && deliveryCount >= policy.deliveryLimit) {
      const detail = `delivered ${deliveryCount + 1} times without an ack (limit ${policy.deliveryLimit})`;
      return this.#deadLetter(pending, 'delivery-limit', detail, attempt, originalRoutingKey);
    }
    const maxBytes = this.#connection.options.maxMessageBytes;
    if (message.content.length > maxBytes) {
      const detail = `${message.content.length} bytes, more than maxMessageBytes (${maxBytes})`;
      return this.#deadLetter(pending, 'too-large', detail, attempt, originalRoutingKey);
    }
    let body: unknown;
    if (pending.parsed) body = pending.parsed.body;
    else {
      try {
        body = parseBody(message.content);
      } catch (error) {
        return this.#deadLetter(pending, 'invalid-json', describeError(error), attempt, originalRoutingKey);
      }
    }
    const route = this.#findRoute(body, originalRoutingKey, message.properties.type);
    if (!route) {
      const detail = `no route for ${describeEvent(body, originalRoutingKey)} on ${queue}`;
      return this.#deadLetter(pending, 'unknown-event', detail, attempt, originalRoutingKey);
    }
    const { descriptor } = route;
    if (descriptor.producer !== undefined && this.#userPrefix !== undefined) {
      const publisher = publisherUser(message, this.#ownUser);
      const expected = `${this.#userPrefix}${descriptor.producer}`;
      if (publisher !== expected) {
        const detail =
          `${descriptor.eventType} v${descriptor.version} is sent by ${descriptor.producer} (broker user ` +
          `${expected}) but was published by ${publisher === undefined ? 'a message without user_id' : publisher}`;
        return this.#deadLetter(pending, 'producer-mismatch', detail, attempt, originalRoutingKey);
      }
    }
    if (!descriptor.validate(body)) {
      const detail = validationIssues(descriptor.validate)
        .map((issue) => `${issue.instancePath || '/'} ${issue.message}`)
        .join('; ');
      return this.#deadLetter(pending, 'validation', detail, attempt, originalRoutingKey);
    }
    const envelope = descriptor.envelope ? (body as Envelope<unknown>) : bareEnvelope(message, route, body);
    const trace = parseTraceparent(headers.traceparent);
    const log = lazyLogger(() =>
      this.#log.child({
        eventId: envelope.eventId,
        eventType: envelope.eventType,
        correlationId: envelope.correlationId,
        causationId: envelope.causationId,
        traceId: trace?.traceId,
        attempt,
      }),
    );
    const context: EventContext = {
      correlationId: envelope.correlationId,
      causationId: envelope.eventId,
      trace,
    };
    return {
      pending,
      delivery: { queue, route, envelope, attempt, log, context, orderingKey: pending.key },
      originalRoutingKey,
      stopTimer: this.#counters.duration.startTimer(),
    };
  }

  /** Acks a handled delivery; retries or dead-letters a failed one. */
  #conclude(ready: Ready, result: DeliveryResult): Promise<void> | undefined {
    const { pending, delivery, originalRoutingKey } = ready;
    const { attempt, log } = delivery;
    ready.stopTimer();
    if ('error' in result) {
      const { error } = result;
      if (attempt <= this.#definition.policy.retry.maxRetries) {
        log.warn({ err: describeError(error) }, 'handler failed; retrying later');
        return this.#retry(pending, attempt, error, originalRoutingKey);
      }
      log.error({ err: describeError(error) }, 'handler failed; retries exhausted');
      return this.#deadLetter(pending, 'handler-error', describeError(error), attempt, originalRoutingKey);
    }
    if (result.outcome === 'duplicate') {
      this.#counters.duplicates.inc();
      log.info('duplicate delivery acknowledged without running the handler');
    }
    this.#settle(pending, 'ack');
    this.#counters.succeeded.inc();
    return undefined;
  }

  #findRoute(body: unknown, routingKey: string, type?: unknown): ConsumerRoute | undefined {
    if (isRecord(body) && typeof body.eventType === 'string' && typeof body.version === 'number') {
      const route = this.#envelopeRoutes.get(body.eventType)?.get(body.version);
      if (route) return route;
    }
    const bare = this.#bareRoutes.get(routingKey);
    // One message on the routing key: it is that one; several: the AMQP `type` property names it.
    if (bare?.length === 1) return bare[0];
    return bare?.find((r) => r.descriptor.eventType === type);
  }

  async #retry(pending: Pending, attempt: number, error: unknown, originalRoutingKey: string): Promise<void> {
    const headers = {
      ...copyHeaders(pending.message, this.#ownUser),
      'x-kada-attempt': attempt + 1,
      'x-kada-original-routing-key': originalRoutingKey,
      'x-kada-error': truncate(describeError(error)),
    };
    try {
      await this.#publisher.publish({
        exchange: dlxName(this.queue),
        routingKey: retryQueueName(this.queue, attempt),
        content: pending.message.content,
        properties: { ...copyProperties(pending.message), headers },
      });
    } catch (publishError) {
      return this.#copyFailed(pending, publishError);
    }
    this.#counters.retried.inc();
    this.#settle(pending, 'ack');
  }

  async #deadLetter(
    pending: Pending,
    reason: DeadLetterReason,
    detail: string,
    attempts: number,
    originalRoutingKey: string,
  ): Promise<void> {
    const { message } = pending;
    const log = this.#log.child({ messageId: message.properties.messageId, reason });
    if (this.#definition.policy.deadLetter) {
      const headers = {
        ...copyHeaders(message, this.#ownUser),
        'x-kada-reason': reason,
        'x-kada-error': truncate(detail),
        'x-kada-attempts': attempts,
        'x-kada-original-routing-key': originalRoutingKey,
        'x-kada-dead-lettered-at': new Date().toISOString(),
        'x-kada-queue': this.queue,
      };
      try {
        await this.#publisher.publish({
          exchange: dlxName(this.queue),
          routingKey: dlqName(this.queue),
          content: message.content,
          properties: { ...copyProperties(message), headers },
        });
      } catch (publishError) {
        return this.#copyFailed(pending, publishError);
      }
      log.warn({ detail: truncate(detail, 300) }, 'message dead-lettered');
    } else {
      log.error({ detail: truncate(detail, 300) }, 'message dropped (dead-lettering is off for this queue)');
    }
    this.#metrics.deadLettered.inc({ queue: this.queue, reason });
    this.#settle(pending, 'ack');
  }

  /** The copy was not confirmed: give the original back to the broker, after a pause against hot loops. */
  async #copyFailed(pending: Pending, error: unknown): Promise<void> {
    this.#log.error(
      { err: describeError(error), messageId: pending.message.properties.messageId },
      'could not publish the retry/dead-letter copy; requeueing the original',
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    this.#settle(pending, 'requeue');
  }

  /** Acks/nacks on the channel that delivered the message; after a reconnect that tag is void. */
  #settle(pending: Pending, action: 'ack' | 'requeue' | 'reject'): void {
    if (pending.acks !== this.#acks) return;
    if (action === 'ack') pending.acks.ack(pending.message);
    else pending.acks.nack(pending.message, action === 'requeue');
  }
}

/**
 * A logger whose bindings are built on first use: most deliveries log nothing, and a pino child
 * costs a serialization of its bindings.
 */
function lazyLogger(create: () => Logger): Logger {
  let logger: Logger | undefined;
  return new Proxy({} as Logger, {
    get(_target, property) {
      logger ??= create();
      const value: unknown = Reflect.get(logger, property, logger);
      return typeof value === 'function' ? value.bind(logger) : value;
    },
  });
}

/**
 * JSON.parse, refusing a `__proto__` key anywhere: JSON.parse itself makes it a harmless own
 * property, but a handler that later merges the data with Object.assign or a deep merge would
 * change an object's prototype. The reviver (slow) runs only when the text could spell the key.
 */
export function parseBody(content: Buffer): unknown {
  const text = content.toString('utf8');
  if (!text.includes('__proto__') && !text.includes('\\u')) return JSON.parse(text);
  return JSON.parse(text, (key, value: unknown) => {
    if (key === '__proto__') throw new SyntaxError('forbidden key "__proto__" (prototype pollution)');
    return value;
  });
}

/**
 * The prefix that turns a service name into its broker user, when this consumer runs under a
 * per-service user (`svc-order` for service `order` -> `svc-`); undefined under a shared user such
 * as `guest`, where a user_id says nothing about which service published.
 */
export function producerUserPrefix(ownUser: string, service: string): string | undefined {
  return ownUser.endsWith(service) && service !== '' ? ownUser.slice(0, -service.length) : undefined;
}

/** Who published a delivery, as the broker verified it (see PUBLISHER_HEADER for retried copies). */
export function publisherUser(
  message: { properties: { headers?: MessagePropertyHeaders | undefined; userId?: unknown } },
  ownUser: string,
): string | undefined {
  const userId: unknown = message.properties.userId;
  if (typeof userId !== 'string') return undefined;
  const carried: unknown = message.properties.headers?.[PUBLISHER_HEADER];
  return userId === ownUser && typeof carried === 'string' ? carried : userId;
}

/** The value at a dotted path (`data.orderId`) in a parsed body, if any. */
function valueAt(body: unknown, path: string): unknown {
  let value = body;
  for (const part of path.split('.')) {
    if (!isRecord(value)) return undefined;
    value = value[part];
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function positiveInteger(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isInteger(number) && number >= 0 ? number : undefined;
}

function truncate(text: string, max = MAX_ERROR_HEADER): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function describeEvent(body: unknown, routingKey: string): string {
  if (isRecord(body) && typeof body.eventType === 'string')
    return `${body.eventType} v${String(body.version)}`;
  return `routing key ${routingKey}`;
}

/** A third-party body (no envelope): the envelope facts come from the AMQP properties. */
function bareEnvelope(message: ConsumeMessage, route: ConsumerRoute, body: unknown): Envelope<unknown> {
  const { properties } = message;
  const eventId = typeof properties.messageId === 'string' ? properties.messageId : uuidv7();
  return {
    eventId,
    eventType: route.descriptor.eventType,
    version: route.descriptor.version,
    occurredAt: new Date(
      typeof properties.timestamp === 'number' ? properties.timestamp * 1000 : Date.now(),
    ).toISOString(),
    correlationId: typeof properties.correlationId === 'string' ? properties.correlationId : eventId,
    causationId: null,
    producer: typeof properties.appId === 'string' ? properties.appId : 'unknown',
    data: body,
  };
}

/**
 * The headers for a re-published copy, without the broker's own. Given this service's broker user
 * (retry and DLQ copies), `x-kada-user-id` is set to the verified publisher, or removed when there
 * is none: a publisher's own claim in that header must never ride on a copy this service vouches for.
 */
export function copyHeaders(
  message: { properties: { headers?: MessagePropertyHeaders | undefined; userId?: unknown } },
  ownUser?: string,
): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(message.properties.headers ?? {})) {
    if (!BROKER_HEADERS.test(key)) copy[key] = value;
  }
  if (ownUser !== undefined) {
    const user = publisherUser(message, ownUser);
    if (user === undefined) delete copy[PUBLISHER_HEADER];
    else copy[PUBLISHER_HEADER] = user;
  }
  return copy;
}

/** The original message's properties for a re-published copy (messageId kept; userId dropped). */
export function copyProperties(
  message: ConsumeMessage | { properties: ConsumeMessage['properties'] },
): Options.Publish & {
  messageId: string;
} {
  const p = message.properties;
  const properties: Options.Publish & { messageId: string } = {
    messageId: typeof p.messageId === 'string' ? p.messageId : uuidv7(),
    persistent: true,
  };
  if (p.type !== undefined) properties.type = p.type;
  if (p.timestamp !== undefined) properties.timestamp = p.timestamp;
  if (p.correlationId !== undefined) properties.correlationId = p.correlationId;
  if (p.contentType !== undefined) properties.contentType = p.contentType;
  if (p.contentEncoding !== undefined) properties.contentEncoding = p.contentEncoding;
  if (p.appId !== undefined) properties.appId = p.appId;
  if (p.priority !== undefined) properties.priority = p.priority;
  if (p.replyTo !== undefined) properties.replyTo = p.replyTo;
  return properties;
}
