/**
 * `kada-gen check --against <git-ref>`: compares the specs with the specs at any git ref, read
 * with `git ls-tree` and `git show` into a temporary folder (no checkout), and reports every
 * change with its rule id and whether it can break a running producer or consumer.
 *
 *   kada-gen check --against origin/main
 *   -> specs/asyncapi/order.yaml:212:13 breaking type-mismatch order.created.v1 /items/*\/quantity: ["integer"] -> ["string"] …
 *      origin/main:specs/asyncapi/order.yaml:40:3 safe operation-removed order.cancelled.v1 #/operations/sendOrderCancelledV1: …
 *      kada-gen check --against origin/main: 1 breaking, 1 safe
 *
 * Payloads are compared under the mode the NEW spec declares (`-transitive` modes compare with
 * the one earlier revision a ref gives; the lock keeps the full history).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { locate, topicMatches } from './check/contracts.ts';
import type { Diagnostic } from './diagnostics.ts';
import { loadSpecs } from './load.ts';
import {
  acceptOverride,
  type ContractChange,
  compareContracts,
  type Place,
  showValue,
  sortChanges,
} from './lock/compare.ts';
import { type LockOverride, snapshotEvents } from './lock/lockfile.ts';
import { buildModel, type ContractGraph, type MessageModel } from './model.ts';

export class AgainstError extends Error {
  readonly code = 'KADA_AGAINST';
}

function git(args: readonly string[], cwd: string): Buffer {
  try {
    return execFileSync('git', args, {
      cwd,
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new AgainstError(`git ${args.join(' ')} failed: ${e.stderr?.toString().trim() || e.message}`);
  }
}

export interface SpecsAtRef {
  /** The specs folder as it was at the ref, inside `root`. */
  readonly specsDir: string;
  /** The temporary folder holding it; remove with `cleanup`. */
  readonly root: string;
  readonly files: number;
  cleanup(): void;
}

/** Copies the files under `specsDir` at `ref` into a temporary folder, keeping repository paths. */
export function readSpecsAtRef(ref: string, specsDir: string, cwd: string = process.cwd()): SpecsAtRef {
  const top = realpathSync(git(['rev-parse', '--show-toplevel'], cwd).toString().trim());
  try {
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], top);
  } catch {
    throw new AgainstError(
      `"${ref}" is not a commit in ${top}. In CI, fetch the base branch (actions/checkout with fetch-depth: 0).`,
    );
  }
  let specsAbs: string;
  try {
    specsAbs = realpathSync(resolve(cwd, specsDir));
  } catch {
    specsAbs = resolve(cwd, specsDir);
  }
  const rel = relative(top, specsAbs).split(sep).join('/');
  if (rel.startsWith('..')) throw new AgainstError(`${specsDir} is outside the git repository ${top}.`);
  const names = git(['ls-tree', '-r', '-z', '--name-only', ref, '--', rel || '.'], top)
    .toString()
    .split('\0')
    .filter(Boolean);
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'kada-gen-against-')));
  for (const name of names) {
    const target = join(root, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, git(['show', `${ref}:${name}`], top));
  }
  return {
    specsDir: join(root, rel),
    root,
    files: names.length,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

interface Operation {
  readonly service: string;
  readonly m: MessageModel;
  readonly action: 'send' | 'receive' | 'other';
}

function operations(graph: ContractGraph): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const s of graph.services) {
    const all: [MessageModel, Operation['action']][] = [
      ...s.sends.map((m): [MessageModel, Operation['action']] => [m, 'send']),
      ...s.receives.map((m): [MessageModel, Operation['action']] => [m, 'receive']),
      ...s.other.map((m): [MessageModel, Operation['action']] => [m, 'other']),
    ];
    for (const [m, action] of all) {
      const id = `${s.id}\u0000${m.operationId}`;
      if (!out.has(id)) out.set(id, { service: s.id, m, action });
    }
  }
  return out;
}

function channels(graph: ContractGraph): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const op of operations(graph).values()) {
    const id = `${op.service}\u0000${op.m.routingKey}`;
    if (!out.has(id)) out.set(id, op);
  }
  return out;
}

/**
 * Every change from `before` (the specs at a ref) to `after` (the specs now). `oldPlace` turns a
 * place in `before` into what a reader sees (e.g. `origin/main:specs/asyncapi/order.yaml`).
 */
export interface GraphCompareOptions {
  /** `--lenient`: unprovable payload findings are warnings. */
  readonly lenient?: boolean;
  /** `--open-content strict` for every event. */
  readonly openContent?: 'tolerant' | 'strict';
  /** Today as YYYY-MM-DD, for deprecation dates. */
  readonly today?: string;
  /** Overrides recorded in the lock (`--allow-breaking`): a breaking change they name is accepted. */
  readonly overrides?: readonly LockOverride[];
}

export function compareGraphs(
  before: ContractGraph,
  after: ContractGraph,
  oldLabel: string,
  oldPlace: (p: Place) => Place,
  options: GraphCompareOptions = {},
): ContractChange[] {
  const old = snapshotEvents(before);
  const oldOp = (m: MessageModel) => oldPlace(locate(before, m.operationLocation, []));
  const overrides = options.overrides ?? [];
  const accepted = (event: string, rule: string) =>
    overrides.find((o) => o.event === event && o.rules.includes(rule))?.reason;
  const changes = compareContracts(old, after, {
    oldLabel: `the schema at ${oldLabel}`,
    transitive: false,
    accepted,
    ...(options.lenient ? { lenient: true } : {}),
    ...(options.openContent ? { openContent: options.openContent } : {}),
    ...(options.today ? { today: options.today } : {}),
    removedAt: (key, _was, consumer) => {
      const e = before.events.find((x) => x.key === key);
      const m = consumer ? e?.consumers.find((c) => c.service === consumer) : e?.producer;
      return m ? oldOp(m) : { file: oldLabel, line: 1, column: 1 };
    },
  });
  // an event whose removal is breaking makes its send operation's and channel's removal breaking
  const removalBreaks = new Set(
    changes.filter((c) => c.rule === 'event-removed' && c.breaking).map((c) => c.event),
  );
  const newOps = operations(after);
  for (const [id, op] of operations(before)) {
    if (newOps.has(id)) continue;
    const key = op.m.key;
    const breaking = op.action === 'send' && removalBreaks.has(key);
    changes.push({
      rule: 'operation-removed',
      breaking,
      event: key,
      pointer: `#/operations/${op.m.operationId}`,
      old: op.action,
      new: null,
      message: breaking
        ? `${op.service} no longer has operation ${op.m.operationId}, the only one sending ${key}, which is still published (see event-removed).`
        : `${op.service} no longer has operation ${op.m.operationId} (${op.action} ${key}).`,
      ...oldOp(op.m),
    });
  }
  const newChannels = channels(after);
  const producerKeys = after.events.filter((e) => e.producer).map((e) => e.routingKey);
  for (const [id, op] of channels(before)) {
    if (newChannels.has(id)) continue;
    const address = op.m.routingKey;
    const bound = after.services.some((s) =>
      s.receives.some((c) => !c.external && topicMatches(c.routingKey, address)),
    );
    const orphaned = bound && !producerKeys.some((k) => topicMatches(address, k) || k === address);
    const unpublished = op.action === 'send' && removalBreaks.has(op.m.key);
    const breaking = orphaned || unpublished;
    changes.push({
      rule: 'channel-removed',
      breaking,
      event: op.m.key,
      pointer: `#/channels/${op.m.channelId}`,
      old: address,
      new: null,
      message: orphaned
        ? `${op.service} no longer declares channel "${address}", a consumer still binds it and nobody else publishes to it.`
        : unpublished
          ? `${op.service} no longer declares channel "${address}", on which it published ${op.m.key} (see event-removed).`
          : `${op.service} no longer declares channel "${address}".`,
      ...oldPlace(
        locate(before, { absPath: op.m.operationLocation.absPath, pointer: [] }, [
          'channels',
          op.m.channelId,
        ]),
      ),
    });
  }
  for (const e of after.events) {
    if (e.producer || old.has(e.key)) continue;
    for (const c of e.consumers) {
      if (c.external) continue;
      if (before.events.find((x) => x.key === e.key)?.consumers.some((x) => x.service === c.service))
        continue;
      changes.push({
        rule: 'consumer-without-producer',
        breaking: true,
        event: e.key,
        pointer: `#/operations/${c.operationId}`,
        old: null,
        new: c.policy.queue,
        message: `${c.service} starts receiving ${e.key}, which no document sends: its queue would stay empty. Add the send operation to the producer's document first, or mark the operation x-kada-external: true.`,
        ...locate(after, c.operationLocation, []),
      });
    }
  }
  return sortChanges(changes.map((c) => acceptOverride(c, accepted)));
}

export interface AgainstReport {
  readonly ref: string;
  readonly changes: ContractChange[];
  /** Problems of loading either side (the new specs' errors make the check fail). */
  readonly diagnostics: Diagnostic[];
  readonly events: number;
}

/** Loads the specs now and at `ref`, and compares them. */
export async function checkAgainst(
  ref: string,
  specsDir: string,
  cacheDir: string | null = null,
  options: GraphCompareOptions = {},
): Promise<AgainstReport> {
  const at = readSpecsAtRef(ref, specsDir);
  try {
    const nowLoaded = await loadSpecs(specsDir, { cacheDir });
    const now = buildModel(nowLoaded);
    const diagnostics: Diagnostic[] = [...nowLoaded.diagnostics, ...now.diagnostics].filter(
      (d) => d.severity === 'error',
    );
    if (at.files === 0) return { ref, changes: [], diagnostics, events: now.graph.events.length };
    const thenLoaded = await loadSpecs(at.specsDir, { cacheDir });
    const then = buildModel(thenLoaded);
    const oldPlace = (p: Place): Place => {
      const abs = resolve(p.file);
      return abs.startsWith(at.root + sep)
        ? { ...p, file: `${ref}:${relative(at.root, abs).split(sep).join('/')}` }
        : p;
    };
    for (const d of [...thenLoaded.diagnostics, ...then.diagnostics]) {
      if (d.severity !== 'error') continue;
      const p = oldPlace(d);
      diagnostics.push({
        ...d,
        severity: 'warning',
        message: `the specs at ${ref} have an error, so the comparison may be incomplete: ${d.message}`,
        file: p.file,
      });
    }
    const changes = compareGraphs(then.graph, now.graph, ref, oldPlace, options);
    return { ref, changes, diagnostics, events: now.graph.events.length };
  } finally {
    at.cleanup();
  }
}

/** One line per change: `file:line:col breaking|warning|safe rule event pointer: old -> new: message`. */
export function formatChange(c: ContractChange): string {
  const dir = c.direction && c.direction !== 'both' ? ` [${c.direction}]` : '';
  return `${c.file}:${c.line}:${c.column} ${verdict(c)} ${c.rule} ${c.event} ${c.pointer || '/'}: ${showValue(c.old)} -> ${showValue(c.new)}${dir}: ${c.message}`;
}

function verdict(c: ContractChange): 'breaking' | 'warning' | 'safe' {
  return c.breaking ? 'breaking' : c.warning ? 'warning' : 'safe';
}

/** What `--format json` prints: one object per change. */
export function changeJson(c: ContractChange): Record<string, unknown> {
  return {
    file: c.file,
    line: c.line,
    column: c.column,
    event: c.event,
    rule: c.rule,
    severity: verdict(c),
    pointer: c.pointer,
    old: c.old ?? null,
    new: c.new ?? null,
    ...(c.direction ? { direction: c.direction } : {}),
    message: c.message,
  };
}
