import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Options for {@link openSqlite}. */
export interface SqliteOpenOptions {
  /** How long a writer waits for another process's lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** Prepared statements kept per connection; kysely re-prepares the same SQL on every call. */
  statementCacheSize?: number;
  /**
   * NORMAL (default): in WAL mode a commit survives a process crash, the last ones may roll back on
   * power loss (state and outbox rows together, so they stay consistent). FULL: fsync per commit.
   * Env KADA_SQLITE_SYNCHRONOUS overrides the default.
   */
  synchronous?: 'NORMAL' | 'FULL';
}

/**
 * Adapts Node's built-in `node:sqlite` (DatabaseSync) to the better-sqlite3-shaped interface that
 * kysely's SqliteDialect drives: `prepare(sql)` returning statements with `reader`, `all`, `run`,
 * `iterate`. Opens in WAL mode with a busy timeout; caches prepared statements.
 */
export function openSqlite(path: string, options: SqliteOpenOptions = {}): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path, { timeout: options.busyTimeoutMs ?? 5000 });
  db.exec('PRAGMA journal_mode = WAL');
  const synchronous =
    options.synchronous ?? (process.env.KADA_SQLITE_SYNCHRONOUS === 'FULL' ? 'FULL' : 'NORMAL');
  db.exec(`PRAGMA synchronous = ${synchronous}`);
  db.exec('PRAGMA foreign_keys = ON');
  const cacheSize = options.statementCacheSize ?? 200;
  const cache = new Map<string, SqliteStatement>();

  return {
    close() {
      cache.clear();
      if (db.isOpen) db.close();
    },
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached) {
        // Refresh recency: Map iteration order is insertion order.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = wrapStatement(db.prepare(sql));
      cache.set(sql, statement);
      if (cache.size > cacheSize) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return statement;
    },
  };
}

function wrapStatement(statement: StatementSync): SqliteStatement {
  const reader = statement.columns().length > 0;
  return {
    reader,
    all: (parameters) => statement.all(...toSqlite(parameters)),
    run: (parameters) => statement.run(...toSqlite(parameters)),
    iterate: (parameters) => statement.iterate(...toSqlite(parameters)),
  };
}

/** node:sqlite binds only null, numbers, bigints, strings and byte arrays. */
function toSqlite(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map((value): SQLInputValue => {
    if (value === undefined || value === null) return null;
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (value instanceof Date) return value.toISOString();
    if (
      typeof value === 'number' ||
      typeof value === 'bigint' ||
      typeof value === 'string' ||
      value instanceof Uint8Array
    ) {
      return value;
    }
    return JSON.stringify(value);
  });
}
