import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  MssqlDialect,
  type QueryResult,
  type Transaction,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { mssqlDialect } from '../src/db/open.ts';
import {
  type AnySchema,
  claimInbox,
  insertOutboxQuery,
  markSentQuery,
  outboxStatsQuery,
  prepareEvent,
  type RuntimeTables,
  relayLockQuery,
  runtimeMigrations,
  selectUnsentQuery,
} from '../src/internals.ts';
import { orderCreatedDescriptor } from './helpers.ts';

/** Records the SQL a real MssqlDialect compiles; no server involved. */
class RecordingDriver implements Driver {
  readonly executed: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        this.executed.push({ sql: query.sql, parameters: query.parameters });
        return { rows: [], numAffectedRows: 1n };
      },
      streamQuery: () => {
        throw new Error('not used');
      },
    };
  }
  async beginTransaction(): Promise<void> {}
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

async function fakeMssql(): Promise<{ db: Kysely<RuntimeTables>; driver: RecordingDriver }> {
  const real = await mssqlDialect('mssql://sa:secret@127.0.0.1:1/kada?trustServerCertificate=true');
  const driver = new RecordingDriver();
  const dialect: Dialect = {
    createAdapter: () => real.createAdapter(),
    createDriver: () => driver,
    createQueryCompiler: () => real.createQueryCompiler(),
    createIntrospector: (db) => real.createIntrospector(db),
  };
  return { db: new Kysely<RuntimeTables>({ dialect }), driver };
}

describe('SQL Server dialect, as SQL text', () => {
  it('the dialect builds from a mssql:// URL without connecting', async () => {
    expect(await mssqlDialect('mssql://sa:pw@db.example:1433/orders?encrypt=false')).toBeInstanceOf(
      MssqlDialect,
    );
  });

  it('migrations create the inbox and outbox with an identity key and nvarchar(max)', async () => {
    const { db, driver } = await fakeMssql();
    await runtimeMigrations('mssql')['0001_inbox_outbox']?.up(db as Kysely<AnySchema>);
    const statements = driver.executed.map((query) => query.sql);
    expect(statements).toEqual([
      'create table "processed_events" ("consumer" varchar(200) not null, "event_id" varchar(64) not null, "event_type" varchar(200) not null, "processed_at" bigint not null, constraint "processed_events_pk" primary key ("consumer", "event_id"))',
      'create index "processed_events_processed_at" on "processed_events" ("processed_at")',
      'create table "outbox" ("id" bigint identity primary key, "event_id" varchar(64) not null unique, "ordering_key" varchar(200), "exchange" varchar(255) not null, "routing_key" varchar(255) not null, "event_type" varchar(200) not null, "correlation_id" varchar(64) not null, "producer" varchar(200) not null, "body" nvarchar(max) not null, "headers" nvarchar(max) not null, "created_at" bigint not null, "sent_at" bigint, "attempts" integer default 0 not null, "last_error" varchar(1000))',
      'create index "outbox_unsent" on "outbox" ("sent_at", "id")',
    ]);
  });

  it('claims the inbox with a locked insert-where-not-exists (no ON CONFLICT on SQL Server)', async () => {
    const { db, driver } = await fakeMssql();
    const fresh = await db
      .transaction()
      .execute((tx: Transaction<RuntimeTables>) =>
        claimInbox(tx, 'mssql', 'order', 'evt-1', 'payment.succeeded', 1700000000000),
      );
    expect(fresh).toBe(true);
    const [query] = driver.executed;
    expect(query?.sql).toBe(
      'insert into processed_events (consumer, event_id, event_type, processed_at) select @1, @2, @3, @4 where not exists (select 1 from processed_events with (updlock, holdlock) where consumer = @5 and event_id = @6)',
    );
    expect(query?.parameters).toEqual([
      'order',
      'evt-1',
      'payment.succeeded',
      1700000000000,
      'order',
      'evt-1',
    ]);
  });

  it('outbox insert, batch read with TOP, mark sent, stats and the relay lock', async () => {
    const { db } = await fakeMssql();
    const event = prepareEvent(
      'order',
      orderCreatedDescriptor('order.created.v1'),
      { orderId: 'o', amount: 1 },
      {
        orderingKey: 'o',
      },
    );
    const insert = insertOutboxQuery(db, event).compile();
    expect(insert.sql).toBe(
      'insert into "outbox" ("event_id", "ordering_key", "exchange", "routing_key", "event_type", "correlation_id", "producer", "body", "headers", "created_at", "sent_at", "last_error") values (@1, @2, @3, @4, @5, @6, @7, @8, @9, @10, @11, @12)',
    );
    expect(insert.parameters.slice(0, 5)).toEqual([
      event.envelope.eventId,
      'o',
      'domain.events',
      'order.created.v1',
      'order.created',
    ]);
    expect(selectUnsentQuery(db, 'mssql', 100).compile().sql).toBe(
      'select top(100) "id", "event_id", "ordering_key", "exchange", "routing_key", "event_type", "correlation_id", "producer", "body", "headers", "created_at", "attempts" from "outbox" where "sent_at" is null order by "id"',
    );
    expect(markSentQuery(db, [1, 2], 5).compile().sql).toBe(
      'update "outbox" set "sent_at" = @1, "last_error" = @2, "body" = @3 where "id" in (@4, @5)',
    );
    expect(outboxStatsQuery(db).compile().sql).toBe(
      'select count(*) as "pending", min("created_at") as "oldest" from "outbox" where "sent_at" is null',
    );
    expect(relayLockQuery('mssql').compile(db).sql).toContain(
      "exec @result = sp_getapplock @Resource = 'kada_outbox_relay'",
    );
  });
});
