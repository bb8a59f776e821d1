/**
 * The topology step: puts `generated/rabbitmq/definitions.json` into force on one vhost in one
 * rabbitmqctl call (the management plugin is not on here; one import is one Erlang start instead
 * of three per user). Users get passwords chosen by the caller (random per run, or
 * derived from a local secret under the gitignored `.data/`), so no secret is in the repo; the
 * admin user of `adminUrl` gets full rights on the vhost for operator tools (DLQ, the demo's tap).
 * Used by `scripts/up`, the end-to-end tests and the broker attack suite.
 */
import { spawn } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
export const DEFINITIONS_FILE = join(root, 'generated', 'rabbitmq', 'definitions.json');

interface Definitions {
  users: { name: string; password_hash: string; hashing_algorithm: string; tags: string[] }[];
  permissions: { user: string; vhost: string; configure: string; write: string; read: string }[];
  topic_permissions: { user: string; vhost: string; exchange: string; write: string; read: string }[];
  exchanges: { name: string; vhost: string }[];
  queues: { name: string; vhost: string }[];
  bindings: { source: string; destination: string; routing_key: string; vhost: string }[];
}

export interface BrokerSetupOptions {
  /** The vhost to create (or update) and put the topology on. */
  readonly vhost: string;
  /** Prepended to every user name (`svc-order` -> `e2e-1a2b.svc-order`): user names are global to the node. */
  readonly userPrefix?: string;
  /** The password of each (prefixed) user. */
  readonly password: (user: string) => string;
  /** An administrator's URL on the same node (host and port are taken from it). */
  readonly adminUrl?: string;
}

export interface BrokerSetup {
  readonly vhost: string;
  /** service -> its broker user */
  readonly users: ReadonlyMap<string, string>;
  /** The admin URL on this vhost (operator tools, the tests' own checks). */
  readonly adminUrl: string;
  /** `RABBITMQ_URL` for a service, with its own user and password; undefined for one with no broker user (gateway). */
  urlOf(service: string): string | undefined;
  /** Deletes the vhost and the users. */
  remove(): Promise<void>;
}

/** RabbitMQ's `rabbit_password_hashing_sha256`: base64(salt ++ sha256(salt ++ password)), 4-byte salt. */
export function rabbitPasswordHash(password: string): string {
  const salt = randomBytes(4);
  const hash = createHash('sha256')
    .update(Buffer.concat([salt, Buffer.from(password, 'utf8')]))
    .digest();
  return Buffer.concat([salt, hash]).toString('base64');
}

/** Random passwords for one run, kept only in memory. */
export function randomPasswords(): (user: string) => string {
  const passwords = new Map<string, string>();
  return (user) => {
    let password = passwords.get(user);
    if (!password) {
      password = randomBytes(18).toString('base64url');
      passwords.set(user, password);
    }
    return password;
  };
}

/** Passwords derived from a secret in `file` (created once, mode 600, gitignored under `.data/`). */
export function derivedPasswords(file: string): (user: string) => string {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  const secret = readFileSync(file, 'utf8').trim();
  return (user) => createHmac('sha256', secret).update(user).digest('base64url');
}

export function readDefinitions(file = DEFINITIONS_FILE): Definitions {
  return JSON.parse(readFileSync(file, 'utf8')) as Definitions;
}

/** The service a generated user name (`svc-<service>`) belongs to. */
const serviceOf = (user: string): string => user.replace(/^svc-/, '');

export async function setUpBroker(options: BrokerSetupOptions): Promise<BrokerSetup> {
  const admin = new URL(options.adminUrl ?? 'amqp://guest:guest@127.0.0.1:5672');
  const adminUser = decodeURIComponent(admin.username) || 'guest';
  const prefix = options.userPrefix ?? '';
  const { vhost } = options;
  const source = readDefinitions();
  const users = new Map(source.users.map((u) => [serviceOf(u.name), `${prefix}${u.name}`]));
  const rename = (user: string): string => `${prefix}${user}`;
  const definitions = {
    vhosts: [{ name: vhost }],
    users: source.users.map((u) => ({
      ...u,
      name: rename(u.name),
      password_hash: rabbitPasswordHash(options.password(rename(u.name))),
    })),
    permissions: [
      ...source.permissions.map((p) => ({ ...p, user: rename(p.user), vhost })),
      { user: adminUser, vhost, configure: '.*', write: '.*', read: '.*' },
    ],
    topic_permissions: source.topic_permissions.map((p) => ({ ...p, user: rename(p.user), vhost })),
    exchanges: source.exchanges.map((e) => ({ ...e, vhost })),
    queues: source.queues.map((q) => ({ ...q, vhost })),
    bindings: source.bindings.map((b) => ({ ...b, vhost })),
  };
  await importDefinitions(definitions);
  const urlFor = (user: string): string => {
    const url = new URL(admin.toString());
    url.username = encodeURIComponent(user);
    url.password = encodeURIComponent(options.password(user));
    url.pathname = `/${encodeURIComponent(vhost)}`;
    return url.toString();
  };
  const adminOnVhost = new URL(admin.toString());
  adminOnVhost.pathname = `/${encodeURIComponent(vhost)}`;
  return {
    vhost,
    users,
    adminUrl: adminOnVhost.toString(),
    urlOf(service) {
      const user = users.get(service);
      return user === undefined ? undefined : urlFor(user);
    },
    async remove() {
      await Promise.allSettled([
        rabbitmqctl(['delete_vhost', vhost]),
        ...[...users.values()].map((user) => rabbitmqctl(['delete_user', user])),
      ]);
    },
  };
}

/**
 * Imports RabbitMQ definitions (users, vhosts, permissions, topology) and returns when done.
 * `import_definitions` of 3.10 is asynchronous and cannot read stdin; `import_raw` returns when the
 * import is done, and base64 keeps the JSON (and the hashes) out of files and quoting trouble.
 */
export async function importDefinitions(definitions: object): Promise<void> {
  const encoded = Buffer.from(JSON.stringify(definitions)).toString('base64');
  const out = await rabbitmqctl(['eval', `rabbit_definitions:import_raw(base64:decode(<<"${encoded}">>)).`]);
  if (out.trim() !== 'ok') throw new Error(`importing the broker definitions failed: ${out.trim()}`);
}

export function deleteBrokerUser(user: string): Promise<string> {
  return rabbitmqctl(['delete_user', user]);
}

/** Runs rabbitmqctl; resolves with its output. */
function rabbitmqctl(args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('rabbitmqctl', ['-q', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(
        new Error(
          `rabbitmqctl ${args[0]}: ${error.message} (the broker set-up needs rabbitmqctl on this host)`,
        ),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(stdout);
      else
        reject(
          new Error(
            `rabbitmqctl ${args[0]} failed with ${code} (it must run as root or the rabbitmq user): ${stderr.trim()}`,
          ),
        );
    });
  });
}
