/**
 * scripts/up's Node part: generate keys, put the broker topology and one least-privilege user per
 * service in force on the `kada` vhost (passwords derived from `.data/broker-secret`, which stays
 * out of git), start every service as its own process under its own user, run the demo, then keep
 * running until Ctrl-C (or exit right after the demo with --exit).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureDevKeys } from '@kada/service-kit';
import { derivedPasswords, setUpBroker } from './broker-setup.ts';
import { build } from './build.ts';
import { createDatabases } from './databases.ts';
import { runDemo } from './demo.ts';
import { Platform, SERVICES } from './platform.ts';
import { buildStorefront, type RunningStorefront, startStorefront } from './storefront.ts';

const root = resolve(import.meta.dirname, '..');
const exitAfterDemo = process.argv.includes('--exit');
const withStorefront = !process.argv.includes('--no-storefront');
// Every port moves by KADA_PORT_BASE (default 0), so a second platform can run beside this one.
const portBase = Number(process.env.KADA_PORT_BASE ?? 0);
if (!Number.isInteger(portBase) || portBase < 0 || portBase > 50_000) {
  process.stderr.write('up: KADA_PORT_BASE takes a whole number from 0 to 50000\n');
  process.exit(2);
}
const storefrontPort = 3000 + portBase;
const storefrontUrl = `http://127.0.0.1:${storefrontPort}`;
const replicasArg = process.argv.indexOf('--replicas');
const replicas = replicasArg >= 0 ? Number(process.argv[replicasArg + 1]) : 1;
if (!Number.isInteger(replicas) || replicas < 1 || replicas > 4) {
  process.stderr.write('up: --replicas takes a whole number from 1 to 4\n');
  process.exit(2);
}
// Replicas share their service's database, which needs a server: the embedded SQLite file is one
// process's. Without DATABASE_URL, replicas use the local PostgreSQL.
const databaseServer =
  process.env.DATABASE_URL ?? (replicas > 1 ? 'postgres://postgres@127.0.0.1:5432/postgres' : undefined);
const databaseOf = (server: string, name: string): string => `${server.replace(/\/[^/]*$/, '')}/kada_${name}`;

// One database per service on the server (created when missing; each service migrates its own).
if (databaseServer) {
  const names = SERVICES.filter((s) => s.name !== 'gateway').map((s) => `kada_${s.name}`);
  await createDatabases(names, databaseServer.replace(/\/[^/]*$/, '/postgres'));
}
/** An administrator's login on the broker's node; the services get their own users from it. */
const adminUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const keysDir = join(root, '.data', 'keys');
const mailDir = join(root, '.data', 'notification', 'outbox');
mkdirSync(keysDir, { recursive: true });
await ensureDevKeys(keysDir);
process.stdout.write('up: broker users and topology from generated/rabbitmq/definitions.json\n');
const broker = await setUpBroker({
  vhost: process.env.KADA_VHOST ?? 'kada',
  // A prefix for the service users (e.g. `mine.` -> `mine.svc-order`), so a second platform on its own
  // vhost does not reset the passwords of the users a first one runs under.
  userPrefix: process.env.KADA_BROKER_USER_PREFIX ?? '',
  adminUrl,
  password: derivedPasswords(join(root, '.data', 'broker-secret')),
});
const rabbitUrl = broker.adminUrl;

const colors = [31, 32, 33, 34, 35, 36, 91, 92, 93, 94];
if (withStorefront) {
  const t = Date.now();
  const how = await buildStorefront((line) => process.stdout.write(`up: ${line}\n`));
  process.stdout.write(
    `up: storefront ${how === 'cached' ? 'build is up to date (sources unchanged)' : `built in ${Date.now() - t} ms`}\n`,
  );
}

const platform = new Platform({
  root,
  replicas,
  portBase,
  broker,
  env: {
    JWT_PUBLIC_KEY_FILE: join(keysDir, 'jwt-public.jwk.json'),
    // No Stripe key on a development machine: the simulated Stripe, chosen explicitly.
    PAYMENT_PROVIDER: process.env.PAYMENT_PROVIDER ?? 'simulated',
    JWT_PRIVATE_KEY_FILE: join(keysDir, 'jwt-private.jwk.json'),
    NOTIFY_OUTBOX_DIR: mailDir,
    // Links in mails (verify-email, reset-password) open the storefront.
    APP_URL: process.env.APP_URL ?? storefrontUrl,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  },
  // One database per service: DATABASE_URL names a server; each service gets its own database on it.
  serviceEnv: (name) => (databaseServer ? { DATABASE_URL: databaseOf(databaseServer, name) } : {}),
  onLog: (name, line) => {
    const i = [
      'auth',
      'user',
      'product',
      'order',
      'payment',
      'dashboard',
      'stock',
      'notification',
      'audit',
      'gateway',
    ].indexOf(name);
    process.stdout.write(`\u001b[${colors[i] ?? 37}m${name.padEnd(12)}\u001b[0m ${line}\n`);
  },
});

let stopping = false;
let storefront: RunningStorefront | undefined;
const shutdown = async (code: number) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('\nup: stopping every service (graceful: finish in-flight, close)\n');
  await storefront?.stop();
  await platform.stopAll();
  process.exit(code);
};
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

if (!platform.typescript) {
  // The services run compiled JavaScript (KADA_RUN_TS=1 runs their sources instead); cached.
  const built = build(root);
  process.stdout.write(
    `up: compiled to .build/ (${built.compiled} files compiled, ${built.unchanged} unchanged)\n`,
  );
}
const t0 = Date.now();
process.stdout.write(
  `up: starting services${replicas > 1 ? ` (${replicas} replicas each, databases on ${databaseServer})` : ''}\n`,
);
try {
  await platform.startAll();
} catch (err) {
  process.stderr.write(`up: ${(err as Error).message}\n`);
  await shutdown(1);
}
process.stdout.write(
  `up: all services ready in ${Date.now() - t0} ms; gateway at ${platform.urlOf('gateway')}\n\n`,
);
if (withStorefront) {
  try {
    storefront = await startStorefront({
      port: storefrontPort,
      gatewayUrl: platform.urlOf('gateway'),
      mailDir,
      onLog: (line) => process.stdout.write(`storefront   ${line}\n`),
    });
    process.stdout.write(`up: storefront at ${storefront.url} (open it in a browser)\n\n`);
  } catch (err) {
    process.stderr.write(`up: ${(err as Error).message}\n`);
    await shutdown(1);
  }
}
let ok = false;
// The demo's accounts share a password printed below, so the demo can be watched in the storefront.
const demoPassword = `demo-${randomBytes(9).toString('base64url')}`;
try {
  const result = await runDemo({
    gatewayUrl: platform.urlOf('gateway'),
    rabbitUrl,
    mailDir,
    password: demoPassword,
  });
  ok = result.orders.every((o) => o.status === o.expected && o.notified);
  process.stdout.write(`\nup: demo ${ok ? 'succeeded' : 'FAILED'}: ${result.events.length} events seen\n`);
  if (storefront)
    process.stdout.write(
      `up: watch the demo in the storefront ${storefront.url}: log in as ${result.accounts.buyer} (its orders) ` +
        `or ${result.accounts.seller} (the dashboard), password ${demoPassword}\n`,
    );
} catch (err) {
  process.stderr.write(`up: demo failed: ${(err as Error).message}\n`);
}
if (storefront) process.stdout.write(`up: storefront: ${storefront.url}\n`);
if (exitAfterDemo) await shutdown(ok ? 0 : 1);
else process.stdout.write('up: the platform keeps running; Ctrl-C stops it.\n');
