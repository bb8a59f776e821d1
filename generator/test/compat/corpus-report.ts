/**
 * Prints the corpus size and the agreement per mode (expected vs actual verdict):
 *
 *   pnpm exec node generator/test/compat/corpus-report.ts
 */
import { compareVersions, MODES } from '../../src/compat/index.ts';
import { CORPUS } from './corpus.ts';
import { agreement, judge } from './corpus-agreement.ts';

const { cases, modes } = agreement();
process.stdout.write(
  `compat corpus: ${cases} cases (old -> new schema pairs), registry reading (strict open content)\n`,
);
for (const mode of MODES) {
  const m = modes[mode];
  process.stdout.write(
    `  ${mode.padEnd(8)} ${m.agree}/${cases} agree (${((100 * m.agree) / cases).toFixed(1)}%), ${m.missed.length} missed breaking, ${m.falseAlarms.length} false alarms\n`,
  );
  for (const name of m.missed) process.stdout.write(`    missed: ${name}\n`);
  for (const name of m.falseAlarms) process.stdout.write(`    false alarm: ${name}\n`);
}
const unprovableOnly = CORPUS.flatMap((c) =>
  MODES.filter((mode) => {
    const r = compareVersions(c.old, c.new, mode, { strictOpenContent: true });
    return r.breaking.length > 0 && r.breaking.every((f) => f.rule === 'unprovable');
  }).map((mode) => `${c.name} (${mode})`),
);
process.stdout.write(
  `  breaking verdicts that rest only on 'unprovable' (warnings with --lenient): ${unprovableOnly.length}${unprovableOnly.length ? `: ${unprovableOnly.join('; ')}` : ''}\n`,
);
const relaxed = CORPUS.filter((c) => MODES.some((mode) => judge(c, mode, false) !== judge(c, mode, true)));
process.stdout.write(
  `  under the tolerant-reader default, ${relaxed.length} cases change verdict (open content additions/removals): ${relaxed.map((c) => c.name).join('; ')}\n`,
);
