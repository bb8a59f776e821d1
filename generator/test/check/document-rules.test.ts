/**
 * The document rules (check/event-extension.ts, check/consumer-policy.ts, check/ownership.ts):
 * what x-kada-event and x-kada-consumer declare, and who owns what across documents. Each case
 * gives a small spec set and wants the diagnostics of that rule in one document.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { allRules, checkDocuments } from '../../src/check/index.ts';
import { loadSpecs } from '../../src/load.ts';
import { buildModel } from '../../src/model.ts';
import { CACHE_DIR, fixtureSpecs, writeSpecs } from '../lock/fixture.ts';

type Files = Record<string, string>;

/** `files` with the receive operation of `service`'s document given this x-kada-consumer. */
function withPolicy(files: Files, service: string, policy: Record<string, unknown>): Files {
  const doc = parse(files[`${service}.yaml`] ?? '') as {
    operations: Record<string, Record<string, unknown>>;
  };
  for (const op of Object.values(doc.operations)) op['x-kada-consumer'] = policy;
  return { ...files, [`${service}.yaml`]: stringify(doc) };
}

/** `files` with a copy of shop.yaml under another name and service id: a second sender of order.created. */
function withSecondSender(files: Files, service: string): Files {
  const shop = files['shop.yaml'] ?? '';
  return {
    ...files,
    [`${service}.yaml`]: shop.replace('x-kada-service: shop', `x-kada-service: ${service}`),
  };
}

/** `files` with a second receive operation in `service`'s document, on the same queue, with `policy`. */
function withSecondReceive(files: Files, service: string, policy: Record<string, unknown>): Files {
  const doc = parse(files[`${service}.yaml`] ?? '') as {
    operations: Record<string, Record<string, unknown>>;
  };
  const [first = {}] = Object.values(doc.operations);
  const { queue } = first['x-kada-consumer'] as { queue: string };
  doc.operations.receiveAgain = { ...first, 'x-kada-consumer': { queue, ...policy } };
  return { ...files, [`${service}.yaml`]: stringify(doc) };
}

interface Case {
  readonly rule: string;
  readonly name: string;
  /** The document the case is about (a consumer's, for consumer-policy). */
  readonly file: string;
  /** A part of each diagnostic's message; none when the document must pass the rule. */
  readonly want: readonly string[];
}

/** Each consumer-policy case is the receive operation of a consumer document of its own, all in one spec set. */
const policies: ReadonlyArray<{ name: string; policy: Record<string, unknown>; want: string[] }> = [
  {
    name: 'a valid policy gives nothing',
    policy: { queue: 'valid', prefetch: 10, maxRetries: 3, backoff: { initialMs: 100 } },
    want: [],
  },
  {
    name: 'an integer out of range',
    policy: { maxRetries: 99 },
    want: ['x-kada-consumer.maxRetries must be an integer from 0 to 20, got 99.'],
  },
  {
    name: 'a number that is not an integer',
    policy: { prefetch: 2.5 },
    want: ['x-kada-consumer.prefetch must be an integer from 1 to 65535, got 2.5.'],
  },
  {
    name: 'an unknown key (a typo)',
    policy: { maxRetry: 3 },
    want: ['x-kada-consumer has an unknown key "maxRetry"'],
  },
  {
    name: 'an unknown queue type',
    policy: { queueType: 'stream' },
    want: ['x-kada-consumer.queueType must be "quorum" or "classic", got "stream".'],
  },
  {
    name: 'a backoff out of range',
    policy: { backoff: { initialMs: 0 } },
    want: ['x-kada-consumer.backoff.initialMs must be a number from 1 to 3600000, got 0.'],
  },
  {
    name: 'a priority on a quorum queue',
    policy: { priority: 5 },
    want: ['x-kada-consumer.priority needs queueType "classic"'],
  },
  { name: 'a priority on a classic queue is fine', policy: { priority: 5, queueType: 'classic' }, want: [] },
];
const consumerOf = (i: number) => `consumer${i}`;
let policySet: Files = fixtureSpecs({
  consumers: policies.map((_, i) => ({ service: consumerOf(i), version: 1 })),
});
policies.forEach(({ policy }, i) => {
  policySet = withPolicy(policySet, consumerOf(i), policy);
});

const sets: Record<string, Files> = {
  policies: policySet,
  // warehouse sends shop's event; shop-copy.yaml is a second document of service shop.
  owners: {
    ...withSecondSender(fixtureSpecs(), 'warehouse'),
    'shop-copy.yaml': fixtureSpecs()['shop.yaml'] ?? '',
  },
  // same-policy.yaml and other-policy.yaml receive order.created twice on one queue.
  queues: withSecondReceive(
    withSecondReceive(
      fixtureSpecs({
        consumers: [
          { service: 'same-policy', version: 1 },
          { service: 'other-policy', version: 1 },
        ],
      }),
      'same-policy',
      { maxRetries: 3, deadLetter: true, backoff: { initialMs: 100, multiplier: 2, maxMs: 1000 } },
    ),
    'other-policy',
    { maxRetries: 5, deadLetter: true, backoff: { initialMs: 100, multiplier: 2, maxMs: 1000 } },
  ),
  // v1 is deprecated "soon"; every version declares an unknown mode and open content.
  extensions: fixtureSpecs({
    versions: [1, 2],
    mode: 'sideways',
    deprecated: { 1: 'soon', 2: '2030-01-01' },
    openContent: 'loose',
  }),
};

const cases: Array<Case & { set: keyof typeof sets }> = [
  ...policies.map(({ name, want }, i) => ({
    rule: 'consumer-policy',
    name,
    set: 'policies' as const,
    file: `${consumerOf(i)}.yaml`,
    want,
  })),
  {
    rule: 'consumer-policy-conflict',
    name: 'two operations on one queue with one policy give nothing',
    set: 'queues',
    file: 'same-policy.yaml',
    want: [],
  },
  {
    rule: 'consumer-policy-conflict',
    name: 'two operations on one queue with different retries',
    set: 'queues',
    file: 'other-policy.yaml',
    want: [
      'operations "receiveOrderCreatedV1" and "receiveAgain" share queue "other-policy" but declare different consumer policies',
    ],
  },
  ...(['compatibility-mode', 'open-content', 'deprecated-date'] as const).map((rule) => ({
    rule,
    name: 'the defaults give nothing',
    set: 'policies' as const,
    file: 'shop.yaml',
    want: [],
  })),
  {
    rule: 'compatibility-mode',
    name: 'an unknown mode, on each message',
    set: 'extensions',
    file: 'shop.yaml',
    want: [
      'x-kada-event.compatibility must be one of backward, forward, full, backward-transitive, forward-transitive, full-transitive; got "sideways".',
      'got "sideways".',
    ],
  },
  {
    rule: 'open-content',
    name: 'neither tolerant nor strict',
    set: 'extensions',
    file: 'shop.yaml',
    want: ['x-kada-event.openContent must be "tolerant"', 'got "loose".'],
  },
  {
    rule: 'deprecated-date',
    name: 'a word instead of a date (the date on v2 is fine)',
    set: 'extensions',
    file: 'shop.yaml',
    want: [
      'x-kada-event.deprecated must be the date (YYYY-MM-DD) from which the event may be removed; got "soon".',
    ],
  },
  {
    rule: 'event-owner',
    name: 'one sender of an event gives nothing',
    set: 'policies',
    file: 'shop.yaml',
    want: [],
  },
  {
    rule: 'event-owner',
    name: 'two documents send the same event',
    set: 'owners',
    file: 'warehouse.yaml',
    want: [
      'event order.created.v1 is sent by both shop (shop-copy.yaml) and warehouse; one document must own an event.',
    ],
  },
  {
    rule: 'service-duplicate',
    name: 'distinct service ids give nothing',
    set: 'policies',
    file: 'shop.yaml',
    want: [],
  },
  {
    rule: 'service-duplicate',
    name: 'two documents with one service id',
    set: 'owners',
    file: 'shop.yaml',
    want: ['service id "shop" is used by both shop-copy.yaml and shop.yaml'],
  },
];

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The model's diagnostics for a spec set (loaded once), with file names relative to its folder. */
const diagnosticsOf = new Map<
  string,
  Promise<Array<{ code: string; severity: string; file: string; message: string }>>
>();
function modelDiagnostics(set: keyof typeof sets) {
  let found = diagnosticsOf.get(set);
  if (!found) {
    found = (async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kada-rules-'));
      dirs.push(dir);
      writeSpecs(dir, sets[set] ?? {});
      const loaded = await loadSpecs(dir, { cacheDir: CACHE_DIR });
      expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const local = (text: string) => text.replace(/[^\s(]*kada-rules-[^/]+\//g, '');
      const { graph, diagnostics } = buildModel(loaded);
      expect(diagnostics).toEqual([]);
      return checkDocuments(graph).map((d) => ({
        code: d.code,
        severity: d.severity,
        file: local(d.file),
        message: local(d.message),
      }));
    })();
    diagnosticsOf.set(set, found);
  }
  return found;
}

describe('document rules', () => {
  // Parsing the sets takes seconds on a loaded machine: once, before the cases.
  beforeAll(async () => {
    await Promise.all(Object.keys(sets).map((set) => modelDiagnostics(set)));
  }, 180_000);

  it('lists each rule in kada-gen rules', () => {
    const listed = allRules().map((r) => r.id);
    for (const rule of new Set(cases.map((c) => c.rule))) expect(listed).toContain(rule);
  });

  it.each(cases)('$rule: $name', async ({ rule, set, file, want }) => {
    const got = (await modelDiagnostics(set)).filter((d) => d.code === rule && d.file === file);
    expect(got.map((d) => d.severity)).toEqual(want.map(() => 'error'));
    got.forEach((d, i) => {
      expect(d.message).toContain(want[i]);
    });
  });
});
