/**
 * Compatibility modes over checkReadable and describeChanges.
 *
 * - backward: new readers read old messages (replays, DLQ): checkReadable(old, new).
 * - forward:  old readers read new messages: checkReadable(new, old).
 * - full:     both (the default mode of an event).
 * - `<mode>-transitive`: the same against every earlier revision, via compareTransitive.
 *
 * `breaking` holds checkReadable's breaking findings, each with the direction that found it
 * (its schemaPointer points into that direction's reader: the new schema for backward, the old
 * one for forward). `safe` holds the describeChanges differences whose data pointer no breaking
 * finding flagged, so a report can list them.
 *
 *   compareVersions(
 *     { type: 'object', properties: { id: { type: 'string' } } },
 *     { type: 'object', properties: { id: { type: 'string' }, note: { type: 'string' } } },
 *     'full',
 *   )
 *   // → { breaking: [],
 *   //     safe: [ { rule: 'property-added', pointer: '/note', severity: 'info', direction: 'both', … } ] }
 */
import { describeChanges } from './diff.ts';
import { checkReadable } from './readable.ts';
import type { Finding } from './rules.ts';

export type Mode = 'backward' | 'forward' | 'full';
export type TransitiveMode = `${Mode}-transitive`;
export type Direction = 'backward' | 'forward';

export interface VersionFinding extends Finding {
  /** Which check found it; safe changes carry the mode's direction, 'both' in full mode. */
  direction: Direction | 'both';
  /** compareTransitive only: the index in `history` of the revision compared against. */
  revision?: number;
}

export interface Comparison {
  breaking: VersionFinding[];
  /** Lenient runs only: `unprovable` findings, with severity 'warning'. */
  warnings: VersionFinding[];
  safe: VersionFinding[];
}

export interface CompareOptions {
  /** How messages name the old schema (default 'old schema'). */
  oldLabel?: string;
  /** How messages name the new schema (default 'new schema'). */
  newLabel?: string;
  /** See ReadableOptions.strictOpenContent. */
  strictOpenContent?: boolean;
  /** See ReadableOptions.tolerantReader. */
  tolerantReader?: boolean;
  /** `unprovable` findings become warnings instead of breaking (`--lenient`). */
  lenient?: boolean;
}

export const MODES: readonly Mode[] = ['backward', 'forward', 'full'];

export function compareVersions(
  oldSchema: unknown,
  newSchema: unknown,
  mode: Mode,
  opts: CompareOptions = {},
): Comparison {
  const oldLabel = opts.oldLabel ?? 'old schema';
  const newLabel = opts.newLabel ?? 'new schema';
  const strictOpenContent = opts.strictOpenContent ?? false;
  const tolerantReader = opts.tolerantReader ?? false;
  const directions: Direction[] = mode === 'full' ? ['backward', 'forward'] : [mode];

  const breaking: VersionFinding[] = [];
  for (const direction of directions) {
    const findings =
      direction === 'backward'
        ? checkReadable(oldSchema, newSchema, {
            writerLabel: oldLabel,
            readerLabel: newLabel,
            strictOpenContent,
            tolerantReader,
          })
        : checkReadable(newSchema, oldSchema, {
            writerLabel: newLabel,
            readerLabel: oldLabel,
            strictOpenContent,
            tolerantReader,
          });
    for (const f of findings) if (f.severity === 'breaking') breaking.push({ ...f, direction });
  }
  // the mode decides what an undecidable keyword is: breaking, or a warning when lenient
  const warnings = opts.lenient
    ? breaking
        .filter((f) => f.rule === 'unprovable')
        .map((f): VersionFinding => ({ ...f, severity: 'warning' }))
    : [];
  if (opts.lenient) breaking.splice(0, breaking.length, ...breaking.filter((f) => f.rule !== 'unprovable'));

  // A change is breaking when a breaking finding sits at its data pointer. A composition
  // mismatch also covers everything below it: the changed member is why no branch fits.
  const flagged = new Set(
    [...breaking, ...warnings].filter((f) => f.rule !== 'ref-changed').map((f) => f.pointer),
  );
  const refFlagged = new Set(breaking.filter((f) => f.rule === 'ref-changed').map((f) => f.pointer));
  const unions = breaking.filter((f) => f.rule === 'composition-mismatch').map((f) => f.pointer);
  const isFlagged = (c: Finding) =>
    c.rule === 'ref-changed'
      ? refFlagged.has(c.pointer)
      : flagged.has(c.pointer) || unions.some((p) => c.pointer.startsWith(`${p}/`));

  const direction = mode === 'full' ? 'both' : mode;
  const safe = describeChanges(oldSchema, newSchema)
    .filter((c) => !isFlagged(c))
    .map((c): VersionFinding => ({ ...c, direction }));
  return { breaking, warnings, safe };
}

/**
 * `<mode>-transitive`: compare `newSchema` with every revision in `history` (oldest first).
 * Breaking findings from all revisions are merged (first occurrence kept, tagged with its
 * revision); safe changes are those against the latest revision.
 */
export function compareTransitive(
  history: unknown[],
  newSchema: unknown,
  mode: Mode | TransitiveMode,
  opts: CompareOptions = {},
): Comparison {
  const base = mode.replace(/-transitive$/, '') as Mode;
  const breaking: VersionFinding[] = [];
  const warnings: VersionFinding[] = [];
  const seen = new Set<string>();
  let safe: VersionFinding[] = [];
  history.forEach((revision, index) => {
    const oldLabel = `${opts.oldLabel ?? 'old schema'} (revision ${index})`;
    const result = compareVersions(revision, newSchema, base, { ...opts, oldLabel });
    for (const f of [...result.breaking, ...result.warnings]) {
      const key = `${f.rule} ${f.pointer} ${f.schemaPointer} ${f.direction}`;
      if (seen.has(key)) continue;
      seen.add(key);
      (f.severity === 'warning' ? warnings : breaking).push({ ...f, revision: index });
    }
    safe = result.safe.map((f) => ({ ...f, revision: index }));
  });
  return { breaking, warnings, safe };
}
