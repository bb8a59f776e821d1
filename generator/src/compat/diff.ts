/**
 * describeChanges: a structural diff of two schemas that lists every difference with a rule id,
 * without judging it. `compareVersions` then marks each change breaking or safe.
 *
 *   describeChanges(
 *     { type: 'object', properties: { status: { enum: ['new', 'paid'] } } },
 *     { type: 'object', properties: { status: { enum: ['new', 'paid', 'void'] } }, required: ['status'] },
 *   )
 *   // → [ { rule: 'enum-value-added', pointer: '/status', schemaPointer: '/properties/status/enum',
 *   //       writer: undefined, reader: ['void'], severity: 'info', … },
 *   //     { rule: 'required-added', pointer: '/status', schemaPointer: '/required', … } ]
 *
 * `writer` holds the old value and `reader` the new one. `schemaPointer` points into the new
 * schema, or into the old one for something removed. allOf is merged on both sides first;
 * annotations (description, title, examples, …) are not differences.
 */

import { VALIDATION_KEYWORDS } from './keywords/index.ts';
import { normalizeSchema } from './normalize.ts';
import type { Finding, RuleId } from './rules.ts';
import {
  childPointer,
  declaredTypes,
  deepEqual,
  includesValue,
  isObject,
  type JsonType,
  mergeAllOf,
  REF_KEY,
  type SchemaObject,
  schemaMap,
  show,
  showTypes,
  str,
  strings,
  subject,
} from './schema.ts';

interface Walk {
  out: Finding[];
  active: Map<object, Set<object>>;
}

export function describeChanges(oldSchema: unknown, newSchema: unknown): Finding[] {
  const walk: Walk = { out: [], active: new Map() };
  diff(walk, oldSchema, newSchema, '', '', '');
  return walk.out;
}

function add(
  walk: Walk,
  rule: RuleId,
  pointer: string,
  schemaPointer: string,
  before: unknown,
  after: unknown,
  text: string,
): void {
  walk.out.push({
    rule,
    severity: 'info',
    pointer,
    schemaPointer,
    writer: before,
    reader: after,
    message: `${subject(pointer)}: ${text}`,
  });
}

/** Keywords diffed one by one below; any other validation keyword that differs is keyword-changed. */
const DIFFED = new Set([
  'type',
  'enum',
  'const',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'items',
  'properties',
  'required',
  'additionalProperties',
  'allOf',
  'oneOf',
  'anyOf',
]);

const SCALAR_KEYWORDS: ReadonlyArray<[string, RuleId]> = [
  ['format', 'format-changed'],
  ['pattern', 'pattern-changed'],
  ['minLength', 'string-length-changed'],
  ['maxLength', 'string-length-changed'],
  ['minimum', 'number-range-changed'],
  ['maximum', 'number-range-changed'],
  ['exclusiveMinimum', 'number-range-changed'],
  ['exclusiveMaximum', 'number-range-changed'],
  ['multipleOf', 'multiple-of-changed'],
  ['minItems', 'array-length-changed'],
  ['maxItems', 'array-length-changed'],
];

function typeList(types: Set<JsonType> | undefined, withNull: boolean): JsonType[] | 'any' {
  if (!types) return 'any';
  return [...types].filter((t) => withNull || t !== 'null').sort();
}

/** `old` / `new` as the pointer of each side; `sptr` is the new side unless noted. */
function diff(walk: Walk, before: unknown, after: unknown, ptr: string, sptr: string, oldSptr: string): void {
  const o = mergeAllOf(before);
  const n = mergeAllOf(after);
  if (o === false || n === false) {
    if (o !== n)
      add(walk, 'keyword-changed', ptr, sptr, o, n, `the schema changed from ${show(o)} to ${show(n)}.`);
    return;
  }
  let pairs = walk.active.get(o);
  if (pairs?.has(n)) return;
  if (!pairs) {
    pairs = new Set();
    walk.active.set(o, pairs);
  }
  pairs.add(n);

  const oRef = str(o, REF_KEY);
  const nRef = str(n, REF_KEY);
  if (oRef !== undefined && nRef !== undefined && oRef !== nRef) {
    add(walk, 'ref-changed', ptr, sptr, oRef, nRef, `$ref target changed from ${oRef} to ${nRef}.`);
  }

  // type and nullability
  const ot = declaredTypes(o);
  const nt = declaredTypes(n);
  const oTypes = typeList(ot, false);
  const nTypes = typeList(nt, false);
  if (!deepEqual(oTypes, nTypes)) {
    add(
      walk,
      'type-changed',
      ptr,
      `${sptr}/type`,
      oTypes,
      nTypes,
      `type changed from ${showTypes(oTypes)} to ${showTypes(nTypes)}.`,
    );
  }
  if (ot && nt && ot.has('null') !== nt.has('null')) {
    const rule = nt.has('null') ? 'nullable-added' : 'nullable-removed';
    add(
      walk,
      rule,
      ptr,
      `${sptr}/type`,
      typeList(ot, true),
      typeList(nt, true),
      nt.has('null') ? 'null is now allowed.' : 'null is no longer allowed.',
    );
  }

  // enum and const
  const oEnum = Array.isArray(o.enum) ? o.enum : undefined;
  const nEnum = Array.isArray(n.enum) ? n.enum : undefined;
  if (oEnum && nEnum) {
    const added = nEnum.filter((v) => !includesValue(oEnum, v));
    const removed = oEnum.filter((v) => !includesValue(nEnum, v));
    if (added.length > 0)
      add(
        walk,
        'enum-value-added',
        ptr,
        `${sptr}/enum`,
        undefined,
        added,
        `enum values ${show(added)} added.`,
      );
    if (removed.length > 0) {
      add(
        walk,
        'enum-value-removed',
        ptr,
        `${oldSptr}/enum`,
        removed,
        undefined,
        `enum values ${show(removed)} removed.`,
      );
    }
  } else if (oEnum) {
    add(
      walk,
      'enum-value-added',
      ptr,
      `${oldSptr}/enum`,
      oEnum,
      undefined,
      `the enum ${show(oEnum)} was dropped; any value is allowed.`,
    );
  } else if (nEnum) {
    add(
      walk,
      'enum-value-removed',
      ptr,
      `${sptr}/enum`,
      undefined,
      nEnum,
      `values are now restricted to the enum ${show(nEnum)}.`,
    );
  }
  if (('const' in o || 'const' in n) && !deepEqual(o.const, n.const)) {
    add(
      walk,
      'const-changed',
      ptr,
      `${sptr}/const`,
      o.const,
      n.const,
      `const changed from ${show(o.const)} to ${show(n.const)}.`,
    );
  }

  for (const [k, rule] of SCALAR_KEYWORDS) {
    if (!deepEqual(o[k], n[k])) {
      const at = k in n ? `${sptr}/${k}` : `${oldSptr}/${k}`;
      add(walk, rule, ptr, at, o[k], n[k], `${k} changed from ${show(o[k])} to ${show(n[k])}.`);
    }
  }
  if ((o.uniqueItems === true) !== (n.uniqueItems === true)) {
    add(
      walk,
      'unique-items-changed',
      ptr,
      `${sptr}/uniqueItems`,
      o.uniqueItems === true,
      n.uniqueItems === true,
      n.uniqueItems === true ? 'items must now be unique.' : 'items no longer need to be unique.',
    );
  }

  // arrays
  if (Array.isArray(o.items) || Array.isArray(n.items)) {
    if (!deepEqual(o.items, n.items))
      add(walk, 'keyword-changed', ptr, `${sptr}/items`, o.items, n.items, 'tuple items changed.');
  } else if (o.items !== undefined || n.items !== undefined) {
    diff(walk, o.items, n.items, `${ptr}/*`, `${sptr}/items`, `${oldSptr}/items`);
  }

  diffObject(walk, o, n, ptr, sptr, oldSptr);
  diffUnions(walk, o, n, ptr, sptr, oldSptr);

  for (const k of VALIDATION_KEYWORDS) {
    if (!DIFFED.has(k) && !deepEqual(o[k], n[k])) {
      add(
        walk,
        'keyword-changed',
        ptr,
        k in n ? `${sptr}/${k}` : `${oldSptr}/${k}`,
        o[k],
        n[k],
        `'${k}' changed.`,
      );
    }
  }
  pairs.delete(n);
}

function additionalKind(value: unknown): 'open' | 'closed' | 'schema' {
  if (value === false) return 'closed';
  return isObject(value) && Object.keys(value).length > 0 ? 'schema' : 'open';
}

function diffObject(
  walk: Walk,
  o: SchemaObject,
  n: SchemaObject,
  ptr: string,
  sptr: string,
  oldSptr: string,
): void {
  const oProps = schemaMap(o.properties);
  const nProps = schemaMap(n.properties);
  const oRequired = new Set(strings(o.required));
  const nRequired = new Set(strings(n.required));
  const presence = (required: Set<string>, name: string) => (required.has(name) ? 'required' : 'optional');

  for (const name of Object.keys(nProps)) {
    const cp = childPointer(ptr, name);
    const sp = childPointer(`${sptr}/properties`, name);
    const op = childPointer(`${oldSptr}/properties`, name);
    if (name in oProps) diff(walk, oProps[name], nProps[name], cp, sp, op);
    else
      add(
        walk,
        'property-added',
        cp,
        sp,
        'absent',
        presence(nRequired, name),
        `${presence(nRequired, name)} property added.`,
      );
  }
  for (const name of Object.keys(oProps)) {
    if (name in nProps) continue;
    const op = childPointer(`${oldSptr}/properties`, name);
    add(
      walk,
      'property-removed',
      childPointer(ptr, name),
      op,
      presence(oRequired, name),
      'absent',
      `${presence(oRequired, name)} property removed.`,
    );
  }
  for (const name of nRequired) {
    if (!oRequired.has(name)) {
      add(
        walk,
        'required-added',
        childPointer(ptr, name),
        `${sptr}/required`,
        'optional',
        'required',
        'is now required.',
      );
    }
  }
  for (const name of oRequired) {
    if (!nRequired.has(name)) {
      add(
        walk,
        'required-removed',
        childPointer(ptr, name),
        `${oldSptr}/required`,
        'required',
        'optional',
        'is no longer required.',
      );
    }
  }

  const oa = o.additionalProperties;
  const na = n.additionalProperties;
  const [ok, nk] = [additionalKind(oa), additionalKind(na)];
  if (ok !== nk) {
    add(
      walk,
      'additional-properties-changed',
      `${ptr}/*`,
      `${sptr}/additionalProperties`,
      oa ?? true,
      na ?? true,
      `additionalProperties changed from ${ok} to ${nk}.`,
    );
  } else if (ok === 'schema') {
    diff(walk, oa, na, `${ptr}/*`, `${sptr}/additionalProperties`, `${oldSptr}/additionalProperties`);
  }
}

function memberKey(value: unknown): string | undefined {
  return isObject(value) ? str(value, REF_KEY) : undefined;
}

/** Pair old and new union members: identical first, then by $ref, then by position. */
function pairMembers(
  before: unknown[],
  after: unknown[],
): { pairs: [number, number][]; removed: number[]; added: number[] } {
  const oldLeft = new Set(before.keys());
  const newLeft = new Set(after.keys());
  const pairs: [number, number][] = [];
  const match = (same: (a: unknown, b: unknown) => boolean) => {
    for (const i of oldLeft) {
      for (const j of newLeft) {
        if (same(before[i], after[j])) {
          pairs.push([i, j]);
          oldLeft.delete(i);
          newLeft.delete(j);
          break;
        }
      }
    }
  };
  match((a, b) => deepEqual(normalizeSchema(a), normalizeSchema(b)));
  match((a, b) => memberKey(a) !== undefined && memberKey(a) === memberKey(b));
  const restOld = [...oldLeft];
  const restNew = [...newLeft];
  const unkeyed = (i: number | undefined, list: unknown[]) =>
    i !== undefined && memberKey(list[i]) === undefined;
  while (unkeyed(restOld[0], before) && unkeyed(restNew[0], after)) {
    pairs.push([restOld.shift() as number, restNew.shift() as number]);
  }
  return { pairs, removed: restOld, added: restNew };
}

function diffUnions(
  walk: Walk,
  o: SchemaObject,
  n: SchemaObject,
  ptr: string,
  sptr: string,
  oldSptr: string,
): void {
  for (const kw of ['oneOf', 'anyOf'] as const) {
    const before = o[kw];
    const after = n[kw];
    if (!Array.isArray(before) && !Array.isArray(after)) continue;
    if (!Array.isArray(before) || !Array.isArray(after)) {
      const at = Array.isArray(after) ? `${sptr}/${kw}` : `${oldSptr}/${kw}`;
      add(
        walk,
        'keyword-changed',
        ptr,
        at,
        before,
        after,
        Array.isArray(after) ? `${kw} introduced.` : `${kw} dropped.`,
      );
      continue;
    }
    const { pairs, removed, added } = pairMembers(before, after);
    for (const [i, j] of pairs)
      diff(walk, before[i], after[j], ptr, `${sptr}/${kw}/${j}`, `${oldSptr}/${kw}/${i}`);
    for (const j of added) {
      const name = memberKey(after[j]) ?? `${kw}/${j}`;
      add(
        walk,
        'composition-member-added',
        ptr,
        `${sptr}/${kw}/${j}`,
        undefined,
        name,
        `${kw} member ${name} added.`,
      );
    }
    for (const i of removed) {
      const name = memberKey(before[i]) ?? `${kw}/${i}`;
      add(
        walk,
        'composition-member-removed',
        ptr,
        `${oldSptr}/${kw}/${i}`,
        name,
        undefined,
        `${kw} member ${name} removed.`,
      );
    }
  }
}
