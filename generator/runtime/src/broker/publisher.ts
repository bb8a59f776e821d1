import type { ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';
import type { Logger } from 'pino';
import { describeError, KadaError } from '../errors.ts';
import type { RuntimeMetrics } from '../metrics.ts';
import type { BrokerConnection } from './connection.ts';

/**
 * One message to publish. `properties.messageId` is required: returns are matched by it. The
 * publisher sets `mandatory`, `userId` and (when absent) `persistent` on `properties` itself.
 */
export interface OutgoingMessage {
  exchange: string;
  routingKey: string;
  content: Buffer;
  properties: Options.Publish & { messageId: string };
}

interface PublishRequest extends OutgoingMessage {
  readonly seq: number;
  readonly deadline: number;
  resends: number;
  returned: boolean;
  settled: boolean;
  /** What the publish resolves with once confirmed. */
  readonly value: unknown;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * Publishes on one ConfirmChannel of the shared connection. A publish resolves only when the broker
 * confirmed it and rejects on a nack, on a `mandatory` return (unroutable), or when its deadline
 * passes. At most `maxInFlight` messages are unconfirmed and at most `maxQueued` wait to be
 * written; the writer pauses on `drain`. Messages written but unconfirmed when the channel dies are
 * put back at the head of the queue, in their original order, and re-sent once a channel is back
 * (at most `maxResends` times): the broker may see them twice, which the consumers' inbox absorbs,
 * but a confirmed publish is never lost and an unconfirmed one is never silently dropped.
 *
 * A nack says the broker did not take the message (a quorum queue without a leader while a node
 * stops, a full queue with `reject-publish`): it is sent again after a pause (100 ms, doubling, at
 * most `maxResends` times, within its deadline), then rejected with KADA_PUBLISH_NACKED.
 */
export class ConfirmPublisher {
  readonly #connection: BrokerConnection;
  readonly #log: Logger;
  readonly #metrics: RuntimeMetrics | undefined;
  #channel: ConfirmChannel | undefined;
  #opening: Promise<void> | undefined;
  #writable = true;
  #queue: PublishRequest[] = [];
  #inflight = new Map<number, PublishRequest>();
  #seq = 0;
  #closed = false;
  #sweeper: NodeJS.Timeout;
  #idleWaiters: Array<() => void> = [];
  /** Nacked requests waiting out their pause before they are sent again. */
  readonly #pausing = new Set<PublishRequest>();
  /** kada_published_total children per exchange and routing key, to skip label hashing per message. */
  readonly #publishedCounters = new Map<string, Map<string, { inc(): void }>>();

  constructor(connection: BrokerConnection, log: Logger, metrics?: RuntimeMetrics) {
    this.#connection = connection;
    this.#log = log.child({ component: 'publisher' });
    this.#metrics = metrics;
    connection.on('connected', (model) => this.#open(model));
    connection.on('disconnected', () => {
      this.#channel = undefined;
    });
    const model = connection.model;
    if (model) this.#open(model);
    this.#sweeper = setInterval(() => this.#expire(), 250);
    this.#sweeper.unref();
  }

  /** Messages accepted and not yet confirmed or rejected. */
  get pending(): number {
    return this.#queue.length + this.#inflight.size + this.#pausing.size;
  }

  /**
   * Resolves with `value` (nothing by default) once the broker confirmed the message: a caller
   * that wants to hand something back after the confirm needs no promise of its own for it.
   */
  publish<T = void>(message: OutgoingMessage, value?: T): Promise<T> {
    if (this.#closed) return Promise.reject(new KadaError('KADA_STOPPED', 'publisher is closed'));
    if (this.#queue.length >= this.#connection.options.maxQueued) {
      return Promise.reject(
        new KadaError(
          'KADA_PUBLISH_OVERFLOW',
          `${this.#queue.length} messages already wait to be published (maxQueued); slow down or raise the limit`,
        ),
      );
    }
    // Every publish is mandatory (unroutable -> rejected), unless said otherwise persistent, and
    // carries the connection's user as user_id: the broker verifies it, consumers rely on it. Set on
    // the caller's properties object (no copy per message): each caller builds a fresh one.
    const properties = message.properties;
    properties.mandatory = true;
    properties.userId = this.#connection.user;
    if (properties.persistent === undefined) properties.persistent = true;
    return new Promise<T>((resolve, reject) => {
      const request: PublishRequest = {
        exchange: message.exchange,
        routingKey: message.routingKey,
        content: message.content,
        properties,
        seq: ++this.#seq,
        deadline: Date.now() + this.#connection.options.publishTimeoutMs,
        resends: 0,
        returned: false,
        settled: false,
        value,
        resolve: resolve as (value: unknown) => void,
        reject,
      };
      // Nothing waiting before it and room on the wire: straight out, without a trip through the queue.
      const channel = this.#channel;
      if (
        channel &&
        this.#writable &&
        this.#queue.length === 0 &&
        this.#inflight.size < this.#connection.options.maxInFlight
      ) {
        this.#write(channel, request);
        return;
      }
      this.#queue.push(request);
      this.#pump();
    });
  }

  /** Resolves when nothing is queued or in flight (or after `timeoutMs`). */
  idle(timeoutMs: number): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#idleWaiters.push(done);
    });
  }

  /** Rejects whatever is still waiting and closes the channel. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sweeper);
    for (const request of this.#queue)
      this.#settle(request, new KadaError('KADA_STOPPED', 'publisher closed'));
    this.#queue = [];
    for (const request of this.#pausing)
      this.#settle(request, new KadaError('KADA_STOPPED', 'publisher closed'));
    this.#pausing.clear();
    const channel = this.#channel;
    this.#channel = undefined;
    if (channel) await channel.close().catch(() => undefined);
  }

  #open(model: ChannelModel): void {
    if (this.#closed || this.#opening) return;
    this.#opening = (async () => {
      try {
        const channel = await model.createConfirmChannel();
        channel.on('error', (error: Error) =>
          this.#log.warn({ err: describeError(error) }, 'publish channel error'),
        );
        channel.on('return', (returned: Message) => this.#onReturn(returned));
        channel.on('drain', () => {
          this.#writable = true;
          this.#pump();
        });
        channel.once('close', () => this.#onChannelClosed(channel, model));
        this.#writable = true;
        this.#channel = channel;
      } catch (error) {
        this.#log.warn({ err: describeError(error) }, 'could not open publish channel');
        setTimeout(() => {
          if (this.#connection.model === model) this.#open(model);
        }, 500).unref();
      } finally {
        this.#opening = undefined;
      }
      this.#pump();
    })();
  }

  #onChannelClosed(channel: ConfirmChannel, model: ChannelModel): void {
    if (this.#channel === channel) this.#channel = undefined;
    // amqplib has already failed every unconfirmed callback with 'channel closed'; those requests
    // are back in the queue. A channel-level error (connection still up) gets a fresh channel.
    if (!this.#closed && this.#connection.model === model) {
      setTimeout(() => {
        if (this.#connection.model === model) this.#open(model);
      }, 100).unref();
    }
  }

  #pump(): void {
    const channel = this.#channel;
    if (!channel) return;
    const maxInFlight = this.#connection.options.maxInFlight;
    while (this.#writable && this.#queue.length > 0 && this.#inflight.size < maxInFlight) {
      const request = this.#queue.shift() as PublishRequest;
      if (request.settled) continue;
      if (!this.#write(channel, request)) return;
    }
  }

  /** Writes one request on the channel; false when the channel failed under it (stop writing). */
  #write(channel: ConfirmChannel, request: PublishRequest): boolean {
    request.returned = false;
    this.#inflight.set(request.seq, request);
    try {
      this.#writable = channel.publish(
        request.exchange,
        request.routingKey,
        request.content,
        request.properties,
        (error: unknown) => this.#onConfirm(channel, request, error),
      );
      return true;
    } catch (error) {
      // The channel closed under us (IllegalOperationError) or the message cannot be encoded.
      this.#inflight.delete(request.seq);
      if (error instanceof RangeError) {
        this.#settle(request, new KadaError('KADA_CONFIG', describeError(error), { cause: error }));
      } else {
        if (this.#channel === channel) this.#channel = undefined;
        this.#requeue(request, false);
      }
      return false;
    }
  }

  #onConfirm(channel: ConfirmChannel, request: PublishRequest, error: unknown): void {
    this.#inflight.delete(request.seq);
    if (error === null || error === undefined) {
      if (request.returned) {
        this.#settle(
          request,
          new KadaError(
            'KADA_PUBLISH_UNROUTABLE',
            `no queue is bound to ${request.exchange || '(default exchange)'} for ${request.routingKey}`,
          ),
        );
      } else {
        this.#countPublished(request);
        this.#settle(request);
      }
    } else if (error instanceof Error && error.message === 'message nacked') {
      this.#onNack(request, error);
    } else {
      // Channel or connection lost before the confirm: we do not know whether the broker has it.
      if (this.#channel === channel) this.#channel = undefined;
      this.#requeue(request, true);
    }
    this.#pump();
    this.#notifyIdle();
  }

  /** A nacked request: sent again after a pause while resends are left, else rejected. */
  #onNack(request: PublishRequest, error: Error): void {
    if (request.settled) return;
    if (request.resends >= this.#connection.options.maxResends) {
      this.#settle(
        request,
        new KadaError(
          'KADA_PUBLISH_NACKED',
          `broker nacked ${request.properties.messageId} (${request.resends + 1} times)`,
          { cause: error },
        ),
      );
      return;
    }
    request.resends += 1;
    this.#pausing.add(request);
    const pauseMs = Math.min(100 * 2 ** (request.resends - 1), 2000);
    setTimeout(() => {
      if (!this.#pausing.delete(request) || request.settled || this.#closed) return;
      this.#requeue(request, false);
      this.#pump();
    }, pauseMs).unref();
  }

  #countPublished(request: PublishRequest): void {
    if (!this.#metrics) return;
    let byRoutingKey = this.#publishedCounters.get(request.exchange);
    if (!byRoutingKey) {
      byRoutingKey = new Map();
      this.#publishedCounters.set(request.exchange, byRoutingKey);
    }
    let counter = byRoutingKey.get(request.routingKey);
    if (!counter) {
      counter = this.#metrics.published.labels({
        exchange: request.exchange,
        routing_key: request.routingKey,
      });
      byRoutingKey.set(request.routingKey, counter);
    }
    counter.inc();
  }

  #requeue(request: PublishRequest, wasSent: boolean): void {
    if (request.settled) return;
    if (wasSent) request.resends += 1;
    if (request.resends > this.#connection.options.maxResends) {
      this.#settle(
        request,
        new KadaError(
          'KADA_PUBLISH_UNCONFIRMED',
          `${request.properties.messageId} was not confirmed after ${request.resends} attempts`,
          { severity: 'channel' },
        ),
      );
      return;
    }
    // Keep publish order: re-sent messages go back in front of newer ones, sorted by sequence.
    let index = 0;
    while (index < this.#queue.length && (this.#queue[index] as PublishRequest).seq < request.seq) index += 1;
    this.#queue.splice(index, 0, request);
  }

  #onReturn(returned: Message): void {
    const messageId: unknown = returned.properties.messageId;
    for (const request of this.#inflight.values()) {
      if (!request.returned && request.properties.messageId === messageId) {
        request.returned = true;
        return;
      }
    }
  }

  #expire(): void {
    const now = Date.now();
    if (this.#queue.length > 0 && (this.#queue[0] as PublishRequest).deadline <= now) {
      const keep: PublishRequest[] = [];
      for (const request of this.#queue) {
        if (request.deadline <= now) {
          this.#settle(request, this.#timeoutError(request));
        } else {
          keep.push(request);
        }
      }
      this.#queue = keep;
    }
    for (const request of this.#inflight.values()) {
      // Still counted in flight until its confirm (or the channel's end) arrives.
      if (request.deadline <= now) this.#settle(request, this.#timeoutError(request));
    }
    for (const request of this.#pausing) {
      if (request.deadline > now) continue;
      this.#pausing.delete(request);
      this.#settle(request, this.#timeoutError(request));
    }
    this.#notifyIdle();
  }

  #timeoutError(request: PublishRequest): KadaError {
    const connected = this.#connection.isUp;
    return new KadaError(
      connected ? 'KADA_PUBLISH_TIMEOUT' : 'KADA_BROKER_UNAVAILABLE',
      `${request.properties.messageId} not confirmed within ${this.#connection.options.publishTimeoutMs} ms` +
        (connected ? '' : ' (broker unreachable)'),
      { severity: connected ? 'message' : 'connection' },
    );
  }

  #settle(request: PublishRequest, error?: Error): void {
    if (request.settled) return;
    request.settled = true;
    if (error) request.reject(error);
    else request.resolve(request.value);
  }

  #notifyIdle(): void {
    if (this.pending > 0 || this.#idleWaiters.length === 0) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
