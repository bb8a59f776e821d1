/**
 * scripts/attack: starts the whole platform (its own RabbitMQ vhost and PostgreSQL databases, so it cannot
 * disturb a running demo) and fires hostile input through the public gateway, then prints one line per
 * class of attack: tried, rejected correctly, wrongly accepted, crashes. Goal: zeros in the last two.
 *
 *   scripts/attack                 1,000 fuzzed requests per public operation
 *   scripts/attack --size 50       a shorter run
 *   scripts/attack --json          one JSON object per line instead of the table
 *
 * Exit status 1 when anything was wrongly accepted or crashed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDevKeys } from '@kada/service-kit';
import { randomPasswords, setUpBroker } from '../broker-setup.ts';
import { createDatabases, dropDatabases } from '../databases.ts';
import { Platform, type ServiceName } from '../platform.ts';
import { httpAttacks } from './http.ts';
import type { AttackRow } from './types.ts';

export interface AttackOptions {
  /** Fuzzed requests per public operation. */
  readonly size: number;
  /** Seed of the fuzzer. */
  readonly seed?: number;
  /** Service log lines (warnings and errors), for a failing test's message. */
  readonly onLog?: (line: string) => void;
}

const root = resolve(import.meta.dirname, '..', '..');

/** Starts the platform, runs every attack class, stops and removes everything; returns the table. */
export async function runAttack(options: AttackOptions): Promise<AttackRow[]> {
  const run = randomUUID().slice(0, 8);
  const vhost = `kada-attack-${run}`;
  const dbName = (svc: string) => `kada_attack_${run}_${svc}`;
  const webhookSecret = `whsec_${randomUUID().replace(/-/g, '')}`;
  const tmp = mkdtempSync(join(tmpdir(), 'kada-attack-'));
  const paymentLog: string[] = [];
  // The services behind the public API; stock, notification and audit only consume events.
  const only: ServiceName[] = ['auth', 'user', 'product', 'order', 'payment', 'dashboard', 'gateway'];
  const databases = only.filter((name) => name !== 'gateway');
  const platform = new Platform({
    root,
    only,
    portBase: 1000 + Math.floor(Math.random() * 500) * 10,
    broker: { urlOf: (service) => broker.urlOf(service) },
    env: {
      JWT_PUBLIC_KEY_FILE: join(tmp, 'keys', 'jwt-public.jwk.json'),
      JWT_PRIVATE_KEY_FILE: join(tmp, 'keys', 'jwt-private.jwk.json'),
      PAYMENT_PROVIDER: 'simulated',
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      NOTIFY_OUTBOX_DIR: join(tmp, 'mail'),
      LOG_LEVEL: 'warn',
      // The gateway's own rate limits would answer most of the flood with 429 and hide what is behind them.
      RATE_LIMIT_IP: 'off',
      RATE_LIMIT_USER: 'off',
    },
    serviceEnv: (name) => ({
      ...(name === 'gateway' ? {} : { DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${dbName(name)}` }),
      // How often a webhook was applied is read from payment's log.
      ...(name === 'payment' ? { LOG_LEVEL: 'info' } : {}),
    }),
    onLog: (name, line) => {
      if (name === 'payment') paymentLog.push(line);
      if (!/"level":(30|20)/.test(line)) options.onLog?.(`${name}: ${line}`);
    },
  });

  // The vhost with the generated topology and each service's own least-privilege user, as e2e does.
  const broker = await setUpBroker({ vhost, userPrefix: `attack-${run}.`, password: randomPasswords() });
  try {
    await createDatabases(databases.map(dbName));
    const keys = await ensureDevKeys(join(tmp, 'keys'));
    await platform.startAll();
    return await httpAttacks(
      {
        gatewayUrl: platform.urlOf('gateway'),
        internalUrls: databases.map((name) => platform.urlOf(name)),
        keys,
        webhookSecret,
        dead: () =>
          [...platform.services.values()].filter((s) => s.child.exitCode !== null).map((s) => s.name),
        paymentLog: () => paymentLog,
      },
      { size: options.size, ...(options.seed === undefined ? {} : { seed: options.seed }) },
    );
  } finally {
    await platform.stopAll();
    await broker.remove();
    await dropDatabases(databases.map(dbName));
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The table: one line per class, columns aligned. */
export function formatTable(rows: readonly AttackRow[]): string {
  const header = ['class', 'tried', 'rejected-correctly', 'wrongly-accepted', 'crashes'];
  const lines = [
    header,
    ...rows.map((r) => [r.name, r.tried, r.rejected, r.wronglyAccepted, r.crashes].map(String)),
  ];
  const widths = header.map((_, i) => Math.max(...lines.map((line) => (line[i] ?? '').length)));
  return lines
    .map((line) =>
      line
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join('  '),
    )
    .join('\n');
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const size = Number(argValue(args, '--size') ?? 1000);
  if (!Number.isInteger(size) || size < 1) {
    process.stderr.write('usage: scripts/attack [--size N] [--seed N] [--json]\n');
    process.exit(2);
  }
  const seed = argValue(args, '--seed');
  const t0 = Date.now();
  const rows = await runAttack({
    size,
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    onLog: (line) => process.stderr.write(`${line}\n`),
  });
  if (args.includes('--json')) for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
  else process.stdout.write(`${formatTable(rows)}\n`);
  const tried = rows.reduce((n, r) => n + r.tried, 0);
  process.stderr.write(`attack: ${tried} hostile requests in ${Math.round((Date.now() - t0) / 1000)} s\n`);
  process.exit(rows.some((r) => r.wronglyAccepted > 0 || r.crashes > 0) ? 1 : 0);
}
