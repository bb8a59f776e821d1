/**
 * One page per service: the events it sends and receives, its queues with their policies,
 * and its HTTP API from its OpenAPI document.
 *
 *   service stock (sends stock.reserved.v1, receives order.created.v1 on queue stock.orders)
 *   -> docs/services/stock.html: Sends table, Receives table, Queues table (quorum, prefetch 50,
 *      retries 4, DLQ stock.orders.dlq), HTTP API (when specs/openapi/stock.yaml exists).
 */
import type { MessageModel } from '../../model.ts';
import { backoffText, dlqName } from './event-page.ts';
import { type Html, html, IdAllocator, prose, relUrl } from './html.ts';
import { renderHttpApi } from './http.ts';
import type { Site, SiteService } from './site.ts';

export function servicePage(
  site: Site,
  s: SiteService,
): { path: string; title: string; sources: string[]; body: Html } {
  const path = site.servicePage(s.id);
  const ids = new IdAllocator();
  const a = s.asyncapi;
  const sources = [...(a ? [a.file] : []), ...(s.http ? [s.http.file] : [])];
  const ref = site.referencePage(s.id);
  const consumersOf = (key: string): string[] => [
    ...new Set(site.events.find((e) => e.key === key)?.consumers.map((c) => c.service) ?? []),
  ];
  const list = (xs: readonly string[]): Html =>
    xs.length > 0
      ? html`${xs.map((x, i) => html`${i > 0 ? ', ' : ''}${site.serviceLink(path, x)}`)}`
      : html`<span class="muted">none yet</span>`;

  const sends = a?.sends ?? [];
  const receives = a?.receives ?? [];
  const queues = a?.queues ?? [];
  const other = a?.other ?? [];

  const sendTable =
    sends.length > 0
      ? html`<div class="table-wrap"><table><thead><tr><th scope="col">Event</th><th scope="col">Summary</th><th scope="col">Consumers</th><th scope="col">Operation</th></tr></thead><tbody>
${sends.map((m) => html`<tr><td>${site.eventLink(path, m.key)}</td><td>${m.summary ?? m.title ?? ''}</td><td>${list(consumersOf(m.key))}</td><td><code>${m.operationId}</code></td></tr>\n`)}</tbody></table></div>`
      : html`<p class="muted">This service publishes no events.</p>`;

  const receiveTable =
    receives.length > 0
      ? html`<div class="table-wrap"><table><thead><tr><th scope="col">Event</th><th scope="col">Producer</th><th scope="col">Queue</th><th scope="col">Operation</th></tr></thead><tbody>
${receives.map((c) => {
  const producer = site.events.find((e) => e.key === c.key)?.producer?.service;
  return html`<tr><td>${site.eventLink(path, c.key)}</td><td>${producer ? site.serviceLink(path, producer) : html`<span class="badge warn">${c.external ? 'external' : 'none'}</span>`}</td><td><a href="#${`queue-${c.policy.queue}`.replace(/[^A-Za-z0-9_.-]+/g, '_')}"><code>${c.policy.queue}</code></a></td><td><code>${c.operationId}</code></td></tr>\n`;
})}</tbody></table></div>`
      : html`<p class="muted">This service consumes no events.</p>`;

  const queueTable =
    queues.length > 0
      ? html`<div class="table-wrap"><table class="queues"><thead><tr><th scope="col">Queue</th><th scope="col">Type</th><th scope="col">Prefetch</th><th scope="col">Concurrency</th><th scope="col">Retries</th><th scope="col">Backoff</th><th scope="col">Delivery limit</th><th scope="col">Dead-letter queue</th><th scope="col">Events</th></tr></thead><tbody>
${queues.map((q) => {
  const p = q.policy;
  const dlq = dlqName(p);
  return html`<tr id="${ids.id('queue', q.name)}"><td><code>${q.name}</code>${p.priority !== undefined ? html` <span class="chip">priority ${String(p.priority)}</span>` : ''}</td><td>${p.queueType}</td><td>${String(p.prefetch)}</td><td>${String(p.concurrency)}</td><td>${String(p.maxRetries)}</td><td>${backoffText(p)}</td><td>${String(p.deliveryLimit)}</td><td>${dlq ? html`<code>${dlq}</code>` : html`<span class="muted">none</span>`}</td><td>${q.consumers.map((c, i) => html`${i > 0 ? ' ' : ''}${site.eventLink(path, c.key)}`)}</td></tr>\n`;
})}</tbody></table></div>`
      : html`<p class="muted">No queues.</p>`;

  const otherList = (ms: readonly MessageModel[]): Html =>
    html`<ul>${ms.map((m) => html`<li><code>${m.key}</code> on channel <code>${m.routingKey}</code> (operation <code>${m.operationId}</code>)</li>`)}</ul>`;

  const body = html`<header class="page-head">
<p class="kicker">Service</p>
<h1>${s.id}</h1>
<p class="lead">${s.title}${a ? html` · version <code>${a.version}</code>` : ''}</p>
</header>
${prose(a?.description)}
<dl class="facts">
${a ? html`<dt>AsyncAPI document</dt><dd><code>${a.file}</code>${ref ? html` · <a class="reference" href="${relUrl(path, ref)}">AsyncAPI reference (html-template)</a>` : ''}</dd>` : ''}
${s.http ? html`<dt>OpenAPI document</dt><dd><code>${s.http.file}</code></dd>` : ''}
<dt>Events</dt><dd>sends ${String(sends.length)}, receives ${String(receives.length)}, ${String(queues.length)} ${queues.length === 1 ? 'queue' : 'queues'}</dd>
</dl>
${
  a
    ? html`<section id="sends"><h2>Sends</h2>${sendTable}</section>
<section id="receives"><h2>Receives</h2>${receiveTable}</section>
<section id="queues"><h2>Queues</h2><p>Each queue is bound to <code>domain.events</code> by the routing keys of its events; a message that fails all its retries, or cannot be parsed or validated, goes to the dead-letter queue.</p>${queueTable}</section>`
    : ''
}
${other.length > 0 ? html`<section id="other"><h2>Other messages</h2><p>Declared on channels without an AMQP binding: types and validators only.</p>${otherList(other)}</section>` : ''}
<section id="http">
<h2>HTTP API</h2>
${s.http ? renderHttpApi(s.http, site.graph.sources, ids) : html`<p class="muted">No OpenAPI document for this service.</p>`}
</section>`;
  return { path, title: s.id, sources, body };
}
