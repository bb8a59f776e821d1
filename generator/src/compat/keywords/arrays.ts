/**
 * Arrays: items (one schema, or a tuple with additionalItems / 2020-12 prefixItems + items),
 * uniqueItems, and contains with minContains / maxContains. Tuples are compared position by
 * position, then the rest against the rest.
 *
 *   writer { prefixItems: [{type:'string'}], items: {type:'number'} },
 *   reader { prefixItems: [{type:'string'}], items: false }
 *   -> additional-items-narrowed at /*: the reader takes only 1 item.
 */
import { deepEqual, num, type SchemaObject } from '../schema.ts';
import { type Comparator, type Context, type Node, report, unprovable } from './context.ts';

interface Tuple {
  prefix: unknown[];
  /** The schema of items after the prefix; undefined = anything. */
  rest: unknown;
  prefixKw: string;
  restKw: string;
}

/** Both tuple spellings (draft 2019-09 items array + additionalItems; 2020-12 prefixItems + items). */
export function tupleOf(s: SchemaObject): Tuple {
  if (Array.isArray(s.prefixItems))
    return { prefix: s.prefixItems, rest: s.items, prefixKw: 'prefixItems', restKw: 'items' };
  if (Array.isArray(s.items))
    return { prefix: s.items, rest: s.additionalItems, prefixKw: 'items', restKw: 'additionalItems' };
  return { prefix: [], rest: s.items, prefixKw: 'items', restKw: 'items' };
}

function checkItems(ctx: Context, { ws, rs, ptr, sptr }: Node): void {
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  const w = tupleOf(ws);
  const r = tupleOf(rs);
  const wMax = num(ws, 'maxItems') ?? Number.POSITIVE_INFINITY;
  const positions = Math.max(w.prefix.length, r.prefix.length);
  for (let i = 0; i < positions; i++) {
    if (i >= wMax) return;
    const wAt = i < w.prefix.length ? w.prefix[i] : w.rest;
    if (wAt === false) return; // the writer never sends an item at i, nor after it
    const inPrefix = i < r.prefix.length;
    const rAt = inPrefix ? r.prefix[i] : r.rest;
    if (rAt === undefined) continue;
    const sp = inPrefix ? `${sptr}/${r.prefixKw}/${i}` : `${sptr}/${r.restKw}`;
    if (rAt === false)
      report(
        ctx,
        'additional-items-narrowed',
        `${ptr}/${i}`,
        sp,
        'allowed',
        false,
        `${W} may send an item at position ${i}, but ${R} takes only ${r.prefix.length} items.`,
      );
    else ctx.visit(wAt ?? {}, rAt, `${ptr}/${i}`, sp);
  }
  if (positions >= wMax || w.rest === false || r.rest === undefined) return;
  const at = `${ptr}/*`;
  if (r.rest === false) {
    report(
      ctx,
      'additional-items-narrowed',
      at,
      `${sptr}/${r.restKw}`,
      w.rest ?? true,
      false,
      `${W} may send more than ${positions} items, but ${R} takes only ${r.prefix.length}.`,
    );
  } else ctx.visit(w.rest ?? {}, r.rest, at, `${sptr}/${r.restKw}`);
}

function checkContains(ctx: Context, { ws, rs, ptr, sptr }: Node): void {
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  const rc = rs.contains;
  if (rc === undefined) return; // minContains/maxContains mean nothing without contains
  const rMin = num(rs, 'minContains') ?? 1;
  const rMax = num(rs, 'maxContains');
  if (rMin === 0 && rMax === undefined) return;
  const at = `${sptr}/contains`;
  const narrowed = (count: string, reader: unknown, writer: unknown) =>
    report(
      ctx,
      'contains-narrowed',
      ptr,
      at,
      writer,
      reader,
      `${R} requires ${count} items matching its contains schema, ${W} does not guarantee that.`,
    );
  const wMaxItems = num(ws, 'maxItems') ?? Number.POSITIVE_INFINITY;
  // same contains schema: compare the counts
  if (deepEqual(ws.contains, rc)) {
    const wMin = num(ws, 'minContains') ?? 1;
    const wMax = Math.min(num(ws, 'maxContains') ?? Number.POSITIVE_INFINITY, wMaxItems);
    if (rMin > wMin) narrowed(`at least ${rMin}`, { minContains: rMin }, { minContains: wMin });
    if (rMax !== undefined && wMax > rMax)
      narrowed(`at most ${rMax}`, { maxContains: rMax }, { maxContains: ws.maxContains });
    return;
  }
  // every writer item matches: the count is the array's length
  const t = tupleOf(ws);
  if (t.prefix.length === 0 && ctx.probe(t.rest ?? {}, rc, `${ptr}/*`, at).length === 0) {
    const wMin = num(ws, 'minItems') ?? 0;
    if (rMin > wMin) narrowed(`at least ${rMin}`, { minContains: rMin }, { minItems: wMin });
    if (rMax !== undefined && wMaxItems > rMax)
      narrowed(`at most ${rMax}`, { maxContains: rMax }, { maxItems: ws.maxItems });
    return;
  }
  // the writer may send fewer items than the reader needs matches: an empty array, say
  const wMinItems = num(ws, 'minItems') ?? 0;
  if (rMin > wMinItems) {
    narrowed(`at least ${rMin}`, { minContains: rMin }, { minItems: wMinItems });
    return;
  }
  // some writer items may match and some not: how many do is not known
  unprovable(
    ctx,
    'contains',
    ptr,
    at,
    ws.contains,
    rc,
    `${W}'s items are not all of ${R}'s contains schema and the engine does not count partial matches`,
  );
}

export const arrays: Comparator = {
  family: 'arrays',
  keywords: [
    'items',
    'prefixItems',
    'additionalItems',
    'uniqueItems',
    'contains',
    'minContains',
    'maxContains',
  ],
  rules: ['additional-items-narrowed', 'unique-items-added', 'contains-narrowed'],
  check(ctx, node) {
    if (!node.shared('array')) return;
    const { ws, rs, ptr, sptr } = node;
    const { writerLabel: W, readerLabel: R } = ctx.opts;
    if (num(ws, 'maxItems') !== 0) checkItems(ctx, node);
    const wMax = num(ws, 'maxItems');
    if (rs.uniqueItems === true && ws.uniqueItems !== true && (wMax === undefined || wMax > 1))
      report(
        ctx,
        'unique-items-added',
        ptr,
        `${sptr}/uniqueItems`,
        ws.uniqueItems ?? false,
        true,
        `${R} requires unique items, ${W} allows duplicates.`,
      );
    checkContains(ctx, node);
  },
};
