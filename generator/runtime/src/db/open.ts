import { resolve } from 'node:path';
import { Kysely, MssqlDialect, PostgresDialect, SqliteDialect } from 'kysely';
import { KadaError } from '../errors.ts';
import type { AnySchema, SqlDialect } from '../types.ts';
import { openSqlite } from './sqlite.ts';

export interface OpenDatabaseOptions {
  service: string;
  /** DATABASE_URL: postgres://…, mssql://…, or a SQLite path. Default `.data/<service>/db.sqlite`. */
  url?: string;
}

/**
 * How many connections each database `openDatabase` opened has: the most transactions it runs at
 * once (SQLite: one). The service runtime forms no more delivery batches at once than that.
 */
const connections = new WeakMap<Kysely<AnySchema>, number>();

/** The connections of a database `openDatabase` opened; undefined for any other. */
export function databaseConnections(db: Kysely<AnySchema>): number | undefined {
  return connections.get(db);
}

function opened(
  db: Kysely<AnySchema>,
  dialect: SqlDialect,
  max: number,
): { db: Kysely<AnySchema>; dialect: SqlDialect } {
  connections.set(db, max);
  return { db, dialect };
}

/** Which dialect a DATABASE_URL names. */
export function dialectOf(url: string): SqlDialect {
  if (/^postgres(ql)?:\/\//i.test(url)) return 'postgres';
  if (/^(mssql|sqlserver):\/\//i.test(url)) return 'mssql';
  return 'sqlite';
}

/**
 * Opens the service's database. The embedded default is SQLite through Node's built-in
 * `node:sqlite` (WAL, busy timeout): nothing to install, one file per service.
 */
export async function openDatabase(
  options: OpenDatabaseOptions,
): Promise<{ db: Kysely<AnySchema>; dialect: SqlDialect }> {
  const url = options.url ?? process.env.DATABASE_URL ?? resolve('.data', options.service, 'db.sqlite');
  const dialect = dialectOf(url);
  if (dialect === 'postgres') {
    const max = Number(process.env.DATABASE_POOL_MAX ?? 10);
    const pool = await createPgPool(url, max);
    return opened(new Kysely<AnySchema>({ dialect: new PostgresDialect({ pool }) }), dialect, max);
  }
  if (dialect === 'mssql') {
    return { db: new Kysely<AnySchema>({ dialect: await mssqlDialect(url) }), dialect };
  }
  const path = url.startsWith('sqlite:') ? url.replace(/^sqlite:(\/\/)?/, '') : url;
  // One connection (Kysely's SQLite driver runs one transaction at a time).
  return opened(
    new Kysely<AnySchema>({ dialect: new SqliteDialect({ database: openSqlite(path) }) }),
    dialect,
    1,
  );
}

/**
 * The pg pool `openDatabase` makes. Its clients pipeline: a statement is sent without waiting for
 * the answer to the one before it on the same connection (Kysely still waits for each answer; the
 * runtime's own transactions send BEGIN with their first statement and their last one with COMMIT,
 * see db/transaction.ts). And they cork their socket for the rest of the tick on a query, so that
 * statements sent in the same tick leave in one write, and PostgreSQL reads them, and answers them,
 * in one go.
 */
export async function createPgPool(url: string, max: number): Promise<import('pg').Pool> {
  const { default: pg } = await import('pg');
  class CorkingClient extends pg.Client {
    #corked = false;
    override query(...args: unknown[]): never {
      const stream = (this as unknown as { connection?: { stream?: NodeJS.WritableStream & Partial<Cork> } })
        .connection?.stream;
      if (!this.#corked && stream?.cork && stream.uncork) {
        this.#corked = true;
        stream.cork();
        process.nextTick(() => {
          this.#corked = false;
          stream.uncork?.();
        });
      }
      return (super.query as (...a: unknown[]) => never)(...args);
    }
  }
  return new pg.Pool({ connectionString: url, max, pipeline: true, Client: CorkingClient });
}

interface Cork {
  cork(): void;
  uncork(): void;
}

/**
 * SQL Server's driver (tedious, tarn) is an optional peer dependency: it is about 60 MB installed
 * and only SQL Server users need it. When it is missing, say what to install instead of failing
 * with Node's module-not-found error.
 */
async function importDriver<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND')
      throw new KadaError(
        'KADA_CONFIG',
        `DATABASE_URL names SQL Server, whose driver is not installed: npm install tedious tarn (missing: ${name})`,
        { cause: error },
      );
    throw error;
  }
}

/** `mssql://user:password@host:1433/database?encrypt=true&trustServerCertificate=true` */
export async function mssqlDialect(url: string): Promise<MssqlDialect> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new KadaError('KADA_CONFIG', 'DATABASE_URL is not a valid mssql:// URL', { cause: error });
  }
  const tedious = await importDriver('tedious', () => import('tedious'));
  const tarn = await importDriver('tarn', () => import('tarn'));
  const query = parsed.searchParams;
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || undefined;
  return new MssqlDialect({
    tarn: { ...tarn, options: { min: 0, max: Number(query.get('poolMax') ?? 10) } },
    tedious: {
      ...tedious,
      connectionFactory: () =>
        new tedious.Connection({
          server: parsed.hostname,
          authentication: {
            type: 'default',
            options: {
              userName: decodeURIComponent(parsed.username),
              password: decodeURIComponent(parsed.password),
            },
          },
          options: {
            port: Number(parsed.port || 1433),
            ...(database ? { database } : {}),
            encrypt: query.get('encrypt') !== 'false',
            trustServerCertificate: query.get('trustServerCertificate') === 'true',
          },
        }),
    },
  });
}
