/**
 * One way to get a test database: an embedded SQLite file in a temporary directory, or a uniquely
 * named PostgreSQL database made through the server's admin connection. `PG_URL` names that admin
 * connection, as for `scripts/lib.sh` and `scripts/databases.ts` (default: the local server).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '@kada/runtime';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Migration } from 'kysely/migration';
import pg from 'pg';
import { migrateService } from '../src/service.ts';

export type TestDialect = 'sqlite' | 'postgres';

/** The PostgreSQL server's admin connection (`PG_URL`). */
export const PG_ADMIN_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase<DB> {
  readonly dialect: TestDialect;
  /** A DATABASE_URL for a service started on this database (`startService({ databaseUrl })`). */
  readonly url: string;
  /** A Kysely on it; it connects on first use, so a test that only needs `url` holds no connection. */
  readonly db: Kysely<DB>;
  /** Closes `db` and removes the database. */
  destroy(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Part of the database's name, to tell whose it is (default `kada_test`). */
  name?: string;
  /** The service's migrations, applied before the database is handed out. */
  migrations?: Record<string, Migration>;
}

/** A fresh database; `destroy()` removes it. */
// biome-ignore lint/suspicious/noExplicitAny: a database of any schema, as Kysely's own default
export async function testDatabase<DB = any>(
  dialect: TestDialect,
  options: TestDatabaseOptions = {},
): Promise<TestDatabase<DB>> {
  const name = `${options.name ?? 'kada_test'}_${randomBytes(6).toString('hex')}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  let url: string;
  let db: Kysely<DB>;
  let drop: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `${name}-`));
    url = join(dir, 'db.sqlite');
    const file = url;
    db = new Kysely<DB>({ dialect: new SqliteDialect({ database: async () => openSqlite(file) }) });
    drop = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    await withAdmin((admin) => admin.query(`create database ${name}`));
    const target = new URL(PG_ADMIN_URL);
    target.pathname = `/${name}`;
    url = target.toString();
    const pool = new pg.Pool({ connectionString: url, max: 5 });
    // The drop below ends any connection still open; that is expected, not an error.
    pool.on('error', () => {});
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    drop = async () => {
      await withAdmin((admin) => admin.query(`drop database if exists ${name} with (force)`));
    };
  }
  if (options.migrations) await migrateService(db, options.migrations);
  return {
    dialect,
    url,
    db,
    async destroy() {
      await db.destroy();
      await drop();
    },
  };
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * The dialects to run a suite on: both. PostgreSQL is part of the test machine (scripts/test starts
 * it), so a missing server fails the suite instead of hiding it.
 */
export const dialects: readonly TestDialect[] = ['sqlite', 'postgres'];
