/**
 * The plain AMQP client: what kada-gen emits for documents that are not ours (no envelope, no
 * database): typed publish to any exchange kind or straight to a queue, consumers that dispatch on
 * the message name, and request/reply over RabbitMQ direct reply-to.
 *
 *   const client = await AmqpClient.connect(process.env.RABBITMQ_URL);
 *   const rpc = createRpcClientClient(client);           // generated
 *   const { result } = await rpc.requestSum({ numbers: [4, 3] }, { timeoutMs: 5000 });
 *
 * Unlike the service runtime it has no outbox, inbox, retry queues or reconnect: a lost connection
 * rejects pending work and emits `error`; the owner reconnects. Bad input never crashes it: a body
 * that does not parse, validate or match a message goes to `<queue>.dlq` with the reason in
 * `x-kada-dead-letter-reason`; a handler that throws is retried once (requeue), then dead-lettered.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage, connect } from 'amqplib';
import { describeError, KadaError, KadaValidationError } from '../errors.ts';
import type { AnyPayload, ValidateFunction } from '../types.ts';
import { DEFAULT_BROKER_URL } from './connection.ts';

export interface AmqpExchange {
  readonly name: string;
  readonly type: 'topic' | 'direct' | 'fanout' | 'headers';
  readonly durable: boolean;
  readonly autoDelete: boolean;
}

export interface AmqpQueue {
  readonly name: string;
  readonly durable: boolean;
  readonly exclusive: boolean;
  readonly autoDelete: boolean;
  /** x-queue-type; classic when omitted. */
  readonly queueType?: 'classic' | 'quorum';
}

/** A message of a channel, as the generator describes it. */
export interface AmqpMessage<T> {
  /** Sent as the AMQP `type` property; a consumer of several messages dispatches on it. */
  readonly name: string;
  /** null: the default exchange (`is: queue`). */
  readonly exchange: AmqpExchange | null;
  /** The queue an `is: queue` channel names (declared before the first publish unless exclusive). */
  readonly queue: AmqpQueue | null;
  /** The routing key or queue name, with `{parameters}`. */
  readonly address: string;
  readonly contentType: string;
  /** Validates a JSON body; null for raw (non-JSON) payloads. */
  readonly validate: ValidateFunction | null;
  /** Phantom type carrier; never set. */
  readonly __payload?: T;
}

export interface SendOptions {
  /** Values of the address's `{parameters}`. */
  readonly params?: Readonly<Record<string, string>>;
  readonly correlationId?: string;
  readonly messageId?: string;
  readonly replyTo?: string;
  readonly headers?: Readonly<Record<string, string | number | boolean>>;
}

export interface RequestOptions extends Omit<SendOptions, 'replyTo'> {
  /** Default 30 000 ms. */
  readonly timeoutMs?: number;
}

export interface Received<T> {
  readonly payload: T;
  readonly name: string;
  readonly routingKey: string;
  readonly correlationId: string | undefined;
  readonly replyTo: string | undefined;
  readonly messageId: string | undefined;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly redelivered: boolean;
}

export interface AmqpRoute {
  readonly message: AmqpMessage<AnyPayload>;
  /** Returns the reply body for a request (published to `replyTo`), or undefined. */
  handle(received: Received<AnyPayload>): Promise<unknown>;
  /** The reply's message, for a request/reply server. */
  readonly reply?: AmqpMessage<AnyPayload>;
}

export interface SubscribeOptions {
  /** null: a server-named, exclusive, auto-delete queue (each process gets every message). */
  readonly queue: AmqpQueue | null;
  readonly bindings: readonly {
    exchange: AmqpExchange;
    routingKey: string;
    arguments?: Record<string, unknown>;
  }[];
  readonly routes: readonly AmqpRoute[];
  /** Default 32. */
  readonly prefetch?: number;
}

export interface Subscription {
  readonly queue: string;
  stop(): Promise<void>;
}

export const DEAD_LETTER_REASON_HEADER = 'x-kada-dead-letter-reason';

/** '{orderId}.created' + { orderId: '42' } -> '42.created'; a missing value is an error. */
export function fillAddress(
  address: string,
  params: Readonly<Record<string, string>> = {},
  wildcard?: string,
): string {
  return address.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value !== undefined) return value;
    if (wildcard !== undefined) return wildcard;
    throw new KadaError('KADA_CONFIG', `address "${address}" needs a value for {${name}}`);
  });
}

function isJson(contentType: string): boolean {
  return /json/i.test(contentType);
}

function encode(message: AmqpMessage<unknown>, payload: unknown): Buffer {
  if (!isJson(message.contentType)) {
    if (Buffer.isBuffer(payload)) return payload;
    if (typeof payload === 'string') return Buffer.from(payload);
    throw new KadaError(
      'KADA_VALIDATION',
      `${message.name} is ${message.contentType}: pass a Buffer or a string`,
    );
  }
  if (message.validate && !message.validate(payload)) {
    throw new KadaValidationError(
      message.name,
      1,
      (message.validate.errors ?? []).map((e) => ({
        instancePath: e.instancePath,
        message: e.message ?? e.keyword,
      })),
    );
  }
  return Buffer.from(JSON.stringify(payload));
}

/** The body of a delivery for `message`, or the reason it cannot be one. */
function decode(
  message: AmqpMessage<unknown>,
  content: Buffer,
): { ok: true; payload: unknown } | { ok: false; reason: string } {
  if (!isJson(message.contentType)) return { ok: true, payload: content };
  let payload: unknown;
  try {
    payload = JSON.parse(content.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${describeError(error)}` };
  }
  if (message.validate && !message.validate(payload)) {
    const first = message.validate.errors?.[0];
    return {
      ok: false,
      reason: `invalid ${message.name}: ${first?.instancePath || '/'} ${first?.message ?? ''}`,
    };
  }
  return { ok: true, payload };
}

interface PendingRequest {
  readonly replies: readonly AmqpMessage<unknown>[];
  resolve(value: Received<unknown>): void;
  reject(error: Error): void;
  readonly timer: NodeJS.Timeout;
}

interface ClientEvents {
  error: [error: Error];
}

export class AmqpClient extends EventEmitter<ClientEvents> {
  readonly #model: ChannelModel;
  readonly #publish: ConfirmChannel;
  readonly #declared = new Map<string, Promise<unknown>>();
  readonly #subscriptions = new Set<Subscription>();
  #rpc: Promise<Channel> | undefined;
  readonly #pending = new Map<string, PendingRequest>();
  #closed = false;

  private constructor(model: ChannelModel, publish: ConfirmChannel) {
    super();
    this.#model = model;
    this.#publish = publish;
    const lost = (error?: Error) => {
      if (this.#closed) return;
      const reason = new KadaError(
        'KADA_BROKER_UNAVAILABLE',
        `AMQP connection lost: ${error ? describeError(error) : 'closed'}`,
        {
          severity: 'connection',
          ...(error ? { cause: error } : {}),
        },
      );
      for (const [id, p] of this.#pending) {
        clearTimeout(p.timer);
        p.reject(reason);
        this.#pending.delete(id);
      }
      this.emit('error', reason);
    };
    model.on('error', lost);
    model.on('close', () => lost());
  }

  /** Connects to `url` (default RABBITMQ_URL, else the local broker) with one confirming channel. */
  static async connect(url = process.env.RABBITMQ_URL ?? DEFAULT_BROKER_URL): Promise<AmqpClient> {
    const model = await connect(url);
    const publish = await model.createConfirmChannel();
    publish.on('error', () => undefined);
    return new AmqpClient(model, publish);
  }

  #declareExchange(channel: Channel, exchange: AmqpExchange): Promise<unknown> {
    const key = `x\u0000${exchange.name}`;
    let done = this.#declared.get(key);
    if (!done) {
      done = channel.assertExchange(exchange.name, exchange.type, {
        durable: exchange.durable,
        autoDelete: exchange.autoDelete,
      });
      this.#declared.set(key, done);
    }
    return done;
  }

  #declareQueue(channel: Channel, queue: AmqpQueue): Promise<unknown> {
    const key = `q\u0000${queue.name}`;
    let done = this.#declared.get(key);
    if (!done) {
      done = channel.assertQueue(queue.name, {
        durable: queue.durable,
        exclusive: queue.exclusive,
        autoDelete: queue.autoDelete,
        ...(queue.queueType === 'quorum' ? { arguments: { 'x-queue-type': 'quorum' } } : {}),
      });
      this.#declared.set(key, done);
    }
    return done;
  }

  /** Validates, declares the target once, publishes and waits for the broker's confirm. */
  async publish<T>(message: AmqpMessage<T>, payload: T, options: SendOptions = {}): Promise<void> {
    const body = encode(message, payload);
    const target = fillAddress(message.address, options.params);
    if (message.exchange) await this.#declareExchange(this.#publish, message.exchange);
    else if (message.queue && !message.queue.exclusive && !/\{/.test(message.queue.name))
      await this.#declareQueue(this.#publish, message.queue);
    await this.#send(message, message.exchange?.name ?? '', target, body, options);
  }

  #send(
    message: AmqpMessage<unknown>,
    exchange: string,
    routingKey: string,
    body: Buffer,
    options: SendOptions,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#publish.publish(
        exchange,
        routingKey,
        body,
        {
          persistent: true,
          type: message.name,
          contentType: message.contentType,
          messageId: options.messageId ?? randomUUID(),
          timestamp: Math.floor(Date.now() / 1000),
          ...(options.correlationId ? { correlationId: options.correlationId } : {}),
          ...(options.replyTo ? { replyTo: options.replyTo } : {}),
          headers: { ...options.headers },
        },
        (error: unknown) =>
          error
            ? reject(new KadaError('KADA_PUBLISH_NACKED', `broker refused ${message.name}`, { cause: error }))
            : resolve(),
      );
    });
  }

  /**
   * Sends a request and resolves with the reply (matched by correlation id) that arrives on
   * RabbitMQ's direct reply-to pseudo-queue; rejects with KADA_REQUEST_TIMEOUT after `timeoutMs`.
   */
  async request<Req, Res>(
    message: AmqpMessage<Req>,
    payload: Req,
    replies: readonly AmqpMessage<Res>[],
    options: RequestOptions = {},
  ): Promise<Received<Res>> {
    const body = encode(message, payload);
    const channel = await this.#rpcChannel();
    if (message.exchange) await this.#declareExchange(channel, message.exchange);
    else if (message.queue && !message.queue.exclusive && !/\{/.test(message.queue.name))
      await this.#declareQueue(channel, message.queue);
    const correlationId = options.correlationId ?? randomUUID();
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise<Received<Res>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(correlationId);
        reject(new KadaError('KADA_REQUEST_TIMEOUT', `no reply to ${message.name} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(correlationId, {
        replies,
        resolve: resolve as (value: Received<unknown>) => void,
        reject,
        timer,
      });
      // Direct reply-to: the request goes out on the channel that consumes amq.rabbitmq.reply-to.
      channel.publish(message.exchange?.name ?? '', fillAddress(message.address, options.params), body, {
        type: message.name,
        contentType: message.contentType,
        correlationId,
        replyTo: 'amq.rabbitmq.reply-to',
        messageId: options.messageId ?? randomUUID(),
        headers: { ...options.headers },
      });
    });
  }

  #rpcChannel(): Promise<Channel> {
    this.#rpc ??= (async () => {
      const channel = await this.#model.createChannel();
      channel.on('error', (error: Error) => this.emit('error', error));
      await channel.consume('amq.rabbitmq.reply-to', (msg) => msg && this.#onReply(msg), { noAck: true });
      return channel;
    })();
    return this.#rpc;
  }

  #onReply(msg: ConsumeMessage): void {
    const id = msg.properties.correlationId as string | undefined;
    const pending = id ? this.#pending.get(id) : undefined;
    if (!pending || !id) return; // a late reply after its timeout: nobody waits for it any more
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    const message =
      pending.replies.length === 1
        ? pending.replies[0]
        : pending.replies.find((r) => r.name === msg.properties.type);
    if (!message) {
      pending.reject(
        new KadaError(
          'KADA_VALIDATION',
          `reply of type ${String(msg.properties.type)} matches no reply message`,
        ),
      );
      return;
    }
    const decoded = decode(message, msg.content);
    if (!decoded.ok) {
      pending.reject(new KadaError('KADA_VALIDATION', `reply rejected: ${decoded.reason}`));
      return;
    }
    pending.resolve(received(msg, message, decoded.payload));
  }

  /** Declares the queue and its bindings and consumes it, dispatching on the message name. */
  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const channel = await this.#model.createChannel();
    channel.on('error', (error: Error) => this.emit('error', error));
    await channel.prefetch(options.prefetch ?? 32);
    const q = options.queue;
    const declared = q
      ? await channel.assertQueue(q.name, {
          durable: q.durable,
          exclusive: q.exclusive,
          autoDelete: q.autoDelete,
          ...(q.queueType === 'quorum' ? { arguments: { 'x-queue-type': 'quorum' } } : {}),
        })
      : await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    const queue = declared.queue;
    // A server-named queue cannot have a `.dlq` twin (amq.* names are reserved).
    const dlq = q ? `${q.name}.dlq` : 'kada.amqp-client.dlq';
    await channel.assertQueue(dlq, { durable: true });
    for (const b of options.bindings) {
      await channel.assertExchange(b.exchange.name, b.exchange.type, {
        durable: b.exchange.durable,
        autoDelete: b.exchange.autoDelete,
      });
      await channel.bindQueue(queue, b.exchange.name, b.routingKey, b.arguments);
    }
    const deadLetter = async (msg: ConsumeMessage, reason: string) => {
      await this.#deadLetter(dlq, msg, reason);
      channel.ack(msg);
    };
    const onMessage = async (msg: ConsumeMessage) => {
      const route =
        options.routes.length === 1
          ? options.routes[0]
          : options.routes.find((r) => r.message.name === msg.properties.type);
      if (!route)
        return deadLetter(msg, `no message named ${JSON.stringify(msg.properties.type ?? null)} on ${queue}`);
      const decoded = decode(route.message, msg.content);
      if (!decoded.ok) return deadLetter(msg, decoded.reason);
      let result: unknown;
      try {
        result = await route.handle(received(msg, route.message, decoded.payload));
      } catch (error) {
        if (msg.fields.redelivered) return deadLetter(msg, `handler failed twice: ${describeError(error)}`);
        channel.nack(msg, false, true);
        return;
      }
      const replyTo = msg.properties.replyTo as string | undefined;
      if (route.reply && replyTo) {
        try {
          await this.#send(route.reply, '', replyTo, encode(route.reply, result), {
            ...(msg.properties.correlationId
              ? { correlationId: msg.properties.correlationId as string }
              : {}),
          });
        } catch (error) {
          return deadLetter(msg, `reply failed: ${describeError(error)}`);
        }
      }
      channel.ack(msg);
    };
    const { consumerTag } = await channel.consume(queue, (msg) => {
      if (!msg) return;
      onMessage(msg).catch((error: unknown) => this.emit('error', error as Error));
    });
    const subscription: Subscription = {
      queue,
      stop: async () => {
        this.#subscriptions.delete(subscription);
        await channel.cancel(consumerTag).catch(() => undefined);
        await channel.close().catch(() => undefined);
      },
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async #deadLetter(dlq: string, msg: ConsumeMessage, reason: string): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.#publish.sendToQueue(
        dlq,
        msg.content,
        {
          ...msg.properties,
          headers: {
            ...msg.properties.headers,
            [DEAD_LETTER_REASON_HEADER]: reason.slice(0, 1000),
            'x-kada-original-routing-key': msg.fields.routingKey,
          },
        },
        (error: unknown) => (error ? reject(error) : resolve()),
      ),
    );
  }

  /** Stops every subscription, fails pending requests, closes the connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((s) => s.stop()));
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(new KadaError('KADA_STOPPED', 'client closed'));
    }
    this.#pending.clear();
    await this.#model.close().catch(() => undefined);
  }
}

function received<T>(msg: ConsumeMessage, message: AmqpMessage<unknown>, payload: unknown): Received<T> {
  return {
    payload: payload as T,
    name: message.name,
    routingKey: msg.fields.routingKey,
    correlationId: msg.properties.correlationId as string | undefined,
    replyTo: msg.properties.replyTo as string | undefined,
    messageId: msg.properties.messageId as string | undefined,
    headers: (msg.properties.headers ?? {}) as Record<string, unknown>,
    redelivered: msg.fields.redelivered,
  };
}
