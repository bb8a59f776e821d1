/**
 * The changelog: contract changes as the lock file's history records them, in the order given
 * (the lock keeps newest first).
 *
 *   [{ ref: 'a1b2c3d', date: '2025-06-12', summary: 'order.created v2',
 *      changes: [{ event: 'order.created.v2', kind: 'added', detail: 'new major version' }] }]
 *   -> <article><h2>2025-06-12 · a1b2c3d</h2> … | order.created.v2 | added | new major version |
 */
import { type Html, html } from './html.ts';
import type { Site } from './site.ts';

/** One recorded step of the contracts lock (`generated/contracts.lock.json` history). */
export interface LockHistoryEntry {
  /** Git ref or lock revision the change landed in. */
  readonly ref: string;
  /** ISO date as recorded; shown as is. */
  readonly date: string;
  readonly summary: string;
  readonly changes: readonly { readonly event: string; readonly kind: string; readonly detail: string }[];
}

export function changelogPage(
  site: Site,
  history: readonly LockHistoryEntry[],
): { path: string; title: string; sources: string[]; body: Html } {
  const path = 'changelog.html';
  const entries = history.map(
    (h) => html`<article class="change">
<h2><time>${h.date}</time> · <code>${h.ref}</code></h2>
${h.summary ? html`<p>${h.summary}</p>` : ''}
${
  h.changes.length > 0
    ? html`<div class="table-wrap"><table><thead><tr><th scope="col">Event</th><th scope="col">Change</th><th scope="col">Detail</th></tr></thead><tbody>
${h.changes.map((c) => html`<tr><td>${site.eventLink(path, c.event)}</td><td><span class="chip kind-${c.kind.replace(/[^a-z-]/g, '')}">${c.kind}</span></td><td>${c.detail}</td></tr>\n`)}</tbody></table></div>`
    : html`<p class="muted">No event changed.</p>`
}
</article>`,
  );
  const body = html`<header class="page-head">
<p class="kicker">History</p>
<h1>Changelog</h1>
<p class="lead">Contract changes recorded in the lock file, newest first.</p>
</header>
${entries.length > 0 ? entries : html`<p class="empty">No recorded changes yet.</p>`}`;
  return { path, title: 'Changelog', sources: site.allSources(), body };
}
