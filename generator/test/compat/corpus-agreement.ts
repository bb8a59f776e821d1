/**
 * Judges every corpus case with the engine under backward, forward and full (strict open
 * content, the registries' reading) and compares with the expected verdicts.
 *
 *   agreement() -> { cases: 108, modes: { backward: { agree: 108, missed: [], falseAlarms: [] }, … } }
 */
import { compareVersions, MODES, type Mode } from '../../src/compat/index.ts';
import { CORPUS, type CorpusCase, type Verdict } from './corpus.ts';

export interface ModeAgreement {
  agree: number;
  /** Expected breaking, judged compatible: the dangerous kind. */
  missed: string[];
  /** Expected compatible, judged breaking. */
  falseAlarms: string[];
}

export function expected(c: CorpusCase, mode: Mode): Verdict {
  if (mode === 'backward') return c.bwd;
  if (mode === 'forward') return c.fwd;
  return c.bwd === 'break' || c.fwd === 'break' ? 'break' : 'ok';
}

export function judge(c: CorpusCase, mode: Mode, strictOpenContent = true): Verdict {
  return compareVersions(c.old, c.new, mode, { strictOpenContent }).breaking.length > 0 ? 'break' : 'ok';
}

export function agreement(): { cases: number; modes: Record<Mode, ModeAgreement> } {
  const modes = {} as Record<Mode, ModeAgreement>;
  for (const mode of MODES) {
    const m: ModeAgreement = { agree: 0, missed: [], falseAlarms: [] };
    for (const c of CORPUS) {
      const want = expected(c, mode);
      const got = judge(c, mode);
      if (want === got) m.agree++;
      else if (want === 'break') m.missed.push(c.name);
      else m.falseAlarms.push(c.name);
    }
    modes[mode] = m;
  }
  return { cases: CORPUS.length, modes };
}
