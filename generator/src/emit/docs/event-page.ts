/**
 * One page per event version: what it means, where it travels, what it looks like (payload
 * and envelope tables, examples), who sends it and how each consumer takes it.
 *
 *   events['order.created.v1'] = { producer: order, consumers: [stock (view: orderId, items)] }
 *   -> docs/events/order.created.v1.html: facts (routing key, exchange, compatibility), payload
 *      table with a "Read by" column, examples, envelope, producer, stock's view and policy
 *      (queue stock, quorum, retries 3 at 1 s, 2 s, 4 s, DLQ stock.dlq), other versions.
 */
import type {
  Compatibility,
  ConsumerModel,
  ConsumerPolicyModel,
  EventModel,
  MessageModel,
} from '../../model.ts';
import { retryDelays } from '../../model.ts';
import { type Html, html, IdAllocator, prose, relUrl } from './html.ts';
import { flattenSchema, schemaTable } from './schema-table.ts';
import type { Site } from './site.ts';

export function formatMs(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))} s`;
  if (ms < 3_600_000) return `${Number((ms / 60_000).toFixed(1))} min`;
  return `${Number((ms / 3_600_000).toFixed(1))} h`;
}

export function backoffText(p: ConsumerPolicyModel): string {
  const b = p.backoff;
  return `${formatMs(b.initialMs)} × ${b.multiplier}, at most ${formatMs(b.maxMs)}`;
}

export function dlqName(p: ConsumerPolicyModel): string | null {
  return p.deadLetter ? `${p.queue}.dlq` : null;
}

/** The policy as label/value rows, shared by event and service pages. */
export function policyRows(p: ConsumerPolicyModel): [string, Html][] {
  const delays = retryDelays(p);
  const dlq = dlqName(p);
  const rows: [string, Html][] = [
    ['Queue', html`<code>${p.queue}</code>`],
    ['Queue type', html`${p.queueType}`],
    ['Prefetch', html`${String(p.prefetch)}`],
    ['Concurrency', html`${String(p.concurrency)}`],
    [
      'Retries',
      p.maxRetries === 0
        ? html`none: a failure goes straight to ${dlq ? 'the DLQ' : 'the broker (dropped)'}`
        : html`${String(p.maxRetries)} (waits ${delays.map(formatMs).join(', ')})`,
    ],
    ['Backoff', html`${backoffText(p)}`],
    ['Delivery limit', html`${String(p.deliveryLimit)}`],
    [
      'Dead-letter queue',
      dlq ? html`<code>${dlq}</code>` : html`<span class="muted">none (deadLetter: false)</span>`,
    ],
  ];
  if (p.priority !== undefined) rows.push(['Priority', html`${String(p.priority)}`]);
  if (p.orderingKey !== undefined) rows.push(['Ordering key', html`<code>${p.orderingKey}</code>`]);
  return rows;
}

export const COMPATIBILITY_TEXT: Record<Compatibility, string> = {
  backward:
    'backward: consumers on this schema can read events written with the previous version, so upgrade consumers first.',
  forward:
    'forward: consumers on the previous version can read events written with this schema, so upgrade the producer first.',
  full: 'full: old and new schemas read each other’s events, so producer and consumers upgrade in any order.',
  'backward-transitive':
    'backward-transitive: like backward, checked against every earlier version, not only the last.',
  'forward-transitive':
    'forward-transitive: like forward, checked against every earlier version, not only the last.',
  'full-transitive': 'full-transitive: like full, checked against every earlier version, not only the last.',
};

/** Pretty-printed JSON with token classes; every token is escaped. */
export function jsonBlock(value: unknown): Html {
  const text = JSON.stringify(value, null, 2) ?? 'undefined';
  const parts: Html[] = [];
  const re = /("(?:[^"\\]|\\.)*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    parts.push(html`${text.slice(last, m.index)}`);
    if (m[1] !== undefined)
      parts.push(
        m[2] !== undefined
          ? html`<span class="k">${m[1]}</span>${m[2]}`
          : html`<span class="s">${m[1]}</span>`,
      );
    else if (m[3] !== undefined) parts.push(html`<span class="b">${m[3]}</span>`);
    else parts.push(html`<span class="n">${m[4]}</span>`);
    last = m.index + m[0].length;
  }
  parts.push(html`${text.slice(last)}`);
  return html`<pre class="json"><code>${parts}</code></pre>`;
}

/** Illustrative envelope around an example's data; fixed values keep the output deterministic. */
function wireExample(m: MessageModel, data: unknown): unknown {
  return {
    eventId: '0190a000-0000-7000-8000-000000000001',
    eventType: m.eventType,
    version: m.version,
    occurredAt: '2025-01-01T00:00:00.000Z',
    correlationId: '0190a000-0000-7000-8000-0000000000c0',
    causationId: null,
    producer: m.service,
    data,
  };
}

function factList(rows: [string, Html][]): Html {
  return html`<dl class="facts">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

function consumerSection(
  site: Site,
  path: string,
  c: ConsumerModel,
  ids: IdAllocator,
  producerFields: number,
): Html {
  const fields = flattenSchema(c.schema).length;
  const ref = site.referencePage(c.service);
  return html`<section class="consumer" id="${ids.id('consumer', c.service + (c.operationId ? `-${c.operationId}` : ''))}">
<h3>${site.serviceLink(path, c.service)} <span class="muted">via <code>${c.operationId}</code></span>${c.external ? html` <span class="badge warn">external</span>` : ''}</h3>
<p>Reads ${String(fields)} of the producer's ${String(producerFields)} fields, as declared in <code>${c.file}</code>.${ref ? html` <a href="${relUrl(path, ref)}">AsyncAPI reference</a>.` : ''}</p>
<div class="consumer-grid">
<div><h4>Consumer policy</h4>${factList(policyRows(c.policy))}</div>
<div class="view"><h4>View: the fields it reads</h4>${schemaTable(c.schema, { ids, idPrefix: `view-${c.service}` })}</div>
</div>
</section>`;
}

export function eventPage(
  site: Site,
  e: EventModel,
): { path: string; title: string; sources: string[]; body: Html } {
  const path = site.eventPage(e.key);
  const m = (e.producer ?? e.consumers[0]) as MessageModel;
  const ids = new IdAllocator();
  const sources = [...(e.producer ? [e.producer.file] : []), ...e.consumers.map((c) => c.file)];
  const producerRows = flattenSchema(m.schema);
  const readers = new Map<string, string[]>();
  for (const c of e.consumers) {
    for (const r of flattenSchema(c.schema))
      readers.set(r.path, [...new Set([...(readers.get(r.path) ?? []), c.service])]);
  }
  const versions = site.events.filter((o) => o.eventType === e.eventType);
  const others = versions.filter((o) => o.key !== e.key);
  const title = m.title ?? e.key;

  const facts: [string, Html][] = [
    ['Routing key', html`<code>${e.routingKey}</code>`],
    ['Exchange', html`<code>${e.exchange}</code> (${m.exchangeType})`],
    [
      'Producer',
      e.producer
        ? site.serviceLink(path, e.producer.service)
        : html`<span class="badge warn">no producer in these specs</span>`,
    ],
    [
      'Consumers',
      e.consumers.length > 0
        ? html`${[...new Set(e.consumers.map((c) => c.service))].map((s, i) => html`${i > 0 ? ', ' : ''}${site.serviceLink(path, s)}`)}`
        : html`<span class="muted">none yet</span>`,
    ],
    [
      'Compatibility',
      html`<code>${m.compatibility}</code>: ${COMPATIBILITY_TEXT[m.compatibility]?.replace(/^[a-z-]+: /, '') ?? ''}`,
    ],
    [
      'Envelope',
      m.envelope
        ? html`travels inside the shared envelope; the payload below is its <code>data</code>`
        : html`sent as its bare payload (no envelope)`,
    ],
    [
      'Versions',
      html`${versions.map((o, i) => html`${i > 0 ? ' · ' : ''}${o.key === e.key ? html`<strong>v${String(o.version)}</strong> (this page)` : html`<a href="${relUrl(path, site.eventPage(o.key))}">v${String(o.version)}</a>`}`)}`,
    ],
    ['Contract', html`<code>${m.file}</code>, operation <code>${m.operationId}</code>`],
  ];

  const examples = m.examples.map(
    (x, i) => html`<figure class="example">
<figcaption><strong>${x.name ?? `Example ${i + 1}`}</strong>${x.summary ? html` · ${x.summary}` : ''}</figcaption>
${jsonBlock(x.payload)}
</figure>`,
  );
  const firstExample = m.examples[0];

  const body = html`<header class="page-head">
<p class="kicker">Event · version ${String(e.version)}</p>
<h1><code>${e.eventType}</code> <span class="badge version">v${String(e.version)}</span></h1>
<p class="lead">${title}${m.summary ? html`: ${m.summary}` : ''}</p>
</header>
${prose(m.description)}
${factList(facts)}

<section id="payload">
<h2>Payload</h2>
<p>${m.envelope ? html`The envelope's <code>data</code>` : 'The message body'}, as the producer declares it${e.producer ? '' : html` (no producer: shown from ${m.service}'s view)`}. "Read by" lists the consumers whose view includes the field.</p>
${schemaTable(m.schema, {
  ids,
  idPrefix: 'field',
  extra: {
    heading: 'Read by',
    cell: (r) =>
      html`${(readers.get(r.path) ?? []).map((s, i) => html`${i > 0 ? ', ' : ''}${site.serviceLink(path, s)}`)}`,
  },
})}
</section>

<section id="examples">
<h2>Examples</h2>
${examples.length > 0 ? examples : html`<p class="muted">The contract has no example for this event.</p>`}
${
  m.envelope && firstExample
    ? html`<details class="wire"><summary>The whole message on the wire (illustrative envelope around the first example)</summary>${jsonBlock(wireExample(m, firstExample.payload))}</details>`
    : ''
}
</section>

${
  m.envelope && m.envelopeSchema
    ? html`<section id="envelope">
<h2>Envelope</h2>
<p>Every event travels in this envelope. The same facts go into AMQP properties (<code>messageId</code>, <code>type</code>, <code>timestamp</code>, <code>correlationId</code>, <code>contentType</code>) and W3C <code>traceparent</code> into headers.</p>
${schemaTable(m.envelopeSchema, { ids, idPrefix: 'envelope' })}
</section>`
    : ''
}

<section id="producer">
<h2>Producer</h2>
${
  e.producer
    ? html`<p>${site.serviceLink(path, e.producer.service)} publishes it with operation <code>${e.producer.operationId}</code> (<code>${e.producer.file}</code>) and owns its canonical schema.${
        site.referencePage(e.producer.service)
          ? html` <a href="${relUrl(path, site.referencePage(e.producer.service) as string)}">AsyncAPI reference</a>.`
          : ''
      }</p>`
    : html`<p><span class="badge warn">No producer</span> No document in these specs sends this event${e.consumers.some((c) => c.external) ? ': it is declared external (produced outside these specs)' : ''}.</p>`
}
</section>

<section id="consumers">
<h2>Consumers</h2>
${e.consumers.length > 0 ? e.consumers.map((c) => consumerSection(site, path, c, ids, producerRows.length)) : html`<p class="muted">No service consumes this event yet.</p>`}
</section>

<section id="versions">
<h2>Other versions</h2>
${
  others.length > 0
    ? html`<div class="table-wrap"><table><thead><tr><th scope="col">Version</th><th scope="col">Producer</th><th scope="col">Consumers</th><th scope="col">Compatibility</th></tr></thead><tbody>
${others.map((o) => {
  const om = (o.producer ?? o.consumers[0]) as MessageModel;
  return html`<tr><td>${site.eventLink(path, o.key)}</td><td>${o.producer ? site.serviceLink(path, o.producer.service) : html`<span class="muted">none</span>`}</td><td>${[...new Set(o.consumers.map((c) => c.service))].map((s, i) => html`${i > 0 ? ', ' : ''}${site.serviceLink(path, s)}`)}</td><td><code>${om.compatibility}</code></td></tr>\n`;
})}</tbody></table></div>`
    : html`<p class="muted">This is the only version of <code>${e.eventType}</code>. A breaking change becomes <code>${e.eventType}.v${String(e.version + 1)}</code>, which can run beside this one while consumers move.</p>`
}
</section>`;
  return { path, title: e.key, sources, body };
}
