/**
 * PostgreSQL databases of a platform run (one per service), made and removed through the admin
 * connection: PG_URL, else the local server. One place for the launcher's callers (up, e2e, attack,
 * bench:checkout).
 */
import pg from 'pg';

export const PG_ADMIN_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs `fn` with a connected admin client and closes it. */
export async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>, url = PG_ADMIN_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates each database that does not exist yet. */
export function createDatabases(names: readonly string[], url = PG_ADMIN_URL): Promise<void> {
  return withAdmin(async (client) => {
    for (const name of names) {
      const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
      if (exists.rowCount === 0) await client.query(`create database "${name}"`);
    }
  }, url);
}

/** Drops the databases, closing what is still connected to them. */
export function dropDatabases(names: readonly string[], url = PG_ADMIN_URL): Promise<void> {
  return withAdmin(async (client) => {
    for (const name of names) await client.query(`drop database if exists "${name}" with (force)`);
  }, url);
}
