/**
 * One given/want table per keyword family (the rows of the engine's COMPARATORS table), each
 * case an old/new pair under backward, forward or full (or a writer/reader pair), wanting the
 * exact breaking findings (and, in lenient runs, warnings). Shared by keywords.test.ts and the
 * rule-coverage test in rules.test.ts.
 */
import type { Mode, RuleId } from '../../src/compat/index.ts';

export interface KeywordWant {
  rule: RuleId;
  pointer: string;
  /** Version modes: which check found it. */
  direction?: 'backward' | 'forward';
  /** Default 'breaking'. */
  severity?: 'breaking' | 'warning';
}

export type KeywordCase =
  | {
      name: string;
      mode: 'readable';
      writer: unknown;
      reader: unknown;
      strict?: boolean;
      want: KeywordWant[];
    }
  | {
      name: string;
      mode: Mode;
      old: unknown;
      new: unknown;
      strict?: boolean;
      lenient?: boolean;
      /** Compare as the lock does: readers ignore unknown properties. */
      tolerant?: boolean;
      want: KeywordWant[];
    };

const b = (rule: RuleId, pointer: string, direction?: 'backward' | 'forward'): KeywordWant => ({
  rule,
  pointer,
  ...(direction ? { direction } : {}),
});
const both = (rule: RuleId, pointer: string): KeywordWant[] => [
  b(rule, pointer, 'backward'),
  b(rule, pointer, 'forward'),
];

const str = { type: 'string' };
const int = { type: 'integer' };
const num = { type: 'number' };
const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  ...extra,
});
/** Closed objects: the writer sends no undeclared keys (the reader lifts `false` when tolerant). */
const closedX = { additionalProperties: false };
/** `if`/`then` built without an object literal `then` key (which would look like a thenable). */
const cond = (ifSchema: unknown, thenSchema: unknown): Record<string, unknown> =>
  Object.fromEntries([
    ['if', ifSchema],
    ['then', thenSchema],
  ]);
const arr = (extra: Record<string, unknown>) => ({ type: 'array', ...extra });

export const KEYWORD_TABLES: Record<string, KeywordCase[]> = {
  types: [
    { name: 'integer widened to number: backward safe', mode: 'backward', old: int, new: num, want: [] },
    {
      name: 'integer widened to number: forward breaks',
      mode: 'forward',
      old: int,
      new: num,
      want: [b('type-mismatch', '', 'forward')],
    },
    { name: "'x' and ['x'] are the same type", mode: 'full', old: str, new: { type: ['string'] }, want: [] },
    {
      name: 'nullable added: full breaks forward only',
      mode: 'full',
      old: str,
      new: { type: ['string', 'null'] },
      want: [b('null-rejected', '', 'forward')],
    },
    {
      name: 'string to integer breaks both ways',
      mode: 'full',
      old: str,
      new: int,
      want: both('type-mismatch', ''),
    },
  ],
  'enums and const': [
    {
      name: 'enum value added: backward safe',
      mode: 'backward',
      old: { enum: ['a'] },
      new: { enum: ['a', 'b'] },
      want: [],
    },
    {
      name: 'enum value added: forward breaks',
      mode: 'forward',
      old: { enum: ['a'] },
      new: { enum: ['a', 'b'] },
      want: [b('enum-mismatch', '', 'forward')],
    },
    {
      name: 'enum introduced on a string: backward breaks',
      mode: 'backward',
      old: str,
      new: { type: 'string', enum: ['a'] },
      want: [b('enum-mismatch', '', 'backward')],
    },
    {
      name: 'const to a one-value enum is the same',
      mode: 'full',
      old: { const: 'x' },
      new: { enum: ['x'] },
      want: [],
    },
    {
      name: 'const changed breaks both ways',
      mode: 'full',
      old: { const: 'x' },
      new: { const: 'y' },
      want: both('const-mismatch', ''),
    },
  ],
  'formats and patterns': [
    {
      name: 'format added: backward breaks',
      mode: 'backward',
      old: str,
      new: { type: 'string', format: 'uuid' },
      want: [b('format-mismatch', '', 'backward')],
    },
    {
      name: 'format removed: backward safe',
      mode: 'backward',
      old: { type: 'string', format: 'uuid' },
      new: str,
      want: [],
    },
    {
      name: 'pattern changed: full breaks both ways (regexes are not compared)',
      mode: 'full',
      old: { type: 'string', pattern: '^a' },
      new: { type: 'string', pattern: '^b' },
      want: both('pattern-mismatch', ''),
    },
    {
      name: 'pattern added over an enum whose values all match: safe',
      mode: 'backward',
      old: { enum: ['EUR', 'USD'] },
      new: { enum: ['EUR', 'USD'], pattern: '^[A-Z]{3}$' },
      want: [],
    },
  ],
  bounds: [
    {
      name: 'maxLength lowered: backward breaks',
      mode: 'backward',
      old: { type: 'string', maxLength: 10 },
      new: { type: 'string', maxLength: 5 },
      want: [b('string-length-narrowed', '', 'backward')],
    },
    {
      name: 'minLength lowered: backward safe',
      mode: 'backward',
      old: { type: 'string', minLength: 3 },
      new: { type: 'string', minLength: 1 },
      want: [],
    },
    {
      name: 'minimum raised: backward breaks',
      mode: 'backward',
      old: { type: 'number', minimum: 0 },
      new: { type: 'number', minimum: 1 },
      want: [b('number-range-narrowed', '', 'backward')],
    },
    {
      name: 'integer exclusiveMinimum 0 equals minimum 1',
      mode: 'full',
      old: { type: 'integer', exclusiveMinimum: 0 },
      new: { type: 'integer', minimum: 1 },
      want: [],
    },
    {
      name: 'multipleOf 2 to 4: backward breaks',
      mode: 'backward',
      old: { type: 'integer', multipleOf: 2 },
      new: { type: 'integer', multipleOf: 4 },
      want: [b('multiple-of-mismatch', '', 'backward')],
    },
    {
      name: 'maxItems lowered: backward breaks',
      mode: 'backward',
      old: arr({ items: str, maxItems: 5 }),
      new: arr({ items: str, maxItems: 2 }),
      want: [b('array-length-narrowed', '', 'backward')],
    },
    {
      name: 'minProperties added: backward breaks',
      mode: 'backward',
      old: obj({ a: str, b: str }),
      new: obj({ a: str, b: str }, { minProperties: 1 }),
      want: [b('property-count-narrowed', '', 'backward')],
    },
    {
      name: 'minProperties covered by required: safe',
      mode: 'full',
      old: obj({ a: str }, { required: ['a'] }),
      new: obj({ a: str }, { required: ['a'], minProperties: 1 }),
      want: [],
    },
    {
      name: 'maxProperties above what the writer declares: safe both ways',
      mode: 'full',
      old: obj({ a: str, b: str }),
      new: obj({ a: str, b: str }, { maxProperties: 2 }),
      want: [],
    },
    {
      name: 'maxProperties below the declared properties: backward breaks',
      mode: 'backward',
      old: obj({ a: str, b: str }),
      new: obj({ a: str, b: str }, { maxProperties: 1 }),
      want: [b('property-count-narrowed', '', 'backward')],
    },
    {
      name: 'maxProperties on a map: backward breaks',
      mode: 'backward',
      old: { type: 'object', additionalProperties: str },
      new: { type: 'object', additionalProperties: str, maxProperties: 10 },
      want: [b('property-count-narrowed', '', 'backward')],
    },
    {
      name: 'maxProperties removed: backward safe, forward breaks',
      mode: 'full',
      old: { type: 'object', additionalProperties: str, maxProperties: 10 },
      new: { type: 'object', additionalProperties: str },
      want: [b('property-count-narrowed', '', 'forward')],
    },
  ],
  arrays: [
    {
      name: 'tuple gains a closed end: backward breaks',
      mode: 'backward',
      old: arr({ prefixItems: [str], items: num }),
      new: arr({ prefixItems: [str], items: false }),
      want: [b('additional-items-narrowed', '/*', 'backward')],
    },
    {
      name: 'tuple opens its end: backward safe',
      mode: 'backward',
      old: arr({ prefixItems: [str], items: false }),
      new: arr({ prefixItems: [str] }),
      want: [],
    },
    {
      name: 'tuple position type changed: full breaks both ways',
      mode: 'full',
      old: arr({ prefixItems: [str, int] }),
      new: arr({ prefixItems: [str, str] }),
      want: both('type-mismatch', '/1'),
    },
    {
      name: 'draft-2019 items array + additionalItems equals 2020-12 prefixItems + items',
      mode: 'full',
      old: arr({ items: [str], additionalItems: false }),
      new: arr({ prefixItems: [str], items: false }),
      want: [],
    },
    {
      name: 'additionalItems narrowed to integers: backward breaks',
      mode: 'backward',
      old: arr({ items: [str], additionalItems: num }),
      new: arr({ items: [str], additionalItems: int }),
      want: [b('type-mismatch', '/*', 'backward')],
    },
    {
      name: 'a closed 1-tuple gains a second position: forward breaks',
      mode: 'forward',
      old: arr({ prefixItems: [str], items: false }),
      new: arr({ prefixItems: [str, int], items: false }),
      want: [b('additional-items-narrowed', '/1', 'forward')],
    },
    {
      name: 'uniqueItems added: backward breaks',
      mode: 'backward',
      old: arr({ items: str }),
      new: arr({ items: str, uniqueItems: true }),
      want: [b('unique-items-added', '', 'backward')],
    },
    {
      name: 'contains added over items that all match: needs minItems',
      mode: 'backward',
      old: arr({ items: str }),
      new: arr({ items: str, contains: str }),
      want: [b('contains-narrowed', '', 'backward')],
    },
    {
      name: 'contains added over non-empty matching items: safe',
      mode: 'backward',
      old: arr({ items: str, minItems: 1 }),
      new: arr({ items: str, minItems: 1, contains: str }),
      want: [],
    },
    {
      name: 'minContains raised on the same contains: backward breaks',
      mode: 'backward',
      old: arr({ contains: int, minContains: 1 }),
      new: arr({ contains: int, minContains: 2 }),
      want: [b('contains-narrowed', '', 'backward')],
    },
    {
      name: 'maxContains added on the same contains: backward breaks, forward safe',
      mode: 'full',
      old: arr({ contains: int }),
      new: arr({ contains: int, maxContains: 3 }),
      want: [b('contains-narrowed', '', 'backward')],
    },
    {
      name: 'minContains 0 without maxContains constrains nothing',
      mode: 'backward',
      old: arr({ items: {} }),
      new: arr({ items: {}, contains: int, minContains: 0 }),
      want: [],
    },
    {
      name: 'contains over mixed items cannot be counted: unprovable',
      mode: 'backward',
      old: arr({ items: { type: ['string', 'integer'] }, minItems: 1 }),
      new: arr({ items: { type: ['string', 'integer'] }, contains: int }),
      want: [b('unprovable', '', 'backward')],
    },
    {
      name: 'the same, lenient: a warning',
      mode: 'backward',
      lenient: true,
      old: arr({ items: { type: ['string', 'integer'] }, minItems: 1 }),
      new: arr({ items: { type: ['string', 'integer'] }, contains: int }),
      want: [{ rule: 'unprovable', pointer: '', direction: 'backward', severity: 'warning' }],
    },
  ],
  objects: [
    {
      name: 'additionalProperties true to a schema: backward breaks',
      mode: 'backward',
      old: obj({ id: str }, { additionalProperties: true }),
      new: obj({ id: str }, { additionalProperties: num }),
      want: [b('additional-properties-narrowed', '/*', 'backward')],
    },
    {
      name: 'additionalProperties absent to a schema: backward breaks',
      mode: 'backward',
      old: obj({ id: str }),
      new: obj({ id: str }, { additionalProperties: num }),
      want: [b('additional-properties-narrowed', '/*', 'backward')],
    },
    {
      name: 'additionalProperties {} to a schema: backward breaks',
      mode: 'backward',
      old: obj({ id: str }, { additionalProperties: {} }),
      new: obj({ id: str }, { additionalProperties: num }),
      want: [b('additional-properties-narrowed', '/*', 'backward')],
    },
    {
      name: 'true, absent and {} are alike',
      mode: 'full',
      old: obj({ id: str }, { additionalProperties: true }),
      new: obj({ id: str }, { additionalProperties: {} }),
      want: [],
    },
    {
      name: 'tolerant default: optional property added to an open object is safe both ways',
      mode: 'full',
      old: obj({ id: str }),
      new: obj({ id: str, note: str }),
      want: [],
    },
    {
      name: 'open content strict: the same addition breaks backward',
      mode: 'backward',
      strict: true,
      old: obj({ id: str }),
      new: obj({ id: str, note: str }),
      want: [b('type-mismatch', '/note', 'backward')],
    },
    {
      name: 'open content strict: adding an unconstrained property stays safe',
      mode: 'backward',
      strict: true,
      old: obj({ id: str }),
      new: obj({ id: str, note: {} }),
      want: [],
    },
    {
      name: 'open content strict: closing an open object breaks backward',
      mode: 'backward',
      strict: true,
      old: obj({ id: str }),
      new: obj({ id: str }, { additionalProperties: false }),
      want: [b('additional-properties-narrowed', '/*', 'backward')],
    },
    {
      name: 'required added: backward breaks; removed: forward breaks',
      mode: 'full',
      old: obj({ a: str }),
      new: obj({ a: str }, { required: ['a'] }),
      want: [b('required-missing', '/a', 'backward')],
    },
    {
      name: 'patternProperties covers a removed property: backward safe',
      mode: 'backward',
      old: obj({ x_a: str }, closedX),
      new: { type: 'object', patternProperties: { '^x_': str }, ...closedX },
      want: [],
    },
    {
      name: 'patternProperties covers a removed property: forward safe for a tolerant reader',
      mode: 'forward',
      tolerant: true,
      old: obj({ x_a: str }, closedX),
      new: { type: 'object', patternProperties: { '^x_': str }, ...closedX },
      want: [],
    },
    {
      name: 'patternProperties covers a removed property: forward breaks a strict closed reader',
      mode: 'forward',
      old: obj({ x_a: str }, closedX),
      new: { type: 'object', patternProperties: { '^x_': str }, ...closedX },
      want: [b('additional-properties-narrowed', '/*', 'forward')],
    },
    {
      name: 'added property narrower than the pattern covering it: backward breaks',
      mode: 'backward',
      old: { type: 'object', patternProperties: { '^x_': str }, ...closedX },
      new: {
        type: 'object',
        patternProperties: { '^x_': str },
        properties: { x_b: { type: 'string', maxLength: 3 } },
        ...closedX,
      },
      want: [b('string-length-narrowed', '/x_b', 'backward')],
    },
    {
      name: 'pattern value narrowed: backward breaks',
      mode: 'backward',
      old: { type: 'object', patternProperties: { '^x_': str }, ...closedX },
      new: { type: 'object', patternProperties: { '^x_': { type: 'string', maxLength: 3 } }, ...closedX },
      want: [b('string-length-narrowed', '/*', 'backward')],
    },
    {
      name: 'patternProperties added on an open object: backward breaks',
      mode: 'backward',
      old: obj({ id: str }),
      new: obj({ id: str }, { patternProperties: { '^x_': str } }),
      want: [b('additional-properties-narrowed', '/*', 'backward')],
    },
    {
      name: 'two different patterns with incompatible values: unprovable',
      mode: 'backward',
      old: { type: 'object', patternProperties: { '^x_': str }, ...closedX },
      new: { type: 'object', patternProperties: { '^y_': int }, ...closedX },
      want: [b('unprovable', '/*', 'backward'), b('additional-properties-narrowed', '/*', 'backward')],
    },
    {
      name: 'propertyNames added over a closed object whose keys all match: safe',
      mode: 'backward',
      old: obj({ id: str }, { additionalProperties: false }),
      new: obj({ id: str }, { additionalProperties: false, propertyNames: { maxLength: 5 } }),
      want: [],
    },
    {
      name: 'propertyNames rejects a declared key: backward breaks',
      mode: 'backward',
      old: obj({ identifier: str }, { additionalProperties: false }),
      new: obj({ identifier: str }, { additionalProperties: false, propertyNames: { maxLength: 5 } }),
      want: [b('property-name-rejected', '/identifier', 'backward')],
    },
    {
      name: 'propertyNames added on a map: backward breaks, forward safe',
      mode: 'full',
      old: { type: 'object', additionalProperties: str },
      new: { type: 'object', additionalProperties: str, propertyNames: { pattern: '^[a-z]+$' } },
      want: [b('property-name-rejected', '/*', 'backward')],
    },
    {
      name: 'dependentRequired added: backward breaks',
      mode: 'backward',
      old: obj({ card: str, cvc: str }),
      new: obj({ card: str, cvc: str }, { dependentRequired: { card: ['cvc'] } }),
      want: [b('dependency-unmet', '/card', 'backward')],
    },
    {
      name: 'dependentRequired removed: backward safe, forward breaks',
      mode: 'full',
      old: obj({ card: str, cvc: str }, { dependentRequired: { card: ['cvc'] } }),
      new: obj({ card: str, cvc: str }),
      want: [b('dependency-unmet', '/card', 'forward')],
    },
    {
      name: 'draft-7 dependencies (array form) is dependentRequired',
      mode: 'full',
      old: obj({ card: str, cvc: str }, { dependencies: { card: ['cvc'] } }),
      new: obj({ card: str, cvc: str }, { dependentRequired: { card: ['cvc'] } }),
      want: [],
    },
    {
      name: 'dependentRequired met by required: safe',
      mode: 'backward',
      old: obj({ card: str, cvc: str }, { required: ['cvc'] }),
      new: obj({ card: str, cvc: str }, { required: ['cvc'], dependentRequired: { card: ['cvc'] } }),
      want: [],
    },
    {
      name: 'dependentSchemas added: backward breaks where the writer differs',
      mode: 'backward',
      old: obj({ card: str, cvc: str }),
      new: obj(
        { card: str, cvc: str },
        { dependentSchemas: { card: { properties: { cvc: { type: 'string', pattern: '^[0-9]{3}$' } } } } },
      ),
      want: [b('pattern-mismatch', '/cvc', 'backward')],
    },
    {
      name: 'dependentSchemas the writer already satisfies: safe',
      mode: 'backward',
      old: obj({ card: str, cvc: str }),
      new: obj({ card: str, cvc: str }, { dependentSchemas: { card: { properties: { cvc: str } } } }),
      want: [],
    },
    {
      name: 'unevaluatedProperties false on a flat object: like additionalProperties false',
      mode: 'readable',
      writer: obj({ a: str, b: str }),
      reader: obj({ a: str }, { unevaluatedProperties: false }),
      want: [b('property-rejected', '/b')],
    },
    {
      name: "unevaluatedProperties false sees allOf members' properties",
      mode: 'readable',
      writer: obj({ a: str, b: str }),
      reader: { allOf: [obj({ b: str })], ...obj({ a: str }, { unevaluatedProperties: false }) },
      want: [],
    },
    {
      name: 'unevaluatedProperties false with a property only in a oneOf branch: unprovable',
      mode: 'readable',
      writer: obj({ a: str, b: str }, { required: ['a', 'b'] }),
      reader: {
        type: 'object',
        properties: { a: str },
        oneOf: [obj({ b: str }), obj({ c: str })],
        unevaluatedProperties: false,
      },
      want: [b('unprovable', '/b')],
    },
    {
      name: 'unevaluatedProperties schema narrowed: backward breaks',
      mode: 'backward',
      old: { type: 'object', unevaluatedProperties: num },
      new: { type: 'object', unevaluatedProperties: int },
      want: [b('type-mismatch', '/*', 'backward')],
    },
  ],
  combinators: [
    {
      name: 'not number to not integer: backward safe',
      mode: 'backward',
      old: { not: { type: 'number' } },
      new: { not: { type: 'integer' } },
      want: [],
    },
    {
      name: 'not integer to not number: backward breaks (1.5)',
      mode: 'backward',
      old: { not: { type: 'integer' } },
      new: { not: { type: 'number' } },
      want: [b('not-mismatch', '', 'backward')],
    },
    {
      name: 'not string added to an integer: safe both ways',
      mode: 'full',
      old: int,
      new: { type: 'integer', not: { type: 'string' } },
      want: [],
    },
    {
      name: 'not enum added to a finite enum that avoids it: safe',
      mode: 'backward',
      old: { enum: ['a', 'b'] },
      new: { enum: ['a', 'b'], not: { enum: ['c'] } },
      want: [],
    },
    {
      name: 'not enum added that removes a value: backward breaks',
      mode: 'backward',
      old: { enum: ['a', 'b'] },
      new: { enum: ['a', 'b'], not: { const: 'b' } },
      want: [b('not-mismatch', '', 'backward')],
    },
    {
      name: 'not with a pattern: unprovable',
      mode: 'backward',
      old: str,
      new: { type: 'string', not: { pattern: '^x' } },
      want: [b('unprovable', '', 'backward')],
    },
    {
      name: 'if/then added that every old value satisfies: safe',
      mode: 'backward',
      old: obj({ kind: str, iban: str }, { required: ['kind', 'iban'] }),
      new: obj(
        { kind: str, iban: str },
        { required: ['kind', 'iban'], ...cond(obj({ kind: { const: 'bank' } }), { required: ['iban'] }) },
      ),
      want: [],
    },
    {
      name: 'if always true, then adds a requirement: backward breaks',
      mode: 'backward',
      old: obj({ kind: str, iban: str }, { required: ['kind'] }),
      new: obj(
        { kind: str, iban: str },
        { required: ['kind'], ...cond({ required: ['kind'] }, { required: ['iban'] }) },
      ),
      want: [b('required-missing', '/iban', 'backward')],
    },
    {
      name: 'if depends on the value: unprovable',
      mode: 'backward',
      old: obj({ kind: str, iban: str }, { required: ['kind'] }),
      new: obj(
        { kind: str, iban: str },
        { required: ['kind'], ...cond({ properties: { kind: { const: 'bank' } } }, { required: ['iban'] }) },
      ),
      want: [b('unprovable', '', 'backward')],
    },
    {
      name: 'oneOf member removed: backward breaks',
      mode: 'backward',
      old: { oneOf: [str, int] },
      new: { oneOf: [str] },
      want: [b('composition-mismatch', '', 'backward')],
    },
    {
      name: 'anyOf member added: backward safe',
      mode: 'backward',
      old: { anyOf: [str] },
      new: { anyOf: [str, int] },
      want: [],
    },
    {
      name: 'unevaluatedItems (no comparator) changed: unprovable',
      mode: 'backward',
      old: arr({ items: str }),
      new: arr({ items: str, unevaluatedItems: false }),
      want: [b('unprovable', '', 'backward')],
    },
  ],
};
