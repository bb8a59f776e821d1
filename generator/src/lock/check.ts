/**
 * The lock step of the pipeline: judges the graph against the previous lock, then gives the
 * next lock. Pure: the CLI reads the previous lock and writes the result.
 *
 *   previous lock: order.created.v1 { quantity: integer } (mode full); specs now: { quantity: string }
 *   -> diagnostics: [ specs/asyncapi/order.yaml:212:13 error compat:type-mismatch order.created.v1 is locked …
 *                     add order.created.v2 beside it … or: pnpm generate --allow-breaking order.created.v1 --reason "…" ]
 *      with --allow-breaking order.created.v1 --reason "no consumer reads quantity yet":
 *   -> diagnostics: [ … info compat:override … ], lock.overrides += { event, reason, rules: ['type-mismatch'], at: <sha> }
 */

import { type ContractChange, compareContracts, showValue } from '../check/changes.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { OutputFile } from '../emit/file.ts';
import type { ContractGraph } from '../model.ts';
import {
  LOCK_FILE,
  LOCKFILE_VERSION,
  type LockedEvent,
  type Lockfile,
  type LockOverride,
  serializeLock,
  snapshotEvents,
} from './lockfile.ts';

/**
 * What the lock step reports beyond the changes themselves (each breaking change is reported as
 * `compat:<rule>`, with the rule of check/changes.ts or the payload rule).
 */
export const LOCK_RULES = [
  {
    id: 'compat:event-retired',
    kind: 'lock',
    description:
      'Info: a deprecated event whose date has passed is no longer sent and no consumer here receives it; it is dropped from the lock.',
  },
  {
    id: 'compat:override-unknown',
    kind: 'lock',
    description: '--allow-breaking names an event version that is neither in the lock nor in the specs.',
  },
  {
    id: 'compat:override-unused',
    kind: 'lock',
    description:
      '--allow-breaking names an event with no breaking change to accept; no override is recorded.',
  },
] as const;

export interface AllowBreaking {
  readonly event: string;
  readonly reason: string;
}

export interface LockInput {
  /** The lock on disk before this run; null when there is none yet. */
  readonly previous: Lockfile | null;
  /** `--allow-breaking <event> --reason <text>`. */
  readonly allowBreaking?: AllowBreaking | null;
  /** How diagnostics name the lock file (default 'generated/contracts.lock.json'). */
  readonly lockPath?: string;
  /** `--lenient`: a keyword the engine cannot decide is a warning, not an error. */
  readonly lenient?: boolean;
  /** `--open-content strict`: judge every event schema-registry style (default: per message). */
  readonly openContent?: 'tolerant' | 'strict';
  /** Today as YYYY-MM-DD, for deprecation dates (default: the clock). */
  readonly today?: string;
}

export interface LockResult {
  readonly diagnostics: Diagnostic[];
  readonly lock: Lockfile;
  readonly file: OutputFile;
}

const isTransitive = (mode: string): boolean => mode.endsWith('-transitive');

/** 'order.created.v1' in a graph that also has v2 -> 'order.created.v3'. */
function nextVersionKey(graph: ContractGraph, key: string): string {
  const e = graph.events.find((x) => x.key === key);
  const type = e?.eventType ?? key.replace(/\.v\d+$/, '');
  const current = Number(/\.v(\d+)$/.exec(key)?.[1] ?? 1);
  const highest = Math.max(
    current,
    ...graph.events.filter((x) => x.eventType === type).map((x) => x.version),
  );
  return `${type}.v${highest + 1}`;
}

function howToProceed(graph: ContractGraph, c: ContractChange, old: LockedEvent): string {
  const next = nextVersionKey(graph, c.event);
  const file = graph.events.find((e) => e.key === c.event)?.producer?.file ?? old.file;
  return `To change it, add ${next} beside ${c.event}: a new channel "${next}" with its own message in ${file}; publish both while consumers move, then retire ${c.event}. Or accept the break on purpose: pnpm generate --allow-breaking ${c.event} --reason "<why>".`;
}

function describe(c: ContractChange, mode: string): string {
  const values = `${c.pointer || '/'}: ${showValue(c.old)} -> ${showValue(c.new)}`;
  if (c.pointer.startsWith('#') || c.pointer === '')
    return `${c.event} is locked and this change breaks it (${c.rule}, ${values}): ${c.message}`;
  const who =
    c.direction === 'backward'
      ? 'new readers of old messages'
      : c.direction === 'forward'
        ? 'old readers of new messages'
        : 'readers both ways';
  return `${c.event} is locked (mode ${mode}) and this change breaks ${who} (${c.rule}, ${values}): ${c.message}`;
}

export function checkLock(graph: ContractGraph, input: LockInput): LockResult {
  const lockPath = input.lockPath ?? `generated/${LOCK_FILE}`;
  const current = snapshotEvents(graph);
  const previous = input.previous;
  const diagnostics: Diagnostic[] = [];
  const allow = input.allowBreaking ?? null;
  const prevEvents = new Map(Object.entries(previous?.events ?? {}));
  const changes = previous
    ? compareContracts(prevEvents, graph, {
        oldLabel: 'the locked schema',
        transitive: true,
        removedAt: (_key, old) => ({ file: old.file, line: 1, column: 1 }),
        ...(input.lenient ? { lenient: true } : {}),
        ...(input.openContent ? { openContent: input.openContent } : {}),
        ...(input.today ? { today: input.today } : {}),
      })
    : [];

  const accepted: ContractChange[] = [];
  for (const c of changes) {
    const old = prevEvents.get(c.event) as LockedEvent;
    if (!c.breaking) {
      if (c.warning) {
        diagnostics.push({
          severity: 'warning',
          code: `compat:${c.rule}`,
          message: `${c.event}: ${c.message}`,
          file: c.file,
          line: c.line,
          column: c.column,
        });
      }
      if (c.rule === 'event-removed') {
        diagnostics.push({
          severity: 'info',
          code: 'compat:event-retired',
          message: `${c.message} It is dropped from ${lockPath}.`,
          file: c.file,
          line: c.line,
          column: c.column,
        });
      }
      continue;
    }
    if (allow && allow.event === c.event) {
      accepted.push(c);
      diagnostics.push({
        severity: 'info',
        code: `compat:${c.rule}`,
        message: `${describe(c, current.get(c.event)?.compatibility ?? old.compatibility)} Accepted by --allow-breaking ${c.event} ("${allow.reason}"); recorded in ${lockPath}.`,
        file: c.file,
        line: c.line,
        column: c.column,
      });
      continue;
    }
    diagnostics.push({
      severity: 'error',
      code: `compat:${c.rule}`,
      message: `${describe(c, current.get(c.event)?.compatibility ?? old.compatibility)} ${howToProceed(graph, c, old)}`,
      file: c.file,
      line: c.line,
      column: c.column,
      related: [{ file: lockPath, line: 1, column: 1, note: `the locked ${c.event}` }],
    });
  }

  const overrides: LockOverride[] = [...(previous?.overrides ?? [])];
  if (allow) {
    if (!prevEvents.has(allow.event) && !current.has(allow.event)) {
      diagnostics.push({
        severity: 'error',
        code: 'compat:override-unknown',
        message: `--allow-breaking names ${allow.event}, which is neither in ${lockPath} nor in the specs. Name a locked event version, e.g. ${[...prevEvents.keys()][0] ?? 'order.created.v1'}.`,
        file: lockPath,
        line: 1,
        column: 1,
      });
    } else if (accepted.length === 0) {
      diagnostics.push({
        severity: 'warning',
        code: 'compat:override-unused',
        message: `--allow-breaking ${allow.event}: nothing to accept, the change is compatible (or there is none); no override recorded.`,
        file: lockPath,
        line: 1,
        column: 1,
      });
    } else {
      const at = current.get(allow.event)?.sha256 ?? 'removed';
      const rules = [...new Set(accepted.map((c) => c.rule))].sort();
      if (!overrides.some((o) => o.event === allow.event && o.at === at))
        overrides.push({ event: allow.event, reason: allow.reason, rules, at });
    }
  }

  const events: Record<string, LockedEvent> = {};
  for (const [key, now] of [...current].sort((a, b) => a[0].localeCompare(b[0]))) {
    const was = prevEvents.get(key);
    let history: readonly unknown[] = [];
    if (was && isTransitive(now.compatibility)) {
      const overridden = accepted.some((c) => c.event === key);
      // An accepted break starts a new lineage: the revisions before it are no longer targets.
      if (overridden) history = [];
      else history = was.sha256 === now.sha256 ? was.history : [...was.history, was.schema];
    }
    events[key] = { ...now, history };
  }
  const lock: Lockfile = { lockfileVersion: LOCKFILE_VERSION, events, overrides };
  return { diagnostics, lock, file: { path: LOCK_FILE, content: serializeLock(lock) } };
}
