/**
 * The split of the generator, checked on its sources: the model builds and reports only what it
 * cannot build, check/ judges (and never imports an emitter), and every diagnostic code a check
 * reports is a rule `kada-gen rules` lists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allRules } from '../../src/check/index.ts';

const src = join(dirname(fileURLToPath(import.meta.url)), '../../src');
const checkFiles = readdirSync(join(src, 'check')).filter((f) => f.endsWith('.ts'));
const read = (path: string) => readFileSync(join(src, path), 'utf8');
/** The literal codes a source file reports: `code: 'x'`, and the model's `diag(ctx, severity, 'x', …)`. */
const codesIn = (text: string) =>
  [...text.matchAll(/code: '([^']+)'|diag\(\s*ctx,\s*'\w+',\s*'([^']+)'/g)].map((m) => m[1] ?? m[2]);

describe('generator boundaries', () => {
  it('check/ imports nothing from emit/', () => {
    const offenders = checkFiles.filter((f) => /from '\.\.\/emit\//.test(read(`check/${f}`)));
    expect(offenders).toEqual([]);
  });

  it('the model reports only what it cannot build', () => {
    expect(new Set(codesIn(read('model.ts')))).toEqual(new Set(['operation-channel', 'internal-error']));
  });

  it('kada-gen rules lists every code check/ and the lock step report', () => {
    const listed = new Set(allRules().map((r) => r.id));
    const reported = [...checkFiles.map((f) => `check/${f}`), 'lock/check.ts'].flatMap((f) =>
      codesIn(read(f)).map((code) => `${f} ${code}`),
    );
    expect(reported.length).toBeGreaterThan(10);
    expect(reported.filter((r) => !listed.has(r.split(' ')[1] as string))).toEqual([]);
  });

  it('each rule id is listed once', () => {
    const ids = allRules().map((r) => r.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });
});
