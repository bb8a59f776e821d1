/**
 * The lock step, table-driven: given the contracts the lock was written from and the contracts
 * now (plus an override), want the compat diagnostics (code, severity, file and line) and the
 * next lock. In-process on a small spec set; cli.test.ts runs the CLI on the real specs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDocuments } from '../../src/check/index.ts';
import type { Diagnostic } from '../../src/diagnostics.ts';
import { loadSpecs } from '../../src/load.ts';
import {
  type AllowBreaking,
  checkLock,
  type Lockfile,
  parseLock,
  serializeLock,
} from '../../src/lock/index.ts';
import { buildModel, type ContractGraph } from '../../src/model.ts';
import { CACHE_DIR, type FixtureOptions, fixtureSpecs, lineOf, V1_SCHEMA, writeSpecs } from './fixture.ts';

const work = mkdtempSync(join(tmpdir(), 'kada-lock-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function graphOf(side: string, o: FixtureOptions): Promise<{ graph: ContractGraph; dir: string }> {
  const dir = join(work, side);
  rmSync(dir, { recursive: true, force: true });
  writeSpecs(dir, fixtureSpecs(o));
  const loaded = await loadSpecs(dir, { cacheDir: CACHE_DIR });
  const { graph, diagnostics } = buildModel(loaded);
  const errors = [...loaded.diagnostics, ...diagnostics, ...checkDocuments(graph)].filter(
    (d) => d.severity === 'error',
  );
  expect(errors, `${side} specs load cleanly`).toEqual([]);
  return { graph, dir };
}

/** The lock written from `before`, then the lock step on `after`. */
async function step(
  before: FixtureOptions,
  after: FixtureOptions,
  allowBreaking: AllowBreaking | null = null,
  extra: { lenient?: boolean; openContent?: 'strict' } = {},
) {
  const b = await graphOf('specs', before);
  const first = checkLock(b.graph, { previous: null });
  expect(first.diagnostics).toEqual([]);
  const a = await graphOf('specs', after);
  const result = checkLock(a.graph, { previous: first.lock, allowBreaking, ...extra });
  return { ...result, previous: first.lock, dir: a.dir };
}

const brief = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.severity} ${d.code}`).sort();

const open = (schema: typeof V1_SCHEMA, extra: Record<string, unknown> = {}) => {
  const { additionalProperties: _closed, ...rest } = schema;
  return { ...rest, properties: { ...schema.properties, ...extra } };
};
const legacy = { service: 'legacy', version: 1 };
/** legacy with its own view, so it still parses when shop no longer declares v1. */
const legacyOwnView = { ...legacy, view: V1_SCHEMA };
const withNote = { ...V1_SCHEMA, properties: { ...V1_SCHEMA.properties, note: { type: 'string' } } };

interface Case {
  name: string;
  before: FixtureOptions;
  after: FixtureOptions;
  allow?: AllowBreaking;
  want: string[];
  /** File (under the after specs), text of the line the first error points at (plus lines below it). */
  at?: [file: string, needle: string, below?: number];
}

const cases: Case[] = [
  { name: 'nothing changed', before: { consumers: [legacy] }, after: { consumers: [legacy] }, want: [] },
  {
    name: "a field's type changed (integer -> string)",
    before: { consumers: [legacy] },
    after: {
      consumers: [legacy],
      schemas: { 1: { ...V1_SCHEMA, properties: { ...V1_SCHEMA.properties, total: { type: 'string' } } } },
    },
    want: ['error compat:type-mismatch'],
    at: ['shop.yaml', 'total:', 1],
  },
  {
    name: 'an optional field added to an open object (full)',
    before: { consumers: [legacy], schemas: { 1: open(V1_SCHEMA) } },
    after: { consumers: [legacy], schemas: { 1: open(V1_SCHEMA, { note: { type: 'string' } }) } },
    want: [],
  },
  {
    name: 'an optional field added to a closed object (full): consumers are tolerant readers, so it is safe',
    before: { consumers: [legacy] },
    after: { consumers: [legacy], schemas: { 1: withNote } },
    want: [],
  },
  {
    name: 'a required field added (full): old messages lack it',
    before: { consumers: [legacy] },
    after: { consumers: [legacy], schemas: { 1: { ...withNote, required: ['orderId', 'total', 'note'] } } },
    want: ['error compat:required-missing'],
  },
  {
    name: 'an optional field added to a closed object (backward)',
    before: { consumers: [legacy], mode: 'backward' },
    after: { consumers: [legacy], mode: 'backward', schemas: { 1: withNote } },
    want: [],
  },
  {
    name: 'a required field added (backward): new readers reject old messages',
    before: { consumers: [legacy], mode: 'backward' },
    after: {
      consumers: [legacy],
      mode: 'backward',
      schemas: { 1: { ...withNote, required: ['orderId', 'total', 'note'] } },
    },
    want: ['error compat:required-missing'],
  },
  {
    name: 'the routing key of a locked event changed',
    before: { consumers: [legacy] },
    after: { consumers: [legacy], addresses: { 1: 'orders.created.v1' } },
    want: ['error compat:routing-key-changed', 'error compat:routing-key-changed'],
  },
  {
    name: 'the exchange of a locked event changed',
    before: { consumers: [legacy] },
    after: { consumers: [legacy], exchange: 'shop.events' },
    want: ['error compat:exchange-changed', 'error compat:exchange-changed'],
  },
  {
    name: 'the envelope was dropped',
    before: { consumers: [legacy] },
    after: { consumers: [legacy], envelope: false },
    want: ['error compat:envelope-changed'],
  },
  {
    name: "a consumer's queue was renamed",
    before: { consumers: [legacy] },
    after: { consumers: [{ ...legacy, queue: 'legacy-orders' }] },
    want: ['error compat:queue-changed'],
    at: ['legacy.yaml', 'queue: legacy-orders'],
  },
  {
    name: 'a consumer policy drops messages (deadLetter true -> false)',
    before: { consumers: [legacy] },
    after: { consumers: [{ ...legacy, deadLetter: false }] },
    want: ['error compat:dead-letter-removed'],
    at: ['legacy.yaml', 'deadLetter: false'],
  },
  {
    name: 'a lower maxRetries is fine',
    before: { consumers: [legacy] },
    after: { consumers: [{ ...legacy, maxRetries: 1 }] },
    want: [],
  },
  {
    name: 'v2 added beside v1',
    before: { consumers: [legacy] },
    after: { versions: [1, 2], consumers: [legacy, { service: 'modern', version: 2 }] },
    want: [],
  },
  {
    name: 'retiring v1 while a consumer still receives it',
    before: { versions: [1, 2], consumers: [legacyOwnView, { service: 'modern', version: 2 }] },
    after: { versions: [2], consumers: [legacyOwnView, { service: 'modern', version: 2 }] },
    want: ['error compat:event-removed'],
    at: ['legacy.yaml', 'receiveOrderCreatedV1:'],
  },
  {
    name: 'removing v1 once no consumer here receives it, never deprecated: breaking',
    before: { versions: [1, 2], consumers: [legacy, { service: 'modern', version: 2 }] },
    after: { versions: [2], consumers: [{ service: 'modern', version: 2 }] },
    want: ['error compat:event-removed'],
  },
  {
    name: 'retiring v1 deprecated (past date) in the locked release',
    before: {
      versions: [1, 2],
      consumers: [legacy, { service: 'modern', version: 2 }],
      deprecated: { 1: '2025-01-31' },
    },
    after: { versions: [2], consumers: [{ service: 'modern', version: 2 }] },
    want: ['info compat:event-retired'],
  },
  {
    name: 'removing v1 before its deprecation date: breaking',
    before: { versions: [1, 2], deprecated: { 1: '2999-12-31' } },
    after: { versions: [2] },
    want: ['error compat:event-removed'],
  },
  {
    name: 'removing v1 with --allow-breaking: accepted and recorded',
    before: { versions: [1, 2] },
    after: { versions: [2] },
    allow: { event: 'order.created.v1', reason: 'the only subscriber was decommissioned' },
    want: ['info compat:event-removed'],
  },
  {
    name: 'exchange type and content type of a locked event changed',
    before: {},
    after: { exchangeType: 'fanout', contentType: 'application/avro' },
    want: ['error compat:content-type-changed', 'error compat:exchange-changed'],
  },
  {
    name: 'an override accepts the break and says so',
    before: { consumers: [legacy] },
    after: {
      consumers: [legacy],
      schemas: { 1: { ...V1_SCHEMA, properties: { ...V1_SCHEMA.properties, total: { type: 'string' } } } },
    },
    allow: { event: 'order.created.v1', reason: 'no consumer is deployed yet' },
    want: ['info compat:type-mismatch'],
  },
  {
    name: 'an override for another event does not cover this one',
    before: { versions: [1, 2], consumers: [legacy] },
    after: {
      versions: [1, 2],
      consumers: [legacy],
      schemas: { 1: { ...V1_SCHEMA, properties: { ...V1_SCHEMA.properties, total: { type: 'string' } } } },
    },
    allow: { event: 'order.created.v2', reason: 'typo' },
    want: ['error compat:type-mismatch', 'warning compat:override-unused'],
  },
  {
    name: 'an override naming an unknown event',
    before: { consumers: [legacy] },
    after: { consumers: [legacy] },
    allow: { event: 'order.creatd.v1', reason: 'typo' },
    want: ['error compat:override-unknown'],
  },
];

describe('lock check', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const r = await step(c.before, c.after, c.allow ?? null);
      expect(brief(r.diagnostics)).toEqual([...c.want].sort());
      if (c.at) {
        const [file, needle, below = 0] = c.at;
        const first = r.diagnostics.find((d) => d.severity === 'error');
        expect(first?.file.endsWith(file), first?.file).toBe(true);
        expect(first?.line).toBe(lineOf(join(r.dir, file), needle) + below);
      }
    });
  }

  it('a breaking error names the pointer, both values, the rule and how to proceed', async () => {
    const r = await step(
      { consumers: [legacy] },
      {
        consumers: [legacy],
        schemas: { 1: { ...V1_SCHEMA, properties: { ...V1_SCHEMA.properties, total: { type: 'string' } } } },
      },
    );
    const [e] = r.diagnostics;
    expect(e?.message).toContain('(type-mismatch, /total: ["integer"] -> ["string"])');
    expect(e?.message).toContain('add order.created.v2 beside order.created.v1');
    expect(e?.message).toContain('pnpm generate --allow-breaking order.created.v1 --reason');
  });

  it('the lock is deterministic, stamped, and a second run over it changes nothing', async () => {
    const r = await step(
      { versions: [1, 2], consumers: [legacy] },
      { versions: [1, 2], consumers: [legacy] },
    );
    expect(r.file.content).toBe(serializeLock(r.previous));
    expect(r.file.content.startsWith('{\n  "_generated": "@generated by kada-gen')).toBe(true);
    expect(r.file.content.endsWith('}\n')).toBe(true);
    const lock = parseLock(r.file.content);
    expect(Object.keys(lock.events)).toEqual(['order.created.v1', 'order.created.v2']);
    const v1 = lock.events['order.created.v1'];
    expect(v1).toMatchObject({
      producer: 'shop',
      compatibility: 'full',
      routingKey: 'order.created.v1',
      history: [],
    });
    expect(v1?.consumers).toEqual({
      legacy: {
        queue: 'legacy',
        routingKey: 'order.created.v1',
        exchange: 'domain.events',
        deadLetter: true,
        maxRetries: 3,
      },
    });
    // normalized: annotations dropped, keys sorted
    expect(JSON.stringify(v1?.schema)).not.toContain('Minor units');
    expect(v1?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('records an accepted override and accepts the new schema from then on', async () => {
    const broken = { ...V1_SCHEMA, properties: { ...V1_SCHEMA.properties, total: { type: 'string' } } };
    const r = await step(
      { consumers: [legacy] },
      { consumers: [legacy], schemas: { 1: broken } },
      { event: 'order.created.v1', reason: 'no consumer is deployed yet' },
    );
    const sha = r.lock.events['order.created.v1']?.sha256;
    expect(r.lock.overrides).toEqual([
      { event: 'order.created.v1', reason: 'no consumer is deployed yet', rules: ['type-mismatch'], at: sha },
    ]);
    expect(r.file.content).toContain('"reason": "no consumer is deployed yet"');
    const again = checkLock((await graphOf('specs', { consumers: [legacy], schemas: { 1: broken } })).graph, {
      previous: parseLock(r.file.content),
    });
    expect(again.diagnostics).toEqual([]);
    expect(again.file.content).toBe(r.file.content);
  });

  it('a keyword the engine cannot decide is an error naming it, and a warning with --lenient', async () => {
    const total = { type: 'integer', minimum: 0, not: { type: 'integer', multipleOf: 7 } };
    const after = { schemas: { 1: { ...V1_SCHEMA, properties: { ...V1_SCHEMA.properties, total } } } };
    const strict = await step({}, after);
    expect(brief(strict.diagnostics)).toEqual(['error compat:unprovable']);
    expect(strict.diagnostics[0]?.message).toContain("cannot prove that the new schema's 'not' accepts");
    const lenient = await step({}, after, null, { lenient: true });
    expect(brief(lenient.diagnostics)).toEqual(['warning compat:unprovable']);
  });

  it('open content strict: an optional property added to an open object breaks backward', async () => {
    const base = { mode: 'backward', schemas: { 1: open(V1_SCHEMA) } };
    const added = { mode: 'backward', schemas: { 1: open(V1_SCHEMA, { note: { type: 'string' } }) } };
    expect(brief((await step(base, added)).diagnostics)).toEqual([]);
    const strict = await step(base, added, null, { openContent: 'strict' });
    expect(brief(strict.diagnostics)).toEqual(['error compat:type-mismatch']);
  });

  it('drops a retired version from the lock', async () => {
    const r = await step(
      { versions: [1, 2], consumers: [{ service: 'modern', version: 2 }], deprecated: { 1: '2025-01-31' } },
      { versions: [2], consumers: [{ service: 'modern', version: 2 }] },
    );
    expect(Object.keys(r.lock.events)).toEqual(['order.created.v2']);
  });

  it('-transitive modes compare with every locked revision, plain modes with the last only', async () => {
    const base = { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } };
    const s0 = { ...base, properties: { ...base.properties, note: { type: 'string' } } };
    const s2 = { ...base, properties: { ...base.properties, note: { type: 'integer' } } };
    const run = async (mode: string) => {
      const g = async (schema: unknown) =>
        (await graphOf('specs', { mode, schemas: { 1: schema }, consumers: [legacy] })).graph;
      let lock: Lockfile | null = null;
      const out: string[][] = [];
      for (const schema of [s0, base, s2]) {
        const r = checkLock(await g(schema), { previous: lock });
        out.push(brief(r.diagnostics));
        lock = r.lock;
      }
      return { out, lock: lock as Lockfile };
    };
    const transitive = await run('backward-transitive');
    expect(transitive.out).toEqual([[], [], ['error compat:type-mismatch']]);
    const plain = await run('backward');
    expect(plain.out).toEqual([[], [], []]);
    expect(plain.lock.events['order.created.v1']?.history).toEqual([]);
  }, 180_000); // six spec loads: over a minute on a shared machine

  it('keeps the earlier revisions of a -transitive event in its history, newest last', async () => {
    const base = { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } };
    const s1 = { ...base, properties: { ...base.properties, note: { type: 'string' } } };
    const a = checkLock((await graphOf('specs', { mode: 'full-transitive', schemas: { 1: base } })).graph, {
      previous: null,
    });
    const b = checkLock((await graphOf('specs', { mode: 'full-transitive', schemas: { 1: s1 } })).graph, {
      previous: a.lock,
    });
    expect(b.diagnostics).toEqual([]);
    expect(b.lock.events['order.created.v1']?.history).toEqual([a.lock.events['order.created.v1']?.schema]);
  });
});

describe('x-kada-event retirement and open content', () => {
  it('rejects a deprecated that is not a date and an unknown openContent, naming the message', async () => {
    const dir = join(work, 'bad-extensions');
    rmSync(dir, { recursive: true, force: true });
    writeSpecs(dir, fixtureSpecs({ deprecated: { 1: 'soon' }, openContent: 'loose' }));
    const loaded = await loadSpecs(dir, { cacheDir: CACHE_DIR });
    const { graph, diagnostics } = buildModel(loaded);
    const errors = [...diagnostics, ...checkDocuments(graph)].filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.code).sort()).toEqual(['deprecated-date', 'open-content']);
    expect(errors.find((d) => d.code === 'deprecated-date')?.message).toContain('got "soon"');
    expect(errors.every((d) => d.file.endsWith('shop.yaml'))).toBe(true);
  }, 120_000);
});

describe('the lock file', () => {
  it('rejects a lock that is not one', () => {
    expect(() => parseLock('{')).toThrow(/not valid JSON/);
    expect(() => parseLock('{"lockfileVersion": 9, "events": {}, "overrides": []}')).toThrow(
      /lockfileVersion/,
    );
    expect(() => parseLock('{"lockfileVersion": 1, "events": {"x": {}}, "overrides": []}')).toThrow(
      /events\["x"\]/,
    );
  });
});
