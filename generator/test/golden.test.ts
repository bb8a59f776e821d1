/**
 * Golden files: whole spec sets in, whole generated trees out, compared byte for byte.
 * Update them with `pnpm golden:update` (UPDATE_GOLDEN=1) and review the diff.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDocuments } from '../src/check/index.ts';
import { formatDiagnostic } from '../src/diagnostics.ts';
import { loadSpecs } from '../src/load.ts';
import { buildModel } from '../src/model.ts';
import { generate } from '../src/pipeline.ts';

const here = dirname(new URL(import.meta.url).pathname);
const FIXTURES = [
  'http-shop',
  'shop',
  'third-party-amqp',
  'third-party-mqtt',
  'tp-shapes',
  'tp-v2',
  'tp-amqp-kinds',
  // Names that clash on purpose (an Envelope, an EventDescriptor, two events that want one name).
  'clashes',
];

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

async function run(fixture: string, strict = false) {
  const loaded = await loadSpecs(join(here, 'fixtures', fixture));
  const { graph, diagnostics } = buildModel(loaded);
  const result = await generate(graph, { packageName: null, cacheDir: null, strict });
  return {
    graph,
    diagnostics: [...loaded.diagnostics, ...diagnostics, ...checkDocuments(graph), ...result.diagnostics],
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

describe('third-party shapes', () => {
  it('recursive schemas become recursive types and validators', async () => {
    const { files } = await run('tp-shapes');
    const events = files.find((f) => f.path === 'events.ts')?.content ?? '';
    expect(events).toContain('export type CatalogCategoryTreeV1 = Category;');
    expect(events).toMatch(
      /export interface Category \{[^}]*parent\?: Category;[^}]*children: Category\[\];/s,
    );
    expect(events).toMatch(/and: Filter\[\]/);
    expect(events).toMatch(/members: Shape\[\]/);
    const validators = (await import(join(here, 'golden/tp-shapes/validators.js'))) as Record<
      string,
      (data: unknown) => boolean
    >;
    const tree = validators.catalogCategoryTreeV1 as (data: unknown) => boolean;
    expect(tree({ id: 'a', children: [{ id: 'b', children: [{ id: 'c', children: [] }] }] })).toBe(true);
    // Deep in the tree, a child without `children` is caught: the validator recurses.
    expect(tree({ id: 'a', children: [{ id: 'b', children: [{ id: 'c' }] }] })).toBe(false);
    // Discriminator subtypes that point back to their base validate without regress.
    const removed = validators.productRemovedV1 as (data: unknown) => boolean;
    const group = { kind: 'group', members: [{ kind: 'circle', radius: 1 }] };
    expect(removed({ sku: 's', shape: { kind: 'group', members: [group] } })).toBe(true);
    expect(removed({ sku: 's', shape: { kind: 'group', members: [{ kind: 'circle' }] } })).toBe(false);
  });

  it('a channel with two messages gets one publisher method per message', async () => {
    const { graph, files } = await run('tp-shapes');
    const keys = graph.events.map((e) => e.key);
    expect(keys).toEqual(expect.arrayContaining(['ProductAdded.v1', 'ProductRemoved.v1']));
    const publisher = files.find((f) => f.path === 'services/catalog/publisher.ts')?.content ?? '';
    expect(publisher).toContain('productAddedV1(data: ProductAddedV1');
    expect(publisher).toContain('productRemovedV1(data: ProductRemovedV1');
    const client = files.find((f) => f.path === 'services/catalog/amqp.ts')?.content ?? '';
    expect(client).toContain('productAdded(payload: ProductAddedV1');
    expect(client).toContain('productRemoved(payload: ProductRemovedV1');
  });

  it('a receive whose producer is elsewhere is a warning; --strict makes it an error', async () => {
    const lax = await run('tp-shapes');
    expect(lax.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(lax.diagnostics.filter((d) => d.code === 'external-producer').map((d) => d.message)).toEqual([
      expect.stringContaining('receives pricing.pricing.price.changed.v1'),
    ]);
    const strict = await run('tp-shapes', true);
    expect(strict.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual([
      'no-producer',
    ]);
  });

  it('the same routing key on two exchanges is two events', async () => {
    const { graph } = await run('tp-shapes');
    const price = graph.events.filter((e) => e.routingKey === 'pricing.price.changed');
    expect(price.map((e) => [e.key, e.exchange])).toEqual([
      ['pricing.eu.pricing.price.changed.v1', 'pricing.eu'],
      ['pricing.pricing.price.changed.v1', 'pricing'],
    ]);
  });

  it('a schema the validators cannot compile is a diagnostic at the schema, not a crash', async () => {
    const { diagnostics, files } = await run('tp-invalid-pattern');
    expect(files).toEqual([]);
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(
        /tp-invalid-pattern\/bad\.yaml:10:9 error schema-invalid: the payload schema of happened .*Invalid regular expression.*Fix the schema\.$/,
      ),
    ]);
  });

  it('a document the parser rejects keeps file:line:column and says what to do', async () => {
    const loaded = await loadSpecs(join(here, 'fixtures/tp-broken'));
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(
        /tp-broken\/missing-version\.yaml:2:6 error asyncapi:[\w-]+: "info" property must have required property "version"\. Fix the document at this position/,
      ),
    ]);
  });

  it('documents that share a file name are named after their folders', async () => {
    const { graph } = await run('tp-amqp-kinds');
    expect(graph.services.map((s) => s.id)).toEqual(['shipping', 'warehouse']);
  });

  it('an AsyncAPI 2.6 document is converted on load, with one info line', async () => {
    const { graph, diagnostics } = await run('tp-v2');
    const infos = diagnostics.filter((d) => d.code === 'asyncapi-converted');
    expect(infos.map((d) => `${d.severity} ${d.file.split('/').pop()}:${d.line}`)).toEqual([
      'info weather.yaml:1',
    ]);
    const weather = graph.services[0];
    expect(weather?.sends.map((m) => m.key)).toEqual(['weather.reading.taken.v1']);
    expect(weather?.receives.map((m) => m.key)).toEqual(['weather.station.reset.v1']);
  });
});
