/**
 * Types: every type the writer may send must be accepted by the reader's `type` (`number`
 * accepts integers; `'x'` and `['x']` are the same). null gets its own rule, since making a
 * field nullable is the commonest type change.
 *
 *   writer { type: ['integer', 'null'] }, reader { type: 'number' }  -> null-rejected
 *   writer { type: 'number' }, reader { type: 'integer' }            -> type-mismatch
 */
import { accepts, type SchemaObject, showTypes, sortedTypes } from '../schema.ts';
import { type Comparator, report } from './context.ts';

export function typePointer(sptr: string, rs: SchemaObject): string {
  if ('type' in rs) return `${sptr}/type`;
  return 'const' in rs ? `${sptr}/const` : `${sptr}/enum`;
}

export const types: Comparator = {
  family: 'types',
  keywords: ['type'],
  rules: ['type-mismatch', 'null-rejected'],
  check(ctx, { rs, ptr, sptr, wt, rt }) {
    if (!rt) return;
    const { writerLabel: W, readerLabel: R } = ctx.opts;
    const at = typePointer(sptr, rs);
    if (!wt) {
      report(
        ctx,
        'type-mismatch',
        ptr,
        at,
        'any',
        sortedTypes(rt),
        `${R} accepts only ${showTypes(sortedTypes(rt))}, but ${W} does not constrain the type.`,
      );
      return;
    }
    const rejected = [...wt].filter((t) => !accepts(rt, t)).sort();
    const other = rejected.filter((t) => t !== 'null');
    if (other.length > 0) {
      report(
        ctx,
        'type-mismatch',
        ptr,
        at,
        sortedTypes(wt),
        sortedTypes(rt),
        `${W} allows ${showTypes(other)}, which ${R} does not accept (it accepts ${showTypes(sortedTypes(rt))}).`,
      );
    }
    if (rejected.includes('null')) {
      report(
        ctx,
        'null-rejected',
        ptr,
        at,
        sortedTypes(wt),
        sortedTypes(rt),
        `${W} allows null, ${R} does not.`,
      );
    }
  },
};
