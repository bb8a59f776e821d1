/**
 * The generator as one function from the contract graph (plus options) to files and
 * diagnostics. No file I/O here beyond the optional content-addressed caches (OpenAPI types,
 * compiled validators) under `cacheDir`; the CLI reads and writes.
 *
 *   generate(graph, { runtimeModule: '@kada/runtime' })
 *   -> { files: [events.ts, validators.js, validators.d.ts, services/order/publisher.ts, …], diagnostics: [] }
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { newAjv } from './ajv.ts';
import { writeCacheFile } from './cache-file.ts';
import { checkContracts } from './check/contracts.ts';
import { checkExamples } from './check/examples.ts';
import { checkHttp } from './check/http.ts';
import { locate } from './check/place.ts';
import type { Diagnostic } from './diagnostics.ts';
import { emitEvents } from './emit/events.ts';
import { GENERATOR_NAME, GENERATOR_VERSION, GeneratedFile, type OutputFile } from './emit/file.ts';
import { emitHttp } from './emit/http.ts';
import { emitOpenApiTypes } from './emit/openapi.ts';
import { emitServices } from './emit/services.ts';
import { SymbolTable } from './emit/symbols.ts';
import { emitTopology } from './emit/topology.ts';
import { bodySchema, emitValidators, stripAnnotations, type ValidatorSpec } from './emit/validators.ts';
import { checkLock, type LockInput } from './lock/check.ts';
import type { ContractGraph } from './model.ts';

export interface GenerateOptions {
  /** Module the generated code imports the runtime from (default '@kada/runtime'). */
  readonly runtimeModule?: string;
  /** Name of the emitted package.json; null to emit none. */
  readonly packageName?: string | null;
  /** Cache folder for slow, content-addressed steps; null for none. */
  readonly cacheDir?: string | null;
  /** Extra emitters (docs, lock) that run after the code emitters. */
  readonly extraEmitters?: readonly ((graph: ContractGraph) => OutputFile[] | Promise<OutputFile[]>)[];
  /** Receives without a producer in the specs are errors, not warnings (see checkContracts). */
  readonly strict?: boolean;
  /** Judge the graph against the previous lock and emit the next contracts.lock.json; omitted: no lock. */
  readonly lock?: LockInput;
  /**
   * 'ts' (default): TypeScript sources, for a workspace that runs them directly. 'js': JavaScript
   * plus .d.ts, for projects that do not (or that install the contracts under node_modules).
   */
  readonly emit?: 'ts' | 'js';
}

export interface GenerateResult {
  readonly files: OutputFile[];
  readonly diagnostics: Diagnostic[];
}

export async function generate(graph: ContractGraph, opts: GenerateOptions = {}): Promise<GenerateResult> {
  try {
    return await generateFiles(graph, opts);
  } catch (err) {
    // A schema ajv cannot compile (an invalid regex the parser let through) is the document's fault: point at it.
    const invalid = findUncompilableSchema(graph);
    if (invalid) return { files: [], diagnostics: [invalid] };
    // Anything else must not end in a stack trace either: name the documents and what to do.
    const first = graph.services[0];
    return {
      files: [],
      diagnostics: [
        {
          severity: 'error',
          code: 'internal-error',
          message: `kada-gen failed while emitting code for ${graph.services.map((s) => s.file).join(', ') || 'these specs'}: ${(err as Error).message}. Generate the documents one at a time (--specs FILE) to find the one that triggers it, and report it with that document: the document may be valid and kada-gen wrong.`,
          file: first?.file ?? '.',
          line: 1,
          column: 1,
        },
      ],
    };
  }
}

async function generateFiles(graph: ContractGraph, opts: GenerateOptions): Promise<GenerateResult> {
  const runtimeModule = opts.runtimeModule ?? '@kada/runtime';
  const diagnostics = [
    ...checkContracts(graph, { strict: opts.strict ?? false }),
    ...checkExamples(graph, opts.cacheDir ?? null),
    ...checkHttp(graph),
  ];
  const files: OutputFile[] = [];
  // Names first: every symbol one generated file declares and another imports.
  const symbols = new SymbolTable(graph);
  const events = emitEvents(graph, symbols, { runtimeModule });
  const services = emitServices(graph, symbols, { runtimeModule });
  const allSources = [...new Set(graph.services.map((s) => s.file))];
  files.push(events.file.toOutput(), ...services.files);
  files.push(
    ...cachedValidators([...events.validators, ...services.validators], allSources, opts.cacheDir ?? null),
  );
  files.push(...emitTopology(graph));
  files.push(...(await emitOpenApiTypes(graph, opts.cacheDir ?? null)));
  files.push(...emitHttp(graph, { runtimeModule }));
  const index = new GeneratedFile('index.ts', allSources);
  index.print(
    `export { events } from './events.ts';`,
    `export { topology, type ServiceName } from './topology.ts';`,
  );
  files.push(index.toOutput());
  if (opts.emit === 'js') {
    // The TypeScript compiler takes about a second to load: only --emit js needs it.
    const { emitJavaScript } = await import('./emit/javascript.ts');
    const compiled = emitJavaScript(files.splice(0));
    files.push(...compiled.files);
    diagnostics.push(...compiled.diagnostics);
  }
  if (opts.packageName !== null) {
    const js = opts.emit === 'js';
    const pkg = {
      name: opts.packageName ?? '@kada/contracts',
      version: '0.0.0',
      private: true,
      description: `@generated by ${GENERATOR_NAME} ${GENERATOR_VERSION}; do not edit.`,
      type: 'module',
      exports: js
        ? { '.': { types: './index.d.ts', import: './index.js' }, './*': './*' }
        : { '.': './index.ts', './*': './*' },
      // Inside a workspace the runtime is a sibling package; installed, it is the release line
      // this generator emits code for.
      dependencies: {
        [runtimeModule]: js ? `^${GENERATOR_VERSION}` : 'workspace:*',
        ajv: '8.20.0',
        'ajv-formats': '3.0.1',
        // The typed HTTP clients (openapi/<doc>.client.ts) are openapi-fetch over openapi-typescript's types.
        ...(graph.http.length > 0 ? { 'openapi-fetch': '0.17.0' } : {}),
      },
    };
    files.push({ path: 'package.json', content: `${JSON.stringify(pkg, null, 2)}\n` });
  }
  for (const emit of opts.extraEmitters ?? []) files.push(...(await emit(graph)));
  if (opts.lock) {
    const locked = checkLock(graph, opts.lock);
    diagnostics.push(...locked.diagnostics);
    files.push(locked.file);
  }
  files.sort((a, b) => a.path.localeCompare(b.path));
  return { files, diagnostics };
}

function findUncompilableSchema(graph: ContractGraph): Diagnostic | null {
  const ajv = newAjv();
  for (const s of graph.services) {
    for (const m of [...s.sends, ...s.receives, ...s.other]) {
      try {
        ajv.compile(bodySchema(m));
      } catch (err) {
        return {
          severity: 'error',
          code: 'schema-invalid',
          message: `the payload schema of ${m.name} (${m.key}) does not compile: ${(err as Error).message}. Fix the schema.`,
          ...locate(graph, m.schemaLocation, []),
        };
      }
    }
  }
  return null;
}

const require = createRequire(import.meta.url);
let ajvVersions: string | undefined;

/**
 * emitValidators behind a content-addressed cache: ajv compiles about 10 ms per validator, and the
 * module holds every validator, so an unchanged set of schemas (an edit of a description, an
 * example, a document's info) is not compiled again. The key is the exact input of emitValidators
 * and the versions of ajv and ajv-formats.
 */
function cachedValidators(
  specs: readonly ValidatorSpec[],
  sources: readonly string[],
  cacheDir: string | null,
): OutputFile[] {
  if (!cacheDir) return emitValidators(specs, sources);
  ajvVersions ??= ['ajv', 'ajv-formats']
    .map((name) => {
      try {
        return `${name}@${(JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version}`;
      } catch {
        return `${name}@?`;
      }
    })
    .join(' ');
  const key = createHash('sha256')
    .update(`${GENERATOR_VERSION}\0${ajvVersions}\0`)
    // What emitValidators reads: the names and the schemas without their annotations.
    .update(JSON.stringify({ specs: specs.map((v) => [v.name, stripAnnotations(v.schema)]), sources }))
    .digest('hex')
    .slice(0, 40);
  const file = join(cacheDir, `validators-${key}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as OutputFile[];
  } catch {
    // not cached yet
  }
  const out = emitValidators(specs, sources);
  writeCacheFile(file, JSON.stringify(out));
  return out;
}
