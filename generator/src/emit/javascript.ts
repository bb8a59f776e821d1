/**
 * `--emit js`: the emitted TypeScript as JavaScript plus declarations, for a project that does
 * not run TypeScript directly or installs the contracts package under node_modules (where Node
 * does not strip types). File by file, without a type checker: the emitters annotate every export
 * (TypeScript's isolatedDeclarations rules), so `transpileDeclaration` needs neither the other
 * files nor `@kada/runtime`, and the project's own `tsc` checks the result against the runtime.
 *
 *   services/order/publisher.ts: `import { events } from '../../events.ts'; export function …`
 *   -> services/order/publisher.js:   `import { events } from '../../events.js'; export function …`
 *      services/order/publisher.d.ts: `export declare function createOrderPublisher(…): OrderPublisher;`
 *
 * Files that are not `.ts` (validators.js/.d.ts, JSON, docs) pass through unchanged.
 */
import ts from 'typescript';
import type { Diagnostic } from '../diagnostics.ts';
import type { OutputFile } from './file.ts';

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  // Not NodeNext: file by file there is no package.json to say "type": "module", and a lone
  // `.ts` would come out as CommonJS. The emitted package is always ESM.
  module: ts.ModuleKind.ES2022,
  verbatimModuleSyntax: true,
  allowImportingTsExtensions: true,
  rewriteRelativeImportExtensions: true,
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

function toDiagnostic(path: string, d: ts.Diagnostic): Diagnostic {
  const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
  return {
    severity: 'error',
    code: 'emit-js',
    message: `kada-gen emitted code it cannot compile to JavaScript + .d.ts (a generator bug; please report it): ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
    file: path,
    line: (at?.line ?? 0) + 1,
    column: (at?.character ?? 0) + 1,
  };
}

export function emitJavaScript(files: readonly OutputFile[]): {
  files: OutputFile[];
  diagnostics: Diagnostic[];
} {
  const result: OutputFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const f of files) {
    if (!isSource(f.path)) {
      result.push(f);
      continue;
    }
    const stamp = f.content.slice(0, f.content.indexOf('\n'));
    const base = f.path.slice(0, -'.ts'.length);
    const js = ts.transpileModule(f.content, {
      fileName: f.path,
      compilerOptions: OPTIONS,
      reportDiagnostics: true,
    });
    const dts = ts.transpileDeclaration(f.content, {
      fileName: f.path,
      compilerOptions: OPTIONS,
      reportDiagnostics: true,
    });
    const problems = [...(js.diagnostics ?? []), ...(dts.diagnostics ?? [])].filter(
      (d) => d.category === ts.DiagnosticCategory.Error,
    );
    diagnostics.push(...problems.map((d) => toDiagnostic(f.path, d)));
    result.push({ path: `${base}.js`, content: stamped(stamp, js.outputText) });
    result.push({
      path: `${base}.d.ts`,
      content: stamped(stamp, rewriteDeclarationExtensions(dts.outputText)),
    });
  }
  return { files: result, diagnostics };
}
