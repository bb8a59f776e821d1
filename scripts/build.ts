/**
 * Compiles what the platform runs (the runtime, the generated contracts, the service kit and every
 * service) to JavaScript under `.build/`, mirroring the source tree, so that services start without
 * Node's type stripping: `node .build/services/order/main.js`.
 *
 * Input: the workspace's TypeScript (tests excluded). Output: `.build/<same path>.js`, each
 * package's `package.json` with its exports pointing at the compiled files, and a `node_modules`
 * per package whose workspace links point into `.build/` and whose other links are pnpm's own, so
 * that Node's ordinary resolution finds compiled code for `@kada/*` and the installed packages for
 * the rest (no loader hook). `.build/specs` links to `specs/` for code that reads a spec file
 * relative to itself.
 *
 * Cached: a file is compiled again only when its source is newer than its output; outputs whose
 * source is gone are deleted; a change of compiler options or of this script rebuilds everything.
 * Types are not checked here (`pnpm typecheck` does that); each file is transpiled on its own, which
 * `isolatedModules` and `erasableSyntaxOnly` in tsconfig.json guarantee is safe.
 *
 * Usage: node scripts/build.ts [--clean]   (prints what it compiled; scripts/up runs it)
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import type ts from 'typescript';

const require = createRequire(import.meta.url);
/** TypeScript is loaded only when a file needs compiling (a warm build stays quick). */
let typescript: typeof ts | undefined;
const compiler = (): typeof ts => {
  typescript ??= require('typescript') as typeof ts;
  return typescript;
};

/** The workspace packages whose code runs in a service process, and which files of each. */
const PACKAGES: readonly { readonly dir: string; readonly sources: readonly string[] }[] = [
  { dir: 'generator/runtime', sources: ['src'] },
  { dir: 'generated', sources: ['.'] }, // its docs/ site is skipped (see walk)
  { dir: 'services/kit', sources: ['.'] },
];

/** ts.ScriptTarget.ES2023 and ts.ModuleKind.ESNext, spelled as their values (no eager import). */
const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: 10 satisfies ts.ScriptTarget.ES2023,
  module: 99 satisfies ts.ModuleKind.ESNext,
  verbatimModuleSyntax: true,
  rewriteRelativeImportExtensions: true,
  sourceMap: false,
  inlineSourceMap: false,
};

export interface BuildResult {
  readonly outDir: string;
  readonly compiled: number;
  readonly unchanged: number;
  readonly removed: number;
}

/** Whether a path (relative to its package) is test code, which never runs in a service. */
const isTest = (rel: string): boolean =>
  /(^|\/)(test|tests|testing|__tests__)(\/|$)/.test(rel) ||
  rel.endsWith('.test.ts') ||
  rel === 'testing.ts' ||
  rel.endsWith('.d.ts');

/** Folders never part of what runs: installed packages, build outputs, the generated docs site. */
const SKIPPED = new Set(['node_modules', 'dist', 'docs']);

function* walk(dir: string, base = dir): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIPPED.has(entry.name) || entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full, base);
    else if (entry.isFile()) yield relative(base, full);
  }
}

/** Every workspace package a service process loads: the fixed ones and each service. */
const packagesOf = (root: string) => [
  ...PACKAGES,
  ...readdirSync(join(root, 'services'), { withFileTypes: true })
    .filter(
      (e) => e.isDirectory() && e.name !== 'kit' && existsSync(join(root, 'services', e.name, 'main.ts')),
    )
    .map((e) => ({ dir: `services/${e.name}`, sources: ['.'] })),
];

/** `./x.ts` → `./x.js` in a package.json's exports (strings and nested conditions alike). */
const compiledExports = (value: unknown): unknown => {
  if (typeof value === 'string') return value.replace(/\.ts$/, '.js');
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).flatMap(([k, v]) =>
        // A pattern exporting every file ("./*": "./*") also maps "x.ts" specifiers to "x.js".
        k === './*' && v === './*'
          ? [
              ['./*.ts', './*.js'],
              [k, v],
            ]
          : [[k, compiledExports(v)]],
      ),
    );
  return value;
};

/** Writes through a temporary file and a rename, so that two builds at once never leave half a file. */
function writeAtomic(path: string, data: string | Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

function link(target: string, path: string): void {
  try {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink() && readlinkSync(path) === target) return;
    if (!stat.isSymbolicLink()) rmSync(path, { recursive: true, force: true });
  } catch {
    // absent
  }
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  symlinkSync(target, tmp);
  renameSync(tmp, path);
}

/**
 * `<out>/<pkg>/node_modules`: a link per installed dependency of the package, to the compiled
 * workspace package when it is one of ours, else to where pnpm put it.
 */
function mirrorNodeModules(root: string, outDir: string, pkgDir: string, ours: ReadonlySet<string>): void {
  const from = join(root, pkgDir, 'node_modules');
  const to = join(outDir, pkgDir, 'node_modules');
  if (!existsSync(from)) return;
  const entries = (dir: string, scope = ''): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.name.startsWith('.')
        ? []
        : e.name.startsWith('@') && !scope
          ? entries(join(dir, e.name), e.name)
          : [scope ? `${scope}/${e.name}` : e.name],
    );
  for (const name of entries(from)) {
    const real = resolve(dirname(join(from, name)), readlinkSafe(join(from, name)));
    const rel = relative(root, real);
    const target = ours.has(rel) ? join(outDir, rel) : real;
    link(relative(dirname(join(to, name)), target), join(to, name));
  }
  // pnpm's .bin and hoisting folders are not needed at run time.
}

const readlinkSafe = (path: string): string => {
  try {
    return readlinkSync(path);
  } catch {
    return path;
  }
};

export interface BuildOptions {
  /** Start from nothing. */
  readonly clean?: boolean;
  /** Where to write (default `<root>/.build`). */
  readonly outDir?: string;
}

export function build(root: string, options: BuildOptions = {}): BuildResult {
  const outDir = options.outDir ?? join(root, '.build');
  const stamp = createHash('sha256')
    .update(readFileSync(require.resolve('typescript/package.json')))
    .update(JSON.stringify(COMPILER_OPTIONS))
    .update(readFileSync(import.meta.filename))
    .digest('hex');
  const stampFile = join(outDir, '.stamp');
  if (options.clean || !existsSync(stampFile) || readFileSync(stampFile, 'utf8') !== stamp)
    rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const packages = packagesOf(root);
  const ours = new Set(packages.map((p) => p.dir));
  const wanted = new Set<string>();
  let compiled = 0;
  let unchanged = 0;
  for (const pkg of packages) {
    for (const sourceDir of pkg.sources) {
      const dir = join(root, pkg.dir, sourceDir);
      for (const rel of walk(dir)) {
        if (isTest(relative(join(root, pkg.dir), join(dir, rel)))) continue;
        const src = join(dir, rel);
        const isTs = rel.endsWith('.ts');
        if (!isTs && !rel.endsWith('.js') && !rel.endsWith('.json')) continue;
        if (rel === 'package.json') continue;
        const out = join(outDir, relative(root, src)).replace(/\.ts$/, '.js');
        wanted.add(out);
        if (existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs) {
          unchanged++;
          continue;
        }
        mkdirSync(dirname(out), { recursive: true });
        if (isTs) {
          const ts = compiler();
          const { outputText, diagnostics } = ts.transpileModule(readFileSync(src, 'utf8'), {
            compilerOptions: COMPILER_OPTIONS,
            fileName: src,
            reportDiagnostics: true,
          });
          if (diagnostics?.length)
            throw new Error(
              `${relative(root, src)}: ${ts.flattenDiagnosticMessageText(diagnostics[0]?.messageText ?? '', '\n')}`,
            );
          writeAtomic(out, outputText);
        } else {
          writeAtomic(out, readFileSync(src));
        }
        compiled++;
      }
    }
    const manifest = JSON.parse(readFileSync(join(root, pkg.dir, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const pkgJson = join(outDir, pkg.dir, 'package.json');
    wanted.add(pkgJson);
    mkdirSync(dirname(pkgJson), { recursive: true });
    const text = `${JSON.stringify({ ...manifest, exports: compiledExports(manifest.exports) }, null, 2)}\n`;
    if (!existsSync(pkgJson) || readFileSync(pkgJson, 'utf8') !== text) writeAtomic(pkgJson, text);
    mirrorNodeModules(root, outDir, pkg.dir, ours);
  }
  link(relative(outDir, join(root, 'specs')), join(outDir, 'specs'));

  // Outputs whose source is gone (a deleted or renamed file) must not linger and be imported.
  let removed = 0;
  for (const pkg of packages) {
    const dir = join(outDir, pkg.dir);
    if (!existsSync(dir)) continue;
    for (const rel of walk(dir)) {
      const out = join(dir, rel);
      if (!wanted.has(out) && !out.endsWith('.tmp')) {
        rmSync(out);
        removed++;
      }
    }
  }
  writeAtomic(stampFile, stamp);
  return { outDir, compiled, unchanged, removed };
}

/** The compiled entry point of a service (after build()). */
export const compiledEntry = (root: string, path: string): string =>
  join(root, '.build', path.replace(/\.ts$/, '.js'));

if (import.meta.main) {
  const root = resolve(import.meta.dirname, '..');
  const started = performance.now();
  const result = build(root, { clean: process.argv.includes('--clean') });
  process.stdout.write(
    `build: ${result.compiled} compiled, ${result.unchanged} unchanged, ${result.removed} removed -> ${relative(root, result.outDir)}/ (${Math.round(performance.now() - started)} ms)\n`,
  );
}
