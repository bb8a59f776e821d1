/**
 * The corpus (corpus.ts) under backward, forward and full: no missed breaking change, and the
 * agreement figures `pnpm exec node generator/test/compat/corpus-report.ts` prints.
 */
import { describe, expect, it } from 'vitest';
import { MODES } from '../../src/compat/index.ts';
import { CORPUS } from './corpus.ts';
import { agreement, expected, judge } from './corpus-agreement.ts';

describe('compatibility corpus', () => {
  const result = agreement();

  it('holds at least 100 cases with unique names, both verdicts present in every mode', () => {
    expect(result.cases).toBeGreaterThanOrEqual(100);
    expect(new Set(CORPUS.map((c) => c.name)).size).toBe(CORPUS.length);
    for (const mode of MODES) {
      const verdicts = new Set(CORPUS.map((c) => expected(c, mode)));
      expect([...verdicts].sort()).toEqual(['break', 'ok']);
    }
  });

  for (const mode of MODES) {
    it(`${mode}: misses no breaking change and raises no false alarm`, () => {
      expect(result.modes[mode].missed).toEqual([]);
      expect(result.modes[mode].falseAlarms).toEqual([]);
    });
  }

  it('the tolerant-reader default only relaxes open-content cases, never a closed one', () => {
    for (const c of CORPUS) {
      for (const mode of MODES) {
        if (judge(c, mode, false) === judge(c, mode, true)) continue;
        expect(judge(c, mode, false), `${c.name} (${mode})`).toBe('ok');
      }
    }
  });
});
