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
import { type ContractChange, type Place, showValue } from './check/changes.ts';
import { compareGraphs, type GraphCompareOptions } from './check/graph-changes.ts';
import { checkDocuments } from './check/index.ts';
import type { Diagnostic } from './diagnostics.ts';
import { loadSpecs } from './load.ts';
import { buildModel } from './model.ts';

export { compareGraphs, type GraphCompareOptions };

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
    const diagnostics: Diagnostic[] = [
      ...nowLoaded.diagnostics,
      ...now.diagnostics,
      ...checkDocuments(now.graph),
    ].filter((d) => d.severity === 'error');
    if (at.files === 0) return { ref, changes: [], diagnostics, events: now.graph.events.length };
    const thenLoaded = await loadSpecs(at.specsDir, { cacheDir });
    const then = buildModel(thenLoaded);
    const oldPlace = (p: Place): Place => {
      const abs = resolve(p.file);
      return abs.startsWith(at.root + sep)
        ? { ...p, file: `${ref}:${relative(at.root, abs).split(sep).join('/')}` }
        : p;
    };
    for (const d of [...thenLoaded.diagnostics, ...then.diagnostics, ...checkDocuments(then.graph)]) {
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
