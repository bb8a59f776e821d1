/**
 * Client-side search. The index is a script that assigns a global (not JSON to fetch), so it
 * works from file:// with no server and no network.
 *
 *   events order.created.v1 (fields orderId, items[].quantity), service order, POST /orders
 *   -> docs/search-index.js: window.KADA_SEARCH_INDEX = [
 *        {"k":"event","t":"order.created.v1","d":"Order created","u":"events/order.created.v1.html"},
 *        {"k":"field","t":"items[].quantity","d":"integer in order.created.v1","u":"events/order.created.v1.html#field-items__.quantity"}, …]
 */
import type { OutputFile } from '../file.ts';
import { IdAllocator } from './html.ts';
import { httpOperations } from './http.ts';
import { flattenSchema } from './schema-table.ts';
import { blockStamp, DOCS_DIR, type Site } from './site.ts';

export interface SearchEntry {
  /** Kind: event, service, field, operation, queue. */
  readonly k: 'event' | 'service' | 'field' | 'operation' | 'queue';
  /** What is matched and shown first. */
  readonly t: string;
  /** Detail line, also matched. */
  readonly d: string;
  /** URL relative to the docs folder. */
  readonly u: string;
}

export function searchEntries(site: Site): SearchEntry[] {
  const out: SearchEntry[] = [];
  for (const s of site.services) {
    out.push({ k: 'service', t: s.id, d: s.title, u: site.servicePage(s.id) });
    const qids = new IdAllocator();
    for (const q of s.asyncapi?.queues ?? []) {
      out.push({
        k: 'queue',
        t: q.name,
        d: `queue of ${s.id}, ${q.policy.queueType}`,
        u: `${site.servicePage(s.id)}#${qids.id('queue', q.name)}`,
      });
    }
    if (s.http) {
      for (const o of httpOperations(s.http)) {
        out.push({
          k: 'operation',
          t: `${o.method.toUpperCase()} ${o.path}`,
          d: `${o.operationId ?? ''} ${o.summary} (${s.id})`.trim(),
          u: `${site.servicePage(s.id)}#${o.anchor}`,
        });
      }
    }
  }
  for (const e of site.events) {
    const m = e.producer ?? e.consumers[0];
    const page = site.eventPage(e.key);
    out.push({ k: 'event', t: e.key, d: [m?.title, m?.summary].filter(Boolean).join(': '), u: page });
    // Same ids as the payload table on the event page: one allocator, same order.
    const ids = new IdAllocator();
    for (const r of flattenSchema(m?.schema ?? {})) {
      out.push({
        k: 'field',
        t: r.path,
        d: `${r.type} in ${e.key}${r.description ? `: ${r.description}` : ''}`,
        u: `${page}#${ids.id('field', r.path || 'value')}`,
      });
    }
  }
  return out;
}

export function searchIndexFile(site: Site): OutputFile {
  const entries = searchEntries(site);
  const lines = entries.map((e) => JSON.stringify(e));
  const content = `${blockStamp(site.allSources())}
window.KADA_SEARCH_INDEX = [
${lines.join(',\n')}
];
`;
  return { path: `${DOCS_DIR}/search-index.js`, content };
}
