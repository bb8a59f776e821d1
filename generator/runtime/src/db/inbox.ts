import { CompiledQuery, type Kysely, sql, type Transaction } from 'kysely';
import type { SqlDialect } from '../types.ts';
import { precompile, type QueryRunner } from './precompiled.ts';
import type { RuntimeTables } from './schema.ts';

type Db = Kysely<RuntimeTables> | Transaction<RuntimeTables>;

/** SQL Server has no ON CONFLICT: insert where absent, holding a key-range lock until commit. */
export function claimInboxMssql(consumer: string, eventId: string, eventType: string, now: number) {
  return sql`insert into processed_events (consumer, event_id, event_type, processed_at) select ${consumer}, ${eventId}, ${eventType}, ${now} where not exists (select 1 from processed_events with (updlock, holdlock) where consumer = ${consumer} and event_id = ${eventId})`;
}

/** PostgreSQL and SQLite: insert, doing nothing on a (consumer, event_id) conflict. */
export function claimInboxUpsert(db: Db, consumer: string, eventId: string, eventType: string, now: number) {
  return db
    .insertInto('processed_events')
    .values({ consumer, event_id: eventId, event_type: eventType, processed_at: now })
    .onConflict((conflict) => conflict.columns(['consumer', 'event_id']).doNothing());
}

/**
 * Claims (consumer, eventId) in the inbox inside the handler's transaction: true if this
 * transaction inserted the row (run the handler), false if it was already there (a duplicate).
 * Inserting first, rather than select-then-insert, makes a concurrent duplicate wait on the first
 * transaction's row lock (PostgreSQL, SQL Server) and then see it, instead of racing it.
 */
export async function claimInbox(
  db: Db,
  dialect: SqlDialect,
  consumer: string,
  eventId: string,
  eventType: string,
  now = Date.now(),
): Promise<boolean> {
  if (dialect === 'mssql') {
    const result = await claimInboxMssql(consumer, eventId, eventType, now).execute(db);
    return Number(result.numAffectedRows ?? 0n) > 0;
  }
  const result = await claimInboxUpsert(db, consumer, eventId, eventType, now).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export function pruneInboxQuery(db: Db, cutoff: number) {
  return db.deleteFrom('processed_events').where('processed_at', '<', cutoff);
}

/** A claim function for one database: {@link claimInbox} with the SQL compiled once (PostgreSQL, SQLite). */
export function compileClaimInbox(
  db: Db,
  dialect: SqlDialect,
): (tx: Db, consumer: string, eventId: string, eventType: string, now?: number) => Promise<boolean> {
  if (dialect === 'mssql')
    return (tx, consumer, eventId, eventType, now) =>
      claimInbox(tx, dialect, consumer, eventId, eventType, now);
  const run = precompile(['consumer', 'eventId', 'eventType', 'now'], (v) =>
    claimInboxUpsert(db, v.consumer, v.eventId, v.eventType, v.now),
  );
  return async (tx, consumer, eventId, eventType, now = Date.now()) => {
    const result = await run(tx as QueryRunner, { consumer, eventId, eventType, now });
    return Number(result.numAffectedRows ?? 0n) > 0;
  };
}

/** A `$n` (PostgreSQL) or `?` (SQLite) placeholder list for a multi-row VALUES of `columns` per row. */
export function valuesPlaceholders(dialect: 'postgres' | 'sqlite', rows: number, columns: number): string {
  const out: string[] = [];
  let n = 0;
  for (let row = 0; row < rows; row++) {
    const slots: string[] = [];
    for (let column = 0; column < columns; column++) slots.push(dialect === 'postgres' ? `$${++n}` : '?');
    out.push(`(${slots.join(', ')})`);
  }
  return out.join(', ');
}

/**
 * PostgreSQL: one statement text for any number of events (two array parameters), so the server
 * sees the same statement every time and the client serializes 4 parameters instead of 4 per event.
 */
const CLAIM_UNNEST =
  'insert into processed_events (consumer, event_id, event_type, processed_at) ' +
  'select $1::varchar, e.event_id, e.event_type, $4::bigint from unnest($2::varchar[], $3::varchar[]) as e(event_id, event_type) ' +
  'on conflict (consumer, event_id) do nothing returning event_id';

/**
 * The statement that claims several events at once (PostgreSQL, SQLite); {@link claimedFresh}
 * reads its answer. Like {@link claimInbox}, a concurrent transaction holding the same row makes
 * this one wait for it.
 */
export function claimInboxBatchQuery(
  dialect: 'postgres' | 'sqlite',
  consumer: string,
  events: ReadonlyArray<{ readonly eventId: string; readonly eventType: string }>,
  now = Date.now(),
): CompiledQuery<{ event_id: string }> {
  if (dialect === 'postgres') {
    const ids: string[] = [];
    const types: string[] = [];
    for (const event of events) {
      ids.push(event.eventId);
      types.push(event.eventType);
    }
    return CompiledQuery.raw(CLAIM_UNNEST, [consumer, ids, types, now]);
  }
  const parameters: unknown[] = [];
  for (const event of events) parameters.push(consumer, event.eventId, event.eventType, now);
  return CompiledQuery.raw(
    `insert into processed_events (consumer, event_id, event_type, processed_at) values ${valuesPlaceholders(dialect, events.length, 4)} on conflict (consumer, event_id) do nothing returning event_id`,
    parameters,
  );
}

/**
 * For each event, whether the claim statement inserted its row. An event id that appears twice
 * counts as fresh once, on its first appearance.
 */
export function claimedFresh(
  events: ReadonlyArray<{ readonly eventId: string }>,
  rows: ReadonlyArray<{ event_id: string }>,
): boolean[] {
  if (rows.length === events.length && events.length === 1) return [true];
  const inserted = new Set<string>();
  for (const row of rows) inserted.add(row.event_id);
  return events.map((event) => inserted.delete(event.eventId));
}

/** Gives a claim back (its delivery's handler failed inside a batch; the row was this transaction's). */
export function unclaimInboxQuery(db: Db, consumer: string, eventId: string) {
  return db.deleteFrom('processed_events').where('consumer', '=', consumer).where('event_id', '=', eventId);
}
