/**
 * Starts the platform: every service as its own process, each with its own database, all on one
 * broker, each under its own broker user when `broker` is given (see `broker-setup.ts`). Used by
 * `scripts/up` (the demo) and by the end-to-end tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DEFAULT_PORTS, type ServiceName } from '@kada/service-kit';
import { build, compiledEntry } from './build.ts';

/** The services in start order (auth first, the gateway last), with their well-known ports (the kit's). */
export const SERVICES = (Object.keys(DEFAULT_PORTS) as ServiceName[]).map((name) => ({
  name,
  port: DEFAULT_PORTS[name],
}));

/**
 * V8 flags of every service process (the Dockerfile's CMD passes the same). A young generation of
 * 2 x 4 MB instead of V8's default of up to 2 x 16 MB: under pnpm bench:checkout each service's peak
 * RSS fell by 10–25 MB (gateway 147 -> 124 MB, order 124 -> 104 MB) with no rise in its CPU per
 * checkout that the run could see.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

export type { ServiceName };

export interface PlatformOptions {
  readonly root: string;
  /** Environment for every service (RABBITMQ_URL, key files, …). */
  readonly env: NodeJS.ProcessEnv;
  /**
   * Each service's own RABBITMQ_URL (its broker user and vhost); a service without one (the
   * gateway) gets none, rather than a shared login.
   */
  readonly broker?: { urlOf(service: string): string | undefined };
  /** Per-service environment (DATABASE_URL, PORT, …). */
  readonly serviceEnv?: (name: ServiceName, port: number) => NodeJS.ProcessEnv;
  /** Port offset, so tests can run beside a running demo. */
  readonly portBase?: number;
  /**
   * Run the services' TypeScript directly (Node's type stripping) instead of the JavaScript that
   * scripts/build.ts compiles into .build/ (the default; built, cached, before the first start).
   * Also KADA_RUN_TS=1.
   */
  readonly typescript?: boolean;
  readonly only?: readonly ServiceName[];
  /**
   * Processes per service (default 1): competing consumers on the same queues and database. Replica
   * r listens on the service's port + 100 * r; the gateway gets every replica's URL.
   */
  readonly replicas?: number;
  readonly onLog?: (service: ServiceName, line: string) => void;
  /** How long a process may take to answer /ready (default 60 s; a loaded machine needs more). */
  readonly readyTimeoutMs?: number;
}

export interface RunningService {
  readonly name: ServiceName;
  /** 0 for the first process of the service. */
  readonly replica: number;
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
}

/**
 * Passes each non-empty line a child prints (stdout and stderr) to `onLine` and keeps the last 20,
 * returned, for the error message when the child fails to start.
 */
export function followOutput(child: ChildProcess, onLine: (line: string) => void): string[] {
  const tail: string[] = [];
  const onData = (buf: Buffer) => {
    for (const line of buf.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 20) tail.shift();
      onLine(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return tail;
}

/** The key of one process in `Platform.services`: `order` for the first replica, `order#1` for the next. */
export const instanceKey = (name: ServiceName, replica = 0): string =>
  replica === 0 ? name : `${name}#${replica}`;

export class Platform {
  readonly services = new Map<string, RunningService>();
  private readonly opts: PlatformOptions;
  /** The gateway keeps /ready and /metrics behind this token (GATEWAY_OPS_TOKEN; a random one by default). */
  readonly opsToken: string;

  /**
   * With replicas and the simulated Stripe, one simulator process serves every payment replica (as
   * Stripe would): an intent outlives the replica that created it, and its webhooks reach the public
   * /webhooks/stripe through the gateway, whichever replica answers.
   */
  readonly #sharedStripe: { readonly port: number; readonly secret: string } | undefined;
  #stripe: ChildProcess | undefined;

  constructor(opts: PlatformOptions) {
    this.opts = opts;
    this.opsToken = opts.env.GATEWAY_OPS_TOKEN ?? randomBytes(24).toString('base64url');
    this.#sharedStripe =
      (opts.replicas ?? 1) > 1 && opts.env.PAYMENT_PROVIDER === 'simulated' && !opts.env.STRIPE_SIMULATOR_URL
        ? {
            port: 8090 + (opts.portBase ?? 0),
            secret: opts.env.STRIPE_WEBHOOK_SECRET ?? `whsec_${randomBytes(24).toString('hex')}`,
          }
        : undefined;
  }

  /** The shared simulated Stripe's base URL, when the launcher runs one (replicas with PAYMENT_PROVIDER=simulated). */
  get stripeSimulatorUrl(): string | undefined {
    return this.#sharedStripe ? `http://127.0.0.1:${this.#sharedStripe.port}` : undefined;
  }

  get replicas(): number {
    return Math.max(1, this.opts.replicas ?? 1);
  }

  /** Whether the processes run the TypeScript sources rather than the compiled .build/. */
  get typescript(): boolean {
    return this.opts.typescript ?? process.env.KADA_RUN_TS === '1';
  }

  #built = false;

  /** Compiled processes refuse to load TypeScript, so that a module missed by the build fails loudly. */
  #nodeFlags(): string[] {
    return [...SERVICE_NODE_FLAGS, ...(this.typescript ? [] : ['--no-experimental-strip-types'])];
  }

  /** A source file to start as a process: itself, or its compiled twin (compiled once, cached). */
  #entry(path: string): string {
    if (this.typescript) return join(this.opts.root, path);
    if (!this.#built) {
      build(this.opts.root);
      this.#built = true;
    }
    return compiledEntry(this.opts.root, path);
  }

  portOf(name: ServiceName, replica = 0): number {
    const s = SERVICES.find((x) => x.name === name);
    if (!s) throw new Error(`unknown service ${name}`);
    return s.port + (this.opts.portBase ?? 0) + 100 * replica;
  }

  urlOf(name: ServiceName, replica = 0): string {
    return `http://127.0.0.1:${this.portOf(name, replica)}`;
  }

  /** Every replica's URL, comma-separated (what the gateway's <NAME>_URL takes). */
  urlsOf(name: ServiceName): string {
    return Array.from({ length: this.replicas }, (_, r) => this.urlOf(name, r)).join(',');
  }

  /** Starts one process of a service and waits until its /ready answers 200. */
  async start(
    name: ServiceName,
    replica = 0,
    timeoutMs = this.opts.readyTimeoutMs ?? 60_000,
  ): Promise<RunningService> {
    const port = this.portOf(name, replica);
    const upstreams = Object.fromEntries(
      SERVICES.filter((s) => s.name !== 'gateway').map((s) => [
        `${s.name.toUpperCase()}_URL`,
        this.urlsOf(s.name),
      ]),
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...this.opts.env,
      ...upstreams,
      GATEWAY_OPS_TOKEN: this.opsToken,
      // Replicas share one PostgreSQL server (max_connections 100 here): split it between the
      // processes instead of giving each the default pool of 10.
      ...(this.replicas > 1 && !this.opts.env.DATABASE_POOL_MAX
        ? { DATABASE_POOL_MAX: String(Math.max(2, Math.floor(80 / (SERVICES.length * this.replicas)))) }
        : {}),
      PORT: String(port),
      ...(this.opts.serviceEnv?.(name, port) ?? {}),
      ...(this.#sharedStripe && name === 'payment'
        ? {
            STRIPE_SIMULATOR_URL: `http://127.0.0.1:${this.#sharedStripe.port}`,
            STRIPE_WEBHOOK_SECRET: this.#sharedStripe.secret,
          }
        : {}),
    };
    if (this.opts.broker) {
      // RABBITMQ_URLS would win over the service's own login (see brokerDefaults).
      delete env.RABBITMQ_URLS;
      const url = this.opts.broker.urlOf(name);
      if (url === undefined) delete env.RABBITMQ_URL;
      else env.RABBITMQ_URL = url;
    }
    const child = spawn(process.execPath, [...this.#nodeFlags(), this.#entry(`services/${name}/main.ts`)], {
      cwd: this.opts.root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail = followOutput(child, (line) => this.opts.onLog?.(name, line));
    const svc: RunningService = { name, replica, port, url: this.urlOf(name, replica), child };
    this.services.set(instanceKey(name, replica), svc);
    try {
      await waitReady(svc, timeoutMs, this.opsToken);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${tail.join('\n')}`);
    }
    return svc;
  }

  async startAll(): Promise<void> {
    const names = (this.opts.only ?? SERVICES.map((s) => s.name)) as ServiceName[];
    if (this.#sharedStripe && names.includes('payment')) await this.#startStripe(this.#sharedStripe);
    const all = names.flatMap((name) => Array.from({ length: this.replicas }, (_, r) => [name, r] as const));
    // Two at a time: this machine has two cores and each service loads its modules on start.
    for (let i = 0; i < all.length; i += 2)
      await Promise.all(all.slice(i, i + 2).map(([n, r]) => this.start(n, r)));
  }

  /** SIGTERM (graceful: stop consuming, finish in-flight, close), SIGKILL after a grace period. */
  async stop(name: ServiceName, signal: NodeJS.Signals = 'SIGTERM', replica = 0): Promise<number | null> {
    const key = instanceKey(name, replica);
    const svc = this.services.get(key);
    if (!svc) return null;
    this.services.delete(key);
    if (svc.child.exitCode !== null) return svc.child.exitCode;
    const exited = new Promise<number | null>((resolve) => svc.child.once('exit', (code) => resolve(code)));
    svc.child.kill(signal);
    const timer = setTimeout(() => svc.child.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.services.values()].map((s) => this.stop(s.name, 'SIGTERM', s.replica)));
    const stripe = this.#stripe;
    this.#stripe = undefined;
    if (stripe && stripe.exitCode === null) {
      const exited = new Promise((resolve) => stripe.once('exit', resolve));
      stripe.kill('SIGTERM');
      await exited;
    }
  }

  /** The shared simulated Stripe (services/payment/stripe/simulator-main.ts); waits until it answers. */
  async #startStripe(shared: { port: number; secret: string }): Promise<void> {
    const child = spawn(process.execPath, [this.#entry('services/payment/stripe/simulator-main.ts')], {
      cwd: this.opts.root,
      env: {
        ...process.env,
        LOG_LEVEL: this.opts.env.LOG_LEVEL ?? 'warn',
        STRIPE_SIMULATOR_PORT: String(shared.port),
        STRIPE_WEBHOOK_SECRET: shared.secret,
        STRIPE_SIMULATOR_WEBHOOK_URL: `${this.urlOf('gateway')}/webhooks/stripe`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#stripe = child;
    const onData = (buf: Buffer) => {
      for (const line of buf.toString('utf8').split('\n'))
        if (line.trim()) this.opts.onLog?.('payment', line);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the simulated Stripe exited with code ${child.exitCode}`);
      // Any HTTP answer (a 404 for an unknown intent) says it listens.
      const answered = await fetch(`http://127.0.0.1:${shared.port}/v1/payment_intents/pi_probe`, {
        headers: { authorization: 'Bearer sk_test_simulated' },
        signal: AbortSignal.timeout(1000),
      }).then(
        () => true,
        () => false,
      );
      if (answered) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the simulated Stripe did not listen on ${shared.port} within 30 s`);
  }
}

async function waitReady(svc: RunningService, timeoutMs: number, opsToken: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (svc.child.exitCode !== null)
      throw new Error(`${svc.name} exited with code ${svc.child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${svc.url}/ready`, {
        headers: { authorization: `Bearer ${opsToken}` },
        signal: AbortSignal.timeout(2000),
      });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${svc.name} was not ready on ${svc.url} within ${timeoutMs} ms (${last})`);
}
