/**
 * docs emitter: the contract graph as a static site a person browses to learn which service
 * sends what, who reacts, and what each event looks like. Pure: graph in, files out, the same
 * bytes for the same graph (no timestamps, everything sorted).
 *
 *   emitDocs(graph, { lockHistory: [] })
 *   -> docs/index.html                    flow graph (inline SVG), events and services tables
 *      docs/events/order.created.v1.html  payload, examples, envelope, producer, consumers + policies
 *      docs/services/order.html           sends, receives, queues, HTTP API
 *      docs/changelog.html                from the lock file's history
 *      docs/search-index.js               window.KADA_SEARCH_INDEX = [...] (works from file://)
 *      docs/nav.js                        window.KADA_NAV = {...}: the navigation's lists, once
 *      docs/assets/site.css, search.js, graph.js, nav.js
 *
 * The per-service AsyncAPI reference (@asyncapi/html-template) is slow and lives apart, in
 * asyncapi-html.ts; pass the services it rendered as `asyncApiReference` to link them.
 */
import type { ContractGraph } from '../../model.ts';
import type { OutputFile } from '../file.ts';
import { assetFiles } from './assets.ts';
import { changelogPage, type LockHistoryEntry } from './changelog-page.ts';
import { eventPage } from './event-page.ts';
import { homePage } from './home-page.ts';
import { searchIndexFile } from './search.ts';
import { servicePage } from './service-page.ts';
import { Site } from './site.ts';

export type { LockHistoryEntry } from './changelog-page.ts';
export { DOCS_DIR } from './site.ts';

export interface DocsOptions {
  /** The lock file's history, newest first; empty or absent renders "No recorded changes yet". */
  readonly lockHistory?: readonly LockHistoryEntry[];
  /** Service ids whose rendered AsyncAPI reference exists at docs/asyncapi/<id>/index.html. */
  readonly asyncApiReference?: readonly string[];
}

export function emitDocs(graph: ContractGraph, opts: DocsOptions = {}): OutputFile[] {
  const site = new Site(graph, { asyncApiReference: opts.asyncApiReference ?? [] });
  const files: OutputFile[] = [];
  files.push(site.page({ ...homePage(site), scripts: ['assets/graph.js'] }));
  for (const e of site.events) files.push(site.page(eventPage(site, e)));
  for (const s of site.services) files.push(site.page(servicePage(site, s)));
  files.push(site.page(changelogPage(site, opts.lockHistory ?? [])));
  files.push(searchIndexFile(site));
  files.push(site.navFile());
  files.push(...assetFiles());
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
