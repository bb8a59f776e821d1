/**
 * `--emit js`: the emitted TypeScript as JavaScript plus declarations, for a project that does
 * not run TypeScript directly or installs the contracts package under node_modules (where Node
 * does not strip types). One in-memory TypeScript program over the emitted files, so the
 * declarations carry the real types of `@kada/runtime`, resolved from the output folder the way
 * the project will resolve them.
 *
 *   [services/order/publisher.ts: `import { events } from '../../events.ts'; export function …`]
 *   -> services/order/publisher.js:   `import { events } from '../../events.js'; export function …`
 *      services/order/publisher.d.ts: `export declare function createOrderPublisher(…): OrderPublisher;`
 *
 * Files that are not `.ts` (validators.js/.d.ts, JSON, docs) pass through unchanged.
 */
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import type { Diagnostic } from '../diagnostics.ts';
import type { OutputFile } from './file.ts';

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  declaration: true,
  allowImportingTsExtensions: true,
  rewriteRelativeImportExtensions: true,
  skipLibCheck: true,
  types: [],
  newLine: ts.NewLineKind.LineFeed,
};

const RELATIVE_TS = /((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+?)\.ts\2/g;

/**
 * tsc's rewriteRelativeImportExtensions rewrites `./x.ts` specifiers in the JavaScript it emits but
 * keeps them in declarations, where a project without allowImportingTsExtensions cannot follow
 * them: `from './x.ts'` -> `from './x.js'` (relative specifiers only).
 */
export function rewriteDeclarationExtensions(dts: string): string {
  return dts.replace(RELATIVE_TS, '$1$2$3.js$2');
}

function isSource(path: string): boolean {
  return path.endsWith('.ts') && !path.endsWith('.d.ts');
}

/** Keeps the `@generated` stamp first, which `write` needs to recognise files it may remove. */
function stamped(stamp: string, text: string): string {
  const body = text.startsWith(stamp) ? text.slice(stamp.length).replace(/^\n+/, '') : text;
  return `${stamp}\n\n${body}`;
}

/**
 * Compiles the `.ts` files among `files` as if they were in `outDir` (only for resolving imports
 * such as `@kada/runtime`; nothing is read from or written to `outDir` itself).
 */
export function emitJavaScript(
  files: readonly OutputFile[],
  outDir: string,
): { files: OutputFile[]; diagnostics: Diagnostic[] } {
  const root = resolve(outDir);
  const inMemory = new Map<string, string>();
  for (const f of files) {
    if (isSource(f.path) || f.path.endsWith('.d.ts')) inMemory.set(join(root, f.path), f.content);
  }
  const host = ts.createCompilerHost(OPTIONS, true);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (p) => inMemory.has(p) || (!p.startsWith(root + sep) && fileExists(p)) || nodeModule(p);
  host.readFile = (p) => inMemory.get(p) ?? readFile(p);
  const dirs = new Set<string>();
  for (const p of inMemory.keys()) {
    for (let d = dirname(p); d.length >= root.length; d = dirname(d)) dirs.add(d);
  }
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (d) => dirs.has(d) || (directoryExists ? directoryExists(d) : false);
  host.getSourceFile = (p, lang, onError) => {
    const text = inMemory.get(p);
    return text === undefined ? getSourceFile(p, lang, onError) : ts.createSourceFile(p, text, lang, true);
  };
  // Under the output folder only our in-memory files exist, except its node_modules.
  function nodeModule(p: string): boolean {
    return p.startsWith(root + sep) && p.includes(`${sep}node_modules${sep}`) && fileExists(p);
  }

  const roots = files.filter((f) => isSource(f.path)).map((f) => join(root, f.path));
  const program = ts.createProgram(roots, OPTIONS, host);
  const out = new Map<string, string>();
  const emitted = program.emit(undefined, (name, text) => {
    out.set(relative(root, name).split(sep).join('/'), text);
  });

  const diagnostics: Diagnostic[] = [];
  // Only the emitted files' own errors: a runtime linked as sources (in a workspace) is not ours to check.
  const problems = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].filter(
    (d) => d.category === ts.DiagnosticCategory.Error && (!d.file || inMemory.has(d.file.fileName)),
  );
  for (const d of problems) {
    const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
    const file = d.file ? relative(process.cwd(), d.file.fileName).split(sep).join('/') : outDir;
    diagnostics.push({
      severity: 'error',
      code: 'emit-js',
      message: `compiling the emitted code to JavaScript: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')} (is @kada/runtime installed where ${outDir} can import it?)`,
      file,
      line: (at?.line ?? 0) + 1,
      column: (at?.character ?? 0) + 1,
    });
  }

  const result: OutputFile[] = [];
  for (const f of files) {
    if (!isSource(f.path)) {
      result.push(f);
      continue;
    }
    const stamp = f.content.slice(0, f.content.indexOf('\n'));
    const base = f.path.slice(0, -'.ts'.length);
    for (const ext of ['.js', '.d.ts']) {
      const text = out.get(base + ext);
      if (text === undefined) continue;
      const body = ext === '.d.ts' ? rewriteDeclarationExtensions(text) : text;
      result.push({ path: base + ext, content: stamped(stamp, body) });
    }
  }
  return { files: result, diagnostics };
}
