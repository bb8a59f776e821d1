/**
 * The validation cache of loadSpecs: a document is validated again only when its own text or a
 * part of another file it $refs changes, and an unchanged document is read back from the
 * parser's serialised form. Either way the generated files must be the ones a fresh parse gives.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSpecs } from '../../scripts/bench-generate/synthetic.ts';
import { loadSpecs } from '../src/load.ts';
import { buildModel } from '../src/model.ts';
import { generate } from '../src/pipeline.ts';

let dir: string;
let specs: string;
let cache: string;

/** Cache entries of one kind (validated-, parsed-) written so far. */
function entries(kind: string): number {
  try {
    return readdirSync(cache).filter((n) => n.startsWith(`${kind}-`)).length;
  } catch {
    return 0;
  }
}

async function files(cacheDir: string | null) {
  const loaded = await loadSpecs(specs, { cacheDir });
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const { graph } = buildModel(loaded);
  return (await generate(graph, { cacheDir: null, packageName: null })).files;
}

function edit(file: string, from: string, to: string): void {
  const path = join(specs, 'asyncapi', file);
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kada-load-cache-'));
  specs = join(dir, 'specs');
  cache = join(dir, 'cache');
  // Two services in a ring: svc002 $refs messages of svc001 and svc001 $refs messages of svc002.
  writeSyntheticSpecs(specs, { services: 2 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadSpecs validation cache', () => {
  it('validates each document once, then reads it back with the same output as a fresh parse', async () => {
    const fresh = await files(null);
    expect(await files(cache)).toEqual(fresh);
    expect([entries('validated'), entries('parsed')]).toEqual([2, 2]);
    // Both from the cache now: nothing new is validated, and the output is the same.
    expect(await files(cache)).toEqual(fresh);
    expect([entries('validated'), entries('parsed')]).toEqual([2, 2]);
  }, 300_000);

  it('validates only the edited document when the edit is outside what the other $refs', async () => {
    edit('svc001.yaml', 'Generated for the generation benchmark', 'Written for the generation benchmark');
    const out = await files(cache);
    expect(entries('validated')).toBe(3);
    expect(out).toEqual(await files(null));
  }, 300_000);

  it('validates both when the edit is inside a message the other $refs', async () => {
    edit(
      'svc001.yaml',
      'Published by svc001 when one of its item01',
      'Sent by svc001 when one of its item01',
    );
    const out = await files(cache);
    expect(entries('validated')).toBe(5);
    expect(out).toEqual(await files(null));
  }, 300_000);
});
