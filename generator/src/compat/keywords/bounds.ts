/**
 * Bounds: lengths and counts (minLength/maxLength, minItems/maxItems, minProperties/
 * maxProperties) through one table, and number ranges (minimum, maximum, both exclusive forms)
 * with multipleOf. A reader bound is kept when every writer value is inside it.
 *
 *   writer { type: 'string', maxLength: 10 }, reader { type: 'string', maxLength: 5 }
 *   -> string-length-narrowed at /maxLength: "reader allows at most 5 characters, writer allows 10."
 */
import type { RuleId } from '../rules.ts';
import { isObject, type JsonType, num, type SchemaObject, show, strings } from '../schema.ts';
import { type Comparator, type Context, type Node, report } from './context.ts';
import { writerSendsExtras } from './objects.ts';

interface CountBound {
  readonly type: JsonType;
  readonly min: string;
  readonly max: string;
  readonly rule: RuleId;
  readonly unit: string;
  /** How many units a value has. */
  size(value: unknown): number | undefined;
  /** The writer's guaranteed range, beyond its own min/max keywords. */
  implied(ws: SchemaObject, ctx: Context): { min: number; max: number };
}

const open = () => ({ min: 0, max: Number.POSITIVE_INFINITY });

export const COUNT_BOUNDS: readonly CountBound[] = [
  {
    type: 'string',
    min: 'minLength',
    max: 'maxLength',
    rule: 'string-length-narrowed',
    unit: 'characters',
    size: (v) => (typeof v === 'string' ? [...v].length : undefined), // JSON Schema counts code points
    implied: open,
  },
  {
    type: 'array',
    min: 'minItems',
    max: 'maxItems',
    rule: 'array-length-narrowed',
    unit: 'items',
    size: (v) => (Array.isArray(v) ? v.length : undefined),
    implied: (ws) => {
      // a closed tuple never has more items than its prefix
      const prefix = Array.isArray(ws.prefixItems) ? ws.prefixItems : Array.isArray(ws.items) ? ws.items : [];
      const rest = Array.isArray(ws.prefixItems) ? ws.items : ws.additionalItems;
      return { min: 0, max: prefix.length > 0 && rest === false ? prefix.length : Number.POSITIVE_INFINITY };
    },
  },
  {
    type: 'object',
    min: 'minProperties',
    max: 'maxProperties',
    rule: 'property-count-narrowed',
    unit: 'properties',
    size: (v) => (isObject(v) ? Object.keys(v).length : undefined),
    implied: (ws, ctx) => {
      const required = new Set(strings(ws.required));
      const names = new Set([...Object.keys(isObject(ws.properties) ? ws.properties : {}), ...required]);
      const max = writerSendsExtras(ws, ctx.opts.strictOpenContent) ? Number.POSITIVE_INFINITY : names.size;
      return { min: required.size, max };
    },
  },
];

function checkCounts(ctx: Context, node: Node): void {
  const { ws, rs, ptr, sptr, values } = node;
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  for (const b of COUNT_BOUNDS) {
    if (!node.shared(b.type)) continue;
    const rMin = num(rs, b.min);
    const rMax = num(rs, b.max);
    if (rMin === undefined && rMax === undefined) continue;
    const finite = values?.filter((v) => b.size(v) !== undefined);
    if (finite) {
      const short = rMin === undefined ? [] : finite.filter((v) => (b.size(v) as number) < rMin);
      const long = rMax === undefined ? [] : finite.filter((v) => (b.size(v) as number) > rMax);
      if (short.length > 0)
        report(
          ctx,
          b.rule,
          ptr,
          `${sptr}/${b.min}`,
          short,
          rMin,
          `${W} may send ${show(short)}, below ${R}'s ${b.min} ${rMin}.`,
        );
      if (long.length > 0)
        report(
          ctx,
          b.rule,
          ptr,
          `${sptr}/${b.max}`,
          long,
          rMax,
          `${W} may send ${show(long)}, above ${R}'s ${b.max} ${rMax}.`,
        );
      continue;
    }
    const implied = b.implied(ws, ctx);
    const wMin = Math.max(num(ws, b.min) ?? 0, implied.min);
    const wMax = Math.min(num(ws, b.max) ?? Number.POSITIVE_INFINITY, implied.max);
    if (rMin !== undefined && rMin > wMin) {
      report(
        ctx,
        b.rule,
        ptr,
        `${sptr}/${b.min}`,
        ws[b.min],
        rMin,
        `${R} requires ${b.min} ${rMin}, ${W} allows ${wMin} ${b.unit}.`,
      );
    }
    if (rMax !== undefined && wMax > rMax) {
      const has = Number.isFinite(wMax) ? String(wMax) : 'any number of';
      report(
        ctx,
        b.rule,
        ptr,
        `${sptr}/${b.max}`,
        ws[b.max],
        rMax,
        `${R} allows at most ${rMax} ${b.unit}, ${W} allows ${has} ${b.unit}.`,
      );
    }
  }
}

interface Bound {
  value: number;
  exclusive: boolean;
  key: string;
}

function bound(s: SchemaObject, side: 'lower' | 'upper'): Bound | undefined {
  const [incKey, exKey] =
    side === 'lower' ? ['minimum', 'exclusiveMinimum'] : ['maximum', 'exclusiveMaximum'];
  const candidates: Bound[] = [];
  const inc = num(s, incKey);
  const ex = s[exKey];
  // draft-04 boolean exclusiveMinimum/Maximum modifies minimum/maximum
  if (inc !== undefined) candidates.push({ value: inc, exclusive: ex === true, key: incKey });
  if (typeof ex === 'number') candidates.push({ value: ex, exclusive: true, key: exKey });
  const sign = side === 'lower' ? -1 : 1;
  candidates.sort((a, b) => sign * (a.value - b.value) || Number(b.exclusive) - Number(a.exclusive));
  return candidates[0];
}

/** The bound as an inclusive integer, for writers that only send integers. */
function integerBound(b: Bound, side: 'lower' | 'upper'): number {
  if (side === 'lower') return b.exclusive ? Math.floor(b.value) + 1 : Math.ceil(b.value);
  return b.exclusive ? Math.ceil(b.value) - 1 : Math.floor(b.value);
}

function isMultiple(value: number, of: number): boolean {
  const q = value / of;
  return Math.abs(q - Math.round(q)) < 1e-9 * Math.max(1, Math.abs(q));
}

function checkNumbers(ctx: Context, node: Node): void {
  if (!node.shared('number') && !node.shared('integer')) return;
  const { ws, rs, ptr, sptr, integerOnly } = node;
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  const values = node.values?.filter((v): v is number => typeof v === 'number');
  for (const side of ['lower', 'upper'] as const) {
    const rb = bound(rs, side);
    if (!rb) continue;
    const at = `${sptr}/${rb.key}`;
    const reader = { [rb.key]: rb.value };
    if (values) {
      const outside = values.filter((v) => {
        const d = side === 'lower' ? v - rb.value : rb.value - v;
        return d < 0 || (d === 0 && rb.exclusive);
      });
      if (outside.length > 0)
        report(
          ctx,
          'number-range-narrowed',
          ptr,
          at,
          outside,
          reader,
          `${W} may send ${show(outside)}, outside ${R}'s ${rb.key} ${rb.value}.`,
        );
      continue;
    }
    const wb = bound(ws, side);
    let narrowed: boolean;
    if (!wb) narrowed = true;
    else if (integerOnly) {
      const d = integerBound(wb, side) - integerBound(rb, side);
      narrowed = side === 'lower' ? d < 0 : d > 0;
    } else {
      const d = side === 'lower' ? wb.value - rb.value : rb.value - wb.value;
      narrowed = d < 0 || (d === 0 && rb.exclusive && !wb.exclusive);
    }
    if (narrowed) {
      const has = wb ? `${wb.key} ${wb.value}` : `no ${side} bound`;
      report(
        ctx,
        'number-range-narrowed',
        ptr,
        at,
        wb ? { [wb.key]: wb.value } : undefined,
        reader,
        `${R} requires ${rb.key} ${rb.value}, ${W} has ${has}.`,
      );
    }
  }
  const rm = num(rs, 'multipleOf');
  if (rm === undefined || rm <= 0) return;
  const at = `${sptr}/multipleOf`;
  if (values) {
    const bad = values.filter((v) => !isMultiple(v, rm));
    if (bad.length > 0)
      report(
        ctx,
        'multiple-of-mismatch',
        ptr,
        at,
        bad,
        rm,
        `${W} may send ${show(bad)}, not a multiple of ${R}'s multipleOf ${rm}.`,
      );
    return;
  }
  const wm = num(ws, 'multipleOf');
  const ok = (wm !== undefined && isMultiple(wm, rm)) || (integerOnly && isMultiple(1, rm));
  if (!ok) {
    const has = wm === undefined ? 'has none' : `has multipleOf ${wm}`;
    report(ctx, 'multiple-of-mismatch', ptr, at, wm, rm, `${R} requires multipleOf ${rm}, ${W} ${has}.`);
  }
}

export const bounds: Comparator = {
  family: 'bounds',
  keywords: [
    ...COUNT_BOUNDS.flatMap((b) => [b.min, b.max]),
    'minimum',
    'maximum',
    'exclusiveMinimum',
    'exclusiveMaximum',
    'multipleOf',
  ],
  rules: [...COUNT_BOUNDS.map((b) => b.rule), 'number-range-narrowed', 'multiple-of-mismatch'],
  check(ctx, node) {
    checkCounts(ctx, node);
    checkNumbers(ctx, node);
  },
};
