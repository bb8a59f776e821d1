/**
 * Shared by the docs tests: builds the contract graph of a specs folder and reads emitted
 * HTML the way a browser resolves links (no HTML parser needed: the emitter writes plain,
 * double-quoted attributes).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDocuments } from '../../src/check/index.ts';
import type { OutputFile } from '../../src/emit/file.ts';
import { loadSpecs } from '../../src/load.ts';
import { buildModel, type ContractGraph } from '../../src/model.ts';

export const FIXTURE_SPECS = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'specs');

export async function graphOf(specsDir: string): Promise<ContractGraph> {
  const loaded = await loadSpecs(specsDir);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`fixture specs do not load: ${JSON.stringify(errors, null, 2)}`);
  const { graph, diagnostics } = buildModel(loaded);
  const modelErrors = [...diagnostics, ...checkDocuments(graph)].filter((d) => d.severity === 'error');
  if (modelErrors.length > 0)
    throw new Error(`fixture model has errors: ${JSON.stringify(modelErrors, null, 2)}`);
  return graph;
}

export function fileMap(files: readonly OutputFile[]): Map<string, string> {
  return new Map(files.map((f) => [f.path, f.content]));
}

/** Values of href and src attributes, entities decoded. */
export function links(htmlText: string): string[] {
  const out: string[] = [];
  for (const m of htmlText.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
    out.push(
      (m[1] ?? '')
        .replace(/&amp;/g, '&')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>'),
    );
  }
  return out;
}

export function ids(htmlText: string): Set<string> {
  return new Set([...htmlText.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1] ?? ''));
}

export interface BrokenLink {
  readonly page: string;
  readonly link: string;
  readonly why: string;
}

/** Every relative link of every emitted HTML page must name an emitted file (and id, with a #fragment). */
export function brokenLinks(
  files: readonly OutputFile[],
  allowMissing: (target: string) => boolean = () => false,
): BrokenLink[] {
  const byPath = fileMap(files);
  const broken: BrokenLink[] = [];
  const check = (page: string, link: string): void => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) return; // http:, mailto: …: not ours
    const [pathPart = '', fragment] = link.split('#');
    const target = pathPart === '' ? page : posix.normalize(posix.join(posix.dirname(page), pathPart));
    const content = byPath.get(target);
    if (content === undefined) {
      if (!allowMissing(target)) broken.push({ page, link, why: `no emitted file ${target}` });
      return;
    }
    if (fragment && !ids(content).has(decodeURIComponent(fragment)))
      broken.push({ page, link, why: `no id "${fragment}" in ${target}` });
  };
  for (const [page, content] of byPath) {
    if (!page.endsWith('.html')) continue;
    for (const link of links(content)) check(page, link);
  }
  for (const script of ['docs/search-index.js', 'docs/nav.js']) {
    const index = byPath.get(script);
    if (!index) continue;
    for (const m of index.matchAll(/"u":"([^"]*)"/g)) check(script, JSON.parse(`"${m[1]}"`) as string);
  }
  return broken;
}

export function writeSite(dir: string, files: readonly OutputFile[]): void {
  for (const f of files) {
    const target = join(dir, f.path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, f.content);
  }
}

const text = (h: string): string =>
  h
    .replace(/<a class="anchor"[^>]*>#<\/a>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * The schema table whose rows carry `id="<prefix>-…"`: field path -> { column heading -> cell
 * text }, e.g. rows.get('items[].quantity')?.Type === 'integer'.
 */
export function tableRows(htmlText: string, prefix: string): Map<string, Record<string, string>> {
  const rows = new Map<string, Record<string, string>>();
  const first = htmlText.search(new RegExp(`<tr id="${prefix}-[^"]*" data-path=`));
  if (first < 0) return rows;
  const tableStart = htmlText.lastIndexOf('<table', first);
  const headings = [...htmlText.slice(tableStart, first).matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((m) =>
    text(m[1] ?? ''),
  );
  const re = new RegExp(`<tr id="${prefix}-[^"]*" data-path="([^"]*)">([\\s\\S]*?)</tr>`, 'g');
  for (const m of htmlText.matchAll(re)) {
    const cells = [...(m[2] ?? '').matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => text(c[1] ?? ''));
    rows.set(text(m[1] ?? ''), Object.fromEntries(headings.map((h, i) => [h, cells[i] ?? ''])));
  }
  return rows;
}
