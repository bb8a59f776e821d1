/**
 * Table-driven rules suite: given a writer/reader pair (drift) or an old/new pair and a mode,
 * want the exact findings (rule, data pointer, severity; direction and revision for modes).
 * Every rule id in RULES must be expected by at least one case, so removing a rule fails a case.
 */
import { describe, expect, it } from 'vitest';
import {
  checkReadable,
  compareTransitive,
  compareVersions,
  describeChanges,
  type Finding,
  type Mode,
  normalizeSchema,
  RULES,
  type RuleId,
  type Severity,
  type TransitiveMode,
  type VersionFinding,
} from '../../src/compat/index.ts';
import { KEYWORD_TABLES } from './keyword-cases.ts';

interface Want {
  rule: RuleId;
  pointer: string;
  severity: Severity;
  direction?: 'backward' | 'forward' | 'both';
  revision?: number;
  /** Checked only when given. */
  schemaPointer?: string;
}

type Case =
  | { name: string; mode: 'readable'; writer: unknown; reader: unknown; strict?: boolean; want: Want[] }
  | { name: string; mode: Mode; old: unknown; new: unknown; strict?: boolean; want: Want[] }
  | { name: string; mode: TransitiveMode; history: unknown[]; new: unknown; want: Want[] };

// --- want builders -------------------------------------------------------------------------

type Dir = 'backward' | 'forward' | 'both';
/** A breaking finding; `direction` only for version modes. */
const brk = (rule: RuleId, pointer: string, direction?: Dir, more: Partial<Want> = {}): Want => ({
  rule,
  pointer,
  severity: 'breaking',
  ...(direction ? { direction } : {}),
  ...more,
});
/** An informational finding: a safe change, or a compatible ref change. */
const safe = (rule: RuleId, pointer: string, direction?: Dir, more: Partial<Want> = {}): Want => ({
  rule,
  pointer,
  severity: 'info',
  ...(direction ? { direction } : {}),
  ...more,
});

// --- schema builders -----------------------------------------------------------------------

const str = { type: 'string' };
const int = { type: 'integer' };
const num = { type: 'number' };
const bool = { type: 'boolean' };
const obj = (
  properties: Record<string, unknown>,
  required: string[] = [],
  extra: Record<string, unknown> = {},
) => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
  ...extra,
});
const closed = (properties: Record<string, unknown>, required: string[] = []) =>
  obj(properties, required, { additionalProperties: false });
const arr = (items: unknown, extra: Record<string, unknown> = {}) => ({ type: 'array', items, ...extra });
const ref = (target: string, schema: Record<string, unknown>) => ({ 'x-kada-ref': target, ...schema });

const card = obj({ kind: { const: 'card' }, last4: str }, ['kind', 'last4']);
const bank = obj({ kind: { const: 'bank' }, iban: str }, ['kind', 'iban']);
const bankWithBic = obj({ kind: { const: 'bank' }, iban: str, bic: str }, ['kind', 'iban', 'bic']);
const money = obj({ amount: num, currency: str }, ['amount', 'currency']);
const moneyCents = obj({ amount: int, currency: str }, ['amount', 'currency']);
const line = (unitPrice: unknown) => obj({ sku: str, unitPrice }, ['sku']);

const treeNode: Record<string, unknown> = { type: 'object', properties: { name: str } };
(treeNode.properties as Record<string, unknown>).children = arr(treeNode);
const namedTreeNode: Record<string, unknown> = {
  type: 'object',
  properties: { name: str },
  required: ['name'],
};
(namedTreeNode.properties as Record<string, unknown>).children = arr(namedTreeNode);

// --- drift: checkReadable(writer, reader) --------------------------------------------------

const readableCases: Case[] = [
  {
    name: 'identical objects are readable',
    mode: 'readable',
    writer: obj({ id: str }, ['id']),
    reader: obj({ id: str }, ['id']),
    want: [],
  },
  {
    name: 'reader requires a property the writer declares optional',
    mode: 'readable',
    writer: obj({ id: str, note: str }, ['id']),
    reader: obj({ id: str, note: str }, ['id', 'note']),
    want: [brk('required-missing', '/note', undefined, { schemaPointer: '/required' })],
  },
  {
    name: 'reader requires a property the writer does not declare',
    mode: 'readable',
    writer: obj({ id: str }),
    reader: obj({ id: str, extra: str }, ['extra']),
    want: [brk('required-missing', '/extra')],
  },
  {
    name: 'closed reader rejects a property the writer declares',
    mode: 'readable',
    writer: obj({ id: str, note: str }),
    reader: closed({ id: str }),
    want: [brk('property-rejected', '/note', undefined, { schemaPointer: '/additionalProperties' })],
  },
  {
    name: 'reader forbids a property with a false schema',
    mode: 'readable',
    writer: obj({ id: str, note: str }),
    reader: obj({ id: str, note: false }),
    want: [brk('property-rejected', '/note', undefined, { schemaPointer: '/properties/note' })],
  },
  {
    name: 'open reader ignores properties it does not declare',
    mode: 'readable',
    writer: obj({ id: str, note: str }),
    reader: obj({ id: str }),
    want: [],
  },
  {
    name: 'string is not readable as integer',
    mode: 'readable',
    writer: obj({ qty: str }),
    reader: obj({ qty: int }),
    want: [brk('type-mismatch', '/qty', undefined, { schemaPointer: '/properties/qty/type' })],
  },
  { name: 'integer is readable as number', mode: 'readable', writer: int, reader: num, want: [] },
  {
    name: 'number is not readable as integer',
    mode: 'readable',
    writer: num,
    reader: int,
    want: [brk('type-mismatch', '')],
  },
  {
    name: 'nullable writer is not readable by a non-null reader',
    mode: 'readable',
    writer: { type: ['string', 'null'] },
    reader: str,
    want: [brk('null-rejected', '')],
  },
  {
    name: 'nullable enum without null in the reader enum rejects null',
    mode: 'readable',
    writer: { type: ['string', 'null'], enum: ['a', null] },
    reader: { type: ['string', 'null'], enum: ['a'] },
    want: [brk('null-rejected', '')],
  },
  {
    name: 'writer enum value missing from the reader enum',
    mode: 'readable',
    writer: { type: 'string', enum: ['new', 'paid', 'void'] },
    reader: { type: 'string', enum: ['new', 'paid'] },
    want: [brk('enum-mismatch', '', undefined, { schemaPointer: '/enum' })],
  },
  {
    name: 'unconstrained writer string is not readable by a reader enum',
    mode: 'readable',
    writer: str,
    reader: { type: 'string', enum: ['new'] },
    want: [brk('enum-mismatch', '')],
  },
  {
    name: 'writer enum subset of the reader enum is readable',
    mode: 'readable',
    writer: { enum: ['new'] },
    reader: { enum: ['new', 'paid'] },
    want: [],
  },
  {
    name: 'different const values',
    mode: 'readable',
    writer: { const: 'v1' },
    reader: { const: 'v2' },
    want: [brk('const-mismatch', '')],
  },
  {
    name: 'single-value enum satisfies the same const',
    mode: 'readable',
    writer: { enum: ['v1'] },
    reader: { const: 'v1' },
    want: [],
  },
  {
    name: 'reader asserts a format the writer does not guarantee',
    mode: 'readable',
    writer: obj({ id: str }),
    reader: obj({ id: { type: 'string', format: 'uuid' } }),
    want: [brk('format-mismatch', '/id', undefined, { schemaPointer: '/properties/id/format' })],
  },
  {
    name: 'format date is not readable as date-time',
    mode: 'readable',
    writer: { type: 'string', format: 'date' },
    reader: { type: 'string', format: 'date-time' },
    want: [brk('format-mismatch', '')],
  },
  {
    name: 'reader raises minLength',
    mode: 'readable',
    writer: { type: 'string', minLength: 1 },
    reader: { type: 'string', minLength: 3 },
    want: [brk('string-length-narrowed', '', undefined, { schemaPointer: '/minLength' })],
  },
  {
    name: 'reader adds maxLength',
    mode: 'readable',
    writer: str,
    reader: { type: 'string', maxLength: 64 },
    want: [brk('string-length-narrowed', '', undefined, { schemaPointer: '/maxLength' })],
  },
  {
    name: 'different patterns cannot be proven compatible',
    mode: 'readable',
    writer: { type: 'string', pattern: '^[a-z]+$' },
    reader: { type: 'string', pattern: '^[a-z0-9]+$' },
    want: [brk('pattern-mismatch', '')],
  },
  {
    name: 'writer enum values are checked against reader pattern and lengths',
    mode: 'readable',
    writer: { type: 'string', enum: ['EUR', 'USD'] },
    reader: { type: 'string', pattern: '^[A-Z]{3}$', minLength: 3, maxLength: 3 },
    want: [],
  },
  {
    name: 'writer enum value that violates the reader pattern',
    mode: 'readable',
    writer: { type: 'string', enum: ['EUR', 'usd'] },
    reader: { type: 'string', pattern: '^[A-Z]{3}$' },
    want: [brk('pattern-mismatch', '')],
  },
  {
    name: 'reader raises minimum',
    mode: 'readable',
    writer: { type: 'number', minimum: 0 },
    reader: { type: 'number', minimum: 1 },
    want: [brk('number-range-narrowed', '', undefined, { schemaPointer: '/minimum' })],
  },
  {
    name: 'exclusiveMinimum is tighter than the same minimum',
    mode: 'readable',
    writer: { type: 'number', minimum: 0 },
    reader: { type: 'number', exclusiveMinimum: 0 },
    want: [brk('number-range-narrowed', '', undefined, { schemaPointer: '/exclusiveMinimum' })],
  },
  {
    name: 'for integers exclusiveMinimum 0 equals minimum 1',
    mode: 'readable',
    writer: { type: 'integer', exclusiveMinimum: 0 },
    reader: { type: 'integer', minimum: 1 },
    want: [],
  },
  {
    name: 'reader lowers maximum',
    mode: 'readable',
    writer: { type: 'integer', maximum: 100 },
    reader: { type: 'integer', maximum: 10 },
    want: [brk('number-range-narrowed', '', undefined, { schemaPointer: '/maximum' })],
  },
  {
    name: 'multipleOf 0.01 is not readable as multipleOf 0.1',
    mode: 'readable',
    writer: { type: 'number', multipleOf: 0.01 },
    reader: { type: 'number', multipleOf: 0.1 },
    want: [brk('multiple-of-mismatch', '')],
  },
  {
    name: 'multipleOf 0.1 is readable as multipleOf 0.01',
    mode: 'readable',
    writer: { type: 'number', multipleOf: 0.1 },
    reader: { type: 'number', multipleOf: 0.01 },
    want: [],
  },
  {
    name: 'integers are multiples of 1',
    mode: 'readable',
    writer: int,
    reader: { type: 'integer', multipleOf: 1 },
    want: [],
  },
  {
    name: 'array items are compared with a * pointer',
    mode: 'readable',
    writer: arr(num),
    reader: arr(int),
    want: [brk('type-mismatch', '/*', undefined, { schemaPointer: '/items/type' })],
  },
  {
    name: 'arrays of objects are recursed with correct pointers',
    mode: 'readable',
    writer: obj({ items: arr(line(obj({ amount: num, currency: str }))) }),
    reader: obj({ items: arr(line(obj({ amount: int, currency: str }, ['amount']))) }),
    want: [
      brk('required-missing', '/items/*/unitPrice/amount', undefined, {
        schemaPointer: '/properties/items/items/properties/unitPrice/required',
      }),
      brk('type-mismatch', '/items/*/unitPrice/amount', undefined, {
        schemaPointer: '/properties/items/items/properties/unitPrice/properties/amount/type',
      }),
    ],
  },
  {
    name: 'reader raises minItems',
    mode: 'readable',
    writer: arr(str),
    reader: arr(str, { minItems: 1 }),
    want: [brk('array-length-narrowed', '', undefined, { schemaPointer: '/minItems' })],
  },
  {
    name: 'reader lowers maxItems',
    mode: 'readable',
    writer: arr(str, { maxItems: 10 }),
    reader: arr(str, { maxItems: 5 }),
    want: [brk('array-length-narrowed', '', undefined, { schemaPointer: '/maxItems' })],
  },
  {
    name: 'reader requires unique items',
    mode: 'readable',
    writer: arr(str),
    reader: arr(str, { uniqueItems: true }),
    want: [brk('unique-items-added', '')],
  },
  {
    name: 'map values are compared when both additionalProperties are schemas',
    mode: 'readable',
    writer: obj({ meta: { type: 'object', additionalProperties: str } }),
    reader: obj({ meta: { type: 'object', additionalProperties: int } }),
    want: [
      brk('type-mismatch', '/meta/*', undefined, {
        schemaPointer: '/properties/meta/additionalProperties/type',
      }),
    ],
  },
  {
    name: 'map writer is not readable by a closed reader',
    mode: 'readable',
    writer: { type: 'object', additionalProperties: str },
    reader: { type: 'object', additionalProperties: false },
    want: [brk('additional-properties-narrowed', '/*')],
  },
  {
    name: 'map writer may send a key the reader declares with another type',
    mode: 'readable',
    writer: { type: 'object', additionalProperties: str },
    reader: obj({ count: int }),
    want: [brk('type-mismatch', '/count')],
  },
  {
    name: 'open writer is readable by a closed reader (writers send declared properties)',
    mode: 'readable',
    writer: obj({ id: str }),
    reader: closed({ id: str }),
    want: [],
  },
  {
    name: 'strictOpenContent: open writer is not readable by a closed reader',
    mode: 'readable',
    strict: true,
    writer: obj({ id: str }),
    reader: closed({ id: str }),
    want: [brk('additional-properties-narrowed', '/*')],
  },
  {
    name: 'strictOpenContent: open writer may send anything for a property only the reader declares',
    mode: 'readable',
    strict: true,
    writer: obj({ id: str }),
    reader: obj({ id: str, note: str }),
    want: [brk('type-mismatch', '/note')],
  },
  {
    name: 'writer oneOf branch missing from the reader oneOf',
    mode: 'readable',
    writer: { oneOf: [card, bank] },
    reader: { oneOf: [card] },
    want: [brk('composition-mismatch', '', undefined, { schemaPointer: '/oneOf' })],
  },
  {
    name: 'plain writer fits one reader oneOf branch',
    mode: 'readable',
    writer: card,
    reader: { oneOf: [card, bank] },
    want: [],
  },
  {
    name: 'plain writer fits no reader anyOf branch',
    mode: 'readable',
    writer: obj({ kind: { const: 'cash' } }, ['kind']),
    reader: { anyOf: [card, bank] },
    want: [brk('composition-mismatch', '', undefined, { schemaPointer: '/anyOf' })],
  },
  {
    name: 'every writer oneOf branch must be readable by a plain reader',
    mode: 'readable',
    writer: { oneOf: [card, bank] },
    reader: card,
    want: [brk('const-mismatch', '/kind'), brk('required-missing', '/last4')],
  },
  {
    name: 'writer allOf is merged before comparing',
    mode: 'readable',
    writer: { allOf: [obj({ id: str }), { required: ['id'] }] },
    reader: obj({ id: str }, ['id']),
    want: [],
  },
  {
    name: 'a closed reader allOf member rejects a property another member declares',
    mode: 'readable',
    writer: obj({ id: str, note: str }),
    reader: { allOf: [closed({ id: str }), obj({ note: str })] },
    want: [brk('property-rejected', '/note', undefined, { schemaPointer: '/allOf/0/additionalProperties' })],
  },
  {
    name: 'a reader allOf member requires a property',
    mode: 'readable',
    writer: obj({ id: str }),
    reader: { allOf: [obj({ id: str }), { required: ['id'] }] },
    want: [brk('required-missing', '/id', undefined, { schemaPointer: '/allOf/1/required' })],
  },
  {
    name: '$ref target changed but compatible is informational',
    mode: 'readable',
    writer: obj({ price: ref('#/components/schemas/Money', money) }),
    reader: obj({ price: ref('#/components/schemas/Price', money) }),
    want: [safe('ref-changed', '/price')],
  },
  {
    name: '$ref target changed and incompatible is breaking',
    mode: 'readable',
    writer: obj({ price: ref('#/components/schemas/Money', money) }),
    reader: obj({ price: ref('#/components/schemas/MoneyCents', moneyCents) }),
    want: [brk('ref-changed', '/price'), brk('type-mismatch', '/price/amount')],
  },
  {
    name: "a reader not const '' rejects the empty string an unbounded writer may send",
    mode: 'readable',
    writer: str,
    reader: { type: 'string', not: { const: '' } },
    want: [brk('not-mismatch', '', undefined, { schemaPointer: '/not' })],
  },
  {
    name: "a reader not const '' is readable when the writer's minLength excludes it",
    mode: 'readable',
    writer: { type: 'string', minLength: 1 },
    reader: { type: 'string', not: { const: '' } },
    want: [],
  },
  {
    name: 'a reader not with a pattern cannot be proven',
    mode: 'readable',
    writer: str,
    reader: { type: 'string', not: { type: 'string', pattern: '^x' } },
    want: [brk('unprovable', '', undefined, { schemaPointer: '/not' })],
  },
  {
    name: 'an identical not keyword is readable',
    mode: 'readable',
    writer: { type: 'string', not: { const: '' } },
    reader: { type: 'string', not: { const: '' } },
    want: [],
  },
  {
    name: 'untyped writer is not readable by a typed reader',
    mode: 'readable',
    writer: {},
    reader: str,
    want: [brk('type-mismatch', '')],
  },
  {
    name: 'boolean writer is readable by an enum of both booleans',
    mode: 'readable',
    writer: bool,
    reader: { enum: [true, false] },
    want: [],
  },
  {
    name: 'recursive schemas terminate',
    mode: 'readable',
    writer: treeNode,
    reader: namedTreeNode,
    want: [brk('required-missing', '/name')],
  },
  {
    name: 'x-parser keys are ignored',
    mode: 'readable',
    writer: { type: 'string', 'x-parser-schema-id': 'A' },
    reader: { type: 'string', 'x-parser-schema-id': 'B' },
    want: [],
  },
  {
    name: "type 'x' and ['x'] are the same",
    mode: 'readable',
    writer: { type: 'string' },
    reader: { type: ['string'] },
    want: [],
  },
  {
    name: 'property names are escaped in pointers',
    mode: 'readable',
    writer: obj({ 'a/b': str }),
    reader: obj({ 'a/b': int }),
    want: [brk('type-mismatch', '/a~1b', undefined, { schemaPointer: '/properties/a~1b/type' })],
  },
];

// --- versions: compareVersions(old, new, mode) ----------------------------------------------

const versionCases: Case[] = [
  // properties and required
  {
    name: 'optional property added under an open object is safe in full mode',
    mode: 'full',
    old: obj({ id: str }),
    new: obj({ id: str, note: str }),
    want: [safe('property-added', '/note', 'both', { schemaPointer: '/properties/note' })],
  },
  {
    name: 'optional property added under a closed object breaks forward',
    mode: 'full',
    old: closed({ id: str }),
    new: closed({ id: str, note: str }),
    want: [brk('property-rejected', '/note', 'forward')],
  },
  {
    name: 'optional property added under a closed object is safe backward',
    mode: 'backward',
    old: closed({ id: str }),
    new: closed({ id: str, note: str }),
    want: [safe('property-added', '/note', 'backward')],
  },
  {
    name: 'required property added breaks backward',
    mode: 'backward',
    old: obj({ id: str }),
    new: obj({ id: str, x: str }, ['x']),
    want: [brk('required-missing', '/x', 'backward')],
  },
  {
    name: 'required property added is safe forward',
    mode: 'forward',
    old: obj({ id: str }),
    new: obj({ id: str, x: str }, ['x']),
    want: [safe('property-added', '/x', 'forward'), safe('required-added', '/x', 'forward')],
  },
  {
    name: 'optional property removed from an open object is safe in full mode',
    mode: 'full',
    old: obj({ id: str, note: str }),
    new: obj({ id: str }),
    want: [safe('property-removed', '/note', 'both', { schemaPointer: '/properties/note' })],
  },
  {
    name: 'optional property removed from a closed object breaks backward',
    mode: 'backward',
    old: closed({ id: str, note: str }),
    new: closed({ id: str }),
    want: [brk('property-rejected', '/note', 'backward')],
  },
  {
    name: 'optional property removed from a closed object is safe forward',
    mode: 'forward',
    old: closed({ id: str, note: str }),
    new: closed({ id: str }),
    want: [safe('property-removed', '/note', 'forward')],
  },
  {
    name: 'required property removed breaks forward',
    mode: 'forward',
    old: obj({ id: str, total: num }, ['id']),
    new: obj({ total: num }),
    want: [brk('required-missing', '/id', 'forward')],
  },
  {
    name: 'required property removed is safe backward',
    mode: 'backward',
    old: obj({ id: str, total: num }, ['id']),
    new: obj({ total: num }),
    want: [safe('property-removed', '/id', 'backward'), safe('required-removed', '/id', 'backward')],
  },
  {
    name: 'required made optional breaks forward in full mode',
    mode: 'full',
    old: obj({ id: str, note: str }, ['id', 'note']),
    new: obj({ id: str, note: str }, ['id']),
    want: [brk('required-missing', '/note', 'forward', { schemaPointer: '/required' })],
  },
  {
    name: 'optional made required is safe forward',
    mode: 'forward',
    old: obj({ id: str, note: str }, ['id']),
    new: obj({ id: str, note: str }, ['id', 'note']),
    want: [safe('required-added', '/note', 'forward')],
  },
  // type and nullability
  {
    name: 'type changed string to integer breaks both directions',
    mode: 'full',
    old: obj({ qty: str }),
    new: obj({ qty: int }),
    want: [brk('type-mismatch', '/qty', 'backward'), brk('type-mismatch', '/qty', 'forward')],
  },
  {
    name: 'integer widened to number is safe backward',
    mode: 'backward',
    old: obj({ qty: int }),
    new: obj({ qty: num }),
    want: [safe('type-changed', '/qty', 'backward')],
  },
  {
    name: 'integer widened to number breaks forward',
    mode: 'forward',
    old: obj({ qty: int }),
    new: obj({ qty: num }),
    want: [brk('type-mismatch', '/qty', 'forward')],
  },
  {
    name: 'number narrowed to integer breaks backward',
    mode: 'backward',
    old: obj({ qty: num }),
    new: obj({ qty: int }),
    want: [brk('type-mismatch', '/qty', 'backward')],
  },
  {
    name: 'nullable added is safe backward',
    mode: 'backward',
    old: obj({ note: str }),
    new: obj({ note: { type: ['string', 'null'] } }),
    want: [safe('nullable-added', '/note', 'backward')],
  },
  {
    name: 'nullable added breaks forward',
    mode: 'forward',
    old: obj({ note: str }),
    new: obj({ note: { type: ['string', 'null'] } }),
    want: [brk('null-rejected', '/note', 'forward')],
  },
  {
    name: 'nullable removed breaks backward',
    mode: 'backward',
    old: obj({ note: { type: ['string', 'null'] } }),
    new: obj({ note: str }),
    want: [brk('null-rejected', '/note', 'backward')],
  },
  {
    name: 'nullable removed is safe forward',
    mode: 'forward',
    old: obj({ note: { type: ['string', 'null'] } }),
    new: obj({ note: str }),
    want: [safe('nullable-removed', '/note', 'forward')],
  },
  // enum and const
  {
    name: 'enum value added is safe backward',
    mode: 'backward',
    old: obj({ status: { type: 'string', enum: ['new', 'paid'] } }),
    new: obj({ status: { type: 'string', enum: ['new', 'paid', 'void'] } }),
    want: [safe('enum-value-added', '/status', 'backward', { schemaPointer: '/properties/status/enum' })],
  },
  {
    name: 'enum value added breaks forward',
    mode: 'forward',
    old: obj({ status: { type: 'string', enum: ['new', 'paid'] } }),
    new: obj({ status: { type: 'string', enum: ['new', 'paid', 'void'] } }),
    want: [brk('enum-mismatch', '/status', 'forward')],
  },
  {
    name: 'enum value removed breaks backward',
    mode: 'backward',
    old: obj({ status: { type: 'string', enum: ['new', 'paid', 'void'] } }),
    new: obj({ status: { type: 'string', enum: ['new', 'paid'] } }),
    want: [brk('enum-mismatch', '/status', 'backward')],
  },
  {
    name: 'enum value removed is safe forward',
    mode: 'forward',
    old: obj({ status: { type: 'string', enum: ['new', 'paid', 'void'] } }),
    new: obj({ status: { type: 'string', enum: ['new', 'paid'] } }),
    want: [safe('enum-value-removed', '/status', 'forward')],
  },
  {
    name: 'enum introduced on a free string breaks backward',
    mode: 'backward',
    old: obj({ status: str }),
    new: obj({ status: { type: 'string', enum: ['new'] } }),
    want: [brk('enum-mismatch', '/status', 'backward')],
  },
  {
    name: 'enum introduced on a free string is safe forward',
    mode: 'forward',
    old: obj({ status: str }),
    new: obj({ status: { type: 'string', enum: ['new'] } }),
    want: [safe('enum-value-removed', '/status', 'forward')],
  },
  {
    name: 'enum dropped breaks forward',
    mode: 'forward',
    old: obj({ status: { type: 'string', enum: ['new'] } }),
    new: obj({ status: str }),
    want: [brk('enum-mismatch', '/status', 'forward')],
  },
  {
    name: 'enum dropped is safe backward',
    mode: 'backward',
    old: obj({ status: { type: 'string', enum: ['new'] } }),
    new: obj({ status: str }),
    want: [safe('enum-value-added', '/status', 'backward')],
  },
  {
    name: 'const changed breaks both directions',
    mode: 'full',
    old: obj({ v: { const: 1 } }),
    new: obj({ v: { const: 2 } }),
    want: [brk('const-mismatch', '/v', 'backward'), brk('const-mismatch', '/v', 'forward')],
  },
  {
    name: 'const removed is safe backward',
    mode: 'backward',
    old: obj({ v: { type: 'integer', const: 1 } }),
    new: obj({ v: int }),
    want: [safe('const-changed', '/v', 'backward')],
  },
  {
    name: 'const removed breaks forward',
    mode: 'forward',
    old: obj({ v: { type: 'integer', const: 1 } }),
    new: obj({ v: int }),
    want: [brk('const-mismatch', '/v', 'forward')],
  },
  // format, string length, pattern
  {
    name: 'format added breaks backward',
    mode: 'backward',
    old: obj({ id: str }),
    new: obj({ id: { type: 'string', format: 'uuid' } }),
    want: [brk('format-mismatch', '/id', 'backward')],
  },
  {
    name: 'format added is safe forward',
    mode: 'forward',
    old: obj({ id: str }),
    new: obj({ id: { type: 'string', format: 'uuid' } }),
    want: [safe('format-changed', '/id', 'forward')],
  },
  {
    name: 'format changed breaks both directions',
    mode: 'full',
    old: obj({ at: { type: 'string', format: 'date' } }),
    new: obj({ at: { type: 'string', format: 'date-time' } }),
    want: [brk('format-mismatch', '/at', 'backward'), brk('format-mismatch', '/at', 'forward')],
  },
  {
    name: 'minLength raised breaks backward',
    mode: 'backward',
    old: obj({ name: { type: 'string', minLength: 1 } }),
    new: obj({ name: { type: 'string', minLength: 2 } }),
    want: [brk('string-length-narrowed', '/name', 'backward')],
  },
  {
    name: 'minLength raised is safe forward',
    mode: 'forward',
    old: obj({ name: { type: 'string', minLength: 1 } }),
    new: obj({ name: { type: 'string', minLength: 2 } }),
    want: [safe('string-length-changed', '/name', 'forward')],
  },
  {
    name: 'maxLength raised is safe backward',
    mode: 'backward',
    old: obj({ name: { type: 'string', maxLength: 10 } }),
    new: obj({ name: { type: 'string', maxLength: 20 } }),
    want: [safe('string-length-changed', '/name', 'backward')],
  },
  {
    name: 'maxLength raised breaks forward',
    mode: 'forward',
    old: obj({ name: { type: 'string', maxLength: 10 } }),
    new: obj({ name: { type: 'string', maxLength: 20 } }),
    want: [brk('string-length-narrowed', '/name', 'forward')],
  },
  {
    name: 'pattern added breaks backward',
    mode: 'backward',
    old: obj({ sku: str }),
    new: obj({ sku: { type: 'string', pattern: '^[A-Z]+$' } }),
    want: [brk('pattern-mismatch', '/sku', 'backward')],
  },
  {
    name: 'pattern added is safe forward',
    mode: 'forward',
    old: obj({ sku: str }),
    new: obj({ sku: { type: 'string', pattern: '^[A-Z]+$' } }),
    want: [safe('pattern-changed', '/sku', 'forward')],
  },
  {
    name: 'pattern changed breaks forward (cannot prove)',
    mode: 'forward',
    old: obj({ sku: { type: 'string', pattern: '^[A-Z]+$' } }),
    new: obj({ sku: { type: 'string', pattern: '^[A-Z0-9]+$' } }),
    want: [brk('pattern-mismatch', '/sku', 'forward')],
  },
  // numbers
  {
    name: 'minimum raised breaks backward',
    mode: 'backward',
    old: obj({ qty: { type: 'integer', minimum: 0 } }),
    new: obj({ qty: { type: 'integer', minimum: 1 } }),
    want: [brk('number-range-narrowed', '/qty', 'backward', { schemaPointer: '/properties/qty/minimum' })],
  },
  {
    name: 'minimum raised is safe forward',
    mode: 'forward',
    old: obj({ qty: { type: 'integer', minimum: 0 } }),
    new: obj({ qty: { type: 'integer', minimum: 1 } }),
    want: [safe('number-range-changed', '/qty', 'forward')],
  },
  {
    name: 'maximum lowered breaks backward',
    mode: 'backward',
    old: obj({ pct: { type: 'number', maximum: 100 } }),
    new: obj({ pct: { type: 'number', maximum: 50 } }),
    want: [brk('number-range-narrowed', '/pct', 'backward')],
  },
  {
    name: 'maximum lowered is safe forward',
    mode: 'forward',
    old: obj({ pct: { type: 'number', maximum: 100 } }),
    new: obj({ pct: { type: 'number', maximum: 50 } }),
    want: [safe('number-range-changed', '/pct', 'forward')],
  },
  {
    name: 'maximum made exclusive breaks backward',
    mode: 'backward',
    old: obj({ pct: { type: 'number', maximum: 100 } }),
    new: obj({ pct: { type: 'number', exclusiveMaximum: 100 } }),
    want: [
      brk('number-range-narrowed', '/pct', 'backward', { schemaPointer: '/properties/pct/exclusiveMaximum' }),
    ],
  },
  {
    name: 'multipleOf coarsened breaks backward',
    mode: 'backward',
    old: obj({ price: { type: 'number', multipleOf: 0.01 } }),
    new: obj({ price: { type: 'number', multipleOf: 0.05 } }),
    want: [brk('multiple-of-mismatch', '/price', 'backward')],
  },
  {
    name: 'multipleOf coarsened is safe forward',
    mode: 'forward',
    old: obj({ price: { type: 'number', multipleOf: 0.01 } }),
    new: obj({ price: { type: 'number', multipleOf: 0.05 } }),
    want: [safe('multiple-of-changed', '/price', 'forward')],
  },
  // arrays
  {
    name: 'array item type changed breaks both directions',
    mode: 'full',
    old: obj({ tags: arr(str) }),
    new: obj({ tags: arr(int) }),
    want: [brk('type-mismatch', '/tags/*', 'backward'), brk('type-mismatch', '/tags/*', 'forward')],
  },
  {
    name: 'minItems added breaks backward',
    mode: 'backward',
    old: obj({ tags: arr(str) }),
    new: obj({ tags: arr(str, { minItems: 1 }) }),
    want: [brk('array-length-narrowed', '/tags', 'backward')],
  },
  {
    name: 'minItems added is safe forward',
    mode: 'forward',
    old: obj({ tags: arr(str) }),
    new: obj({ tags: arr(str, { minItems: 1 }) }),
    want: [safe('array-length-changed', '/tags', 'forward')],
  },
  {
    name: 'maxItems raised breaks forward',
    mode: 'forward',
    old: obj({ tags: arr(str, { maxItems: 5 }) }),
    new: obj({ tags: arr(str, { maxItems: 10 }) }),
    want: [brk('array-length-narrowed', '/tags', 'forward')],
  },
  {
    name: 'maxItems raised is safe backward',
    mode: 'backward',
    old: obj({ tags: arr(str, { maxItems: 5 }) }),
    new: obj({ tags: arr(str, { maxItems: 10 }) }),
    want: [safe('array-length-changed', '/tags', 'backward')],
  },
  {
    name: 'uniqueItems added breaks backward',
    mode: 'backward',
    old: obj({ tags: arr(str) }),
    new: obj({ tags: arr(str, { uniqueItems: true }) }),
    want: [brk('unique-items-added', '/tags', 'backward')],
  },
  {
    name: 'uniqueItems added is safe forward',
    mode: 'forward',
    old: obj({ tags: arr(str) }),
    new: obj({ tags: arr(str, { uniqueItems: true }) }),
    want: [safe('unique-items-changed', '/tags', 'forward')],
  },
  {
    name: 'required field added to array items breaks backward',
    mode: 'backward',
    old: obj({ lines: arr(obj({ sku: str, qty: int })) }),
    new: obj({ lines: arr(obj({ sku: str, qty: int }, ['sku'])) }),
    want: [
      brk('required-missing', '/lines/*/sku', 'backward', {
        schemaPointer: '/properties/lines/items/required',
      }),
    ],
  },
  {
    name: 'type changed deep inside an array of objects',
    mode: 'full',
    old: obj({ items: arr(line(money)) }),
    new: obj({ items: arr(line(obj({ amount: str, currency: str }, ['amount', 'currency']))) }),
    want: [
      brk('type-mismatch', '/items/*/unitPrice/amount', 'backward'),
      brk('type-mismatch', '/items/*/unitPrice/amount', 'forward'),
    ],
  },
  // additionalProperties
  {
    name: 'closing an open object is safe when writers send declared properties',
    mode: 'full',
    old: obj({ id: str }),
    new: closed({ id: str }),
    want: [safe('additional-properties-changed', '/*', 'both')],
  },
  {
    name: 'strictOpenContent: closing an open object breaks backward',
    mode: 'backward',
    strict: true,
    old: obj({ id: str }),
    new: closed({ id: str }),
    want: [brk('additional-properties-narrowed', '/*', 'backward')],
  },
  {
    name: 'map value type changed breaks both directions',
    mode: 'full',
    old: obj({ meta: { type: 'object', additionalProperties: str } }),
    new: obj({ meta: { type: 'object', additionalProperties: int } }),
    want: [brk('type-mismatch', '/meta/*', 'backward'), brk('type-mismatch', '/meta/*', 'forward')],
  },
  {
    name: 'map closed breaks backward',
    mode: 'backward',
    old: obj({ meta: { type: 'object', additionalProperties: str } }),
    new: obj({ meta: { type: 'object', additionalProperties: false } }),
    want: [brk('additional-properties-narrowed', '/meta/*', 'backward')],
  },
  {
    name: 'map closed is safe forward',
    mode: 'forward',
    old: obj({ meta: { type: 'object', additionalProperties: str } }),
    new: obj({ meta: { type: 'object', additionalProperties: false } }),
    want: [safe('additional-properties-changed', '/meta/*', 'forward')],
  },
  // oneOf / anyOf / allOf
  {
    name: 'oneOf member added is safe backward',
    mode: 'backward',
    old: obj({ payment: { oneOf: [card] } }),
    new: obj({ payment: { oneOf: [card, bank] } }),
    want: [
      safe('composition-member-added', '/payment', 'backward', {
        schemaPointer: '/properties/payment/oneOf/1',
      }),
    ],
  },
  {
    name: 'oneOf member added breaks forward',
    mode: 'forward',
    old: obj({ payment: { oneOf: [card] } }),
    new: obj({ payment: { oneOf: [card, bank] } }),
    want: [brk('composition-mismatch', '/payment', 'forward')],
  },
  {
    name: 'oneOf member removed breaks backward',
    mode: 'backward',
    old: obj({ payment: { oneOf: [card, bank] } }),
    new: obj({ payment: { oneOf: [card] } }),
    want: [brk('composition-mismatch', '/payment', 'backward')],
  },
  {
    name: 'oneOf member removed is safe forward',
    mode: 'forward',
    old: obj({ payment: { oneOf: [card, bank] } }),
    new: obj({ payment: { oneOf: [card] } }),
    want: [safe('composition-member-removed', '/payment', 'forward')],
  },
  {
    name: 'oneOf member gains a required field: breaks backward, covers the nested change',
    mode: 'backward',
    old: obj({ payment: { oneOf: [card, bank] } }),
    new: obj({ payment: { oneOf: [card, bankWithBic] } }),
    want: [brk('composition-mismatch', '/payment', 'backward')],
  },
  {
    name: 'oneOf member gains a required field: safe forward',
    mode: 'forward',
    old: obj({ payment: { oneOf: [card, bank] } }),
    new: obj({ payment: { oneOf: [card, bankWithBic] } }),
    want: [
      safe('property-added', '/payment/bic', 'forward'),
      safe('required-added', '/payment/bic', 'forward'),
    ],
  },
  {
    name: 'anyOf member added breaks forward',
    mode: 'forward',
    old: obj({ contact: { anyOf: [obj({ email: str }, ['email'])] } }),
    new: obj({ contact: { anyOf: [obj({ email: str }, ['email']), obj({ phone: str }, ['phone'])] } }),
    want: [
      brk('composition-mismatch', '/contact', 'forward', { schemaPointer: '/properties/contact/anyOf' }),
    ],
  },
  {
    name: 'oneOf introduced on a plain string breaks backward',
    mode: 'backward',
    old: str,
    new: { type: 'string', oneOf: [{ format: 'email' }, { format: 'uri' }] },
    want: [brk('composition-mismatch', '', 'backward')],
  },
  {
    name: 'oneOf introduced on a plain string is safe forward',
    mode: 'forward',
    old: str,
    new: { type: 'string', oneOf: [{ format: 'email' }, { format: 'uri' }] },
    want: [safe('keyword-changed', '', 'forward', { schemaPointer: '/oneOf' })],
  },
  {
    name: 'required added inside an allOf member breaks backward',
    mode: 'backward',
    old: { allOf: [obj({ id: str }, ['id']), obj({ x: str })] },
    new: { allOf: [obj({ id: str }, ['id']), obj({ x: str }, ['x'])] },
    want: [brk('required-missing', '/x', 'backward', { schemaPointer: '/allOf/1/required' })],
  },
  {
    name: 'splitting an object into allOf members is no change',
    mode: 'full',
    old: obj({ id: str, total: num }, ['id']),
    new: { allOf: [obj({ id: str }, ['id']), obj({ total: num })] },
    want: [],
  },
  // $ref
  {
    name: '$ref target changed to a compatible schema is safe',
    mode: 'full',
    old: obj({ price: ref('#/components/schemas/Money', money) }),
    new: obj({ price: ref('#/components/schemas/Price', money) }),
    want: [safe('ref-changed', '/price', 'both')],
  },
  {
    name: '$ref target changed to an incompatible schema breaks',
    mode: 'backward',
    old: obj({ price: ref('#/components/schemas/Money', money) }),
    new: obj({ price: ref('#/components/schemas/MoneyCents', moneyCents) }),
    want: [brk('ref-changed', '/price', 'backward'), brk('type-mismatch', '/price/amount', 'backward')],
  },
  // nested objects
  {
    name: 'type changed in a nested object',
    mode: 'full',
    old: obj({ customer: obj({ address: obj({ zip: str }) }) }),
    new: obj({ customer: obj({ address: obj({ zip: int }) }) }),
    want: [
      brk('type-mismatch', '/customer/address/zip', 'backward', {
        schemaPointer: '/properties/customer/properties/address/properties/zip/type',
      }),
      brk('type-mismatch', '/customer/address/zip', 'forward'),
    ],
  },
  {
    name: 'property added to a nested closed object breaks forward',
    mode: 'forward',
    old: obj({ customer: closed({ name: str }) }),
    new: obj({ customer: closed({ name: str, vip: bool }) }),
    want: [brk('property-rejected', '/customer/vip', 'forward')],
  },
  // not
  {
    name: "not const 'x' added breaks backward: old writers may send 'x'",
    mode: 'backward',
    old: obj({ code: str }),
    new: obj({ code: { type: 'string', not: { const: 'x' } } }),
    want: [brk('not-mismatch', '/code', 'backward')],
  },
  {
    name: 'not added is safe forward',
    mode: 'forward',
    old: obj({ code: str }),
    new: obj({ code: { type: 'string', not: { const: 'x' } } }),
    want: [safe('keyword-changed', '/code', 'forward')],
  },
  {
    name: 'annotations never break',
    mode: 'full',
    old: obj({ id: { ...str, description: 'old', title: 'Id', examples: ['a'] } }),
    new: obj({ id: { ...str, description: 'new' } }, [], { 'x-parser-schema-id': 'Order' }),
    want: [],
  },
  // transitive
  {
    name: 'backward-transitive finds a break against an older revision',
    mode: 'backward-transitive',
    history: [obj({ a: str }), obj({})],
    new: obj({ a: int }),
    want: [
      brk('type-mismatch', '/a', 'backward', { revision: 0 }),
      safe('property-added', '/a', 'backward', { revision: 1 }),
    ],
  },
  {
    name: 'the same change is safe against the latest revision alone',
    mode: 'backward',
    old: obj({}),
    new: obj({ a: int }),
    want: [safe('property-added', '/a', 'backward')],
  },
  {
    name: 'full-transitive passes an optional field added after two revisions',
    mode: 'full-transitive',
    history: [obj({ id: str }), obj({ id: str, total: num })],
    new: obj({ id: str, total: num, note: str }),
    want: [safe('property-added', '/note', 'both', { revision: 1 })],
  },
];

const cases = [...readableCases, ...versionCases];

function run(c: Case): Array<Finding | VersionFinding> {
  if (c.mode === 'readable')
    return checkReadable(c.writer, c.reader, { strictOpenContent: c.strict ?? false });
  const result =
    'history' in c
      ? compareTransitive(c.history, c.new, c.mode)
      : compareVersions(c.old, c.new, c.mode, { strictOpenContent: c.strict ?? false });
  return [...result.breaking, ...result.warnings, ...result.safe];
}

function project(f: Finding | VersionFinding | Want) {
  return {
    rule: f.rule,
    pointer: f.pointer,
    severity: f.severity,
    ...('direction' in f && f.direction ? { direction: f.direction } : {}),
    ...('revision' in f && f.revision !== undefined ? { revision: f.revision } : {}),
  };
}

const byKey = (a: object, b: object) => JSON.stringify(a).localeCompare(JSON.stringify(b));

describe('compat rules', () => {
  it('has at least 70 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(70);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const got = run(c);
    expect(got.map(project).sort(byKey)).toEqual(c.want.map(project).sort(byKey));
    for (const w of c.want) {
      if (w.schemaPointer === undefined) continue;
      const match = got.find((f) => f.rule === w.rule && f.pointer === w.pointer);
      expect(match?.schemaPointer, `${w.rule} ${w.pointer}`).toBe(w.schemaPointer);
    }
    for (const f of got) {
      expect(f.message).toMatch(f.pointer === '' ? /^The payload: / : /^Field '[^']+': /);
    }
  });

  it('exercises every rule id with a case that expects it (here or in a keyword table)', () => {
    const keywordCases = Object.values(KEYWORD_TABLES).flat();
    const expected = new Set([...cases, ...keywordCases].flatMap((c) => c.want.map((w) => w.rule)));
    const missing = RULES.map((r) => r.id).filter((id) => !expected.has(id));
    expect(missing).toEqual([]);
  });

  it('has unique, kebab-case rule ids with descriptions', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(r.description.length).toBeGreaterThan(10);
    }
  });

  it('names the field and both sides in messages', () => {
    const [finding] = checkReadable(
      obj({ items: arr(obj({ qty: str })) }),
      obj({ items: arr(obj({ qty: int })) }),
      {
        writerLabel: 'producer orders',
        readerLabel: 'consumer billing',
      },
    );
    expect(finding?.message).toBe(
      "Field 'items.*.qty': producer orders allows string, which consumer billing does not accept (it accepts integer).",
    );
    expect(finding?.writer).toEqual(['string']);
    expect(finding?.reader).toEqual(['integer']);
  });
});

describe('describeChanges', () => {
  it("treats type 'x' and ['x'] as the same", () => {
    expect(describeChanges({ type: 'string' }, { type: ['string'] })).toEqual([]);
  });

  it('pairs oneOf members by $ref when they move', () => {
    const a = ref('#/A', card);
    const b = ref('#/B', bank);
    const changes = describeChanges(
      { oneOf: [a, b] },
      { oneOf: [b, ref('#/A', { ...card, description: 'x' })] },
    );
    expect(changes).toEqual([]);
  });
});

describe('normalizeSchema', () => {
  it('sorts keys and required, drops x-parser-* and annotations, keeps type as written', () => {
    const input = {
      type: 'object',
      title: 'Order',
      'x-parser-schema-id': 'Order',
      required: ['b', 'a'],
      properties: {
        b: { type: 'string', description: 'B', examples: ['x'] },
        a: { type: ['integer'], 'x-kada-ref': '#/components/schemas/Qty' },
        description: { type: 'string' },
      },
      enum: [{ z: 1, a: 2 }],
    };
    expect(JSON.stringify(normalizeSchema(input))).toBe(
      JSON.stringify({
        enum: [{ a: 2, z: 1 }],
        properties: {
          a: { type: ['integer'], 'x-kada-ref': '#/components/schemas/Qty' },
          b: { type: 'string' },
          description: { type: 'string' },
        },
        required: ['a', 'b'],
        type: 'object',
      }),
    );
  });

  it('is deterministic regardless of key order', () => {
    const one = normalizeSchema({ properties: { x: str, y: int }, type: 'object' });
    const two = normalizeSchema({ type: 'object', properties: { y: int, x: str } });
    expect(JSON.stringify(one)).toBe(JSON.stringify(two));
  });

  it('replaces a circular reference with a pointer to its ancestor', () => {
    expect(normalizeSchema(treeNode)).toEqual({
      properties: {
        children: { items: { 'x-kada-cycle': '' }, type: 'array' },
        name: { type: 'string' },
      },
      type: 'object',
    });
  });
});
