/**
 * load: finds the AsyncAPI and OpenAPI documents under a specs folder and parses them.
 *
 *   loadSpecs('specs') -> { asyncapi: [{ file: 'specs/asyncapi/order.yaml', document, source }],
 *                           openapi: [{ file: 'specs/openapi/order.yaml', json, source }],
 *                           diagnostics: [...] }
 *
 * AsyncAPI documents go through @asyncapi/parser (3.0 and 3.1); its diagnostics keep their file,
 * line and column. A YAML file with neither an `asyncapi` nor an `openapi` key (shared
 * components under common/) is read only when a document references it.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { convert } from '@asyncapi/converter';
import { type AsyncAPIDocumentInterface, fromFile, Parser, stringify, unstringify } from '@asyncapi/parser';
import { writeCacheFile } from './cache-file.ts';
import type { Diagnostic } from './diagnostics.ts';
import { type ParsedYaml, parsePointer, SourceFile } from './source-map.ts';

export interface LoadedAsyncApi {
  /** Path relative to the working directory, as shown in diagnostics. */
  readonly file: string;
  readonly absPath: string;
  readonly document: AsyncAPIDocumentInterface;
  readonly source: SourceFile;
}

export interface LoadedOpenApi {
  readonly file: string;
  readonly absPath: string;
  readonly json: Record<string, unknown>;
  readonly source: SourceFile;
}

export interface LoadedSpecs {
  readonly specsDir: string;
  readonly asyncapi: LoadedAsyncApi[];
  readonly openapi: LoadedOpenApi[];
  readonly diagnostics: Diagnostic[];
  /** Every YAML/JSON file read, by absolute path (for following $refs when locating lines). */
  readonly sources: Map<string, SourceFile>;
}

const SPEC_FILE = /\.(ya?ml|json)$/i;

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else if (SPEC_FILE.test(name)) out.push(p);
  }
  return out;
}

/**
 * A path as diagnostics, stamps and `@generated from` comments show it: relative to the working
 * directory (with `..` when outside it) and with forward slashes, never absolute, so generated
 * bytes do not depend on where the repository was cloned.
 */
export function displayPath(abs: string): string {
  return relative(process.cwd(), abs).split(sep).join('/') || '.';
}

/** Parser warnings we do not pass on: they are advice about the spec's own version choice. */
const QUIET_CODES = new Set(['asyncapi-latest-version']);

/** Every `$ref` file target in a raw JSON tree (relative to `fromAbs`). */
function refTargets(json: unknown, fromAbs: string, out = new Set<string>()): Set<string> {
  if (Array.isArray(json)) for (const v of json) refTargets(v, fromAbs, out);
  else if (json && typeof json === 'object') {
    for (const [k, v] of Object.entries(json)) {
      if (k === '$ref' && typeof v === 'string') {
        const file = v.split('#')[0];
        if (file) out.add(resolve(dirname(fromAbs), file));
      } else refTargets(v, fromAbs, out);
    }
  }
  return out;
}

/** What to do about an error the AsyncAPI parser reports: its own messages say only what is wrong. */
const PARSER_HINT =
  'Fix the document at this position: it must be valid YAML/JSON and follow the AsyncAPI schema of its version (https://www.asyncapi.com/docs/reference).';

const PARSER_CACHE_VERSION = 'parser-3.6.3-v2';

/** What the validation cache keeps of a document validated without errors. */
interface ValidatedEntry {
  /** contentKey of the document when it was validated, kept when a diagnostic is in another file (see partsKey). */
  readonly contentKey: string | null;
  readonly diagnostics: Diagnostic[];
}

const require = createRequire(import.meta.url);

type RuleFunction = ((input: unknown, options: unknown, context: Record<string, unknown>) => unknown) & {
  validator?: unknown;
};

/**
 * The parser with its full rulesets, except that the rules that validate with ajv share one ajv
 * per process. Spectral keys its ajv instances by the document being linted, so every document
 * created new instances and compiled the whole AsyncAPI schema twice again (the two
 * document-structure rules, resolved and unresolved: about 0.8 s per document), and built two
 * more instances for the small schemas of asyncapi-latest-version and asyncapi-servers (about
 * 0.1 s per document). The schemas depend only on the rule and the AsyncAPI version, so the same
 * compiled validators give the same diagnostics.
 */
function validatingParser(): Parser {
  const { documentStructure } = require('@asyncapi/parser/cjs/ruleset/functions/documentStructure.js') as {
    documentStructure: RuleFunction;
  };
  const { coreRuleset, recommendedRuleset } = require('@asyncapi/parser/cjs/ruleset/ruleset.js') as Record<
    'coreRuleset' | 'recommendedRuleset',
    { rules: Record<string, { then: object }> }
  >;
  // The parser's own copy of Spectral's schema function (the one its rules reference).
  const { schema } = createRequire(require.resolve('@asyncapi/parser/cjs/ruleset/ruleset.js'))(
    '@stoplight/spectral-functions',
  ) as { schema: RuleFunction };
  const sharedInventory = {};
  const sharing = (fn: RuleFunction, name: string): RuleFunction => {
    const shared: RuleFunction = (input, options, context) =>
      fn(input, options, { ...context, documentInventory: sharedInventory });
    Object.defineProperty(shared, 'name', { value: name });
    shared.validator = fn.validator;
    return shared;
  };
  const replace = new Map<unknown, RuleFunction>([
    [documentStructure, sharing(documentStructure, 'documentStructure')],
    [schema, sharing(schema, 'schema')],
  ]);
  // The parser's own rule definitions (given, severity, message, resolved), with the shared functions.
  const rules: Record<string, object> = {};
  for (const [name, rule] of [
    ...Object.entries(coreRuleset.rules),
    ...Object.entries(recommendedRuleset.rules),
  ]) {
    const then = rule.then as { function?: unknown };
    const fn = replace.get(then.function);
    // biome-ignore lint/suspicious/noThenProperty: a Spectral rule's `then` is its action, not a promise.
    if (fn) rules[name] = { ...rule, then: { ...then, function: fn } };
  }
  return new Parser({ ruleset: { rules } } as never);
}

const YAML_CACHE_VERSION = 'yaml-2-v1';

/**
 * A spec file as a SourceFile. YAML costs about ten times what JSON.parse does, and a run reads
 * every file although only the edited ones changed: the json of a text read before comes from
 * the cache (keyed by the text), and its syntax tree is built only if a diagnostic needs a line.
 */
function readSource(abs: string, cacheDir: string | null): SourceFile {
  const text = readFileSync(abs, 'utf8');
  if (!cacheDir) return new SourceFile(displayPath(abs), text);
  const hash = createHash('sha256').update(YAML_CACHE_VERSION).update(text).digest('hex').slice(0, 40);
  const file = join(cacheDir, `yaml-${hash}.json`);
  try {
    return new SourceFile(displayPath(abs), text, JSON.parse(readFileSync(file, 'utf8')) as ParsedYaml);
  } catch {
    // not cached yet
  }
  const source = new SourceFile(displayPath(abs), text);
  const parsed = source.cacheable();
  if (parsed) writeCacheFile(file, JSON.stringify(parsed));
  return source;
}

export interface LoadOptions {
  /**
   * Folder for the validation cache. @asyncapi/parser's full validation costs about 0.6 s per
   * document here; a document whose text (and the text of every file it references) was
   * validated before is parsed without re-running the rules and its diagnostics replayed.
   */
  readonly cacheDir?: string | null;
}

export async function loadSpecs(specsDir: string, options: LoadOptions = {}): Promise<LoadedSpecs> {
  const root = resolve(specsDir);
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, SourceFile>();
  const asyncapi: LoadedAsyncApi[] = [];
  const openapi: LoadedOpenApi[] = [];
  const parser = validatingParser();
  const fastParser = new Parser({ ruleset: { core: false, recommended: false } } as never);
  const cacheDir = options.cacheDir ?? null;

  let files: string[];
  try {
    // A single document may be named instead of a folder (`--specs path/to/asyncapi.yaml`).
    files = statSync(root).isDirectory() ? listFiles(root) : [root];
  } catch (err) {
    diagnostics.push({
      severity: 'error',
      code: 'specs-missing',
      message: `cannot read the specs folder: ${(err as Error).message}. Pass --specs DIR.`,
      file: displayPath(root),
      line: 1,
      column: 1,
    });
    return { specsDir: root, asyncapi, openapi, diagnostics, sources };
  }

  const sourceOf = (abs: string): SourceFile => {
    let s = sources.get(abs);
    if (!s) {
      s = readSource(abs, cacheDir);
      sources.set(abs, s);
    }
    return s;
  };

  const candidates: { abs: string; source: SourceFile; kind: 'asyncapi' | 'openapi' }[] = [];
  for (const abs of files) {
    let source: SourceFile;
    try {
      source = sourceOf(abs);
    } catch (err) {
      diagnostics.push({
        severity: 'error',
        code: 'yaml-syntax',
        message: `not valid YAML/JSON: ${(err as Error).message}`,
        file: displayPath(abs),
        line: 1,
        column: 1,
      });
      continue;
    }
    const json = source.json as Record<string, unknown> | null;
    if (!json || typeof json !== 'object') continue;
    if (typeof json.asyncapi === 'string') candidates.push({ abs, source, kind: 'asyncapi' });
    else if (typeof json.openapi === 'string') candidates.push({ abs, source, kind: 'openapi' });
  }

  /** Hash of a document's text and, transitively, of every file it references. */
  const contentKey = (abs: string): string => {
    const h = createHash('sha256').update(PARSER_CACHE_VERSION);
    const seen = new Set<string>();
    const visit = (p: string): void => {
      if (seen.has(p)) return;
      seen.add(p);
      let src: SourceFile;
      try {
        src = sourceOf(p);
      } catch {
        h.update(`missing:${p}`);
        return;
      }
      h.update(`\0${p}\0${src.text}`);
      for (const t of [...refTargets(src.json, p)].sort()) visit(t);
    };
    visit(abs);
    return h.digest('hex').slice(0, 40);
  };

  /**
   * What validating and parsing a document reads: its own text and, for every $ref into another
   * file, the part of that file the $ref points at (and what that part refers to, transitively),
   * not the rest of the file. Documents that $ref each other's messages (every consumer its
   * producer, a ring of them in a large set) are then validated again only when a part they use
   * changes, not whenever any document of the set does. Null (use contentKey) when a referenced
   * file cannot be read or is not well-formed: the parser reports that, so it must run.
   */
  const partsKey = (abs: string): string | null => {
    const h = createHash('sha256').update(`${PARSER_CACHE_VERSION}\0parts`);
    const own = sourceOf(abs);
    h.update(`\0${abs}\0${own.text}`);
    const seen = new Set<string>();
    let ok = true;
    const refsIn = (json: unknown, file: string, inOwnText: boolean): void => {
      if (!ok) return;
      if (Array.isArray(json)) for (const v of json) refsIn(v, file, inOwnText);
      else if (json && typeof json === 'object') {
        for (const [k, v] of Object.entries(json)) {
          if (k !== '$ref' || typeof v !== 'string') {
            refsIn(v, file, inOwnText);
            continue;
          }
          if (/^[a-z][a-z0-9+.-]*:/i.test(v)) {
            ok = false; // a remote $ref: only the coarse key (and the parser) handle those
            return;
          }
          const hash = v.indexOf('#');
          const target = hash < 0 ? v : v.slice(0, hash);
          const pointer = hash < 0 ? '' : v.slice(hash + 1);
          // A local $ref in the document's own text is covered by that text.
          if (target === '' && inOwnText) continue;
          part(target === '' ? file : resolve(dirname(file), target), pointer);
        }
      }
    };
    const part = (file: string, pointer: string): void => {
      const id = `${file}#${pointer}`;
      if (seen.has(id) || !ok) return;
      seen.add(id);
      let src: SourceFile;
      try {
        src = sourceOf(file);
      } catch {
        ok = false;
        return;
      }
      if (!src.wellFormed) {
        ok = false;
        return;
      }
      let node: unknown = src.json;
      for (const seg of parsePointer(`#${pointer}`)) {
        node = node && typeof node === 'object' ? (node as Record<string, unknown>)[seg] : undefined;
      }
      h.update(`\0${id}\0${JSON.stringify(node) ?? 'missing'}`);
      refsIn(node, file, file === abs);
    };
    refsIn(own.json, abs, true);
    return ok ? h.digest('hex').slice(0, 40) : null;
  };

  /** The parsed document a previous run stored under `key` (see storeParsed), or null. */
  const readParsed = (key: string): AsyncAPIDocumentInterface | null => {
    if (!cacheDir) return null;
    try {
      // An object, not the text: unstringify restores the shared references only in what it is given.
      return unstringify(JSON.parse(readFileSync(join(cacheDir, `parsed-${key}.json`), 'utf8'))) ?? null;
    } catch {
      return null;
    }
  };
  /**
   * A parsed document in the parser's own serialised form, so that the next run reads it back
   * (about a tenth of the cost of parsing it again: resolving $refs, traits, schema ids).
   */
  const storeParsed = (key: string, document: AsyncAPIDocumentInterface): void => {
    if (!cacheDir) return;
    const text = stringify(document);
    if (text === undefined) return;
    writeCacheFile(join(cacheDir, `parsed-${key}.json`), text);
  };

  const parsed: {
    c: (typeof candidates)[number];
    document: AsyncAPIDocumentInterface | undefined;
    diags: Diagnostic[];
  }[] = [];
  for (const c of candidates.filter((x) => x.kind === 'asyncapi')) {
    const parts = cacheDir ? partsKey(c.abs) : null;
    const key = parts ?? contentKey(c.abs);
    const cacheFile = cacheDir ? join(cacheDir, `validated-${key}.json`) : null;
    let cached: Diagnostic[] | null = null;
    if (cacheFile) {
      try {
        const entry = JSON.parse(readFileSync(cacheFile, 'utf8')) as ValidatedEntry;
        // A diagnostic inside another file holds a line of that file, which the parts key does
        // not cover (a line added above the part moves it): then the whole text must match too.
        const elsewhere = entry.diagnostics.some((d) => d.file !== c.source.path);
        cached = !elsewhere || entry.contentKey === contentKey(c.abs) ? entry.diagnostics : null;
      } catch {
        cached = null;
      }
    }
    const version = String((c.source.json as { asyncapi: unknown }).asyncapi);
    const converted = /^[12]\./.test(version) ? convertToV3(c.source, version) : null;
    if (converted && 'error' in converted) {
      parsed.push({ c, document: undefined, diags: [converted.error] });
      continue;
    }
    if (cached && !converted) {
      let document = readParsed(key);
      if (!document) {
        document = (await fromFile(fastParser, c.abs).parse()).document ?? null;
        if (document) storeParsed(key, document);
      }
      parsed.push({ c, document: document ?? undefined, diags: cached });
      continue;
    }
    const result = converted
      ? await parser.parse(converted.text, { source: c.abs })
      : await fromFile(parser, c.abs).parse();
    const diags: Diagnostic[] = converted ? [converted.info] : [];
    for (const d of result.diagnostics) {
      if (QUIET_CODES.has(String(d.code))) continue;
      const severity = d.severity === 0 ? 'error' : d.severity === 1 ? 'warning' : null;
      if (!severity) continue;
      const srcAbs = d.source ? resolve(String(d.source)) : c.abs;
      // Positions in a converted document are positions in the 3.0 text, not the file: point at its `asyncapi` line.
      const at =
        converted && srcAbs === c.abs
          ? c.source.position(['asyncapi'])
          : { line: d.range.start.line + 1, column: d.range.start.character + 1 };
      const remote = /request to (https?:\/\/\S+) failed/.exec(d.message);
      diags.push({
        severity,
        code: `asyncapi:${String(d.code)}`,
        message: remote
          ? `the remote $ref ${remote[1]} cannot be fetched (${d.message.replace(/^.*reason: /, '')}). Download the schema next to the document and point the $ref at the local file.`
          : severity === 'error'
            ? `${d.message.replace(/\.?$/, '.')} ${PARSER_HINT}`
            : d.message,
        file: displayPath(srcAbs),
        line: at.line,
        column: at.column,
      });
    }
    // Only a document without errors is remembered: a failing one is re-checked every run.
    if (cacheFile && !converted && result.document && !diags.some((d) => d.severity === 'error')) {
      const elsewhere = diags.some((d) => d.file !== c.source.path);
      const entry: ValidatedEntry = {
        contentKey: elsewhere ? (key === parts ? contentKey(c.abs) : key) : null,
        diagnostics: diags,
      };
      writeCacheFile(cacheFile, JSON.stringify(entry));
      storeParsed(key, result.document);
    }
    parsed.push({ c, document: result.document, diags });
  }
  for (const { c, document, diags } of parsed) {
    diagnostics.push(...diags);
    const result = { document };
    if (result.document)
      asyncapi.push({ file: c.source.path, absPath: c.abs, document: result.document, source: c.source });
    const version = String((c.source.json as { asyncapi: string }).asyncapi);
    if (result.document && !/^[123]\./.test(version)) {
      const pos = c.source.position(['asyncapi']);
      diagnostics.push({
        severity: 'error',
        code: 'asyncapi-version',
        message: `AsyncAPI ${version} is not supported: kada-gen reads AsyncAPI 3.0 and 3.1 documents, and converts 1.x and 2.x ones.`,
        file: c.source.path,
        line: pos.line,
        column: pos.column,
      });
    }
  }
  for (const c of candidates.filter((x) => x.kind === 'openapi')) {
    openapi.push({
      file: c.source.path,
      absPath: c.abs,
      json: c.source.json as Record<string, unknown>,
      source: c.source,
    });
  }
  return { specsDir: root, asyncapi, openapi, diagnostics, sources };
}

/**
 * AsyncAPI 1.x/2.x -> 3.0 with the official converter (from the application's point of view, so a
 * 2.x `publish` becomes a `receive`), then parsed like any 3.0 document.
 */
function convertToV3(
  source: SourceFile,
  version: string,
): { text: string; info: Diagnostic } | { error: Diagnostic } {
  const pos = source.position(['asyncapi']);
  const at = { file: source.path, line: pos.line, column: pos.column };
  try {
    const v3 = convert(structuredClone(source.json) as { asyncapi: string }, '3.0.0');
    return {
      text: JSON.stringify(v3),
      info: {
        severity: 'info',
        code: 'asyncapi-converted',
        message: `AsyncAPI ${version} converted to 3.0.0 on load with @asyncapi/converter; later positions in this file are approximate.`,
        ...at,
      },
    };
  } catch (err) {
    return {
      error: {
        severity: 'error',
        code: 'asyncapi-convert',
        message: `AsyncAPI ${version} could not be converted to 3.0: ${(err as Error).message}. Convert it with \`asyncapi convert\` and fix what it reports, or write it as AsyncAPI 3.`,
        ...at,
      },
    };
  }
}
