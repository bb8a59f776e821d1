#!/usr/bin/env node
/**
 * kada-gen: the thin CLI around the pipeline.
 *
 *   kada-gen generate [--specs specs] [--out generated] [--emit ts|js] [--runtime @kada/runtime] [--no-package] [--watch]
 *   kada-gen check    [--specs specs] [--out generated] [--emit ts|js] [--format json] [--against <git-ref>] [--lenient] [--open-content strict]
 *   kada-gen init     <dir>
 *   kada-gen rules    [--format json]
 */
import { existsSync, mkdirSync, readdirSync, watch, writeFileSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import type { AgainstReport } from './against.ts';
import { type Diagnostic, formatDiagnostic, hasErrors, sortDiagnostics } from './diagnostics.ts';
import { GENERATOR_VERSION } from './emit/file.ts';
import type { AllowBreaking } from './lock/check.ts';
import { LOCK_FILE } from './lock/lockfile.ts';
import { hashText, hasRemoteRef, lookupRun, type RunEntry, runKey, storeRun } from './run-cache.ts';
import { diffOutput, writeOutput } from './write.ts';

// The parser, ajv, the emitters and the compatibility engine are imported by the commands that
// use them (see run, runAgainst, printRules, runInit): `init`, `rules` and `--help` need none of
// them, and a run the cache answers needs none but the cache.

const USAGE = `kada-gen ${GENERATOR_VERSION}: AsyncAPI 3 + OpenAPI 3.1 contracts -> typed publishers, consumers, validators, topology, docs

usage:
  kada-gen generate [--specs DIR|FILE] [--out DIR] [--emit ts|js] [--runtime MODULE] [--no-package] [--watch] [--strict]
                    [--allow-breaking EVENT --reason TEXT] [--lenient] [--open-content strict]
  kada-gen check    [--specs DIR|FILE] [--out DIR] [--emit ts|js] [--format text|json] [--against GIT-REF] [--strict]
                    [--lenient] [--open-content strict]
  kada-gen init     DIR
  kada-gen rules    [--format text|json]

  generate  write generated code for every document under --specs (default specs) into --out (default generated);
            refuses a change that breaks a version locked in --out/contracts.lock.json, unless
            --allow-breaking names that event version and --reason says why (recorded in the lock)
            --emit js: JavaScript + .d.ts instead of TypeScript (for projects that do not run .ts directly)
  check     no writes: parse, drift, completeness, examples, the lock, and whether --out is up to date; exit 1 on any error
            (an --out folder that does not exist yet is not stale: the contract checks still run)
            --against REF: compare the specs with the specs at git REF instead; exit 1 on a breaking change
            (overrides recorded in --out/contracts.lock.json by --allow-breaking are honoured)
  init      scaffold a service project in DIR (new or empty): a spec, a handler, main.ts, a test, a README
  rules     list every rule id (compatibility, lock, document, drift, example, HTTP) and the reading they assume

  --strict  a received event that no document in --specs sends is an error (default: a warning, an external producer)
  --lenient            a schema keyword the check cannot decide ("unprovable") is a warning, not breaking
  --open-content strict  judge every event schema-registry style: adding a property to an open
                       object breaks backward (per message: x-kada-event.openContent: strict)
`;

interface Options {
  specs: string;
  out: string;
  runtime: string;
  noPackage: boolean;
  emit: 'ts' | 'js';
  format: 'text' | 'json';
  allowBreaking: AllowBreaking | null;
  strict: boolean;
  lenient: boolean;
  openContent: 'tolerant' | 'strict' | undefined;
}

/** What run() reports, from a full run or replayed from the run cache. */
interface RunOutcome {
  readonly diagnostics: Diagnostic[];
  /** null when nothing was generated (errors before emitting). */
  readonly files: { path: string; content: string }[] | null;
  readonly services: number;
  readonly events: number;
  /** Set when the run cache answered: the output folder already holds these files. */
  readonly cachedFiles: number | null;
}

async function run(command: string, o: Options): Promise<number> {
  const t0 = performance.now();
  const cacheDir = resolve('node_modules/.cache/kada-gen');
  const lockShown = join(o.out, LOCK_FILE);
  const keyInput = {
    specs: o.specs,
    out: o.out,
    lockFile: resolve(o.out, LOCK_FILE),
    options: {
      runtime: o.runtime,
      noPackage: o.noPackage,
      emit: o.emit,
      allowBreaking: o.allowBreaking,
      strict: o.strict,
      lenient: o.lenient,
      openContent: o.openContent ?? null,
    },
  };
  const key = runKey(keyInput);
  const hit = key ? lookupRun(cacheDir, key, resolve(o.out)) : null;
  const outcome: RunOutcome = hit
    ? {
        diagnostics: [...hit.diagnostics],
        files: null,
        services: hit.services,
        events: hit.events,
        cachedFiles: hit.files.length,
      }
    : await fullRun(o, cacheDir, lockShown, key, () => runKey(keyInput));
  return report(command, o, outcome, t0);
}

/** load -> model -> generate, and a run-cache entry when it succeeds. */
async function fullRun(
  o: Options,
  cacheDir: string,
  lockShown: string,
  key: string | null,
  keyAfterWrite: () => string | null,
): Promise<RunOutcome> {
  const [{ loadSpecs }, { buildModel }, { checkDocuments }, { generate }, { emitDocs }, { readLockFile }] =
    await Promise.all([
      import('./load.ts'),
      import('./model.ts'),
      import('./check/index.ts'),
      import('./pipeline.ts'),
      import('./emit/docs/index.ts'),
      import('./lock/read.ts'),
    ]);
  const loaded = await loadSpecs(o.specs, { cacheDir });
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const { graph, diagnostics: modelDiags } = buildModel(loaded);
  diagnostics.push(...modelDiags, ...checkDocuments(graph));
  const failedEarly = hasErrors(diagnostics);
  const previous = readLockFile(resolve(o.out, LOCK_FILE), lockShown);
  diagnostics.push(...previous.diagnostics);
  const result = failedEarly
    ? null
    : await generate(graph, {
        runtimeModule: o.runtime,
        strict: o.strict,
        packageName: o.noPackage ? null : undefined,
        cacheDir,
        emit: o.emit,
        extraEmitters: [(g) => emitDocs(g, {})],
        lock: {
          previous: previous.lock,
          allowBreaking: o.allowBreaking,
          lockPath: lockShown,
          lenient: o.lenient,
          ...(o.openContent ? { openContent: o.openContent } : {}),
        },
      });
  if (result) diagnostics.push(...result.diagnostics);
  const sorted = sortDiagnostics(diagnostics);
  const outcome: RunOutcome = {
    diagnostics: sorted,
    files: result ? result.files : null,
    services: graph.services.length,
    events: graph.events.length,
    cachedFiles: null,
  };
  // Remember only a clean result whose inputs are all local files.
  const remote = [...loaded.sources.values()].some((src) => hasRemoteRef(src.json));
  if (key && result && !hasErrors(sorted) && !remote) {
    const specsRoot = resolve(o.specs);
    // A run that writes a new lock (the first run of a project, an added event) changes its own
    // key: the next, unchanged run reads that lock. With no lock diagnostics (no change judged
    // against the old lock, no override) the next run reports the same, so it is stored under the
    // key after writing too; otherwise the second run of every new project missed the cache.
    const relocks =
      result.files.some((f) => f.path === LOCK_FILE) &&
      o.allowBreaking === null &&
      !sorted.some((d) => d.code.startsWith('compat:'));
    pendingStore = {
      key,
      keyAfterWrite: relocks ? keyAfterWrite : null,
      cacheDir,
      entry: {
        deps: [...loaded.sources.entries()]
          // The key covers the spec files; files reached by $ref from elsewhere are checked one by one.
          .filter(([abs]) => abs !== specsRoot && !abs.startsWith(`${specsRoot}${sep}`))
          .map(([abs, src]) => ({ path: abs, hash: hashText(src.text) })),
        diagnostics: sorted,
        files: result.files.map((f) => ({ path: f.path, hash: hashText(f.content) })),
        services: outcome.services,
        events: outcome.events,
      },
    };
  }
  return outcome;
}

/** Stored once the output folder holds the result (after writing, or a check that found it fresh). */
let pendingStore: {
  key: string;
  /** Set when the run writes a new lock and its outcome holds for the next run too. */
  keyAfterWrite: (() => string | null) | null;
  cacheDir: string;
  entry: RunEntry;
} | null = null;

function storePending(written: boolean): void {
  if (!pendingStore) return;
  try {
    storeRun(pendingStore.cacheDir, pendingStore.key, pendingStore.entry);
    const after = written && pendingStore.keyAfterWrite ? pendingStore.keyAfterWrite() : null;
    if (after && after !== pendingStore.key) storeRun(pendingStore.cacheDir, after, pendingStore.entry);
  } catch {
    // a cache that cannot be written only costs time next run
  }
  pendingStore = null;
}

function report(command: string, o: Options, outcome: RunOutcome, t0: number): number {
  const sorted = sortDiagnostics(outcome.diagnostics);
  const failed = hasErrors(sorted);
  const ms = Math.round(performance.now() - t0);

  if (command === 'check') {
    // A project that has never generated has nothing to be stale; the contract checks still count.
    const outMissing = !existsSync(resolve(o.out));
    const stale = outcome.files && !outMissing ? diffOutput(resolve(o.out), outcome.files) : null;
    const staleList = stale ? [...stale.written, ...stale.removed] : [];
    if (o.format === 'json') {
      process.stdout.write(
        `${JSON.stringify({ ok: !failed && staleList.length === 0, diagnostics: sorted, stale: staleList, outMissing, ms })}\n`,
      );
    } else {
      for (const d of sorted) process.stderr.write(`${formatDiagnostic(d)}\n`);
      if (outMissing) {
        process.stdout.write(
          `${o.out} does not exist yet: staleness not checked (kada-gen generate creates it).\n`,
        );
      }
      if (staleList.length > 0) {
        process.stderr.write(
          `${o.out} is not up to date with the specs (${staleList.length} files differ: ${staleList.slice(0, 5).join(', ')}${staleList.length > 5 ? ', …' : ''}). Run pnpm generate.\n`,
        );
      }
      const errors = sorted.filter((d) => d.severity === 'error').length;
      const warnings = sorted.filter((d) => d.severity === 'warning').length;
      process.stdout.write(
        `kada-gen check: ${outcome.services} documents, ${outcome.events} events, ${errors} errors, ${warnings} warnings, ${staleList.length} stale files, ${ms} ms\n`,
      );
    }
    if (stale && staleList.length === 0) storePending(false);
    pendingStore = null;
    return failed || staleList.length > 0 ? 1 : 0;
  }

  for (const d of sorted) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (outcome.cachedFiles !== null && !failed) {
    const total = Math.round(performance.now() - t0);
    process.stdout.write(`kada-gen: 0 files written, ${outcome.cachedFiles} unchanged, ${total} ms\n`);
    return 0;
  }
  if (failed || !outcome.files) {
    pendingStore = null;
    process.stderr.write(
      `kada-gen: generation failed with ${sorted.filter((d) => d.severity === 'error').length} errors; nothing written.\n`,
    );
    return 1;
  }
  const written = writeOutput(resolve(o.out), outcome.files);
  storePending(true);
  const total = Math.round(performance.now() - t0);
  process.stdout.write(
    `kada-gen: ${written.written.length} files written, ${written.unchanged.length} unchanged${written.removed.length ? `, ${written.removed.length} removed` : ''}, ${total} ms\n`,
  );
  return 0;
}

async function runAgainst(ref: string, o: Options): Promise<number> {
  const t0 = performance.now();
  const [{ AgainstError, changeJson, checkAgainst, formatChange }, { readLockFile }] = await Promise.all([
    import('./against.ts'),
    import('./lock/read.ts'),
  ]);
  let report: AgainstReport;
  try {
    const lock = readLockFile(resolve(o.out, LOCK_FILE)).lock;
    report = await checkAgainst(ref, o.specs, resolve('node_modules/.cache/kada-gen'), {
      lenient: o.lenient,
      ...(o.openContent ? { openContent: o.openContent } : {}),
      overrides: lock?.overrides ?? [],
    });
  } catch (err) {
    if (!(err instanceof AgainstError)) throw err;
    process.stderr.write(`kada-gen check --against: ${err.message}\n`);
    return 2;
  }
  const breaking = report.changes.filter((c) => c.breaking).length;
  const warnings = report.changes.filter((c) => c.warning).length;
  const failed = breaking > 0 || hasErrors(report.diagnostics);
  for (const d of sortDiagnostics(report.diagnostics)) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (o.format === 'json') {
    process.stdout.write(`${JSON.stringify(report.changes.map(changeJson), null, 2)}\n`);
    return failed ? 1 : 0;
  }
  for (const c of report.changes) process.stdout.write(`${formatChange(c)}\n`);
  const ms = Math.round(performance.now() - t0);
  process.stdout.write(
    `kada-gen check --against ${ref}: ${report.events} events, ${breaking} breaking, ${warnings ? `${warnings} warnings, ` : ''}${report.changes.length - breaking - warnings} safe changes, ${ms} ms\n`,
  );
  if (breaking > 0) {
    process.stdout.write(
      'A breaking change to a published event needs a new major version beside the old one (e.g. order.created.v2 next to v1), or an override recorded with kada-gen generate --allow-breaking EVENT --reason TEXT.\n',
    );
  }
  return failed ? 1 : 0;
}

/** How the compatibility check reads schemas; printed above the rule ids. */
const READING = `How kada-gen judges a change (backward: new readers read old messages; forward: old readers
read new ones; full: both, the default; per message x-kada-event.compatibility):
- Tolerant reader (default): consumers ignore properties they do not know, so adding an optional
  property and closing an object (additionalProperties: false) are safe; a new required property,
  a removed required one, or a narrowed type, range, enum or pattern is breaking. A writer sends
  only the properties it declares; additionalProperties true, absent and {} are alike ("open").
  A reader schema that constrains every undeclared key (an additionalProperties or
  unevaluatedProperties schema, patternProperties, propertyNames) must accept what an open
  writer may have sent, so adding one is breaking for backward.
- Open content strict (x-kada-event.openContent: strict, or --open-content strict for a run): the
  schema-registry reading; an open object may carry any undeclared property, so adding a
  constrained property to it is breaking for backward.
- unprovable: a keyword the engine cannot decide for this pair (named with its path in the
  message) is breaking; with --lenient it is a warning.
- A published event is a promise to consumers outside this folder: removing or renaming it
  (send operation, channel address, event name) is breaking unless it was retired first
  (x-kada-event.deprecated: <YYYY-MM-DD> released, then removed from that date) or accepted with
  kada-gen generate --allow-breaking EVENT --reason TEXT (recorded in the lock). So are a changed
  exchange name or type, content type, or Envelope trait.

`;

/** Writes the scaffold into `dir`, which must be new or empty: init never overwrites a file. */
async function runInit(dir: string | undefined): Promise<number> {
  if (!dir) {
    process.stderr.write(`kada-gen init needs a folder name, e.g. kada-gen init my-service\n\n${USAGE}`);
    return 2;
  }
  const { scaffoldProject, serviceIdOf } = await import('./init.ts');
  const root = resolve(dir);
  const service = serviceIdOf(basename(root));
  if (!service) {
    process.stderr.write(
      `kada-gen init: "${basename(root)}" does not make a service name; use letters, digits and dashes, starting with a letter.\n`,
    );
    return 2;
  }
  if (existsSync(root) && readdirSync(root).length > 0) {
    process.stderr.write(
      `kada-gen init: ${dir} is not empty; init writes only into a new or empty folder.\n`,
    );
    return 1;
  }
  const files = scaffoldProject(service, { genVersion: GENERATOR_VERSION });
  for (const f of files) {
    const target = join(root, f.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, f.content);
  }
  process.stdout.write(
    `kada-gen init: ${files.length} files written to ${dir} (service "${service}").\n\n  cd ${dir}\n  npm install && npm run generate\n  npm start\n`,
  );
  return 0;
}

async function printRules(format: 'text' | 'json'): Promise<number> {
  const rules = (await import('./check/index.ts')).allRules();
  if (format === 'json') process.stdout.write(`${JSON.stringify(rules, null, 2)}\n`);
  else {
    process.stdout.write(READING);
    for (const r of rules) process.stdout.write(`${r.id.padEnd(32)} ${r.kind.padEnd(12)} ${r.description}\n`);
  }
  return 0;
}

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        specs: { type: 'string', default: 'specs' },
        out: { type: 'string', default: 'generated' },
        runtime: { type: 'string', default: '@kada/runtime' },
        'no-package': { type: 'boolean', default: false },
        strict: { type: 'boolean', default: false },
        emit: { type: 'string', default: 'ts' },
        watch: { type: 'boolean', default: false },
        format: { type: 'string', default: 'text' },
        against: { type: 'string' },
        'allow-breaking': { type: 'string' },
        reason: { type: 'string' },
        lenient: { type: 'boolean', default: false },
        'open-content': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const v = parsed.values as Record<string, string | boolean>;
  const command = parsed.positionals[0];
  if (v.help || !command) {
    process.stdout.write(USAGE);
    return command || v.help ? 0 : 2;
  }
  const format = v.format === 'json' ? 'json' : 'text';
  if (command === 'rules') return printRules(format);
  if (command === 'init') return runInit(parsed.positionals[1]);
  if (command !== 'generate' && command !== 'check') {
    process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  // V8 code cache for the modules generate and check import (the parser, spectral, ajv, yaml: about a second
  // to compile on every start), next to the other caches; a fresh clone starts without it.
  try {
    enableCompileCache(resolve('node_modules/.cache/kada-gen/v8'));
  } catch {
    // an old Node or a read-only folder: start without it
  }
  const allowEvent = typeof v['allow-breaking'] === 'string' ? v['allow-breaking'].trim() : null;
  const reason = typeof v.reason === 'string' ? v.reason.trim() : null;
  if ((allowEvent !== null || reason !== null) && command !== 'generate') {
    process.stderr.write(`--allow-breaking and --reason belong to kada-gen generate.\n\n${USAGE}`);
    return 2;
  }
  if ((allowEvent !== null) !== (reason !== null) || allowEvent === '' || reason === '') {
    process.stderr.write(
      '--allow-breaking EVENT needs --reason TEXT (both non-empty): the reason is recorded in the lock for reviewers.\n',
    );
    return 2;
  }
  if (typeof v.against === 'string' && command !== 'check') {
    process.stderr.write(`--against belongs to kada-gen check.\n\n${USAGE}`);
    return 2;
  }
  if (v.emit !== 'ts' && v.emit !== 'js') {
    process.stderr.write(`--emit takes ts or js, not "${String(v.emit)}".\n`);
    return 2;
  }
  const allowBreaking = allowEvent !== null && reason !== null ? { event: allowEvent, reason } : null;
  const openContent = v['open-content'];
  if (openContent !== undefined && openContent !== 'strict' && openContent !== 'tolerant') {
    process.stderr.write(
      `--open-content takes "strict" (schema-registry style) or "tolerant" (the default); got "${String(openContent)}".\n`,
    );
    return 2;
  }
  const o: Options = {
    specs: String(v.specs),
    out: String(v.out),
    runtime: String(v.runtime),
    noPackage: Boolean(v['no-package']),
    emit: v.emit,
    format,
    allowBreaking,
    strict: Boolean(v.strict),
    lenient: Boolean(v.lenient),
    openContent: openContent === 'strict' || openContent === 'tolerant' ? openContent : undefined,
  };
  if (typeof v.against === 'string') return runAgainst(v.against, o);
  if (command === 'generate' && v.watch) {
    await run(command, o);
    let timer: NodeJS.Timeout | null = null;
    watch(resolve(o.specs), { recursive: true }, () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(
        () => void run(command, o).catch((e) => process.stderr.write(`${String(e)}\n`)),
        150,
      );
    });
    process.stdout.write(`kada-gen: watching ${o.specs} (Ctrl-C to stop)\n`);
    return await new Promise<number>(() => {});
  }
  return run(command, o);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `kada-gen: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 2;
  },
);
