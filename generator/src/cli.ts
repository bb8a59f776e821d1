#!/usr/bin/env node
/**
 * kada-gen: the thin CLI around the pipeline.
 *
 *   kada-gen generate [--specs specs] [--out generated] [--runtime @kada/runtime] [--no-package] [--watch]
 *   kada-gen check    [--specs specs] [--out generated] [--format json]
 */
import { watch } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Diagnostic, formatDiagnostic, hasErrors, sortDiagnostics } from './diagnostics.ts';
import { GENERATOR_VERSION } from './emit/file.ts';
import { loadSpecs } from './load.ts';
import { buildModel } from './model.ts';
import { generate } from './pipeline.ts';
import { diffOutput, writeOutput } from './write.ts';

const USAGE = `kada-gen ${GENERATOR_VERSION}: AsyncAPI 3 + OpenAPI 3.1 contracts -> typed publishers, consumers, validators, topology, docs

usage:
  kada-gen generate [--specs DIR] [--out DIR] [--runtime MODULE] [--no-package] [--watch]
  kada-gen check    [--specs DIR] [--out DIR] [--format text|json]

  generate  write generated code for every document under --specs (default specs) into --out (default generated)
  check     no writes: parse, drift, completeness, examples, and whether --out is up to date; exit 1 on any error
`;

interface Options {
  specs: string;
  out: string;
  runtime: string;
  noPackage: boolean;
  format: 'text' | 'json';
}

async function run(command: string, o: Options): Promise<number> {
  const t0 = performance.now();
  const cacheDir = resolve('node_modules/.cache/kada-gen');
  const loaded = await loadSpecs(o.specs, { cacheDir });
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const { graph, diagnostics: modelDiags } = buildModel(loaded);
  diagnostics.push(...modelDiags);
  const failedEarly = hasErrors(diagnostics);
  const result = failedEarly
    ? null
    : await generate(graph, {
        runtimeModule: o.runtime,
        packageName: o.noPackage ? null : undefined,
        cacheDir,
      });
  if (result) diagnostics.push(...result.diagnostics);
  const failed = hasErrors(diagnostics);
  const sorted = sortDiagnostics(diagnostics);
  const ms = Math.round(performance.now() - t0);

  if (command === 'check') {
    const stale = result ? diffOutput(resolve(o.out), result.files) : null;
    const staleList = stale ? [...stale.written, ...stale.removed] : [];
    if (o.format === 'json') {
      process.stdout.write(`${JSON.stringify({ ok: !failed && staleList.length === 0, diagnostics: sorted, stale: staleList, ms })}\n`);
    } else {
      for (const d of sorted) process.stderr.write(`${formatDiagnostic(d)}\n`);
      if (staleList.length > 0) {
        process.stderr.write(`${o.out} is not up to date with the specs (${staleList.length} files differ: ${staleList.slice(0, 5).join(', ')}${staleList.length > 5 ? ', …' : ''}). Run pnpm generate.\n`);
      }
      const errors = sorted.filter((d) => d.severity === 'error').length;
      const warnings = sorted.filter((d) => d.severity === 'warning').length;
      process.stdout.write(`kada-gen check: ${graph.services.length} documents, ${graph.events.length} events, ${errors} errors, ${warnings} warnings, ${staleList.length} stale files, ${ms} ms\n`);
    }
    return failed || staleList.length > 0 ? 1 : 0;
  }

  for (const d of sorted) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (failed || !result) {
    process.stderr.write(`kada-gen: generation failed with ${sorted.filter((d) => d.severity === 'error').length} errors; nothing written.\n`);
    return 1;
  }
  const report = writeOutput(resolve(o.out), result.files);
  const total = Math.round(performance.now() - t0);
  process.stdout.write(
    `kada-gen: ${report.written.length} files written, ${report.unchanged.length} unchanged${report.removed.length ? `, ${report.removed.length} removed` : ''}, ${total} ms\n`,
  );
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
        watch: { type: 'boolean', default: false },
        format: { type: 'string', default: 'text' },
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
  if (command !== 'generate' && command !== 'check') {
    process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  const format = v.format === 'json' ? 'json' : 'text';
  const o: Options = { specs: String(v.specs), out: String(v.out), runtime: String(v.runtime), noPackage: Boolean(v['no-package']), format };
  if (command === 'generate' && v.watch) {
    await run(command, o);
    let timer: NodeJS.Timeout | null = null;
    watch(resolve(o.specs), { recursive: true }, () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void run(command, o).catch((e) => process.stderr.write(`${String(e)}\n`)), 150);
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
    process.stderr.write(`kada-gen: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);
