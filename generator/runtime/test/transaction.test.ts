/**
 * The runtime's own transactions (db/transaction.ts): BEGIN sent with the first statement, the
 * last statement with COMMIT. On PostgreSQL through the pool openDatabase makes (pipelining,
 * corking clients; one connection, so that a connection left inside a transaction would show in
 * the next one), and on SQLite.
 */
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createPgPool } from '../src/db/open.ts';
import { pipelinedTransaction } from '../src/db/transaction.ts';
import type { AnySchema } from '../src/types.ts';
import { createTestDatabase, type TestDatabase } from './helpers.ts';

const insert = (id: number) => CompiledQuery.raw('insert into items (id) values ($1)', [id]);
const insertSqlite = (id: number) => CompiledQuery.raw('insert into items (id) values (?)', [id]);

describe.each(['postgres', 'sqlite'] as const)('pipelined transactions on %s', (dialect) => {
  let database: TestDatabase | undefined;
  let db: Kysely<AnySchema>;
  const row = dialect === 'postgres' ? insert : insertSqlite;
  const ids = async () =>
    (await sql<{ id: number }>`select id from items order by id`.execute(db)).rows.map((r) => Number(r.id));

  const open = async () => {
    database = await createTestDatabase(dialect);
    db =
      dialect === 'postgres'
        ? new Kysely<AnySchema>({
            dialect: new PostgresDialect({ pool: await createPgPool(database.url, 1) }),
          })
        : database.open();
    await sql`create table items (id integer primary key)`.execute(db);
  };
  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  it('commits the first statement, the body and the last statement together', async () => {
    await open();
    const value = await pipelinedTransaction(db, dialect, row(1), async (tx, first) => {
      expect(Number(first.numAffectedRows)).toBe(1);
      await tx.executeQuery(row(2));
      return { value: 'done', last: row(3) };
    });
    expect(value).toBe('done');
    expect(await ids()).toEqual([1, 2, 3]);
  });

  it('rolls back the first statement too when the body throws', async () => {
    await expect(
      pipelinedTransaction(db, dialect, row(10), async (tx) => {
        await tx.executeQuery(row(11));
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect(await ids()).toEqual([1, 2, 3]);
  });

  it('a failed statement the body caught: PostgreSQL rolls back and fails (COMMIT answers ROLLBACK), SQLite commits the rest', async () => {
    const run = pipelinedTransaction(db, dialect, row(20), async (tx) => {
      // A handler that swallows its SQL error (a duplicate key).
      await tx.executeQuery(row(1)).catch(() => undefined);
      return { value: 'swallowed' };
    });
    if (dialect === 'postgres') {
      // The transaction is aborted: nothing of it happened, and the caller is told.
      await expect(run).rejects.toThrow(/rolled back/);
      expect(await ids()).toEqual([1, 2, 3]);
    } else {
      // SQLite undoes the failed statement only; the transaction goes on and commits.
      await expect(run).resolves.toBe('swallowed');
      expect(await ids()).toEqual([1, 2, 3, 20]);
      await sql`delete from items where id = 20`.execute(db);
    }
  });

  it('fails, with nothing committed, when the statement sent with COMMIT fails', async () => {
    await expect(
      pipelinedTransaction(db, dialect, row(20), async (tx) => {
        await tx.executeQuery(row(21));
        return { value: undefined, last: row(1) }; // duplicate key
      }),
    ).rejects.toThrow();
    expect(await ids()).toEqual([1, 2, 3]);
  });

  it('does not run the body when the first statement fails, and leaves the connection usable', async () => {
    let ran = false;
    await expect(
      pipelinedTransaction(db, dialect, row(2), async () => {
        ran = true;
        return { value: undefined };
      }),
    ).rejects.toThrow();
    expect(ran).toBe(false);
    // The next transaction on the same (only) connection starts clean and commits.
    await pipelinedTransaction(db, dialect, row(30), async () => ({ value: undefined }));
    expect(await ids()).toEqual([1, 2, 3, 30]);
  });

  it('keeps concurrent transactions apart', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        pipelinedTransaction(db, dialect, row(100 + i), async (tx) => {
          await tx.executeQuery(row(200 + i));
          return { value: undefined, last: i % 5 === 0 ? row(1) : row(300 + i) };
        }).catch(() => undefined),
      ),
    );
    const expected = [1, 2, 3, 30];
    for (let i = 0; i < 20; i++) if (i % 5 !== 0) expected.push(100 + i, 200 + i, 300 + i);
    expect(await ids()).toEqual(expected.sort((a, b) => a - b));
  });
});
