/**
 * Golden files: whole spec sets in, whole generated trees out, compared byte for byte.
 * Update them with `pnpm golden:update` (UPDATE_GOLDEN=1) and review the diff.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../src/diagnostics.ts';
import { loadSpecs } from '../src/load.ts';
import { buildModel } from '../src/model.ts';
import { generate } from '../src/pipeline.ts';

const here = dirname(new URL(import.meta.url).pathname);
const FIXTURES = ['shop', 'third-party-amqp', 'third-party-mqtt'];

function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  try {
    walk(dir);
  } catch {
    return [];
  }
  return out.sort();
}

async function run(fixture: string) {
  const loaded = await loadSpecs(join(here, 'fixtures', fixture));
  const { graph, diagnostics } = buildModel(loaded);
  const result = await generate(graph, { packageName: null, cacheDir: null });
  return {
    graph,
    diagnostics: [...loaded.diagnostics, ...diagnostics, ...result.diagnostics],
    files: result.files,
  };
}

describe('golden output', () => {
  for (const fixture of FIXTURES) {
    it(`${fixture} generates exactly the golden tree`, async () => {
      const { diagnostics, files } = await run(fixture);
      expect(diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
      const goldenDir = join(here, 'golden', fixture);
      if (process.env.UPDATE_GOLDEN) {
        rmSync(goldenDir, { recursive: true, force: true });
        for (const f of files) {
          mkdirSync(dirname(join(goldenDir, f.path)), { recursive: true });
          writeFileSync(join(goldenDir, f.path), f.content);
        }
      }
      expect(files.map((f) => f.path)).toEqual(listTree(goldenDir));
      for (const f of files) expect(f.content, f.path).toBe(readFileSync(join(goldenDir, f.path), 'utf8'));
    });
  }

  it('is deterministic: the same specs give the same bytes', async () => {
    const a = await run('shop');
    const b = await run('shop');
    expect(b.files).toEqual(a.files);
  });
});

describe('drift', () => {
  it('a producer that may omit a field a consumer requires fails with both specs and the field named', async () => {
    const { diagnostics } = await run('drifted');
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(1);
    const [e] = errors;
    expect(e?.code).toBe('drift:required-missing');
    expect(e?.file).toMatch(/drifted\/billing\.yaml$/);
    expect(e?.message).toContain('/total');
    expect(e?.message).toMatch(/drifted\/cart\.yaml/);
    expect(e?.related?.[0]?.file).toMatch(/drifted\/cart\.yaml$/);
    // The line points at billing's view where it requires `total`.
    const text = readFileSync(join(here, 'fixtures/drifted/billing.yaml'), 'utf8').split('\n');
    expect(text[(e?.line ?? 0) - 1]).toContain('total');
  });

  it('the same pair without the drift is clean', async () => {
    const { diagnostics } = await run('shop');
    expect(diagnostics.filter((d) => d.severity !== 'info').map(formatDiagnostic)).toEqual([]);
  });
});

describe('third-party documents', () => {
  it('an MQTT document gets types and validators but no publishers or consumers', async () => {
    const { files } = await run('third-party-mqtt');
    const paths = files.map((f) => f.path);
    expect(paths).toContain('validators.js');
    expect(paths.some((p) => p.startsWith('services/'))).toBe(false);
    expect(files.find((f) => f.path === 'events.ts')?.content).toContain('export interface LightMeasured');
  });

  it('an AMQP document without x-kada extensions gets a publisher and a consumer with default policy', async () => {
    const { graph, files } = await run('third-party-amqp');
    const svc = graph.services[0];
    expect(svc?.id).toBe('inventory');
    expect(svc?.queues[0]?.policy).toMatchObject({
      queue: 'inventory',
      queueType: 'quorum',
      maxRetries: 3,
      prefetch: 100,
    });
    const consumer = files.find((f) => f.path === 'services/inventory/consumer.ts')?.content ?? '';
    expect(consumer).toContain('inventoryItemRestocked');
    expect(graph.events[0]?.exchange).toBe('inventory');
  });
});
