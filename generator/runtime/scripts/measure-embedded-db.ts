/**
 * Measures the embedded database candidates: RSS of a process that holds an open database and runs
 * small transactions (one inbox row + one outbox row each), and transactions per second.
 * Each candidate runs in its own fresh child process so the figures do not mix.
 *
 *   pnpm exec node generator/runtime/scripts/measure-embedded-db.ts [--tx 2000]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnySchema } from '../src/types.ts';

type Candidate = 'baseline' | 'sqlite' | 'pglite' | 'pglite-tuned';
const candidates: Candidate[] = ['baseline', 'sqlite', 'pglite', 'pglite-tuned'];

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function child(candidate: Candidate, txCount: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `kada-measure-${candidate}-`));
  const started = performance.now();
  const figures: Record<string, number | string> = { candidate };
  try {
    if (candidate === 'baseline') {
      const { Kysely } = await import('kysely');
      void Kysely;
    } else if (candidate === 'sqlite') {
      const { Kysely, SqliteDialect, sql } = await import('kysely');
      const { openSqlite } = await import('../src/db/sqlite.ts');
      const db = new Kysely<AnySchema>({
        dialect: new SqliteDialect({ database: openSqlite(join(dir, 'db.sqlite')) }),
      });
      await sql`create table inbox (consumer text, event_id text, primary key (consumer, event_id))`.execute(
        db,
      );
      await sql`create table outbox (id integer primary key autoincrement, event_id text, body text)`.execute(
        db,
      );
      figures.open_ms = Math.round(performance.now() - started);
      figures.rss_open_mb = mb(process.memoryUsage.rss());
      const t0 = performance.now();
      for (let i = 0; i < txCount; i++) {
        await db.transaction().execute(async (tx) => {
          await tx
            .insertInto('inbox')
            .values({ consumer: 'c', event_id: `e${i}` })
            .execute();
          await tx
            .insertInto('outbox')
            .values({ event_id: `o${i}`, body: '{"x":1}' })
            .execute();
        });
      }
      figures.tx_per_s = Math.round(txCount / ((performance.now() - t0) / 1000));
      await db.destroy();
    } else {
      const { PGlite } = await import('@electric-sql/pglite');
      const tuned = candidate === 'pglite-tuned';
      const pg = new PGlite(join(dir, 'pgdata'), {
        ...(tuned
          ? {
              postgresqlconf: [
                'shared_buffers=8MB',
                'work_mem=1MB',
                'maintenance_work_mem=4MB',
                'wal_buffers=256kB',
              ],
            }
          : {}),
      });
      await pg.waitReady;
      await pg.exec('create table inbox (consumer text, event_id text, primary key (consumer, event_id))');
      await pg.exec('create table outbox (id bigserial primary key, event_id text, body text)');
      figures.open_ms = Math.round(performance.now() - started);
      figures.rss_open_mb = mb(process.memoryUsage.rss());
      const t0 = performance.now();
      for (let i = 0; i < txCount; i++) {
        await pg.transaction(async (tx) => {
          await tx.query('insert into inbox (consumer, event_id) values ($1, $2)', ['c', `e${i}`]);
          await tx.query('insert into outbox (event_id, body) values ($1, $2)', [`o${i}`, '{"x":1}']);
        });
      }
      figures.tx_per_s = Math.round(txCount / ((performance.now() - t0) / 1000));
      await pg.close();
    }
    figures.rss_mb = mb(process.memoryUsage.rss());
    figures.max_rss_mb = mb(process.resourceUsage().maxRSS * 1024);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
const txIndex = args.indexOf('--tx');
const txCount = txIndex >= 0 ? Number(args[txIndex + 1]) : 2000;
const only = args.indexOf('--child');
if (only >= 0) {
  await child(args[only + 1] as Candidate, txCount);
} else {
  const self = fileURLToPath(import.meta.url);
  console.log(`node ${process.version}, ${txCount} transactions of two inserts each`);
  for (const candidate of candidates) {
    const run = spawnSync(process.execPath, [self, '--child', candidate, '--tx', String(txCount)], {
      encoding: 'utf8',
    });
    if (run.status !== 0) {
      console.log(`${candidate}: failed\n${run.stderr}`);
      continue;
    }
    const line = run.stdout.trim().split('\n').at(-1) ?? '{}';
    const f = JSON.parse(line) as Record<string, number | string>;
    console.log(
      `${String(f.candidate).padEnd(13)} open ${String(f.open_ms ?? '-').padStart(5)} ms  ` +
        `rss after open ${String(f.rss_open_mb ?? '-').padStart(6)} MB  rss end ${String(f.rss_mb).padStart(6)} MB  ` +
        `max rss ${String(f.max_rss_mb).padStart(6)} MB  ${String(f.tx_per_s ?? '-').padStart(6)} tx/s`,
    );
  }
}
