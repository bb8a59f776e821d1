/**
 * The keyword table, family by family: each comparator's given/want table (keyword-cases.ts),
 * and each family's rule ids expected by at least one case of its own table.
 */
import { describe, expect, it } from 'vitest';
import { checkReadable, compareVersions, type Finding, type VersionFinding } from '../../src/compat/index.ts';
import { COMPARATORS } from '../../src/compat/keywords/index.ts';
import { KEYWORD_TABLES, type KeywordCase, type KeywordWant } from './keyword-cases.ts';

function run(c: KeywordCase): KeywordWant[] {
  const project = (f: Finding | VersionFinding): KeywordWant => ({
    rule: f.rule,
    pointer: f.pointer,
    ...('direction' in f && f.direction !== 'both' ? { direction: f.direction } : {}),
    ...(f.severity === 'warning' ? { severity: 'warning' as const } : {}),
  });
  if (c.mode === 'readable')
    return checkReadable(c.writer, c.reader, { strictOpenContent: c.strict ?? false }).map(project);
  const r = compareVersions(c.old, c.new, c.mode, {
    strictOpenContent: c.strict ?? false,
    lenient: c.lenient ?? false,
    tolerantReader: c.tolerant ?? false,
  });
  return [...r.breaking, ...r.warnings].map(project);
}

const sorted = (list: KeywordWant[]) => list.map((w) => JSON.stringify(w)).sort((a, b) => a.localeCompare(b));

describe('keyword comparators', () => {
  it('every family of the engine has a table, and every table a family', () => {
    expect(Object.keys(KEYWORD_TABLES).sort()).toEqual(COMPARATORS.map((c) => c.family).sort());
  });

  for (const comparator of COMPARATORS) {
    const table = KEYWORD_TABLES[comparator.family] ?? [];
    describe(comparator.family, () => {
      it.each(table.map((c) => [c.name, c] as const))('%s', (_name, c) => {
        expect(sorted(run(c))).toEqual(sorted(c.want));
      });

      it(`expects each of its rules (${comparator.rules.join(', ')}) in at least one case`, () => {
        const expected = new Set(table.flatMap((c) => c.want.map((w) => w.rule)));
        expect(comparator.rules.filter((r) => !expected.has(r))).toEqual([]);
      });
    });
  }
});
