/**
 * Formats and patterns: a reader format must be the writer's; a reader pattern must be the
 * writer's too, or match every value of a writer that sends finitely many. Two different
 * regular expressions are not compared (pattern-mismatch says so).
 *
 *   writer { type: 'string' }, reader { type: 'string', format: 'uuid' }  -> format-mismatch
 *   writer { enum: ['EUR'] },  reader { pattern: '^[A-Z]{3}$' }           -> (none)
 */
import { deepEqual, show, str } from '../schema.ts';
import { type Comparator, report } from './context.ts';

export function compilePattern(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

export const formats: Comparator = {
  family: 'formats and patterns',
  keywords: ['format', 'pattern'],
  rules: ['format-mismatch', 'pattern-mismatch'],
  check(ctx, node) {
    const { ws, rs, ptr, sptr } = node;
    const { writerLabel: W, readerLabel: R } = ctx.opts;
    const rf = rs.format;
    if (
      rf !== undefined &&
      !deepEqual(ws.format, rf) &&
      (node.shared('string') || node.shared('number') || node.shared('integer'))
    ) {
      const has = ws.format === undefined ? 'does not guarantee it' : `declares ${show(ws.format)}`;
      report(
        ctx,
        'format-mismatch',
        ptr,
        `${sptr}/format`,
        ws.format,
        rf,
        `${R} requires format ${show(rf)}, ${W} ${has}.`,
      );
    }
    const rp = str(rs, 'pattern');
    if (rp === undefined || !node.shared('string')) return;
    const values = node.values?.filter((v): v is string => typeof v === 'string');
    if (values) {
      const re = compilePattern(rp);
      const bad = re ? values.filter((v) => !re.test(v)) : values;
      if (bad.length > 0)
        report(
          ctx,
          'pattern-mismatch',
          ptr,
          `${sptr}/pattern`,
          bad,
          rp,
          `${W} may send ${show(bad)}, which ${R}'s pattern ${rp} does not match.`,
        );
      return;
    }
    const wp = str(ws, 'pattern');
    if (rp !== wp) {
      const has = wp === undefined ? 'has no pattern' : `has pattern ${wp}`;
      report(
        ctx,
        'pattern-mismatch',
        ptr,
        `${sptr}/pattern`,
        wp,
        rp,
        `${R} requires pattern ${rp}, ${W} ${has}; cannot prove compatibility.`,
      );
    }
  },
};
