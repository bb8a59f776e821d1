import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Broker } from './broker/broker.ts';
import type { OutgoingMessage } from './broker/publisher.ts';
import { pruneInboxQuery } from './db/inbox.ts';
import {
  markFailedQuery,
  markSentQuery,
  markSentWithoutFlushQuery,
  type OutboxRow,
  outboxStatsQuery,
  pruneOutboxQuery,
  RELEASE_RELAY_LOCK,
  selectUnsentHoldingRelayLock,
  selectUnsentQuery,
  selectUnsentTakingRelayLock,
  takeRelayLock,
  unsentExistsQuery,
} from './db/outbox.ts';
import { precompile } from './db/precompiled.ts';
import type { RuntimeTables } from './db/schema.ts';
import { amqpProperties } from './envelope.ts';
import { describeError } from './errors.ts';
import type { RuntimeMetrics } from './metrics.ts';
import type { AnySchema, SqlDialect } from './types.ts';

export interface OutboxRelayOptions {
  pollIntervalMs: number;
  batchSize: number;
  retentionMs: number;
}

type Db = Kysely<RuntimeTables> | Transaction<RuntimeTables>;

/** What became of one row's publish in a batch; `skipped`: an earlier row of its key failed. */
type Published = { status: 'fulfilled' } | { status: 'rejected'; reason: unknown } | { status: 'skipped' };

/** What a pass (or a run of passes) did. `more`: a full batch, go again at once. */
interface PassOutcome {
  published: number;
  failed: number;
  more: boolean;
  empty?: boolean;
}

const PRUNE_EVERY_MS = 10 * 60_000;
/** Gauges are read at most this often: a stats query after every pass doubled an idle relay's cost. */
const GAUGES_EVERY_MS = 1000;

/**
 * Publishes outbox rows with confirms, oldest first, and marks them sent. Woken right after a
 * transaction that wrote rows commits; polls every `pollIntervalMs` as a fallback (rows committed
 * before a crash, or by another process). Rows of one ordering key keep their order: rows of
 * different keys go out pipelined, but a row waits for the confirm of the previous row of its key
 * in the batch and is not sent at all when that one failed (it stays unsent for the next pass),
 * and a row that failed before holds back the later rows of its key until it is confirmed. A crash between publish and marking sent re-publishes the same
 * eventId; consumers' inboxes drop the duplicate.
 *
 * On PostgreSQL a pass is two statements, a select and an update, without BEGIN/COMMIT: leadership
 * is a session lock that one connection takes with its first select and keeps while there is work
 * (a wake-up during a pass, or a full batch, runs the next pass at once on it), released when the
 * relay goes idle. A woken relay is thus one round trip from its first publish.
 */
export class OutboxRelay {
  readonly #db: Kysely<RuntimeTables>;
  readonly #dialect: SqlDialect;
  readonly #broker: Broker;
  readonly #log: Logger;
  readonly #metrics: RuntimeMetrics;
  readonly #options: OutboxRelayOptions;
  #running = false;
  #loop: Promise<void> | undefined;
  #woken = false;
  #wokenForPass = true;
  #wake: (() => void) | undefined;
  #timer: NodeJS.Timeout | undefined;
  #lastPrune = 0;
  #lastGauges = 0;
  /** The idle poll and the gauges' statement, compiled once (a relay runs them every second). */
  readonly #unsentExists: ReturnType<typeof precompile>;
  readonly #outboxStats: ReturnType<typeof precompile>;
  /** Whether the last database round trip worked; read by health(). */
  dbUp = true;

  constructor(
    db: Kysely<AnySchema>,
    dialect: SqlDialect,
    broker: Broker,
    log: Logger,
    metrics: RuntimeMetrics,
    options: OutboxRelayOptions,
  ) {
    this.#db = db as Kysely<RuntimeTables>;
    this.#dialect = dialect;
    this.#broker = broker;
    this.#log = log.child({ component: 'outbox-relay' });
    this.#metrics = metrics;
    this.#options = options;
    this.#unsentExists = precompile([], () => unsentExistsQuery(this.#db, dialect));
    this.#outboxStats = precompile([], () => outboxStatsQuery(this.#db));
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#lastPrune = Date.now();
    this.#loop = this.#run();
  }

  /** Asks for a pass now (after a commit that wrote outbox rows). */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  /** Publishes what is pending (for at most `flushTimeoutMs`), then stops. */
  async stop(flushTimeoutMs = 10_000): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    const deadline = Date.now() + flushTimeoutMs;
    while (Date.now() < deadline) {
      const outcome = await this.runOnce().catch(() => undefined);
      if (!outcome || outcome.failed > 0 || !outcome.more) break;
    }
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let more = false;
      // A pass after a wake-up knows rows are waiting; a timer pass first asks, outside a transaction.
      const woken = this.#wokenForPass;
      this.#wokenForPass = false;
      try {
        const outcome =
          this.#dialect === 'postgres' ? await this.#relayPostgres(!woken, true) : await this.runOnce(!woken);
        more = outcome.more && outcome.failed === 0;
        // An idle poll that found no unsent row has answered the gauges' question already.
        await this.#updateGauges(outcome.empty === true);
        await this.#maybePrune();
        this.dbUp = true;
      } catch (error) {
        this.#log.warn({ err: describeError(error) }, 'outbox relay pass failed');
        this.dbUp = !isDatabaseError(error) ? this.dbUp : false;
      }
      if (!more && this.#running) await this.#idle();
    }
  }

  #idle(): Promise<void> {
    if (this.#woken) {
      this.#woken = false;
      this.#wokenForPass = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(this.#timer);
        this.#wake = undefined;
        this.#wokenForPass = this.#woken;
        this.#woken = false;
        resolve();
      };
      this.#wake = done;
      this.#timer = setTimeout(done, this.#options.pollIntervalMs);
    });
  }

  /**
   * One batch. `more`: the batch was full, go again at once. `checkFirst`: look for unsent rows
   * with one statement before opening a transaction (an idle poll then costs one round trip).
   */
  async runOnce(checkFirst = false): Promise<PassOutcome> {
    const dialect = this.#dialect;
    if (dialect === 'postgres') return this.#relayPostgres(checkFirst, false);
    if (dialect === 'sqlite') return this.#publishBatch(this.#db);
    if (checkFirst && (await this.#unsentExists(this.#db, {})).rows.length === 0)
      return { published: 0, failed: 0, more: false, empty: true };
    return this.#db.transaction().execute(async (tx) => {
      if (!(await takeRelayLock(tx, dialect))) return { published: 0, failed: 0, more: false };
      return this.#publishBatch(tx);
    });
  }

  /**
   * PostgreSQL: passes on one connection. The first select tries the leader lock (a session lock)
   * and reads the unsent rows in one statement; while this relay leads and `whileBusy`, a wake-up
   * that came during a pass or a full batch runs the next pass at once on the same connection,
   * still leading (a plain select). The lock is released at the end, when there is nothing more to
   * do or a publish failed (the poll retries), so that another process's relay may lead next.
   */
  async #relayPostgres(checkFirst: boolean, whileBusy: boolean): Promise<PassOutcome> {
    if (checkFirst && (await this.#unsentExists(this.#db, {})).rows.length === 0)
      return { published: 0, failed: 0, more: false, empty: true };
    const limit = this.#options.batchSize;
    return this.#db.connection().execute(async (conn) => {
      const total: PassOutcome = { published: 0, failed: 0, more: false };
      let leading = false;
      try {
        for (;;) {
          let rows: OutboxRow[];
          if (leading) {
            rows = (await conn.executeQuery(selectUnsentHoldingRelayLock(limit))).rows;
          } else {
            const answer = (await conn.executeQuery(selectUnsentTakingRelayLock(limit))).rows;
            // Another process leads: it publishes these rows too.
            if (answer[0]?.leader !== true) return total;
            leading = true;
            rows = answer.filter((row) => row.id !== null);
          }
          const outcome = await this.#publishRows(rows, conn, (ids, now) =>
            conn.executeQuery(markSentWithoutFlushQuery(ids, now)),
          );
          total.published += outcome.published;
          total.failed += outcome.failed;
          total.more = outcome.more;
          if (!whileBusy || outcome.failed > 0) return total;
          if (outcome.more) continue;
          if (!this.#woken) return total;
          this.#woken = false;
        }
      } finally {
        if (leading)
          await conn.executeQuery(RELEASE_RELAY_LOCK).catch((error: unknown) => {
            // The connection is gone (and its session lock with it), or about to be.
            this.#log.warn({ err: describeError(error) }, 'could not release the outbox relay lock');
          });
      }
    });
  }

  async #publishBatch(db: Db): Promise<PassOutcome> {
    const rows = (await selectUnsentQuery(
      db,
      this.#dialect,
      this.#options.batchSize,
    ).execute()) as OutboxRow[];
    return this.#publishRows(rows, db, (ids, now) => markSentQuery(db, ids, now).execute());
  }

  /** Publishes one batch of unsent rows (see the class comment for the order), then marks them. */
  async #publishRows(
    rows: readonly OutboxRow[],
    db: Db,
    markSent: (ids: Array<number | string>, now: number) => Promise<unknown>,
  ): Promise<PassOutcome> {
    if (rows.length === 0) return { published: 0, failed: 0, more: false };
    const heldBack = new Set<string>();
    const batch: OutboxRow[] = [];
    for (const row of rows) {
      if (row.ordering_key !== null) {
        if (heldBack.has(row.ordering_key)) continue;
        if (Number(row.attempts) > 0) heldBack.add(row.ordering_key);
      }
      batch.push(row);
    }
    // Rows of different keys (and rows with none) go out before any confirm is awaited; a row of a
    // key follows the previous one's confirm, and is skipped when it failed, so no later row of the
    // key is confirmed ahead of a failed one.
    const chains = new Map<string, Promise<Published>>();
    const publish = (row: OutboxRow): Promise<Published> =>
      this.#broker.publish(toMessage(row)).then(
        () => ({ status: 'fulfilled' }) as const,
        (reason: unknown) => ({ status: 'rejected', reason }) as const,
      );
    const results = await Promise.all(
      batch.map((row) => {
        if (row.ordering_key === null) return publish(row);
        const previous = chains.get(row.ordering_key);
        const next = previous
          ? previous.then((p) => (p.status === 'fulfilled' ? publish(row) : ({ status: 'skipped' } as const)))
          : publish(row);
        chains.set(row.ordering_key, next);
        return next;
      }),
    );
    const sent: Array<number | string> = [];
    const failures = new Map<string, Array<number | string>>();
    results.forEach((result, index) => {
      const row = batch[index] as OutboxRow;
      if (result.status === 'fulfilled') {
        sent.push(row.id);
      } else if (result.status === 'rejected') {
        const error = describeError(result.reason);
        failures.set(error, [...(failures.get(error) ?? []), row.id]);
        this.#log.warn(
          { eventId: row.event_id, eventType: row.event_type, correlationId: row.correlation_id, err: error },
          'outbox publish failed; will retry',
        );
      }
    });
    if (sent.length > 0) await markSent(sent, Date.now());
    for (const [error, ids] of failures) await markFailedQuery(db, ids, error).execute();
    return {
      published: sent.length,
      failed: batch.length - sent.length,
      more: rows.length === this.#options.batchSize,
    };
  }

  async #updateGauges(nothingPending: boolean): Promise<void> {
    const now = Date.now();
    if (now - this.#lastGauges < GAUGES_EVERY_MS) return;
    this.#lastGauges = now;
    if (nothingPending) {
      this.#metrics.outboxPending.set(0);
      this.#metrics.outboxLag.set(0);
      return;
    }
    const stats = (await this.#outboxStats(this.#db, {})).rows[0] as
      | { pending: unknown; oldest: unknown }
      | undefined;
    const pending = Number(stats?.pending ?? 0);
    const oldest = stats?.oldest === null || stats?.oldest === undefined ? undefined : Number(stats.oldest);
    this.#metrics.outboxPending.set(pending);
    this.#metrics.outboxLag.set(oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
  }

  async #maybePrune(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastPrune < PRUNE_EVERY_MS) return;
    this.#lastPrune = now;
    const cutoff = now - this.#options.retentionMs;
    await pruneOutboxQuery(this.#db, cutoff).execute();
    await pruneInboxQuery(this.#db, cutoff).execute();
  }
}

function toMessage(row: OutboxRow): OutgoingMessage {
  return {
    exchange: row.exchange,
    routingKey: row.routing_key,
    content: Buffer.from(row.body),
    properties: amqpProperties({
      eventId: row.event_id,
      eventType: row.event_type,
      correlationId: row.correlation_id,
      occurredAtMs: Number(row.created_at),
      producer: row.producer,
      headers: JSON.parse(row.headers) as Record<string, string>,
    }),
  };
}

function isDatabaseError(error: unknown): boolean {
  return !(error instanceof Error && 'code' in error && String(error.code).startsWith('KADA_'));
}
