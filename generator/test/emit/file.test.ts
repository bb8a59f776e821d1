/**
 * The file builder: relative imports, aliases where names clash, and the one literal() printer.
 * Whole files are pinned by the golden tests; these tables pin each rule on its own.
 */
import { describe, expect, it } from 'vitest';
import { cast, code, GeneratedFile, literal, numbered, relativeSpecifier } from '../../src/emit/file.ts';

const body = (f: GeneratedFile) => f.toString().split('\n').slice(1).join('\n');

describe('relativeSpecifier and numbered', () => {
  it('gives the specifier of the declaring file from the importing one', () => {
    const given: [string, string][] = [
      ['services/stock/consumer.ts', 'events.ts'],
      ['services/stock/consumer.ts', 'services/stock/publisher.ts'],
      ['events.ts', 'validators.js'],
      ['openapi/cart.routes.ts', 'openapi/validators/cart.body.js'],
    ];
    expect(given.map(([from, to]) => relativeSpecifier(from, to))).toEqual([
      '../../events.ts',
      './publisher.ts',
      './validators.js',
      './validators/cart.body.js',
    ]);
  });

  it('numbers a second holder of a name, after `_` when the name ends in a digit', () => {
    expect([numbered('Money', 1), numbered('Money', 2), numbered('ParcelShippedV1', 2)]).toEqual([
      'Money',
      'Money2',
      'ParcelShippedV1_2',
    ]);
  });
});

describe('GeneratedFile imports', () => {
  it('imports a generated symbol with a path relative to the file, and none from the file itself', () => {
    const f = new GeneratedFile('services/stock/consumer.ts', []);
    const T = f.use({ name: 'OrderCreatedV1', file: 'events.ts', typeOnly: true });
    const own = f.use({ name: 'stockQueues', file: 'services/stock/consumer.ts', typeOnly: false });
    f.print(`export type T = [${T}, typeof ${own}];`);
    expect(body(f)).toBe(
      "\nimport type { OrderCreatedV1 } from '../../events.ts';\n\nexport type T = [OrderCreatedV1, typeof stockQueues];\n",
    );
  });

  it('aliases an import whose name the file declares, even when declared after the import', () => {
    const f = new GeneratedFile('services/courier/consumer.ts', []);
    const Env = f.importType('@kada/runtime', 'Envelope');
    f.print(`export type Received = ${Env}<Envelope>;`);
    f.declare('Envelope');
    expect(body(f)).toBe(
      "\nimport type { Envelope as Envelope2 } from '@kada/runtime';\n\nexport type Received = Envelope2<Envelope>;\n",
    );
  });

  it('keeps the generated name and aliases the package one when two imports share a name', () => {
    const f = new GeneratedFile('services/a/publisher.ts', []);
    const runtime = f.importType('@kada/runtime', 'Envelope');
    const contract = f.use({ name: 'Envelope', file: 'events.ts', typeOnly: true });
    f.print(`export type E = ${runtime}<${contract}>;`);
    expect(body(f)).toBe(
      "\nimport type { Envelope } from '../../events.ts';\nimport type { Envelope as Envelope2 } from '@kada/runtime';\n\nexport type E = Envelope2<Envelope>;\n",
    );
  });

  it('aliases an import that would hide a global the generated code uses', () => {
    const f = new GeneratedFile('services/a/publisher.ts', []);
    const P = f.use({ name: 'Promise', file: 'events.ts', typeOnly: true });
    f.print(`export type X = Promise<${P}>;`);
    expect(body(f)).toContain("import type { Promise as Promise2 } from '../../events.ts';");
    expect(body(f)).toContain('export type X = Promise<Promise2>;');
  });

  it('imports a name once, as a value when any use needs the value', () => {
    const f = new GeneratedFile('events.ts', []);
    f.importType('@kada/runtime', 'fillAddress');
    f.import('@kada/runtime', 'fillAddress');
    f.import('openapi-fetch', 'default', 'createClient');
    expect(
      body(f)
        .split('\n')
        .filter((l) => l.startsWith('import')),
    ).toEqual([
      "import { fillAddress } from '@kada/runtime';",
      "import { default as createClient } from 'openapi-fetch';",
    ]);
  });
});

describe('literal', () => {
  it.each([
    { given: 'a "b"', want: '"a \\"b\\""' },
    { given: null, want: 'null' },
    { given: undefined, want: 'undefined' },
    { given: {}, want: '{}' },
    { given: [], want: '[]' },
    { given: code('handlers.x'), want: 'handlers.x' },
    { given: cast({ a: 1 }, 'T'), want: '{\n  a: 1,\n} as T' },
    {
      given: { queue: 'stock', retry: { maxRetries: 3 }, validate: code('v1') },
      want: '{\n  queue: "stock",\n  retry: { maxRetries: 3 },\n  validate: v1,\n}',
    },
    { given: new Map([['stock', 1]]), want: '{\n  "stock": 1,\n}' },
    { given: { 'idempotency-key': 'k' }, want: '{\n  "idempotency-key": "k",\n}' },
    {
      given: { routes: [{ d: code('a') }, { d: code('b') }] },
      want: '{\n  routes: [\n    { d: a },\n    { d: b },\n  ],\n}',
    },
    {
      given: { long: { a: 'x'.repeat(60), b: 'y'.repeat(60) } },
      want: `{\n  long: {\n    a: "${'x'.repeat(60)}",\n    b: "${'y'.repeat(60)}",\n  },\n}`,
    },
  ])('$want', ({ given, want }) => {
    expect(literal(given)).toBe(want);
  });

  it('prints it all on one line when asked', () => {
    expect(literal({ name: 'q', args: { ttl: 1 } }, { inline: true })).toBe(
      '{ name: "q", args: { ttl: 1 } }',
    );
  });
});
