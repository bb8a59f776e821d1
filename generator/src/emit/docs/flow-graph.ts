/**
 * The home page's flow graph: services as boxes, events as pills between their producer and
 * their consumers, laid out left to right in layers and rendered to SVG at generation time.
 *
 *   layoutFlow({ services: ['order', 'stock'],
 *                events: [{ key: 'order.created.v1', producer: 'order', consumers: ['stock'] }] })
 *   -> columns: [order] [order.created.v1] [stock]
 *      edges:   order -> order.created.v1 -> stock
 *
 * Layering: a service's rank is the longest path to it in the service graph (producer ->
 * consumer) once the cycles are broken by a depth-first search in name order; each event sits
 * in the column right after its producer. Within a column, nodes are ordered by the mean
 * position of their neighbours (a few barycenter sweeps). Edges that go back to an earlier
 * column (the saga's replies) are drawn dashed. Everything is sorted, so the same graph gives
 * the same picture.
 */
import { type Html, html, raw } from './html.ts';

export interface FlowInput {
  readonly services: readonly string[];
  readonly events: readonly {
    readonly key: string;
    readonly producer: string | null;
    readonly consumers: readonly string[];
  }[];
}

export interface FlowNode {
  readonly id: string;
  readonly kind: 'service' | 'event';
  readonly label: string;
  readonly column: number;
  x: number;
  y: number;
  readonly w: number;
  readonly h: number;
}

export interface FlowEdge {
  readonly from: string;
  readonly to: string;
  /** True when the edge runs to a column at or left of its start. */
  readonly back: boolean;
}

export interface FlowLayout {
  readonly nodes: readonly FlowNode[];
  readonly edges: readonly FlowEdge[];
  readonly width: number;
  readonly height: number;
}

const SERVICE_H = 40;
const EVENT_H = 24;
const SERVICE_GAP = 26;
const EVENT_GAP = 10;
const COLUMN_GAP = 56;
const MARGIN = 24;
/** Widths estimated from the label: 13px bold sans for services, 11px monospace for events. */
const serviceWidth = (label: string): number => Math.max(110, Math.ceil(label.length * 8.2) + 28);
const eventWidth = (label: string): number => Math.ceil(label.length * 6.7) + 22;

export const serviceNodeId = (id: string): string => `s:${id}`;
export const eventNodeId = (key: string): string => `e:${key}`;

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Rank of each service: longest path from a source after removing DFS back edges. */
function rankServices(
  services: readonly string[],
  edges: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, number> {
  const indeg = new Map(services.map((s) => [s, 0]));
  for (const [, tos] of edges) for (const t of tos) indeg.set(t, (indeg.get(t) ?? 0) + 1);
  const order = [...services].sort(
    (a, b) => (indeg.get(a) === 0 ? 0 : 1) - (indeg.get(b) === 0 ? 0 : 1) || byName(a, b),
  );
  const state = new Map<string, 'open' | 'done'>();
  const forward = new Map<string, string[]>(services.map((s) => [s, []]));
  const visit = (s: string): void => {
    state.set(s, 'open');
    for (const t of [...(edges.get(s) ?? [])].sort(byName)) {
      const st = state.get(t);
      if (st === 'open') continue; // a back edge: drop it for ranking
      forward.get(s)?.push(t);
      if (st === undefined) visit(t);
    }
    state.set(s, 'done');
  };
  for (const s of order) if (!state.has(s)) visit(s);
  const preds = new Map<string, string[]>(services.map((s) => [s, []]));
  for (const [s, ts] of forward) for (const t of ts) preds.get(t)?.push(s);
  const rank = new Map<string, number>();
  const rankOf = (s: string): number => {
    const known = rank.get(s);
    if (known !== undefined) return known;
    rank.set(s, 0); // cycle guard; forward edges form a DAG so this is never read early
    const r = Math.max(0, ...(preds.get(s) ?? []).map((p) => rankOf(p) + 1));
    rank.set(s, r);
    return r;
  };
  for (const s of services) rankOf(s);
  return rank;
}

export function layoutFlow(input: FlowInput): FlowLayout {
  const services = [...new Set(input.services)].sort(byName);
  const known = new Set(services);
  const events = [...input.events].sort((a, b) => byName(a.key, b.key));
  const svcEdges = new Map<string, Set<string>>();
  for (const e of events) {
    if (!e.producer || !known.has(e.producer)) continue;
    for (const c of e.consumers) {
      if (c === e.producer || !known.has(c)) continue;
      const s = svcEdges.get(e.producer) ?? new Set<string>();
      svcEdges.set(e.producer, s);
      s.add(c);
    }
  }
  const rank = rankServices(services, svcEdges);
  const hasOrphans = events.some((e) => !e.producer || !known.has(e.producer));
  // Columns: [orphan events] S0 E0 S1 E1 …; service rank r -> column 2r (+1 with orphans).
  const shift = hasOrphans ? 1 : 0;
  const nodes: FlowNode[] = [];
  for (const s of services) {
    nodes.push({
      id: serviceNodeId(s),
      kind: 'service',
      label: s,
      column: 2 * (rank.get(s) ?? 0) + shift,
      x: 0,
      y: 0,
      w: serviceWidth(s),
      h: SERVICE_H,
    });
  }
  const edges: FlowEdge[] = [];
  const col = new Map(nodes.map((n) => [n.id, n.column]));
  for (const e of events) {
    const producer = e.producer && known.has(e.producer) ? e.producer : null;
    const column = producer ? (col.get(serviceNodeId(producer)) ?? 0) + 1 : 0;
    const id = eventNodeId(e.key);
    nodes.push({ id, kind: 'event', label: e.key, column, x: 0, y: 0, w: eventWidth(e.key), h: EVENT_H });
    col.set(id, column);
    if (producer) edges.push({ from: serviceNodeId(producer), to: id, back: false });
    for (const c of [...new Set(e.consumers)].sort(byName)) {
      if (!known.has(c)) continue;
      const to = serviceNodeId(c);
      edges.push({ from: id, to, back: (col.get(to) ?? 0) <= column });
    }
  }

  // Order within columns by barycenter sweeps.
  const columnCount = Math.max(0, ...nodes.map((n) => n.column + 1));
  const columns: FlowNode[][] = Array.from({ length: columnCount }, () => []);
  for (const n of nodes) columns[n.column]?.push(n);
  const neighbours = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) {
    neighbours.get(e.from)?.push(e.to);
    neighbours.get(e.to)?.push(e.from);
  }
  const pos = new Map<string, number>();
  const place = (c: readonly FlowNode[]): void => {
    for (const [i, n] of c.entries()) pos.set(n.id, i - (c.length - 1) / 2);
  };
  for (const c of columns) place(c);
  for (let sweep = 0; sweep < 8; sweep++) {
    const idx = sweep % 2 === 0 ? columns.map((_, i) => i) : columns.map((_, i) => columns.length - 1 - i);
    for (const i of idx) {
      const c = columns[i] as FlowNode[];
      const bary = new Map<string, number>();
      for (const n of c) {
        const ns = (neighbours.get(n.id) ?? []).filter((m) => col.get(m) !== n.column);
        bary.set(
          n.id,
          ns.length > 0
            ? ns.reduce((sum, m) => sum + (pos.get(m) ?? 0), 0) / ns.length
            : (pos.get(n.id) ?? 0),
        );
      }
      c.sort((a, b) => (bary.get(a.id) ?? 0) - (bary.get(b.id) ?? 0) || byName(a.label, b.label));
      place(c);
    }
  }

  // Coordinates: columns left to right, each stacked and centred on the tallest.
  const colHeight = (c: FlowNode[]): number =>
    c.reduce((h, n) => h + n.h, 0) +
    Math.max(0, c.length - 1) * (c[0]?.kind === 'service' ? SERVICE_GAP : EVENT_GAP);
  const tallest = Math.max(0, ...columns.map((c) => colHeight(c)));
  let x = MARGIN;
  for (const c of columns) {
    const w = Math.max(0, ...c.map((n) => n.w));
    let y = MARGIN + (tallest - colHeight(c)) / 2;
    for (const n of c) {
      n.x = Math.round(x + (w - n.w) / 2);
      n.y = Math.round(y);
      y += n.h + (n.kind === 'service' ? SERVICE_GAP : EVENT_GAP);
    }
    x += w + COLUMN_GAP;
  }
  const width = Math.max(MARGIN * 2, Math.round(x - COLUMN_GAP + MARGIN));
  // Back edges swing below their target; leave room for the lowest swing.
  const height = Math.round(tallest + MARGIN * 2 + (edges.some((e) => e.back) ? 40 : 0));
  const ordered = columns.flat();
  return { nodes: ordered, edges, width, height };
}

function edgePath(a: FlowNode, b: FlowNode, back: boolean): string {
  const x1 = a.x + a.w;
  const y1 = a.y + a.h / 2;
  if (!back) {
    const x2 = b.x;
    const y2 = b.y + b.h / 2;
    const dx = Math.max(24, (x2 - x1) / 2);
    return `M${x1} ${y1} C${x1 + dx} ${y1} ${x2 - dx} ${y2} ${x2} ${y2}`;
  }
  // Enter the target from below (or above when it sits lower than the source).
  const below = b.y + b.h / 2 <= y1;
  const x2 = b.x + b.w / 2;
  const y2 = below ? b.y + b.h : b.y;
  const bend = below ? 48 : -48;
  return `M${x1} ${y1} C${x1 + 56} ${y1} ${x2} ${y2 + bend} ${x2} ${y2}`;
}

export interface FlowLinks {
  readonly service: (id: string) => string;
  readonly event: (key: string) => string;
}

export function renderFlowSvg(layout: FlowLayout, links: FlowLinks): Html {
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  const edges = layout.edges.map((e) => {
    const a = byId.get(e.from) as FlowNode;
    const b = byId.get(e.to) as FlowNode;
    // Edges that skip columns (an audit log that reads everything) recede until hovered.
    const long = !e.back && b.column - a.column > 1;
    const cls = e.back ? 'edge back' : long ? 'edge long' : 'edge';
    return html`<path class="${cls}" data-from="${e.from}" data-to="${e.to}" d="${edgePath(a, b, e.back)}" marker-end="url(#flow-arrow)"><title>${a.label} → ${b.label}</title></path>`;
  });
  const nodes = layout.nodes.map((n) => {
    const href = n.kind === 'service' ? links.service(n.label) : links.event(n.label);
    const rx = n.kind === 'service' ? 8 : n.h / 2;
    const tip = n.kind === 'service' ? `service ${n.label}` : `event ${n.label}`;
    return html`<a class="node ${n.kind}" href="${href}" data-node="${n.id}"><title>${tip}</title><rect x="${String(n.x)}" y="${String(n.y)}" width="${String(n.w)}" height="${String(n.h)}" rx="${String(rx)}"/><text x="${String(n.x + n.w / 2)}" y="${String(n.y + n.h / 2)}" dominant-baseline="central" text-anchor="middle">${n.label}</text></a>`;
  });
  const services = layout.nodes.filter((n) => n.kind === 'service').length;
  const events = layout.nodes.length - services;
  return html`<svg class="flow" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${String(layout.width)} ${String(layout.height)}" width="${String(layout.width)}" height="${String(layout.height)}" role="img" aria-labelledby="flow-title flow-desc">
<title id="flow-title">Event flow</title>
<desc id="flow-desc">${String(services)} services and ${String(events)} events; arrows run from a producer to its event and from the event to each consumer.</desc>
<defs><marker id="flow-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z"/></marker></defs>
<g class="edges">
${raw(edges.map((e) => e.value).join('\n'))}
</g>
<g class="nodes">
${raw(nodes.map((n) => n.value).join('\n'))}
</g>
</svg>`;
}
