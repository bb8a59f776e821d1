import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from './build.ts';

const root = resolve(import.meta.dirname, '..');
const outDir = mkdtempSync(join(tmpdir(), 'kada-build-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** Imports a module in a Node that cannot strip types: it loads only if everything it needs is compiled. */
const importCompiled = (file: string) =>
  spawnSync(
    process.execPath,
    ['--no-experimental-strip-types', '--input-type=module', '-e', `await import(${JSON.stringify(file)})`],
    { encoding: 'utf8', timeout: 60_000 },
  );

describe('scripts/build.ts: the JavaScript the services run', () => {
  it('compiles everything once, then only what changed, and drops outputs whose source is gone', () => {
    const first = build(root, { outDir, clean: true });
    expect(first.compiled).toBeGreaterThan(150);
    const second = build(root, { outDir });
    expect(second).toMatchObject({ compiled: 0, removed: 0 });
    expect(second.unchanged).toBe(first.compiled);

    // A source newer than its output is compiled again, alone.
    utimesSync(join(outDir, 'services/order/main.js'), new Date(0), new Date(0));
    expect(build(root, { outDir })).toMatchObject({ compiled: 1, removed: 0 });

    // An output without a source (a deleted or renamed file) is removed.
    writeFileSync(join(outDir, 'services/order/orphan.js'), 'throw new Error("stale");\n');
    expect(build(root, { outDir })).toMatchObject({ compiled: 0, removed: 1 });
  });

  it('gives runnable JavaScript whose @kada/* imports resolve to compiled packages, not sources', () => {
    for (const file of ['generated/index.js', 'services/kit/index.js', 'generator/runtime/src/index.js']) {
      const run = importCompiled(join(outDir, file));
      expect(run.stderr, file).toBe('');
      expect(run.status, file).toBe(0);
    }
    // The same import of a source module fails in that Node: the check above could fail.
    const source = importCompiled(join(root, 'services/kit/index.ts'));
    expect(source.status).not.toBe(0);
    expect(source.stderr).toMatch(/ERR_UNKNOWN_FILE_EXTENSION|strip|\.ts/);
  });
});
