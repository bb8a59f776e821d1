import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type KyselyConfig,
  type QueryResult,
  SingleConnectionProvider,
  Transaction,
} from 'kysely';
import type { AnySchema } from '../types.ts';

const BEGIN = CompiledQuery.raw('begin');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');

const noop = (): void => undefined;
const unavailable = (): never => {
  throw new Error('not available on a transaction of the kada runtime');
};
/** A Transaction needs a config, dialect and driver; none of them is used by its query methods. */
const NO_DRIVER: Driver = {
  init: unavailable,
  acquireConnection: unavailable,
  beginTransaction: unavailable,
  commitTransaction: unavailable,
  rollbackTransaction: unavailable,
  releaseConnection: unavailable,
  destroy: unavailable,
};
const NO_DIALECT = {
  createDriver: unavailable,
  createQueryCompiler: unavailable,
  createAdapter: unavailable,
  createIntrospector: unavailable,
} as unknown as Dialect;
const NO_CONFIG: KyselyConfig = { dialect: NO_DIALECT };

/** What {@link pipelinedTransaction}'s body gives back: its value, and a last statement to run before COMMIT. */
export interface TransactionEnd<R> {
  readonly value: R;
  readonly last?: CompiledQuery | undefined;
}

/**
 * A transaction on PostgreSQL or SQLite whose first statement is sent together with BEGIN and, on
 * PostgreSQL, whose last statement together with COMMIT, without waiting for the answer in
 * between: with a pipelining pg client (`pipeline: true`, as `openDatabase` makes them) each pair
 * costs one round trip instead of two; with any other client the second statement still goes out
 * as soon as the first is answered, without a turn of this process's event loop. COMMIT goes out
 * before the last statement's answer only where a failed statement aborts the whole transaction
 * (PostgreSQL: COMMIT then answers ROLLBACK); SQLite keeps a transaction open after a failed
 * statement, so there COMMIT waits for the last statement to succeed.
 *
 * The same guarantees as Kysely's `db.transaction()`: the body's queries run on the transaction's
 * connection (`tx`, a Kysely `Transaction`); any error rolls back; a COMMIT that PostgreSQL answers
 * with ROLLBACK (an earlier statement failed) is an error. BEGIN fails only when the connection
 * does, and then the first statement fails with it: it never runs outside the transaction.
 */
export function pipelinedTransaction<F, R>(
  db: Kysely<AnySchema>,
  dialect: 'postgres' | 'sqlite',
  first: CompiledQuery<F>,
  body: (tx: Transaction<AnySchema>, first: QueryResult<F>) => Promise<TransactionEnd<R>>,
): Promise<R> {
  const executor = db.getExecutor();
  return executor.provideConnection(async (connection: DatabaseConnection) => {
    const begun = connection.executeQuery(BEGIN);
    const firstDone = connection.executeQuery(first);
    // Both are awaited below; until then a rejection must not count as unhandled.
    begun.catch(noop);
    firstDone.catch(noop);
    let open = false;
    try {
      await begun;
      open = true;
      const firstResult = (await firstDone) as QueryResult<F>;
      const tx = new Transaction<AnySchema>({
        config: NO_CONFIG,
        dialect: NO_DIALECT,
        driver: NO_DRIVER,
        executor: executor.withConnectionProvider(new SingleConnectionProvider(connection)),
      });
      const { value, last } = await body(tx, firstResult);
      if (last && dialect !== 'postgres') await connection.executeQuery(last);
      const lastDone = last && dialect === 'postgres' ? connection.executeQuery(last) : undefined;
      const committed = connection.executeQuery(COMMIT);
      lastDone?.catch(noop);
      committed.catch(noop);
      if (lastDone) await lastDone;
      const { rows } = await committed;
      open = false;
      // PostgreSQL answers COMMIT with ROLLBACK when an earlier statement left the transaction aborted.
      if ((rows[0] as { command?: string } | undefined)?.command === 'ROLLBACK')
        throw new Error('the transaction was rolled back: an earlier statement in it failed');
      return value;
    } catch (error) {
      if (open) {
        // After a failed last statement COMMIT may already have ended the transaction; a ROLLBACK
        // then only warns. Queued after whatever is in flight, so the connection is idle after it.
        await connection.executeQuery(ROLLBACK).catch(noop);
      }
      throw error;
    }
  });
}
