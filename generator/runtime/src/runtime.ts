import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import { Broker } from './broker/broker.ts';
import { brokerDefaults } from './broker/connection.ts';
import type { BatchExecutor, Delivery, DeliveryResult } from './broker/consumer.ts';
import { runWithContext } from './context.ts';
import { claimedFresh, claimInboxBatchQuery, compileClaimInbox, unclaimInboxQuery } from './db/inbox.ts';
import { databaseConnections } from './db/open.ts';
import { compileInsertOutboxBatch, insertOutboxStatements } from './db/outbox.ts';
import type { QueryRunner } from './db/precompiled.ts';
import { migrateRuntimeTables, type RuntimeTables } from './db/schema.ts';
import { pipelinedTransaction, type TransactionEnd } from './db/transaction.ts';
import type { PreparedEvent } from './envelope.ts';
import { describeError, KadaError } from './errors.ts';
import { createLogger } from './logger.ts';
import { RuntimeMetrics } from './metrics.ts';
import { OutboxRelay } from './relay.ts';
import { exitOnSignal } from './signals.ts';
import { createBufferedOutboxSink, createDirectSink } from './sinks.ts';
import type {
  AnySchema,
  ConsumerDefinition,
  ConsumerHandle,
  EventSink,
  ServiceRuntime,
  ServiceRuntimeOptions,
  SqlDialect,
} from './types.ts';

const DEFAULT_OUTBOX = { pollIntervalMs: 1000, batchSize: 200, retentionMs: 24 * 3600_000 };
/**
 * Deliveries of one queue handled in one transaction at most. Each is a PostgreSQL subtransaction
 * (savepoint): under 64 of them per transaction, PostgreSQL keeps them in its shared cache.
 */
const DEFAULT_MAX_BATCH = 32;
const MAX_BATCH_LIMIT = 60;

const HANDLED: DeliveryResult = { outcome: 'handled' };
const DUPLICATE: DeliveryResult = { outcome: 'duplicate' };
const SAVEPOINT = CompiledQuery.raw('savepoint kada_delivery');
const ROLLBACK_TO_SAVEPOINT = CompiledQuery.raw('rollback to savepoint kada_delivery');

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
  readonly #insertOutbox: ReturnType<typeof compileInsertOutboxBatch>;
  /** Deliveries per transaction at most (1 on SQL Server: no batching there). */
  readonly #maxBatch: number;
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
    this.#insertOutbox = compileInsertOutboxBatch(runtimeDb, this.#dialect);
    const maxBatch = options.maxBatch ?? Number(process.env.KADA_MAX_BATCH ?? DEFAULT_MAX_BATCH);
    if (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > MAX_BATCH_LIMIT)
      throw new KadaError('KADA_CONFIG', `maxBatch must be an integer from 1 to ${MAX_BATCH_LIMIT}`);
    this.#maxBatch = this.#dialect === 'mssql' ? 1 : maxBatch;
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
    const consumer = definition.policy.queue;
    const executor: BatchExecutor = {
      maxBatch: this.#maxBatch,
      // A batch holds a connection: no more batches at once than the database has connections.
      maxConcurrent: databaseConnections(this.db),
      run: (deliveries) => this.#executeBatch(consumer, deliveries),
    };
    return this.#broker.consume(definition, executor);
  }

  /**
   * Several deliveries in one transaction: one inbox claim for all, the handlers one after another
   * in queue order, the outbox rows of all in one insert, one commit. When a handler fails, the
   * batch is rolled back and run again without it (and without the later deliveries of its ordering
   * key), this time each handler inside a savepoint so that any further failure is rolled back alone;
   * the deliveries that failed in a batch are then run one by one, each in a transaction of its own,
   * and only that result counts (so a conflict the batch itself caused, such as a deadlock between
   * two batches, costs no retry). A handler that ran before the failing one therefore runs twice,
   * which handlers allow anyway (delivery is at least once). The relay is woken after each commit that
   * wrote outbox rows.
   */
  async #executeBatch(consumer: string, deliveries: readonly Delivery[]): Promise<DeliveryResult[]> {
    if (deliveries.length === 1) return [await this.#executeOne(consumer, deliveries[0] as Delivery)];
    const alone = new Set<number>();
    const failedKeys = new Set<string>();
    let results = await this.#tryBatch(consumer, deliveries, alone, failedKeys, false);
    if (results === undefined) results = await this.#tryBatch(consumer, deliveries, alone, failedKeys, true);
    const final: DeliveryResult[] = [];
    for (let index = 0; index < deliveries.length; index++) {
      final.push(results?.[index] ?? (await this.#executeOne(consumer, deliveries[index] as Delivery)));
    }
    return final;
  }

  /**
   * One pass over a batch, skipping the deliveries in `alone` and those whose ordering key is in
   * `failedKeys` (they run alone later, in order); failing deliveries are added to both. Without savepoints, the first failure rolls everything back: undefined. With them, a failure is
   * rolled back to its savepoint and the batch goes on; the failed deliveries get no result.
   */
  async #tryBatch(
    consumer: string,
    deliveries: readonly Delivery[],
    alone: Set<number>,
    failedKeys: Set<string>,
    savepoints: boolean,
  ): Promise<Array<DeliveryResult | undefined> | undefined> {
    const results: Array<DeliveryResult | undefined> = [];
    const events: PreparedEvent[] = [];
    const runs: number[] = [];
    for (let index = 0; index < deliveries.length; index++) {
      const key = (deliveries[index] as Delivery).orderingKey;
      if (key !== undefined && failedKeys.has(key)) alone.add(index);
      if (!alone.has(index)) runs.push(index);
    }
    if (runs.length === 0) return results;
    let failed = false;
    const dialect = this.#dialect as 'postgres' | 'sqlite';
    const envelopes = runs.map((index) => (deliveries[index] as Delivery).envelope);
    try {
      await pipelinedTransaction(
        this.db,
        dialect,
        claimInboxBatchQuery(dialect, consumer, envelopes),
        async (tx, claim): Promise<TransactionEnd<undefined>> => {
          const runner = tx as unknown as QueryRunner;
          const fresh = claimedFresh(envelopes, claim.rows);
          for (let position = 0; position < runs.length; position++) {
            const index = runs[position] as number;
            const delivery = deliveries[index] as Delivery;
            if (delivery.orderingKey !== undefined && failedKeys.has(delivery.orderingKey)) {
              alone.add(index);
              continue;
            }
            if (!fresh[position]) {
              results[index] = DUPLICATE;
              continue;
            }
            const emitted: PreparedEvent[] = [];
            if (savepoints) await runner.executeQuery(SAVEPOINT);
            try {
              await this.#handle(tx, delivery, emitted);
            } catch (error) {
              alone.add(index);
              if (delivery.orderingKey !== undefined) failedKeys.add(delivery.orderingKey);
              if (!savepoints) {
                failed = true;
                throw error;
              }
              await runner.executeQuery(ROLLBACK_TO_SAVEPOINT);
              await unclaimInboxQuery(tx, consumer, delivery.envelope.eventId).execute();
              continue;
            }
            for (const event of emitted) events.push(event);
            results[index] = HANDLED;
          }
          return { value: undefined, last: await this.#outboxBeforeCommit(runner, events) };
        },
      );
    } catch {
      // A handler failed (first pass), or the transaction itself did (commit, connection): nothing
      // of it happened. The latter: every delivery is run on its own.
      if (!failed) for (const index of runs) alone.add(index);
      return undefined;
    }
    if (events.length > 0) this.#relay.wake();
    return results;
  }

  /** One delivery, its inbox row and its outbox rows in one transaction. */
  async #executeOne(consumer: string, delivery: Delivery): Promise<DeliveryResult> {
    const events: PreparedEvent[] = [];
    const { envelope } = delivery;
    let result: DeliveryResult;
    try {
      if (this.#dialect === 'mssql') {
        result = await this.db.transaction().execute(async (tx): Promise<DeliveryResult> => {
          const fresh = await this.#claimInbox(
            tx as Transaction<RuntimeTables>,
            consumer,
            envelope.eventId,
            envelope.eventType,
          );
          if (!fresh) return DUPLICATE;
          await this.#handle(tx, delivery, events);
          if (events.length > 0) await this.#insertOutbox(tx, events);
          return HANDLED;
        });
      } else {
        result = await pipelinedTransaction(
          this.db,
          this.#dialect,
          claimInboxBatchQuery(this.#dialect, consumer, [envelope]),
          async (tx, claim): Promise<TransactionEnd<DeliveryResult>> => {
            if (claim.rows.length === 0) return { value: DUPLICATE };
            await this.#handle(tx, delivery, events);
            const last = await this.#outboxBeforeCommit(tx as unknown as QueryRunner, events);
            return { value: HANDLED, last };
          },
        );
      }
    } catch (error) {
      return { error };
    }
    if (events.length > 0) this.#relay.wake();
    return result;
  }

  /**
   * The outbox rows of a transaction (PostgreSQL, SQLite): every statement but the last run now,
   * the last one handed back to go out with COMMIT. None when nothing was emitted.
   */
  async #outboxBeforeCommit(runner: QueryRunner, events: readonly PreparedEvent[]) {
    if (events.length === 0) return undefined;
    const statements = insertOutboxStatements(this.#dialect as 'postgres' | 'sqlite', events);
    for (let index = 0; index < statements.length - 1; index++)
      await runner.executeQuery(statements[index] as CompiledQuery);
    return statements[statements.length - 1];
  }

  /** Runs the handler in the delivery's context; what it emits is collected in `into`. */
  #handle(tx: Transaction<AnySchema>, delivery: Delivery, into: PreparedEvent[]): Promise<void> {
    const { envelope, route, attempt, log } = delivery;
    const sink = createBufferedOutboxSink(this.service, into);
    return runWithContext(delivery.context, () =>
      route.handle(envelope, { tx, sink, log, attempt, envelope }),
    );
  }

  async transaction<R>(fn: (tx: Transaction<AnySchema>, sink: EventSink) => Promise<R>): Promise<R> {
    const events: PreparedEvent[] = [];
    const result = await this.db.transaction().execute(async (tx) => {
      const value = await fn(tx, createBufferedOutboxSink(this.service, events));
      if (events.length > 0) await this.#insertOutbox(tx, events);
      return value;
    });
    if (events.length > 0) this.#relay.wake();
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
