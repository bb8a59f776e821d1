/**
 * The storefront (services/storefront, a Next.js app) for scripts/up and the browser tests: build it
 * when its sources changed (`next build`, skipped when .next holds a build of the same sources) and
 * start it with `next start` against a gateway.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { followOutput } from './platform.ts';

const ROOT = resolve(import.meta.dirname, '..');
export const STOREFRONT_DIR = join(ROOT, 'services/storefront');
const NEXT_BIN = join(STOREFRONT_DIR, 'node_modules/next/dist/bin/next');
const STAMP = join(STOREFRONT_DIR, '.next/kada-sources.sha256');

/** What the build depends on: the app's own files, the generated client types and the lockfile. */
function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (['node_modules', '.next', 'next-env.d.ts', 'test'].includes(name)) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(STOREFRONT_DIR);
  files.push(join(ROOT, 'generated/openapi/gateway.ts'), join(ROOT, 'pnpm-lock.yaml'));
  return files.sort();
}

export function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles()) {
    hash.update(relative(ROOT, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Runs `next build` unless the last build was of the same sources; says which it did. */
export async function buildStorefront(log: (line: string) => void = () => {}): Promise<'built' | 'cached'> {
  const hash = sourceHash();
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash) return 'cached';
  log('storefront: next build (sources changed since the last build)');
  const child = spawn(process.execPath, [NEXT_BIN, 'build'], {
    cwd: STOREFRONT_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (buf: Buffer) => output.push(buf.toString('utf8'));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new Error(`next build failed (exit ${code}):\n${output.join('').slice(-4000)}`);
  writeFileSync(STAMP, `${hash}\n`);
  return 'built';
}

export interface StorefrontOptions {
  port: number;
  gatewayUrl: string;
  /** The notification service's outbox folder, shown at /dev/mail (development only). */
  mailDir?: string;
  onLog?: (line: string) => void;
}

export interface RunningStorefront {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `next start` on 127.0.0.1:<port>; resolves when the home page answers. */
export async function startStorefront(opts: StorefrontOptions): Promise<RunningStorefront> {
  const url = `http://127.0.0.1:${opts.port}`;
  const child = spawn(process.execPath, [NEXT_BIN, 'start', '-p', String(opts.port), '-H', '127.0.0.1'], {
    cwd: STOREFRONT_DIR,
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      GATEWAY_URL: opts.gatewayUrl,
      ...(opts.mailDir ? { DEV_MAIL_DIR: opts.mailDir } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = followOutput(child, (line) => opts.onLog?.(line));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`next start exited with code ${child.exitCode}\n${tail.join('\n')}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(5000) }).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return { url, child, stop };
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`the storefront did not answer on ${url} within 60 s\n${tail.join('\n')}`);
}
