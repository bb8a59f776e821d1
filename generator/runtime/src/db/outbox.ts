import { CompiledQuery, type Kysely, sql, type Transaction } from 'kysely';
import type { PreparedEvent } from '../envelope.ts';
import type { SqlDialect } from '../types.ts';
import { valuesPlaceholders } from './inbox.ts';
import { precompile, type QueryRunner } from './precompiled.ts';
import type { RuntimeTables } from './schema.ts';

type Db = Kysely<RuntimeTables> | Transaction<RuntimeTables>;

/** An unsent outbox row as the relay reads it. */
export interface OutboxRow {
  id: number | string;
  event_id: string;
  ordering_key: string | null;
  exchange: string;
  routing_key: string;
  event_type: string;
  correlation_id: string;
  producer: string;
  body: string;
  headers: string;
  created_at: number | string;
  attempts: number;
}

export function insertOutboxQuery(db: Db, event: PreparedEvent) {
  const { envelope } = event;
  return db.insertInto('outbox').values({
    event_id: envelope.eventId,
    ordering_key: event.orderingKey,
    exchange: event.exchange,
    routing_key: event.routingKey,
    event_type: envelope.eventType,
    correlation_id: envelope.correlationId,
    producer: envelope.producer,
    body: event.body,
    headers: JSON.stringify(event.headers),
    created_at: Date.parse(envelope.occurredAt) || Date.now(),
    sent_at: null,
    last_error: null,
  });
}

const OUTBOX_FIELDS = [
  'event_id',
  'ordering_key',
  'exchange',
  'routing_key',
  'event_type',
  'correlation_id',
  'producer',
  'body',
  'headers',
  'created_at',
] as const;

/** {@link insertOutboxQuery} with its SQL compiled once for this database. */
export function compileInsertOutbox(db: Db): (tx: Db, event: PreparedEvent) => Promise<void> {
  const run = precompile(OUTBOX_FIELDS, (v) =>
    db.insertInto('outbox').values({ ...v, sent_at: null, last_error: null }),
  );
  return async (tx, event) => {
    const { envelope } = event;
    await run(tx as QueryRunner, {
      event_id: envelope.eventId,
      ordering_key: event.orderingKey,
      exchange: event.exchange,
      routing_key: event.routingKey,
      event_type: envelope.eventType,
      correlation_id: envelope.correlationId,
      producer: envelope.producer,
      body: event.body,
      headers: JSON.stringify(event.headers),
      created_at: event.occurredAtMs,
    });
  };
}

function outboxValues(event: PreparedEvent): unknown[] {
  const { envelope } = event;
  return [
    envelope.eventId,
    event.orderingKey,
    event.exchange,
    event.routingKey,
    envelope.eventType,
    envelope.correlationId,
    envelope.producer,
    event.body,
    JSON.stringify(event.headers),
    event.occurredAtMs,
  ];
}

/** Rows per multi-row outbox insert: 10 parameters each, well under every driver's limit. */
const OUTBOX_ROWS_PER_STATEMENT = 200;

/**
 * Writes several events in as few statements as possible (one per 200 events), in the given order:
 * the identity column follows the VALUES order, so the relay sends them in that order.
 */
export function compileInsertOutboxBatch(
  db: Db,
  dialect: SqlDialect,
): (tx: Db, events: readonly PreparedEvent[]) => Promise<void> {
  const insertOne = compileInsertOutbox(db);
  return async (tx, events) => {
    if (events.length === 1) return insertOne(tx, events[0] as PreparedEvent);
    for (let start = 0; start < events.length; start += OUTBOX_ROWS_PER_STATEMENT) {
      const chunk = events.slice(start, start + OUTBOX_ROWS_PER_STATEMENT);
      if (dialect === 'mssql') {
        for (const event of chunk) await insertOne(tx, event);
        continue;
      }
      const parameters: unknown[] = [];
      for (const event of chunk) parameters.push(...outboxValues(event));
      await (tx as QueryRunner).executeQuery(
        CompiledQuery.raw(
          `insert into outbox (${OUTBOX_FIELDS.join(', ')}) values ${valuesPlaceholders(dialect, chunk.length, OUTBOX_FIELDS.length)}`,
          parameters,
        ),
      );
    }
  };
}

/**
 * PostgreSQL: one statement text for any number of rows (one array parameter per column), in the
 * order given: the identity column follows the ordinality, so the relay sends them in that order.
 */
const INSERT_OUTBOX_UNNEST =
  `insert into outbox (${OUTBOX_FIELDS.join(', ')}) ` +
  `select ${OUTBOX_FIELDS.join(', ')} from unnest(` +
  '$1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::varchar[], $6::varchar[], $7::varchar[], ' +
  `$8::text[], $9::text[], $10::bigint[]) with ordinality as e(${OUTBOX_FIELDS.join(', ')}, position) order by position`;

/**
 * The statements that write `events` to the outbox (PostgreSQL: one; SQLite: one per 200 rows), in
 * the given order. The runtime sends the last one together with COMMIT.
 */
export function insertOutboxStatements(
  dialect: 'postgres' | 'sqlite',
  events: readonly PreparedEvent[],
): CompiledQuery[] {
  if (dialect === 'postgres') {
    const columns: unknown[][] = OUTBOX_FIELDS.map(() => []);
    for (const event of events) {
      const values = outboxValues(event);
      for (let column = 0; column < values.length; column++)
        (columns[column] as unknown[]).push(values[column]);
    }
    return [CompiledQuery.raw(INSERT_OUTBOX_UNNEST, columns)];
  }
  const statements: CompiledQuery[] = [];
  for (let start = 0; start < events.length; start += OUTBOX_ROWS_PER_STATEMENT) {
    const chunk = events.slice(start, start + OUTBOX_ROWS_PER_STATEMENT);
    const parameters: unknown[] = [];
    for (const event of chunk) parameters.push(...outboxValues(event));
    statements.push(
      CompiledQuery.raw(
        `insert into outbox (${OUTBOX_FIELDS.join(', ')}) values ${valuesPlaceholders(dialect, chunk.length, OUTBOX_FIELDS.length)}`,
        parameters,
      ),
    );
  }
  return statements;
}

/** The oldest unsent rows, in insertion order. */
export function selectUnsentQuery(db: Db, dialect: SqlDialect, limit: number) {
  const base = db
    .selectFrom('outbox')
    .select([
      'id',
      'event_id',
      'ordering_key',
      'exchange',
      'routing_key',
      'event_type',
      'correlation_id',
      'producer',
      'body',
      'headers',
      'created_at',
      'attempts',
    ])
    .where('sent_at', 'is', null)
    .orderBy('id');
  return dialect === 'mssql' ? base.top(limit) : base.limit(limit);
}

/**
 * PostgreSQL relay statements, SQL written once (no query building per pass). The relay's leadership
 * is a session advisory lock here, taken by the first select of a busy period and kept by that
 * connection until the relay has nothing more to send ({@link RELEASE_RELAY_LOCK}); the passes in
 * between run without BEGIN/COMMIT: a select, the publishes, one update. Each statement is its own
 * transaction; nothing in a pass needs more (the lock, not a transaction, keeps other processes out).
 */
const RELAY_LOCK_KEY = "hashtext(current_schema() || '.kada_outbox_relay')";
const UNSENT_COLUMNS =
  'id, event_id, ordering_key, exchange, routing_key, event_type, correlation_id, producer, body, headers, created_at, attempts';

/**
 * Tries the leader lock and, when taken, reads the oldest unsent rows in the same statement. Always
 * one row at least: `leader` says whether the lock was taken; `id` is null when nothing is unsent.
 */
export function selectUnsentTakingRelayLock(limit: number): CompiledQuery<OutboxRow & { leader: boolean }> {
  return CompiledQuery.raw(
    `select l.leader, o.* from (select pg_try_advisory_lock(${RELAY_LOCK_KEY}) as leader) l left join lateral (select ${UNSENT_COLUMNS} from outbox where sent_at is null and l.leader order by id limit $1) o on true`,
    [limit],
  );
}

/** The oldest unsent rows, for a relay that holds the lock already. */
export function selectUnsentHoldingRelayLock(limit: number): CompiledQuery<OutboxRow> {
  return CompiledQuery.raw(
    `select ${UNSENT_COLUMNS} from outbox where sent_at is null order by id limit $1`,
    [limit],
  );
}

export const RELEASE_RELAY_LOCK: CompiledQuery<{ released: boolean }> = CompiledQuery.raw(
  `select pg_advisory_unlock(${RELAY_LOCK_KEY}) as released`,
);

/**
 * {@link markSentQuery} as one statement that also sets `synchronous_commit = off` for its own
 * transaction only (`set_config(…, true)`, evaluated once before the update): its commit does not
 * wait for the WAL flush. It writes only "these rows were sent": lost in a crash of PostgreSQL, the
 * rows are published again after restart and the consumers' inboxes drop the copies, exactly as
 * after a crash between publish and marking sent. Every other transaction keeps the server's setting.
 */
export function markSentWithoutFlushQuery(
  ids: ReadonlyArray<number | string>,
  now: number,
): CompiledQuery<never> {
  return CompiledQuery.raw(
    `update outbox set sent_at = $1, last_error = null, body = $2 where id = any($3) and (select set_config('synchronous_commit', 'off', true)) = 'off'`,
    [now, REDACTED_BODY, ids],
  );
}

/** Whether any row waits to be relayed: one cheap statement for a poll that usually finds nothing. */
export function unsentExistsQuery(db: Db, dialect: SqlDialect) {
  const base = db.selectFrom('outbox').select('id').where('sent_at', 'is', null);
  return dialect === 'mssql' ? base.top(1) : base.limit(1);
}

/**
 * What a sent row keeps of its body: nothing. Events may carry personal data (an e-mail address) that must not
 * outlive its delivery in the producer's database; the row's metadata (ids, type, key, times) stays until
 * pruned.
 */
export const REDACTED_BODY = '';

/** Marks rows sent and drops their bodies ({@link REDACTED_BODY}). */
export function markSentQuery(db: Db, ids: ReadonlyArray<number | string>, now: number) {
  return db
    .updateTable('outbox')
    .set({ sent_at: now, last_error: null, body: REDACTED_BODY })
    .where('id', 'in', ids);
}

export function markFailedQuery(db: Db, ids: ReadonlyArray<number | string>, error: string) {
  return db
    .updateTable('outbox')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 1000) }))
    .where('id', 'in', ids);
}

export function outboxStatsQuery(db: Db) {
  return db
    .selectFrom('outbox')
    .select((eb) => [eb.fn.countAll().as('pending'), eb.fn.min('created_at').as('oldest')])
    .where('sent_at', 'is', null);
}

export function pruneOutboxQuery(db: Db, cutoff: number) {
  return db.deleteFrom('outbox').where('sent_at', 'is not', null).where('sent_at', '<', cutoff);
}

/**
 * Relay leadership for server databases: only one process of a service relays at a time, so rows
 * keep their order. Taken inside the relay's transaction and released at its end. Returns the
 * statement, whose single row has `locked` (true/1, or >= 0 on SQL Server) when taken.
 */
export function relayLockQuery(dialect: 'postgres' | 'mssql') {
  if (dialect === 'postgres') {
    return sql<{
      locked: boolean;
    }>`select pg_try_advisory_xact_lock(hashtext(current_schema() || '.kada_outbox_relay')) as locked`;
  }
  return sql<{
    locked: number;
  }>`declare @result int; exec @result = sp_getapplock @Resource = 'kada_outbox_relay', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 0; select @result as locked`;
}

export async function takeRelayLock(db: Db, dialect: 'postgres' | 'mssql'): Promise<boolean> {
  const { rows } = await relayLockQuery(dialect).execute(db);
  const locked = rows[0]?.locked;
  return dialect === 'postgres' ? locked === true : typeof locked === 'number' && locked >= 0;
}
