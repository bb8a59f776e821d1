import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import { Broker } from './broker/broker.ts';
import { brokerDefaults } from './broker/connection.ts';
import type { Delivery, DeliveryOutcome } from './broker/consumer.ts';
import { compileClaimInbox } from './db/inbox.ts';
import { compileInsertOutbox } from './db/outbox.ts';
import { migrateRuntimeTables, type RuntimeTables } from './db/schema.ts';
import { describeError, KadaError } from './errors.ts';
import { createLogger } from './logger.ts';
import { RuntimeMetrics } from './metrics.ts';
import { OutboxRelay } from './relay.ts';
import { exitOnSignal } from './signals.ts';
import { createDirectSink, createOutboxSink } from './sinks.ts';
import type {
  AnySchema,
  ConsumerDefinition,
  ConsumerHandle,
  EventSink,
  ServiceRuntime,
  ServiceRuntimeOptions,
  SqlDialect,
} from './types.ts';

const DEFAULT_OUTBOX = { pollIntervalMs: 1000, batchSize: 200, retentionMs: 7 * 24 * 3600_000 };

/**
 * The runtime a service's `main.ts` creates once: one broker connection, the inbox and outbox in
 * the service's database, the outbox relay, metrics and logs. Generated `register<Service>Consumers`
 * functions call `consume`; HTTP routes call `transaction`.
 */
export function createServiceRuntime(options: ServiceRuntimeOptions): ServiceRuntime {
  return new KadaServiceRuntime(options);
}

class KadaServiceRuntime implements ServiceRuntime {
  readonly service: string;
  readonly db: Kysely<AnySchema>;
  readonly log: Logger;
  readonly metrics: RuntimeMetrics;
  readonly directSink: EventSink;
  readonly #dialect: SqlDialect;
  readonly #broker: Broker;
  readonly #relay: OutboxRelay;
  /** The per-message statements, compiled once. */
  readonly #claimInbox: ReturnType<typeof compileClaimInbox>;
  readonly #insertOutbox: ReturnType<typeof compileInsertOutbox>;
  #started: Promise<void> | undefined;
  #ready = false;
  #stopping: Promise<void> | undefined;
  #signalsInstalled = false;

  constructor(options: ServiceRuntimeOptions) {
    if (!options.service) throw new KadaError('KADA_CONFIG', 'service name is required');
    this.service = options.service;
    this.db = options.db;
    this.#dialect = options.dialect;
    this.log = options.logger ?? createLogger(options.service);
    this.metrics = new RuntimeMetrics(options.registry);
    const brokerOptions = brokerDefaults({
      ...options.broker,
      service: options.service,
      ...(options.url ? { url: options.url } : {}),
      ...(options.socketOptions ? { socketOptions: options.socketOptions } : {}),
    });
    this.#broker = new Broker(brokerOptions, this.log, this.metrics);
    this.#relay = new OutboxRelay(this.db, this.#dialect, this.#broker, this.log, this.metrics, {
      ...DEFAULT_OUTBOX,
      ...options.outbox,
    });
    this.directSink = createDirectSink(this.service, this.#broker);
    const runtimeDb = this.db as Kysely<RuntimeTables>;
    this.#claimInbox = compileClaimInbox(runtimeDb, this.#dialect);
    this.#insertOutbox = compileInsertOutbox(runtimeDb);
  }

  get registry() {
    return this.metrics.registry;
  }

  start(): Promise<void> {
    this.#started ??= (async () => {
      await migrateRuntimeTables(this.db, this.#dialect);
      await this.#broker.start();
      this.#relay.start();
      this.#ready = true;
      this.log.info({ dialect: this.#dialect }, 'runtime started');
    })();
    return this.#started;
  }

  async consume(definition: ConsumerDefinition): Promise<ConsumerHandle> {
    await this.start();
    if (this.#stopping) throw new KadaError('KADA_STOPPED', 'runtime is stopping');
    const consumerName = definition.policy.queue;
    return this.#broker.consume(definition, (delivery) => this.#execute(consumerName, delivery));
  }

  /** The handler and the inbox row in one transaction; the relay is woken after commit. */
  async #execute(consumer: string, delivery: Delivery): Promise<DeliveryOutcome> {
    const { envelope, route, attempt, log } = delivery;
    let wroteOutbox = false;
    const outcome = await this.db.transaction().execute(async (tx): Promise<DeliveryOutcome> => {
      const fresh = await this.#claimInbox(
        tx as Transaction<RuntimeTables>,
        consumer,
        envelope.eventId,
        envelope.eventType,
      );
      if (!fresh) return 'duplicate';
      const sink = createOutboxSink(
        this.service,
        tx,
        () => {
          wroteOutbox = true;
        },
        this.#insertOutbox,
      );
      await route.handle(envelope, { tx, sink, log, attempt, envelope });
      return 'handled';
    });
    if (wroteOutbox) this.#relay.wake();
    return outcome;
  }

  async transaction<R>(fn: (tx: Transaction<AnySchema>, sink: EventSink) => Promise<R>): Promise<R> {
    let wroteOutbox = false;
    const result = await this.db.transaction().execute((tx) =>
      fn(
        tx,
        createOutboxSink(
          this.service,
          tx,
          () => {
            wroteOutbox = true;
          },
          this.#insertOutbox,
        ),
      ),
    );
    if (wroteOutbox) this.#relay.wake();
    return result;
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#ready = false;
      this.log.info('runtime stopping');
      await this.#broker.stopConsumers();
      await this.#relay.stop();
      await this.#broker.close();
      await this.db.destroy().catch((error: unknown) => {
        this.log.warn({ err: describeError(error) }, 'closing the database failed');
      });
      this.log.info('runtime stopped');
    })();
    return this.#stopping;
  }

  installSignalHandlers(): void {
    if (this.#signalsInstalled) return;
    this.#signalsInstalled = true;
    exitOnSignal(this.log, () => this.stop());
  }

  health(): { ready: boolean; broker: 'up' | 'down'; db: 'up' | 'down' } {
    const broker = this.#broker.connection.isUp ? 'up' : 'down';
    const db = this.#relay.dbUp ? 'up' : 'down';
    return { ready: this.#ready && broker === 'up' && db === 'up', broker, db };
  }
}
