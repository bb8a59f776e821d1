/**
 * What a team outside the repository meets first, checked fast and in-process (the full npm round
 * trip is scripts/adoption.test.ts): service names from folder names, the scaffold's document,
 * `--emit js`, and `kada-gen check` in a project that never generated.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDocuments } from '../src/check/index.ts';
import { formatDiagnostic } from '../src/diagnostics.ts';
import { rewriteDeclarationExtensions } from '../src/emit/javascript.ts';
import { scaffoldProject, serviceIdOf } from '../src/init.ts';
import { displayPath, loadSpecs } from '../src/load.ts';
import { buildModel } from '../src/model.ts';
import { generate } from '../src/pipeline.ts';
import { runCli } from './lock/fixture.ts';

const here = import.meta.dirname;
// A TypeScript program or a CLI process each: seconds alone, far more on a loaded machine.
const SLOW = 240_000;
const work = mkdtempSync(join(tmpdir(), 'kada-adopt-unit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function writeScaffold(dir: string, service: string): void {
  for (const f of scaffoldProject(service, { genVersion: '0.1.0' })) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
}

describe('serviceIdOf', () => {
  const table: { given: string; want: string | null }[] = [
    { given: 'my-service', want: 'my-service' },
    { given: 'My Service', want: 'my-service' },
    { given: 'orders_v2', want: 'orders-v2' },
    { given: '--tasks--', want: 'tasks' },
    { given: '2fast', want: null },
    { given: '...', want: null },
  ];
  for (const { given, want } of table)
    it(`${JSON.stringify(given)} -> ${want}`, () => expect(serviceIdOf(given)).toBe(want));
});

describe('paths in output', () => {
  it('are relative to the working directory, with .. outside it, never absolute', () => {
    expect(displayPath(join(process.cwd(), 'specs', 'a.yaml'))).toBe('specs/a.yaml');
    expect(displayPath(join(dirname(process.cwd()), 'elsewhere', 'a.yaml'))).toBe('../elsewhere/a.yaml');
  });

  it('declaration specifiers: relative .ts becomes .js, packages and .d.ts untouched', () => {
    const table = [
      {
        given: "import type { A } from '../../events.ts';",
        want: "import type { A } from '../../events.js';",
      },
      { given: 'export { b } from "./b.ts";', want: 'export { b } from "./b.js";' },
      { given: "type T = import('./t.ts').T;", want: "type T = import('./t.js').T;" },
      { given: "import type { E } from '@kada/runtime';", want: "import type { E } from '@kada/runtime';" },
      {
        given: "import type { V } from '../validators.js';",
        want: "import type { V } from '../validators.js';",
      },
    ];
    for (const { given, want } of table) expect(rewriteDeclarationExtensions(given)).toBe(want);
  });
});

describe('the scaffold and --emit js', () => {
  it("kada-gen init's document generates with no diagnostics: a publisher and a handler interface", async () => {
    const dir = join(work, 'tasks');
    writeScaffold(dir, 'tasks');
    const loaded = await loadSpecs(join(dir, 'specs'));
    const { graph, diagnostics } = buildModel(loaded);
    const result = await generate(graph, { packageName: null, cacheDir: null });
    expect(
      [...loaded.diagnostics, ...diagnostics, ...checkDocuments(graph), ...result.diagnostics].map(
        formatDiagnostic,
      ),
    ).toEqual([]);
    const consumer = result.files.find((f) => f.path === 'services/tasks/consumer.ts')?.content ?? '';
    expect(consumer).toContain('export interface TasksHandlers<DB = any> {');
    expect(consumer).toContain('taskCreatedV1(event: Envelope<TaskCreatedV1>');
    expect(result.files.find((f) => f.path === 'services/tasks/publisher.ts')?.content).toContain(
      'taskCreatedV1(data: TaskCreatedV1',
    );
  });

  for (const fixture of ['shop', 'third-party-amqp', 'third-party-mqtt']) {
    it(
      `emit js (${fixture}): every .ts becomes .js + .d.ts, stamped, importing .js`,
      async () => {
        const loaded = await loadSpecs(join(here, 'fixtures', fixture));
        const { graph } = buildModel(loaded);
        const js = await generate(graph, { packageName: '@shop/contracts', cacheDir: null, emit: 'js' });
        const ts = await generate(graph, { packageName: null, cacheDir: null });
        expect(js.diagnostics.filter((d) => d.code === 'emit-js').map(formatDiagnostic)).toEqual([]);
        const paths = new Set(js.files.map((f) => f.path));
        for (const f of ts.files.filter((f) => f.path.endsWith('.ts') && !f.path.endsWith('.d.ts'))) {
          const base = f.path.slice(0, -3);
          expect(paths.has(f.path), f.path).toBe(false);
          for (const ext of ['.js', '.d.ts']) {
            const out = js.files.find((x) => x.path === base + ext);
            expect(out, base + ext).toBeDefined();
            expect(out?.content.split('\n')[0]).toBe(f.content.split('\n')[0]);
            expect(out?.content).not.toMatch(/from ['"]\.{1,2}\/[^'"]+\.ts['"]/);
            // ES modules, as the emitted package.json ("type": "module") promises.
            expect(out?.content).not.toMatch(/\brequire\(["']\.|\bexports\./);
          }
        }
        const events = js.files.find((f) => f.path === 'events.d.ts')?.content ?? '';
        expect(events).toMatch(/export declare const events: \{/);
        const pkg = JSON.parse(js.files.find((f) => f.path === 'package.json')?.content ?? '{}');
        expect(pkg.exports['.']).toEqual({ types: './index.d.ts', import: './index.js' });
        expect(pkg.dependencies['@kada/runtime']).toBe('^0.1.0');
      },
      SLOW,
    );
  }

  it(
    'kada-gen check where nothing was generated yet: contract checks run, no staleness failure',
    () => {
      const dir = join(work, 'fresh');
      writeScaffold(dir, 'fresh');
      const r = runCli(['check'], dir);
      expect(r.stdout).toContain('generated does not exist yet: staleness not checked');
      expect(r.stdout).toMatch(/1 documents, 1 events, 0 errors, 0 warnings, 0 stale files/);
      expect(r.code, r.stderr).toBe(0);
    },
    SLOW,
  );

  it(
    'kada-gen check still fails on a contract error when nothing was generated',
    () => {
      const dir = join(work, 'broken');
      writeScaffold(dir, 'broken');
      const spec = join(dir, 'specs', 'broken.yaml');
      const text = scaffoldProject('broken', { genVersion: '0.1.0' }).find(
        (f) => f.path === 'specs/broken.yaml',
      )?.content;
      // The example no longer matches its schema.
      writeFileSync(spec, (text ?? '').replace('title: Try kada-gen', 'title: 42'));
      const r = runCli(['check'], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/specs\/broken\.yaml:\d+:\d+ error/);
    },
    SLOW,
  );
});

describe('kada-gen init', () => {
  it(
    'refuses a folder that is not empty and leaves what is there untouched; a bad name is a usage error',
    () => {
      const dir = join(work, 'occupied');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), '{"name":"theirs"}\n');
      const refused = runCli(['init', dir], work);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('is not empty; init writes only into a new or empty folder');
      expect(readdirSync(dir)).toEqual(['package.json']);
      expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe('{"name":"theirs"}\n');

      const badName = runCli(['init', join(work, '2fast')], work);
      expect(badName.code).toBe(2);
      expect(badName.stderr).toContain('does not make a service name');
      expect(existsSync(join(work, '2fast'))).toBe(false);

      const created = runCli(['init', join(work, 'brand-new')], work);
      expect(created.code, created.stderr).toBe(0);
      expect(readdirSync(join(work, 'brand-new'))).toContain('package.json');
    },
    SLOW,
  );
});
