/**
 * The home page: the flow graph of the whole platform and a table of every event and service.
 *
 *   3 services, 4 events -> <svg class="flow"> with a box per service and a pill per event,
 *   then | order.created.v1 | 1 | order | stock | … and | order | 3 sends | 1 receives | …
 */
import { layoutFlow, renderFlowSvg } from './flow-graph.ts';
import { type Html, html, relUrl } from './html.ts';
import { httpOperations } from './http.ts';
import type { Site } from './site.ts';

export function homePage(site: Site): { path: string; title: string; sources: string[]; body: Html } {
  const path = 'index.html';
  const g = site.graph;
  const layout = layoutFlow({
    services: g.services.map((s) => s.id),
    events: site.events.map((e) => ({
      key: e.key,
      producer: e.producer?.service ?? null,
      consumers: e.consumers.map((c) => c.service),
    })),
  });
  const svg = renderFlowSvg(layout, {
    service: (id) => relUrl(path, site.servicePage(id)),
    event: (key) => relUrl(path, site.eventPage(key)),
  });
  const queues = g.services.reduce((n, s) => n + s.queues.length, 0);
  const ops = g.http.reduce((n, h) => n + httpOperations(h).length, 0);
  const list = (xs: readonly string[]): Html =>
    xs.length > 0
      ? html`${xs.map((x, i) => html`${i > 0 ? ', ' : ''}${site.serviceLink(path, x)}`)}`
      : html`<span class="muted">none</span>`;

  const body = html`<header class="page-head">
<p class="kicker">Overview</p>
<h1>Event catalog</h1>
<p class="lead">${String(site.services.length)} services exchange ${String(site.events.length)} event versions over ${g.exchanges.map((x, i) => html`${i > 0 ? ', ' : ''}<code>${x.name}</code>`)}${g.exchanges.length === 0 ? 'no exchange' : ''}; ${String(queues)} queues; ${String(ops)} HTTP operations. Generated from the contracts, so it is exactly what the code does.</p>
</header>

<section id="flow">
<h2>Flow</h2>
<p>Who sends what, and who reacts. Boxes are services, pills are events; an arrow runs from a producer to its event and from the event to each consumer. Dashed arrows go back to a service further left (replies in the saga); faint arrows skip ahead several columns. Select a node to open its page; hover to highlight its connections.</p>
<div class="flow-toolbar"><button type="button" class="flow-fit" aria-pressed="false">Fit to width</button></div>
<figure class="flow-wrap">
${svg}
</figure>
</section>

<section id="events">
<h2>Events</h2>
<div class="table-wrap"><table class="events"><thead><tr><th scope="col">Event</th><th scope="col">Version</th><th scope="col">Summary</th><th scope="col">Producer</th><th scope="col">Consumers</th></tr></thead><tbody>
${site.events.map((e) => {
  const m = e.producer ?? e.consumers[0];
  return html`<tr><td>${site.eventLink(path, e.key, e.eventType)}</td><td>v${String(e.version)}</td><td>${m?.summary ?? m?.title ?? ''}</td><td>${e.producer ? site.serviceLink(path, e.producer.service) : html`<span class="badge warn">none</span>`}</td><td>${list([...new Set(e.consumers.map((c) => c.service))])}</td></tr>\n`;
})}</tbody></table></div>
</section>

<section id="services">
<h2>Services</h2>
<div class="table-wrap"><table class="services"><thead><tr><th scope="col">Service</th><th scope="col">Title</th><th scope="col">Sends</th><th scope="col">Receives</th><th scope="col">Queues</th><th scope="col">HTTP operations</th></tr></thead><tbody>
${site.services.map(
  (s) =>
    html`<tr><td>${site.serviceLink(path, s.id)}</td><td>${s.title}</td><td>${String(s.asyncapi?.sends.length ?? 0)}</td><td>${String(s.asyncapi?.receives.length ?? 0)}</td><td>${String(s.asyncapi?.queues.length ?? 0)}</td><td>${String(s.http ? httpOperations(s.http).length : 0)}</td></tr>\n`,
)}</tbody></table></div>
</section>`;
  return { path, title: 'Overview', sources: site.allSources(), body };
}
