/**
 * The topology step: puts `generated/rabbitmq/definitions.json` into force on one vhost in one
 * rabbitmqctl call (the management plugin is not on here; one import is one Erlang start instead
 * of three per user). Users get passwords chosen by the caller (random per run, or
 * derived from a local secret under the gitignored `.data/`), so no secret is in the repo; the
 * admin user of `adminUrl` gets full rights on the vhost for operator tools (DLQ, the demo's tap).
 * Used by `scripts/up`, the end-to-end tests, the broker attack suite and the fault test.
 *
 * On a cluster (`nodes`): users, vhosts, permissions and topology are cluster-wide, so one import
 * on the first node that answers puts them in force on every node; then every quorum queue of the
 * vhost is checked to have min(3, cluster size) members (RabbitMQ's default initial group size,
 * `quorum_cluster_size`), and a queue declared while nodes were missing gets members added
 * (`rabbitmq-queues add_member`), so losing one node of three never loses a queue's majority.
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
  /**
   * An administrator's URL on the same node (host and port are taken from it); on a cluster a
   * comma-separated list, one per node (what `RABBITMQ_URL` takes): each service's URL is then the
   * same list with its own user.
   */
  readonly adminUrl?: string;
  /**
   * RabbitMQ node names (`rabbit@host`, `kada5681n1@localhost`) that rabbitmqctl targets (`-n`),
   * tried in order until one answers; default the machine's node. With more than one, the
   * topology step also checks the quorum queues' replication (see above).
   */
  readonly nodes?: readonly string[];
}

export interface BrokerSetup {
  readonly vhost: string;
  /** The node rabbitmqctl reached (undefined: the default node). */
  readonly node: string | undefined;
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
  const admins = (options.adminUrl ?? 'amqp://guest:guest@127.0.0.1:5672')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean)
    .map((u) => new URL(u));
  const admin = admins[0];
  if (!admin) throw new Error('setUpBroker: adminUrl is empty');
  const adminUser = decodeURIComponent(admin.username) || 'guest';
  const ctl = nodeCtl(options.nodes ?? []);
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
  await importDefinitions(definitions, ctl);
  if ((options.nodes?.length ?? 0) > 1) await replicateQuorumQueues(vhost, ctl);
  const onVhost = (base: URL, user?: string): string => {
    const url = new URL(base.toString());
    if (user !== undefined) {
      url.username = encodeURIComponent(user);
      url.password = encodeURIComponent(options.password(user));
    }
    url.pathname = `/${encodeURIComponent(vhost)}`;
    return url.toString();
  };
  const urlFor = (user: string): string => admins.map((a) => onVhost(a, user)).join(',');
  return {
    vhost,
    node: ctl.node(),
    users,
    adminUrl: admins.map((a) => onVhost(a)).join(','),
    urlOf(service) {
      const user = users.get(service);
      return user === undefined ? undefined : urlFor(user);
    },
    async remove() {
      await Promise.allSettled([
        ctl(['delete_vhost', vhost]),
        ...[...users.values()].map((user) => ctl(['delete_user', user])),
      ]);
    },
  };
}

/**
 * Imports RabbitMQ definitions (users, vhosts, permissions, topology) and returns when done.
 * `import_definitions` of 3.10 is asynchronous and cannot read stdin; `import_raw` returns when the
 * import is done, and base64 keeps the JSON (and the hashes) out of files and quoting trouble.
 */
export async function importDefinitions(definitions: object, ctl: Ctl = rabbitmqctl): Promise<void> {
  const encoded = Buffer.from(JSON.stringify(definitions)).toString('base64');
  const out = await ctl(['eval', `rabbit_definitions:import_raw(base64:decode(<<"${encoded}">>)).`]);
  if (out.trim() !== 'ok') throw new Error(`importing the broker definitions failed: ${out.trim()}`);
}

/** A rabbitmqctl runner bound to a node (or to the first of several that answers). */
type Ctl = ((args: string[], tool?: string) => Promise<string>) & { node?: () => string | undefined };

/**
 * rabbitmqctl against the first of `nodes` that answers (a stopped node fails fast: "unable to
 * connect"), remembering it for the next calls; with no nodes, the default node.
 */
export function nodeCtl(nodes: readonly string[]): Ctl & { node: () => string | undefined } {
  let current: string | undefined = nodes[0];
  const run = async (args: string[], tool = 'rabbitmqctl'): Promise<string> => {
    if (nodes.length === 0) return rabbitmqctl(args, tool);
    const order = current === undefined ? [...nodes] : [current, ...nodes.filter((n) => n !== current)];
    let last: unknown;
    for (const node of order) {
      try {
        const out = await rabbitmqctl(['-n', node, ...args], tool);
        current = node;
        return out;
      } catch (error) {
        last = error;
        // Only an unreachable node sends us to the next one; a refused command is the answer.
        if (
          !/unable to (connect|perform)|nodedown|could not connect|Error: unable/i.test(
            (error as Error).message,
          )
        )
          throw error;
      }
    }
    throw last;
  };
  return Object.assign(run, { node: () => (nodes.length === 0 ? undefined : current) });
}

/** The cluster's nodes (as the reached node sees them) and each quorum queue's members in `vhost`. */
export async function quorumReplication(
  vhost: string,
  ctl: Ctl,
): Promise<{ clusterNodes: string[]; queues: { name: string; members: string[] }[] }> {
  const nodesOut = await ctl(['eval', 'rabbit_nodes:all().']);
  const clusterNodes = [...nodesOut.matchAll(/'?([\w.-]+@[\w.-]+)'?/g)].map((m) => m[1] as string);
  const listed = JSON.parse(
    await ctl(['list_queues', '-p', vhost, 'name', 'type', 'members', '--formatter', 'json']),
  ) as { name: string; type: string; members: string[] | string }[];
  const queues = listed
    .filter((q) => q.type === 'quorum')
    .map((q) => ({ name: q.name, members: Array.isArray(q.members) ? q.members : [] }));
  return { clusterNodes, queues };
}

/**
 * Gives every quorum queue of the vhost min(3, cluster size) members: RabbitMQ places that many at
 * declaration when the nodes are there (`quorum_cluster_size`), but a queue declared while a node
 * was stopped or before it joined has fewer, and one member is a queue lost with its node.
 */
async function replicateQuorumQueues(vhost: string, ctl: Ctl): Promise<void> {
  const { clusterNodes, queues } = await quorumReplication(vhost, ctl);
  const target = Math.min(3, clusterNodes.length);
  for (const q of queues) {
    const missing = clusterNodes.filter((n) => !q.members.includes(n));
    for (const node of missing.slice(0, Math.max(0, target - q.members.length)))
      await ctl(['add_member', '-p', vhost, q.name, node], 'rabbitmq-queues');
  }
}

export function deleteBrokerUser(user: string): Promise<string> {
  return rabbitmqctl(['delete_user', user]);
}

/** Runs rabbitmqctl (or another RabbitMQ CLI); resolves with its output. */
function rabbitmqctl(args: string[], tool = 'rabbitmqctl'): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(tool, ['-q', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
        new Error(`${tool} ${args[0]}: ${error.message} (the broker set-up needs ${tool} on this host)`),
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(stdout);
      else
        reject(
          new Error(
            `${tool} ${args.join(' ').slice(0, 60)} failed with ${code} (it must run as root or the rabbitmq user): ${stderr.trim()} ${stdout.trim().slice(0, 300)}`,
          ),
        );
    });
  });
}
