/**
 * Enums and const: every value the writer may send must be in the reader's enum / equal its const.
 *
 *   writer { enum: ['new', 'paid', 'void'] }, reader { enum: ['new', 'paid'] }
 *   -> enum-mismatch: "writer may send ["void"], which reader's enum lacks."
 */
import { deepEqual, effectiveTypes, includesValue, show, showTypes, sortedTypes } from '../schema.ts';
import { type Comparator, report } from './context.ts';

export const values: Comparator = {
  family: 'enums and const',
  keywords: ['enum', 'const'],
  rules: ['enum-mismatch', 'const-mismatch'],
  check(ctx, { ws, rs, ptr, sptr, values: sent }) {
    const { writerLabel: W, readerLabel: R } = ctx.opts;
    const writerTypes = sortedTypes(effectiveTypes(ws));
    if (Array.isArray(rs.enum)) {
      const allowed = rs.enum;
      if (!sent) {
        report(
          ctx,
          'enum-mismatch',
          ptr,
          `${sptr}/enum`,
          writerTypes,
          allowed,
          `${R} accepts only ${show(allowed)}, but ${W} allows any ${showTypes(writerTypes)} value.`,
        );
      } else {
        const missing = sent.filter((v) => !includesValue(allowed, v));
        if (missing.length > 0)
          report(
            ctx,
            'enum-mismatch',
            ptr,
            `${sptr}/enum`,
            missing,
            allowed,
            `${W} may send ${show(missing)}, which ${R}'s enum lacks.`,
          );
      }
    }
    if ('const' in rs) {
      const bad = sent ? sent.filter((v) => !deepEqual(v, rs.const)) : undefined;
      if (!bad || bad.length > 0) {
        const has = bad ? show(bad) : `any ${showTypes(writerTypes)} value`;
        report(
          ctx,
          'const-mismatch',
          ptr,
          `${sptr}/const`,
          bad ?? writerTypes,
          rs.const,
          `${R} requires exactly ${show(rs.const)}, but ${W} allows ${has}.`,
        );
      }
    }
  },
};
