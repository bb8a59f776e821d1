import { EventEmitter } from 'node:events';
import { type ChannelModel, connect } from 'amqplib';
import type { Logger } from 'pino';
import { describeError, KadaError } from '../errors.ts';
import type { RuntimeMetrics } from '../metrics.ts';
import type { BrokerOptions } from '../types.ts';

export const DEFAULT_BROKER_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** The one place where broker options get their defaults. */
export function brokerDefaults(options: Partial<BrokerOptions> & { service: string }): BrokerOptions {
  return {
    url: options.url ?? process.env.RABBITMQ_URLS ?? process.env.RABBITMQ_URL ?? DEFAULT_BROKER_URL,
    service: options.service,
    heartbeatSeconds: options.heartbeatSeconds ?? 15,
    reconnect: { initialDelayMs: 100, maxDelayMs: 15_000, multiplier: 2, jitter: 0.3, ...options.reconnect },
    maxInFlight: options.maxInFlight ?? 1000,
    maxQueued: options.maxQueued ?? 20_000,
    publishTimeoutMs: options.publishTimeoutMs ?? 30_000,
    maxResends: options.maxResends ?? 3,
    maxMessageBytes: options.maxMessageBytes ?? 1024 * 1024,
    socketOptions: options.socketOptions ?? {},
  };
}

/** Delay before reconnect attempt `attempt` (1-based): capped exponential backoff with +-jitter. */
export function reconnectDelay(
  attempt: number,
  policy: BrokerOptions['reconnect'],
  random = Math.random,
): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (attempt - 1));
  const spread = base * policy.jitter;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}

/**
 * The broker addresses in `url`: one URL, or several separated by commas (the nodes of a cluster,
 * tried in order). `amqp://a:5672,amqp://b:5672` gives both; blanks are ignored.
 */
export function brokerUrls(url: string): string[] {
  const urls = url
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  if (urls.length === 0) throw new KadaError('KADA_CONFIG', 'no broker URL given (RABBITMQ_URL is empty)');
  return urls;
}

/** The URL with a heartbeat query parameter unless it already names one; the password is not logged. */
function withHeartbeat(url: string, seconds: number): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds));
  return parsed.toString();
}

/**
 * The user a broker URL (or the first of a list: every node of a cluster shares its users) logs
 * in as, amqplib's default when it names none. RabbitMQ refuses a message whose `user_id` property
 * differs from it, which is what makes `user_id` trustworthy.
 */
export function brokerUser(url: string): string {
  try {
    const user = decodeURIComponent(new URL(brokerUrls(url)[0] as string).username);
    return user === '' ? 'guest' : user;
  } catch {
    return 'guest';
  }
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}

interface BrokerConnectionEvents {
  connected: [model: ChannelModel];
  disconnected: [error: Error | undefined];
}

/**
 * One AMQP connection per process, re-established with capped exponential backoff and jitter
 * whenever it is lost. Channel owners (publisher, consumers) listen for `connected` to re-create
 * their channels, re-declare topology and resume; `disconnected` tells them their channels are gone.
 */
export class BrokerConnection extends EventEmitter<BrokerConnectionEvents> {
  readonly options: BrokerOptions;
  /** The broker user of this connection; every publish carries it as `user_id`. */
  readonly user: string;
  readonly #log: Logger;
  readonly #metrics: RuntimeMetrics | undefined;
  #model: ChannelModel | undefined;
  #closed = false;
  #connecting: Promise<void> | undefined;
  #everConnected = false;
  #waiters = new Set<() => void>();
  #sleepTimer: NodeJS.Timeout | undefined;
  #wakeSleep: (() => void) | undefined;
  readonly #urls: readonly string[];
  /** Index in #urls of the node to try next; after a loss it moves on to the next node. */
  #next = 0;

  constructor(options: BrokerOptions, log: Logger, metrics?: RuntimeMetrics) {
    super();
    this.options = options;
    this.user = brokerUser(options.url);
    this.#log = log;
    this.#metrics = metrics;
    this.#urls = brokerUrls(options.url).map((url) => withHeartbeat(url, options.heartbeatSeconds));
    this.setMaxListeners(0);
  }

  get isUp(): boolean {
    return this.#model !== undefined;
  }

  get model(): ChannelModel | undefined {
    return this.#model;
  }

  /** Starts connecting (idempotent) and resolves once connected, or rejects after `timeoutMs`. */
  async start(timeoutMs = this.options.publishTimeoutMs): Promise<void> {
    if (this.#closed) throw new KadaError('KADA_STOPPED', 'broker connection is closed');
    this.#connecting ??= this.#connectLoop();
    await this.whenUp(timeoutMs);
  }

  /** Resolves with the live connection, waiting for a reconnect for at most `timeoutMs`. */
  whenUp(timeoutMs: number): Promise<ChannelModel> {
    const model = this.#model;
    if (model) return Promise.resolve(model);
    if (this.#closed) return Promise.reject(new KadaError('KADA_STOPPED', 'broker connection is closed'));
    return new Promise((resolve, reject) => {
      const onUp = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(onUp);
        if (this.#model) resolve(this.#model);
        else reject(new KadaError('KADA_STOPPED', 'broker connection is closed'));
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(onUp);
        reject(
          new KadaError('KADA_BROKER_UNAVAILABLE', `no broker connection within ${timeoutMs} ms`, {
            severity: 'connection',
          }),
        );
      }, timeoutMs);
      this.#waiters.add(onUp);
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#sleepTimer);
    this.#wakeSleep?.();
    for (const waiter of [...this.#waiters]) waiter();
    const model = this.#model;
    this.#model = undefined;
    if (model) {
      try {
        await model.close();
      } catch (error) {
        this.#log.debug({ err: describeError(error) }, 'broker connection close failed');
      }
    }
    await this.#connecting;
  }

  /**
   * Tries the nodes in turn, starting with #next: a lost connection moves on to the next node at
   * once (a cluster member that just died is the worst first choice); the backoff grows only after
   * every node has refused once in a row.
   */
  async #connectLoop(): Promise<void> {
    let attempt = 0;
    while (!this.#closed) {
      const index = this.#next % this.#urls.length;
      const url = this.#urls[index] as string;
      try {
        const model = await connect(url, {
          timeout: 10_000,
          ...this.options.socketOptions,
          clientProperties: { connection_name: this.options.service },
        });
        if (this.#closed) {
          await model.close().catch(() => undefined);
          return;
        }
        this.#next = index;
        this.#attach(model, url);
        return;
      } catch (error) {
        this.#next = index + 1;
        attempt += 1;
        const roundDone = attempt % this.#urls.length === 0;
        const delay = roundDone ? reconnectDelay(attempt / this.#urls.length, this.options.reconnect) : 0;
        this.#log.warn(
          { err: describeError(error), attempt, delayMs: delay, url: redactUrl(url) },
          'broker connection failed; retrying',
        );
        if (delay > 0) await this.#sleep(delay);
      }
    }
  }

  #attach(model: ChannelModel, url: string): void {
    model.on('error', (error: Error) => {
      this.#log.warn({ err: describeError(error) }, 'broker connection error');
    });
    model.on('blocked', (reason: string) => this.#log.warn({ reason }, 'broker blocked publishing'));
    model.on('unblocked', () => this.#log.info('broker unblocked publishing'));
    model.once('close', (error?: Error) => this.#onLost(model, error));
    this.#model = model;
    if (this.#everConnected) this.#metrics?.reconnects.inc();
    this.#log.info({ reconnect: this.#everConnected, url: redactUrl(url) }, 'broker connected');
    this.#everConnected = true;
    for (const waiter of [...this.#waiters]) waiter();
    this.emit('connected', model);
  }

  #onLost(model: ChannelModel, error: Error | undefined): void {
    if (this.#model !== model) return;
    this.#model = undefined;
    if (this.#closed) return;
    this.#log.warn({ err: error ? describeError(error) : undefined }, 'broker connection lost; reconnecting');
    this.emit('disconnected', error);
    if (this.#urls.length > 1) this.#next += 1;
    this.#connecting = this.#connectLoop();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wakeSleep = resolve;
      this.#sleepTimer = setTimeout(resolve, ms);
    });
  }
}
