/**
 * `kada-gen check --against <ref>`: the comparison of two contract graphs, table-driven, and the
 * CLI on a git repository made in the test (two commits), in text and JSON, with exit codes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareGraphs } from '../../src/against.ts';
import { allRules, checkDocuments } from '../../src/check/index.ts';
import { loadSpecs } from '../../src/load.ts';
import { buildModel, type ContractGraph } from '../../src/model.ts';
import {
  CACHE_DIR,
  type FixtureOptions,
  fixtureSpecs,
  lineOf,
  runCli,
  V1_SCHEMA,
  writeSpecs,
} from '../lock/fixture.ts';

/** Each CLI run loads two spec sets; on a shared machine that can take tens of seconds. */
const SLOW = 240_000;
const work = mkdtempSync(join(tmpdir(), 'kada-against-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function graphOf(side: string, o: FixtureOptions): Promise<ContractGraph> {
  const dir = join(work, side);
  rmSync(dir, { recursive: true, force: true });
  writeSpecs(dir, fixtureSpecs(o));
  const loaded = await loadSpecs(dir, { cacheDir: CACHE_DIR });
  const { graph, diagnostics } = buildModel(loaded);
  expect(
    [...loaded.diagnostics, ...diagnostics, ...checkDocuments(graph)].filter((d) => d.severity === 'error'),
  ).toEqual([]);
  return graph;
}

const legacy = { service: 'legacy', version: 1 };
const modern = { service: 'modern', version: 2 };
const legacyOwnView = { ...legacy, view: V1_SCHEMA };
const stringTotal = { ...V1_SCHEMA, properties: { ...V1_SCHEMA.properties, total: { type: 'string' } } };

interface Case {
  name: string;
  before: FixtureOptions;
  after: FixtureOptions;
  /** `breaking|safe rule event`, sorted. */
  want: string[];
}

/** v1 open to undeclared properties, and the same with an optional `note` added. */
const openV1 = { ...V1_SCHEMA, additionalProperties: true };
const openV1WithNote = { ...openV1, properties: { ...V1_SCHEMA.properties, note: { type: 'string' } } };

const cases: Case[] = [
  { name: 'no change', before: { consumers: [legacy] }, after: { consumers: [legacy] }, want: [] },
  {
    name: "a field's type changed",
    before: { consumers: [legacy] },
    after: { consumers: [legacy], schemas: { 1: stringTotal } },
    want: ['breaking type-mismatch order.created.v1'],
  },
  {
    name: 'v2 added with a consumer of its own',
    before: { consumers: [legacy] },
    after: { versions: [1, 2], consumers: [legacy, modern] },
    want: ['safe event-added order.created.v2'],
  },
  {
    name: 'a second consumer of v1',
    before: { consumers: [legacy] },
    after: { consumers: [legacy, { service: 'audit', version: 1 }] },
    want: ['safe consumer-added order.created.v1'],
  },
  {
    name: 'v1 removed while legacy still receives it: the event, its operation and its channel',
    before: { versions: [1, 2], consumers: [legacyOwnView, modern] },
    after: { versions: [2], consumers: [legacyOwnView, modern] },
    want: [
      'breaking channel-removed order.created.v1',
      'breaking event-removed order.created.v1',
      'breaking operation-removed order.created.v1',
    ],
  },
  {
    name: 'v1 removed after its last consumer here moved, never deprecated: consumers elsewhere break',
    before: { versions: [1, 2], consumers: [legacyOwnView, modern] },
    after: { versions: [2], consumers: [modern] },
    want: [
      'breaking channel-removed order.created.v1',
      'breaking event-removed order.created.v1',
      'breaking operation-removed order.created.v1',
      'safe channel-removed order.created.v1',
      'safe operation-removed order.created.v1',
    ],
  },
  {
    name: 'v1 retired: deprecated with a past date in the earlier release, then removed',
    before: { versions: [1, 2], consumers: [legacyOwnView, modern], deprecated: { 1: '2025-01-31' } },
    after: { versions: [2], consumers: [modern] },
    want: [
      'safe channel-removed order.created.v1',
      'safe channel-removed order.created.v1',
      'safe event-removed order.created.v1',
      'safe operation-removed order.created.v1',
      'safe operation-removed order.created.v1',
    ],
  },
  {
    name: 'v1 deprecated until a future date, removed too early',
    before: { versions: [1, 2], deprecated: { 1: '2999-12-31' } },
    after: { versions: [2] },
    want: [
      'breaking channel-removed order.created.v1',
      'breaking event-removed order.created.v1',
      'breaking operation-removed order.created.v1',
    ],
  },
  {
    name: 'no consumer document: the only published event is removed',
    before: { versions: [1, 2] },
    after: { versions: [2] },
    want: [
      'breaking channel-removed order.created.v1',
      'breaking event-removed order.created.v1',
      'breaking operation-removed order.created.v1',
    ],
  },
  {
    name: 'no consumer document: the event is renamed (parcel.dispatched.v1 to parcel.shipped.v1)',
    before: { eventTypes: { 1: 'parcel.dispatched' }, addresses: { 1: 'parcel.dispatched.v1' } },
    after: { eventTypes: { 1: 'parcel.shipped' }, addresses: { 1: 'parcel.shipped.v1' } },
    want: [
      'breaking channel-removed parcel.dispatched.v1',
      'breaking event-removed parcel.dispatched.v1',
      'safe event-added parcel.shipped.v1',
    ],
  },
  {
    name: 'no consumer document: the channel address changes, the event name stays',
    before: {},
    after: { addresses: { 1: 'order.placed.v1' } },
    want: ['breaking routing-key-changed order.created.v1', 'safe channel-removed order.created.v1'],
  },
  {
    name: 'the deprecation itself is safe',
    before: {},
    after: { deprecated: { 1: '2027-01-31' } },
    want: ['safe event-deprecated order.created.v1'],
  },
  {
    name: 'no consumer document: exchange type, content type and envelope change',
    before: {},
    after: { exchangeType: 'fanout', contentType: 'application/avro', envelope: false },
    want: [
      'breaking content-type-changed order.created.v1',
      'breaking envelope-changed order.created.v1',
      'breaking exchange-changed order.created.v1',
    ],
  },
  {
    name: 'open content strict on the message: an optional field added to an open object breaks backward',
    before: { openContent: 'strict', mode: 'backward', schemas: { 1: openV1 } },
    after: { openContent: 'strict', mode: 'backward', schemas: { 1: openV1WithNote } },
    want: ['breaking type-mismatch order.created.v1'],
  },
  {
    name: 'tolerant (default): the same change is safe',
    before: { mode: 'backward', schemas: { 1: openV1 } },
    after: { mode: 'backward', schemas: { 1: openV1WithNote } },
    want: ['safe property-added order.created.v1'],
  },
  {
    name: 'legacy stops receiving v1, which is still sent',
    before: { consumers: [legacy, modern], versions: [1, 2] },
    after: { consumers: [modern], versions: [1, 2] },
    want: [
      'safe channel-removed order.created.v1',
      'safe consumer-removed order.created.v1',
      'safe operation-removed order.created.v1',
    ],
  },
  {
    name: 'a consumer starts receiving an event nobody sends',
    before: { consumers: [legacy] },
    after: { consumers: [legacy, { service: 'eager', version: 3, view: V1_SCHEMA }] },
    want: ['breaking consumer-without-producer order.created.v3'],
  },
  {
    name: 'routing key, exchange and queue changed',
    before: { consumers: [legacy] },
    after: {
      consumers: [{ ...legacy, queue: 'legacy-2' }],
      exchange: 'shop.events',
      addresses: { 1: 'shop.order.created.v1' },
    },
    want: [
      'breaking exchange-changed order.created.v1',
      'breaking exchange-changed order.created.v1',
      'breaking queue-changed order.created.v1',
      'breaking routing-key-changed order.created.v1',
      'breaking routing-key-changed order.created.v1',
      'safe channel-removed order.created.v1',
      'safe channel-removed order.created.v1',
    ],
  },
  {
    name: 'dead-lettering removed; fewer retries',
    before: { consumers: [legacy] },
    after: { consumers: [{ ...legacy, deadLetter: false, maxRetries: 1 }] },
    want: ['breaking dead-letter-removed order.created.v1', 'safe consumer-policy-changed order.created.v1'],
  },
  {
    name: 'envelope dropped',
    before: { consumers: [legacy] },
    after: { consumers: [legacy], envelope: false },
    want: ['breaking envelope-changed order.created.v1'],
  },
  {
    name: 'another document sends it; the mode changed',
    before: { consumers: [legacy] },
    after: { consumers: [legacy], producer: 'storefront', mode: 'backward' },
    want: [
      'safe channel-removed order.created.v1',
      'safe compatibility-changed order.created.v1',
      'safe operation-removed order.created.v1',
      'safe producer-changed order.created.v1',
    ],
  },
  {
    name: 'under the NEW mode: backward lets a closed object gain an optional field',
    before: { consumers: [legacy] },
    after: {
      consumers: [legacy],
      mode: 'backward',
      schemas: { 1: { ...V1_SCHEMA, properties: { ...V1_SCHEMA.properties, note: { type: 'string' } } } },
    },
    want: ['safe compatibility-changed order.created.v1', 'safe property-added order.created.v1'],
  },
];

describe('compareGraphs', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const before = await graphOf('before', c.before);
      const after = await graphOf('after', c.after);
      const changes = compareGraphs(before, after, 'HEAD~1', (p) => p);
      expect(changes.map((x) => `${x.breaking ? 'breaking' : 'safe'} ${x.rule} ${x.event}`).sort()).toEqual(
        [...c.want].sort(),
      );
    });
  }

  it('every contract rule the CLI lists is expected by a case here or in the lock suite', () => {
    const contract = allRules()
      .filter((r) => r.kind === 'contract')
      .map((r) => r.id);
    const here = new Set(cases.flatMap((c) => c.want.map((w) => w.split(' ')[1])));
    expect(contract.filter((id) => !here.has(id))).toEqual([]);
  });
});

function git(repo: string, ...args: string[]): void {
  execFileSync(
    'git',
    ['-c', 'user.name=kada test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args],
    { cwd: repo, stdio: 'ignore' },
  );
}

/** A git repository under `work`/`name` whose specs/ folder each `commit` replaces with a fixture spec set. */
function fixtureRepo(name: string) {
  const repo = join(work, name);
  const specs = join(repo, 'specs');
  const commit = (o: FixtureOptions, message: string) => {
    rmSync(specs, { recursive: true, force: true });
    writeSpecs(specs, fixtureSpecs(o));
    git(repo, 'add', '-A', 'specs');
    git(repo, 'commit', '-q', '-m', message);
  };
  return { repo, specs, commit };
}

describe('kada-gen check --against on a fixture git repository', () => {
  const { repo, specs, commit } = fixtureRepo('repo');
  const against = (ref: string, ...extra: string[]) => runCli(['check', '--against', ref, ...extra], repo);

  beforeAll(() => {
    execFileSync('git', ['init', '-q', repo]);
    commit({ versions: [1], consumers: [legacy] }, 'v1');
    commit({ versions: [1], consumers: [legacy], schemas: { 1: stringTotal } }, 'total becomes a string');
  });

  it('text: each finding with file:line, pointer, old -> new, rule and breaking/safe; exit 1', () => {
    const r = against('HEAD~1');
    expect(r.code, r.stderr).toBe(1);
    const line = lineOf(join(specs, 'shop.yaml'), 'total:') + 1;
    expect(r.stdout).toMatch(
      new RegExp(
        `^specs/shop\\.yaml:${line}:\\d+ breaking type-mismatch order\\.created\\.v1 /total: \\["integer"\\] -> \\["string"\\]: `,
        'm',
      ),
    );
    expect(r.stdout).toMatch(/kada-gen check --against HEAD~1: 1 events, 1 breaking, \d+ safe changes/);
  });

  it('json: an array of findings with the same fields; exit 1', () => {
    const r = against('HEAD~1', '--format', 'json');
    expect(r.code, r.stderr).toBe(1);
    const findings = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(findings).toContainEqual({
      file: 'specs/shop.yaml',
      line: lineOf(join(specs, 'shop.yaml'), 'total:') + 1,
      column: expect.any(Number),
      event: 'order.created.v1',
      rule: 'type-mismatch',
      severity: 'breaking',
      pointer: '/total',
      old: ['integer'],
      new: ['string'],
      direction: 'both',
      message: expect.stringContaining("Field 'total'"),
    });
  });

  it(
    'a compatible change exits 0 and lists what changed; a removal points into the old ref',
    () => {
      commit({ versions: [1, 2], consumers: [legacy, modern], schemas: { 1: stringTotal } }, 'add v2');
      const r = against('HEAD~1');
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^specs\/shop\.yaml:\d+:\d+ safe event-added order\.created\.v2 /m);
      expect(r.stdout).toContain('0 breaking');

      commit(
        {
          versions: [1, 2],
          consumers: [modern],
          schemas: { 1: stringTotal },
          deprecated: { 1: '2025-01-31' },
        },
        'deprecate v1',
      );
      commit({ versions: [2], consumers: [modern] }, 'retire v1');
      const retired = against('HEAD~1', '--format', 'json');
      expect(retired.code, retired.stderr).toBe(0);
      const findings = JSON.parse(retired.stdout) as { file: string; rule: string; severity: string }[];
      expect(findings).toContainEqual(
        expect.objectContaining({ rule: 'event-removed', severity: 'safe', file: 'HEAD~1:specs/shop.yaml' }),
      );
    },
    SLOW,
  );

  it('an unknown ref is a usage error (exit 2) that says what to do', () => {
    const r = against('no-such-branch');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"no-such-branch" is not a commit');
  });
});

describe('kada-gen check --against on a repository with no consumer document', () => {
  const { repo, commit } = fixtureRepo('producer-only');
  const against = (...extra: string[]) =>
    runCli(['check', '--against', 'HEAD~1', '--format', 'json', ...extra], repo);
  type Json = { rule: string; severity: string; event: string; message: string }[];

  beforeAll(() => {
    execFileSync('git', ['init', '-q', repo]);
    commit(
      { versions: [1, 2], addresses: { 1: 'parcel.dispatched.v1' }, eventTypes: { 1: 'parcel.dispatched' } },
      'two events',
    );
  });

  it(
    'removing a published event (its send operation) is breaking; an override in the lock accepts it',
    () => {
      commit({ versions: [2] }, 'drop parcel.dispatched.v1');
      const r = against();
      expect(r.code, r.stderr).toBe(1);
      const findings = JSON.parse(r.stdout) as Json;
      expect(findings).toContainEqual(
        expect.objectContaining({
          rule: 'event-removed',
          severity: 'breaking',
          event: 'parcel.dispatched.v1',
        }),
      );
      expect(findings).toContainEqual(
        expect.objectContaining({
          rule: 'operation-removed',
          severity: 'breaking',
          event: 'parcel.dispatched.v1',
        }),
      );

      // what `kada-gen generate --allow-breaking parcel.dispatched.v1 --reason …` records
      writeSpecs(join(repo, 'generated'), {
        'contracts.lock.json': JSON.stringify({
          lockfileVersion: 1,
          events: {},
          overrides: [
            {
              event: 'parcel.dispatched.v1',
              reason: 'no subscriber left',
              rules: ['event-removed'],
              at: 'removed',
            },
          ],
        }),
      });
      const accepted = against();
      rmSync(join(repo, 'generated'), { recursive: true, force: true });
      expect(accepted.code, accepted.stdout + accepted.stderr).toBe(0);
      const after = JSON.parse(accepted.stdout) as Json;
      expect(after.filter((f) => f.severity === 'breaking')).toEqual([]);
      expect(after.find((f) => f.rule === 'event-removed')?.message).toContain('no subscriber left');
    },
    SLOW,
  );

  it(
    'renaming a published event (channel address and event name) is breaking',
    () => {
      commit(
        { versions: [2], addresses: { 2: 'order.placed.v2' }, eventTypes: { 2: 'order.placed' } },
        'rename v2',
      );
      const r = against();
      expect(r.code, r.stderr).toBe(1);
      const findings = JSON.parse(r.stdout) as Json;
      expect(findings).toContainEqual(
        expect.objectContaining({ rule: 'event-removed', severity: 'breaking', event: 'order.created.v2' }),
      );
      expect(findings).toContainEqual(
        expect.objectContaining({ rule: 'event-added', severity: 'safe', event: 'order.placed.v2' }),
      );
    },
    SLOW,
  );
});
