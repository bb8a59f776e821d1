/**
 * The site's static assets: one stylesheet (system fonts, light and dark through
 * prefers-color-scheme) and three small scripts (search, flow-graph highlighting, navigation). No external
 * fonts, scripts or CDNs: the site works offline and from file://.
 *
 *   assetFiles() -> docs/assets/site.css, docs/assets/search.js, docs/assets/graph.js, docs/assets/nav.js
 */
import type { OutputFile } from '../file.ts';
import { blockStamp, DOCS_DIR } from './site.ts';

const CSS = `:root {
  color-scheme: light dark;
  --bg: #ffffff;
  --bg-soft: #f6f7f9;
  --bg-code: #f1f3f5;
  --fg: #1d2330;
  --fg-soft: #5b6475;
  --border: #dde1e7;
  --accent: #0b62d6;
  --accent-soft: #e7f0fd;
  --ok: #137333;
  --warn: #9a5b00;
  --warn-bg: #fff4e0;
  --req: #b3261e;
  --req-bg: #fdecea;
  --svc-bg: #eef4ff;
  --svc-border: #3b6fd1;
  --evt-bg: #fff7e6;
  --evt-border: #c98a12;
  --edge: #8a93a6;
  --json-key: #1f5fbf;
  --json-str: #137333;
  --json-num: #a64d00;
  --json-lit: #8a2be2;
  --sidebar-w: 16rem;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14171c;
    --bg-soft: #1b1f26;
    --bg-code: #222731;
    --fg: #e4e8ee;
    --fg-soft: #9aa3b2;
    --border: #2e3440;
    --accent: #7fb0ff;
    --accent-soft: #1d2a40;
    --ok: #6fd08c;
    --warn: #f0b45a;
    --warn-bg: #33291a;
    --req: #ff8a80;
    --req-bg: #3a1f1d;
    --svc-bg: #1d2a40;
    --svc-border: #7fb0ff;
    --evt-bg: #33291a;
    --evt-border: #f0b45a;
    --edge: #6b7385;
    --json-key: #8ab4f8;
    --json-str: #81c995;
    --json-num: #f6ae6b;
    --json-lit: #d7aefb;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0;
  background: var(--bg);
  color: var(--fg);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.88em; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
a:focus-visible, button:focus-visible, input:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: 0.5rem; z-index: 10; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.layout { display: grid; grid-template-columns: var(--sidebar-w) minmax(0, 1fr); min-height: 100vh; }
.sidebar {
  position: sticky; top: 0; height: 100vh; overflow-y: auto;
  background: var(--bg-soft); border-right: 1px solid var(--border);
  padding: 1rem 0.9rem 2rem; font-size: 0.92rem;
}
.sidebar .brand { display: block; font-weight: 700; font-size: 1.05rem; color: var(--fg); margin-bottom: 0.8rem; }
.sidebar h2 { font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--fg-soft); margin: 1.2rem 0 0.3rem; }
.sidebar ul { list-style: none; margin: 0; padding: 0; }
.sidebar li a { display: block; padding: 0.12rem 0.45rem; border-radius: 5px; color: var(--fg); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.sidebar li a:hover { background: var(--accent-soft); text-decoration: none; }
.sidebar li a[aria-current="page"] { background: var(--accent-soft); color: var(--accent); font-weight: 600; }
.sidebar code { font-size: 0.82rem; background: none; padding: 0; }
.search { position: relative; }
.search input {
  width: 100%; padding: 0.45rem 0.6rem; border: 1px solid var(--border); border-radius: 6px;
  background: var(--bg); color: var(--fg); font: inherit;
}
#search-results {
  position: absolute; z-index: 5; left: 0; width: 100%; max-height: 70vh; overflow-y: auto;
  background: var(--bg); border: 1px solid var(--border); border-radius: 8px; box-shadow: 0 8px 24px rgba(0,0,0,.18);
  list-style: none; margin: 0.3rem 0 0; padding: 0.3rem;
}
#search-results li a { display: block; padding: 0.35rem 0.5rem; border-radius: 5px; color: var(--fg); white-space: normal; }
#search-results li[aria-selected="true"] a, #search-results li a:hover { background: var(--accent-soft); text-decoration: none; }
#search-results .kind { display: block; font-size: 0.72rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--fg-soft); }
#search-results .title { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.84rem; overflow-wrap: anywhere; }
#search-results .detail { display: block; font-size: 0.78rem; color: var(--fg-soft); }
#search-results .none { padding: 0.4rem 0.5rem; color: var(--fg-soft); }
main { padding: 1.5rem 2.5rem 4rem; max-width: 84rem; min-width: 0; }
.page-head .kicker { margin: 0; text-transform: uppercase; letter-spacing: 0.08em; font-size: 0.75rem; color: var(--fg-soft); }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0.2rem 0 0.4rem; }
h1 code { font-size: 0.95em; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 0.6rem; padding-bottom: 0.25rem; border-bottom: 1px solid var(--border); }
h3 { font-size: 1.1rem; margin: 1.6rem 0 0.4rem; }
h4 { font-size: 0.95rem; margin: 1rem 0 0.4rem; }
.lead { font-size: 1.08rem; color: var(--fg-soft); margin-top: 0; }
.muted { color: var(--fg-soft); }
.prose p { margin: 0.5rem 0; max-width: 52rem; }
p code, li code, dd code, td code { background: var(--bg-code); padding: 0.05rem 0.3rem; border-radius: 4px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1.2rem; margin: 1rem 0; }
.facts dt { color: var(--fg-soft); font-weight: 600; }
.facts dd { margin: 0; }
.badge { display: inline-block; font-size: 0.72rem; font-weight: 600; padding: 0.05rem 0.45rem; border-radius: 999px; background: var(--accent-soft); color: var(--accent); vertical-align: middle; }
.badge.required { background: var(--req-bg); color: var(--req); }
.badge.warn { background: var(--warn-bg); color: var(--warn); }
.badge.version { font-size: 0.9rem; }
.chip { display: inline-block; font-size: 0.78rem; padding: 0 0.35rem; margin: 0.05rem 0; border: 1px solid var(--border); border-radius: 4px; background: var(--bg-soft); white-space: nowrap; }
.table-wrap { overflow-x: auto; margin: 0.6rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { text-align: left; vertical-align: top; padding: 0.4rem 0.6rem; border-bottom: 1px solid var(--border); }
thead th { background: var(--bg-soft); font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--fg-soft); white-space: nowrap; }
tbody tr:hover { background: var(--bg-soft); }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
table.schema td.field { padding-left: calc(0.6rem + var(--depth, 0) * 1.3rem); white-space: nowrap; position: relative; }
table.schema td.field .parent { color: var(--fg-soft); }
table.schema td.field .name { font-weight: 600; }
table.schema td.field .anchor { position: absolute; left: calc(var(--depth, 0) * 1.3rem - 0.3rem); opacity: 0; color: var(--fg-soft); }
table.schema tr:hover td.field .anchor, table.schema td.field .anchor:focus { opacity: 1; }
table.schema td.field code { background: none; padding: 0; }
table.schema { font-size: 0.86rem; }
table.schema thead th { white-space: normal; }
table.schema td.desc { min-width: 11rem; }
table.schema tr:target { background: var(--accent-soft); }
.note { color: var(--fg-soft); }
pre.json { background: var(--bg-code); border: 1px solid var(--border); border-radius: 8px; padding: 0.8rem 1rem; overflow-x: auto; line-height: 1.45; }
pre.json .k { color: var(--json-key); }
pre.json .s { color: var(--json-str); }
pre.json .n { color: var(--json-num); }
pre.json .b { color: var(--json-lit); }
figure.example { margin: 1rem 0; }
figure.example figcaption { margin-bottom: 0.3rem; }
details.wire summary { cursor: pointer; color: var(--accent); }
.consumer { border: 1px solid var(--border); border-radius: 10px; padding: 0.2rem 1.1rem 0.8rem; margin: 1rem 0; }
.consumer h3 { margin-top: 0.9rem; }
.consumer-grid { display: grid; grid-template-columns: minmax(16rem, 22rem) minmax(0, 1fr); gap: 1.5rem; }
@media (max-width: 70rem) { .consumer-grid { grid-template-columns: 1fr; } }
.method { display: inline-block; min-width: 4.2rem; text-align: center; font: 700 0.75rem/1.6 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; border-radius: 4px; padding: 0 0.3rem; color: #fff; background: #5b6475; }
.method.get { background: #1a7f4b; } .method.post { background: #0b62d6; } .method.put { background: #9a5b00; }
.method.patch { background: #7a4fc9; } .method.delete { background: #b3261e; }
.operation { border-top: 1px solid var(--border); margin-top: 1.5rem; }
.status { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-weight: 700; }
.status.s2 { color: var(--ok); } .status.s4, .status.s5 { color: var(--req); }
.media { margin: 0.4rem 0 0; }
.flow-toolbar { display: flex; justify-content: flex-end; }
.flow-toolbar button { font: inherit; font-size: 0.85rem; padding: 0.25rem 0.7rem; border: 1px solid var(--border); border-radius: 6px; background: var(--bg-soft); color: var(--fg); cursor: pointer; }
.flow-wrap { margin: 0.5rem 0 1rem; overflow: auto; border: 1px solid var(--border); border-radius: 10px; background: var(--bg-soft); }
.flow-wrap.fit svg { max-width: 100%; height: auto; }
svg.flow { display: block; }
svg.flow .edge { fill: none; stroke: var(--edge); stroke-width: 1.4; transition: opacity .15s; }
svg.flow .edge.back { stroke-dasharray: 5 4; }
svg.flow .edge.long { opacity: 0.45; stroke-width: 1; }
svg.flow #flow-arrow path { fill: var(--edge); }
svg.flow .node rect { stroke-width: 1.5; transition: opacity .15s; }
svg.flow .node.service rect { fill: var(--svc-bg); stroke: var(--svc-border); }
svg.flow .node.event rect { fill: var(--evt-bg); stroke: var(--evt-border); }
svg.flow .node text { fill: var(--fg); pointer-events: none; }
svg.flow .node.service text { font: 600 13px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
svg.flow .node.event text { font: 11px ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; }
svg.flow .node:hover rect, svg.flow .node:focus rect { stroke-width: 3; }
svg.flow.focus .edge:not(.hot) { opacity: 0.1; }
svg.flow.focus .edge.hot { opacity: 1; }
svg.flow.focus .node:not(.hot) { opacity: 0.3; }
svg.flow .edge.hot { stroke: var(--accent); stroke-width: 2.2; }
.change h2 { font-size: 1.1rem; }
.empty { font-size: 1.05rem; color: var(--fg-soft); }
@media (max-width: 52rem) {
  .layout { grid-template-columns: 1fr; }
  .sidebar { position: static; height: auto; border-right: 0; border-bottom: 1px solid var(--border); }
  main { padding: 1rem; }
}
@media print {
  .sidebar, .flow-toolbar { display: none; }
  .layout { display: block; }
}
`;

const SEARCH_JS = `(function () {
  'use strict';
  var input = document.getElementById('search-input');
  var list = document.getElementById('search-results');
  if (!input || !list) return;
  var root = document.body.getAttribute('data-root') || '';
  var weight = { event: 0, service: 0.1, operation: 0.2, queue: 0.3, field: 0.4 };
  var active = -1;

  function entries() {
    return Array.isArray(window.KADA_SEARCH_INDEX) ? window.KADA_SEARCH_INDEX : [];
  }

  function search(q) {
    var query = q.trim().toLowerCase();
    if (!query) return [];
    var tokens = query.split(/\\s+/);
    var hits = [];
    var all = entries();
    for (var i = 0; i < all.length; i++) {
      var e = all[i];
      var t = e.t.toLowerCase();
      var hay = t + ' ' + e.d.toLowerCase();
      var ok = true;
      for (var j = 0; j < tokens.length; j++) if (hay.indexOf(tokens[j]) < 0) { ok = false; break; }
      if (!ok) continue;
      var score = t === query ? 0 : t.indexOf(query) === 0 ? 1 : t.indexOf(query) >= 0 ? 2 : 3;
      if (score === 3) {
        // More query words in the title rank higher than words found only in the detail.
        var inTitle = 0;
        for (var w = 0; w < tokens.length; w++) if (t.indexOf(tokens[w]) >= 0) inTitle++;
        score -= (0.9 * inTitle) / tokens.length;
      }
      hits.push({ e: e, s: score + (weight[e.k] || 0.5) });
    }
    hits.sort(function (a, b) { return a.s - b.s || a.e.t.length - b.e.t.length || (a.e.t < b.e.t ? -1 : a.e.t > b.e.t ? 1 : 0); });
    return hits.slice(0, 15).map(function (h) { return h.e; });
  }

  function setActive(i) {
    var items = list.querySelectorAll('li[role="option"]');
    if (items.length === 0) { active = -1; return; }
    active = (i + items.length) % items.length;
    for (var k = 0; k < items.length; k++) items[k].setAttribute('aria-selected', k === active ? 'true' : 'false');
    items[active].scrollIntoView({ block: 'nearest' });
    input.setAttribute('aria-activedescendant', items[active].id);
  }

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function render() {
    var q = input.value;
    list.textContent = '';
    if (!q.trim()) { close(); return; }
    var hits = search(q);
    if (hits.length === 0) {
      var none = document.createElement('li');
      none.className = 'none';
      none.textContent = 'No match for ' + q.trim();
      list.appendChild(none);
    }
    hits.forEach(function (e, i) {
      var li = document.createElement('li');
      li.setAttribute('role', 'option');
      li.id = 'search-hit-' + i;
      var a = document.createElement('a');
      a.href = root + e.u;
      var kind = document.createElement('span');
      kind.className = 'kind';
      kind.textContent = e.k;
      var title = document.createElement('span');
      title.className = 'title';
      title.textContent = e.t;
      a.appendChild(kind);
      a.appendChild(title);
      if (e.d) {
        var d = document.createElement('span');
        d.className = 'detail';
        d.textContent = e.d;
        a.appendChild(d);
      }
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    active = -1;
  }

  input.addEventListener('input', render);
  input.addEventListener('focus', function () { if (input.value.trim()) render(); });
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'ArrowDown') { ev.preventDefault(); setActive(active + 1); }
    else if (ev.key === 'ArrowUp') { ev.preventDefault(); setActive(active - 1); }
    else if (ev.key === 'Escape') { input.value = ''; close(); }
    else if (ev.key === 'Enter') {
      var items = list.querySelectorAll('li[role="option"] a');
      var target = items[active >= 0 ? active : 0];
      if (target) { ev.preventDefault(); window.location.href = target.href; }
    }
  });
  document.addEventListener('click', function (ev) {
    if (!list.contains(ev.target) && ev.target !== input) close();
  });
  document.addEventListener('keydown', function (ev) {
    var t = ev.target;
    var typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
    if (ev.key === '/' && !typing) { ev.preventDefault(); input.focus(); }
  });
})();
`;

const GRAPH_JS = `(function () {
  'use strict';
  var svg = document.querySelector('svg.flow');
  if (!svg) return;
  var edges = svg.querySelectorAll('.edge');
  function clear() {
    svg.classList.remove('focus');
    var hot = svg.querySelectorAll('.hot');
    for (var i = 0; i < hot.length; i++) hot[i].classList.remove('hot');
  }
  function highlight(id) {
    clear();
    svg.classList.add('focus');
    var ids = {};
    ids[id] = true;
    for (var i = 0; i < edges.length; i++) {
      var e = edges[i];
      var from = e.getAttribute('data-from');
      var to = e.getAttribute('data-to');
      if (from === id || to === id) {
        e.classList.add('hot');
        ids[from] = true;
        ids[to] = true;
      }
    }
    var nodes = svg.querySelectorAll('.node');
    for (var j = 0; j < nodes.length; j++) if (ids[nodes[j].getAttribute('data-node')]) nodes[j].classList.add('hot');
  }
  var nodes = svg.querySelectorAll('.node');
  for (var k = 0; k < nodes.length; k++) {
    (function (n) {
      var id = n.getAttribute('data-node');
      n.addEventListener('mouseenter', function () { highlight(id); });
      n.addEventListener('focus', function () { highlight(id); });
      n.addEventListener('mouseleave', clear);
      n.addEventListener('blur', clear);
    })(nodes[k]);
  }
  var button = document.querySelector('.flow-fit');
  var wrap = document.querySelector('.flow-wrap');
  if (button && wrap) {
    var setFit = function (fit) {
      wrap.classList.toggle('fit', fit);
      button.setAttribute('aria-pressed', fit ? 'true' : 'false');
      button.textContent = fit ? 'Actual size' : 'Fit to width';
    };
    button.addEventListener('click', function () { setFit(!wrap.classList.contains('fit')); });
    // Start fitted when that keeps the labels readable (shrinks by at most a third).
    setFit(svg.width.baseVal.value <= wrap.clientWidth * 1.5);
  }
})();
`;

/**
 * Fills the navigation's empty service and event lists from window.KADA_NAV (docs/nav.js). Runs
 * from a plain script at the end of the nav, so the lists are there before the page is shown.
 */
const NAV_JS = `(function () {
  'use strict';
  var script = document.currentScript;
  var nav = script && script.closest('nav');
  var data = window.KADA_NAV;
  if (!nav || !data) return;
  var root = document.body.getAttribute('data-root') || '';
  var current = nav.getAttribute('data-page');
  function fill(selector, items, asCode) {
    var list = nav.querySelector(selector);
    if (!list || !Array.isArray(items)) return;
    var frag = document.createDocumentFragment();
    for (var i = 0; i < items.length; i++) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.setAttribute('href', root + items[i].u);
      if (items[i].u === current) a.setAttribute('aria-current', 'page');
      var label = asCode ? document.createElement('code') : a;
      label.textContent = items[i].t;
      if (asCode) a.appendChild(label);
      li.appendChild(a);
      frag.appendChild(li);
    }
    list.appendChild(frag);
  }
  fill('ul.nav-services', data.services, false);
  fill('ul.nav-events', data.events, true);
})();
`;

export function assetFiles(): OutputFile[] {
  const stamp = blockStamp([]);
  return [
    { path: `${DOCS_DIR}/assets/site.css`, content: `${stamp}\n${CSS}` },
    { path: `${DOCS_DIR}/assets/search.js`, content: `${stamp}\n${SEARCH_JS}` },
    { path: `${DOCS_DIR}/assets/graph.js`, content: `${stamp}\n${GRAPH_JS}` },
    { path: `${DOCS_DIR}/assets/nav.js`, content: `${stamp}\n${NAV_JS}` },
  ];
}
