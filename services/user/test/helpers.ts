import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type Dialect = 'sqlite' | 'postgres';
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh database for one test file: a SQLite file in a temp dir, or a uniquely named PostgreSQL database. */
export async function createTestDatabase(
  dialect: Dialect,
  prefix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
    return { url: join(dir, 'db.sqlite'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`.replace(/[^a-z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * A throw-away RabbitMQ vhost (through rabbitmqctl, which ships with the broker), so queues declared by a test
 * cannot meet another process's consumers. Undefined when rabbitmqctl is not on this machine.
 */
export async function createTestVhost(
  prefix: string,
): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const { execFileSync } = await import('node:child_process');
  const run = (...args: string[]) => execFileSync('rabbitmqctl', args, { stdio: 'pipe', timeout: 30_000 });
  try {
    run('--version');
  } catch {
    return undefined;
  }
  const vhost = `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
  run('add_vhost', vhost);
  run('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  const url = `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`;
  // The relay publishes as mandatory: with only some services here, a catch-all queue keeps every event routable.
  const amqp = await import('amqplib');
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  await channel.assertExchange('domain.events', 'topic', { durable: true });
  await channel.assertQueue('test.catch-all', { durable: false });
  await channel.bindQueue('test.catch-all', 'domain.events', '#');
  await connection.close();
  return {
    url,
    drop: async () => {
      run('delete_vhost', vhost);
    },
  };
}
