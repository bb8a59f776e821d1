/**
 * Adoption: the toolkit as another team gets it. Every shipped package is built and packed
 * (`pnpm pack`, whose prepack builds dist/), the tarballs are installed with npm (not pnpm, so
 * nothing leans on the workspace) into a folder outside the repository, `kada-gen init` scaffolds
 * a service, and its own scripts run unedited: generate (twice: the second run must write
 * nothing), typecheck, test and start, publishing and consuming on the real RabbitMQ in a vhost
 * of its own. npm reaches the registry only for the third-party dependencies.
 */
import { type ExecFileException, execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
// Two builds, two npm installs, tsc and a broker round trip: minutes on a loaded machine.
const SLOW = 600_000;
const SHIPPED = ['generator/runtime', 'generator'];
const tmp = mkdtempSync(join(tmpdir(), 'kada-adoption-'));
const packs = join(tmp, 'packs');
const vhost = `kada-adoption-${process.pid}-${randomBytes(4).toString('hex')}`;
const rabbitUrl = `amqp://guest:guest@127.0.0.1:5672/${vhost}`;
// npm and the scaffold's scripts run on the Node running this test (24), not the system's.
// pnpm's own npm_config_* (this test runs under pnpm) are dropped: npm should see what a user's shell has.
const inherited = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(npm|pnpm)_/i.test(k) && k !== 'PNPM_PACKAGE_NAME'),
);
const env = {
  ...inherited,
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
  RABBITMQ_URL: rabbitUrl,
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

interface Run {
  code: number;
  out: string;
}

/** Runs a command to completion; a non-zero exit is a result, not a throw, so tests can assert on it. */
function sh(cmd: string, args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      cmd,
      args,
      { cwd, env: { ...env, ...extraEnv }, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
      (err: ExecFileException | null, stdout, stderr) => {
        done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` });
      },
    );
  });
}

async function ok(cmd: string, args: string[], cwd: string): Promise<string> {
  const r = await sh(cmd, args, cwd);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.code}:\n${r.out}`);
  return r.out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

const du = (path: string) => execFileSync('du', ['-sh', path], { encoding: 'utf8' }).split('\t')[0];

let tarballs: string[] = [];
let project = '';

beforeAll(async () => {
  mkdirSync(packs);
  for (const pkg of SHIPPED) await ok('pnpm', ['pack', '--pack-destination', packs], join(root, pkg));
  tarballs = readdirSync(packs).map((f) => join(packs, f));
  execFileSync('rabbitmqctl', ['add_vhost', vhost], { stdio: 'ignore' });
  execFileSync('rabbitmqctl', ['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*'], {
    stdio: 'ignore',
  });
  // What `npx kada-gen init` does: fetch the CLI, then scaffold with it.
  const cli = join(tmp, 'cli');
  mkdirSync(cli);
  writeFileSync(join(cli, 'package.json'), '{ "private": true }\n');
  await ok('npm', ['install', '--prefer-offline', ...tarballs], cli);
  await ok(join(cli, 'node_modules', '.bin', 'kada-gen'), ['init', 'tasks'], tmp);
  project = join(tmp, 'tasks');
  // The project's own dependencies, with @kada/* taken from the tarballs instead of a registry.
  await ok('npm', ['install', '--prefer-offline', ...tarballs], project);
}, 2 * SLOW);

afterAll(() => {
  try {
    execFileSync('rabbitmqctl', ['delete_vhost', vhost], { stdio: 'ignore' });
  } catch {
    // never created
  }
  rmSync(tmp, { recursive: true, force: true });
}, SLOW);

describe('a team outside the repository adopts the toolkit with npm', () => {
  it(
    'ships compiled JavaScript and declarations only',
    () => {
      expect(tarballs.map((t) => t.slice(packs.length + 1)).sort()).toEqual([
        'kada-gen-0.1.0.tgz',
        'kada-runtime-0.1.0.tgz',
      ]);
      for (const name of ['gen', 'runtime']) {
        const installed = join(project, 'node_modules', '@kada', name);
        const files = filesUnder(installed).map((f) => f.slice(installed.length + 1));
        expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
        expect(files).toContain('dist/index.js');
        expect(files).toContain('dist/index.d.ts');
        const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
        expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
        expect(JSON.stringify(manifest)).not.toContain('workspace:');
        // Figures, not assertions: what a team downloads and keeps.
        const tarball = tarballs.find((t) => t.includes(`kada-${name}-`)) ?? '';
        console.log(`@kada/${name}: tarball ${statSync(tarball).size} bytes, installed ${du(installed)}`);
      }
      console.log(`the scaffold's node_modules: ${du(join(project, 'node_modules'))}`);
    },
    SLOW,
  );

  it(
    "leaves SQL Server's driver out unless asked for, and says what to install when it is missing",
    async () => {
      expect(readdirSync(join(project, 'node_modules'))).not.toContain('tedious');
      const script = [
        "const { openDatabase } = await import('@kada/runtime');",
        "await openDatabase({ service: 'tasks', url: 'mssql://sa:pw@127.0.0.1:1433/tasks' })",
        '  .then(() => console.log("opened"), (e) => console.log(e.code, e.message));',
      ].join('\n');
      const r = await sh(process.execPath, ['--input-type=module', '-e', script], project);
      expect(r.out).toContain('KADA_CONFIG');
      expect(r.out).toContain('npm install tedious tarn');
    },
    SLOW,
  );

  it(
    'generates JavaScript from the scaffold, deterministically, with relative stamps',
    async () => {
      const first = await ok('npm', ['run', 'generate'], project);
      expect(first).toMatch(/kada-gen: \d+ files written, 0 unchanged/);
      const second = await ok('npm', ['run', 'generate'], project);
      expect(second).toMatch(/kada-gen: 0 files written, \d+ unchanged/);
      const ms = (out: string) => out.match(/(\d+) ms/)?.[1];
      console.log(`kada-gen generate in the scaffold: cold ${ms(first)} ms, warm ${ms(second)} ms`);
      const generated = filesUnder(join(project, 'generated')).filter((f) => !f.includes('/docs/'));
      expect(generated.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
      const publisher = readFileSync(join(project, 'generated/services/tasks/publisher.js'), 'utf8');
      expect(publisher.split('\n')[0]).toBe(
        '// @generated by kada-gen 0.1.0 from specs/tasks.yaml; do not edit.',
      );
      for (const f of generated) expect(readFileSync(f, 'utf8')).not.toContain(tmp);
      expect(await ok('npm', ['run', 'check'], project)).toMatch(/0 errors, 0 warnings, 0 stale files/);
    },
    SLOW,
  );

  it(
    'typechecks the handler against the generated interface, and fails when it drifts',
    async () => {
      await ok('npm', ['run', 'typecheck'], project);
      const handlers = join(project, 'src/handlers.ts');
      const original = readFileSync(handlers, 'utf8');
      writeFileSync(
        handlers,
        original
          .replace('async taskCreatedV1(', 'async taskCreated(')
          .replace('event.data.title', 'event.data.name'),
      );
      try {
        const broken = await sh('npm', ['run', 'typecheck'], project);
        expect(broken.code).not.toBe(0);
        expect(broken.out).toContain('taskCreatedV1');
      } finally {
        writeFileSync(handlers, original);
      }
    },
    SLOW,
  );

  it(
    'runs the scaffolded test and service on the real RabbitMQ',
    async () => {
      const test = await sh('npm', ['test'], project);
      expect(test.out).toMatch(/pass 2/);
      expect(test.out).toMatch(/fail 0/);
      expect(test.code).toBe(0);
      const start = await sh('npm', ['start', '--', '--once'], project);
      expect(start.code, start.out).toBe(0);
      expect(start.out).toContain('published task.created.v1');
      expect(start.out).toContain('task created');
    },
    SLOW,
  );

  it(
    'checks the contracts of a project that never generated, without calling it stale',
    async () => {
      const other = join(tmp, 'fresh');
      await ok(join(project, 'node_modules', '.bin', 'kada-gen'), ['init', 'fresh'], tmp);
      const r = await sh(join(project, 'node_modules', '.bin', 'kada-gen'), ['check'], other);
      expect(r.out).toContain('generated does not exist yet: staleness not checked');
      expect(r.out).toMatch(/1 documents, 1 events, 0 errors/);
      expect(r.code).toBe(0);
    },
    SLOW,
  );
});
