/**
 * A service's HTTP API from its OpenAPI document: one block per operation with its
 * parameters and its request and response bodies as schema tables.
 *
 *   paths: { /orders: { post: { operationId: createOrder, requestBody: …, responses: { '202': … } } } }
 *   -> <section id="op-createOrder"><h3><span class="method post">POST</span> /orders</h3> …
 *
 * OpenAPI documents reach the model unresolved, so `$ref`s (local and relative files that
 * the loader read) are followed here, with a guard against cycles.
 */
import { dirname, resolve } from 'node:path';
import type { ContractGraph, HttpApiModel } from '../../model.ts';
import { type Html, html, type IdAllocator, prose } from './html.ts';
import { schemaTable } from './schema-table.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function pointer(doc: unknown, frag: string): unknown {
  let node = doc;
  for (const raw of frag.replace(/^\//, '').split('/')) {
    if (raw === '') continue;
    const seg = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObj(node) || Array.isArray(node) ? (node as Obj)[seg] : undefined;
  }
  return node;
}

/** A `$ref` follower for one OpenAPI document; remembers which file each object came from. */
export function makeDeref(api: HttpApiModel, sources: ContractGraph['sources']): (s: Obj) => Obj {
  const fileOf = new WeakMap<object, string>();
  const claim = (node: unknown, file: string, depth = 0): void => {
    if (!isObj(node) && !Array.isArray(node)) return;
    if (fileOf.has(node) || depth > 64) return;
    fileOf.set(node, file);
    for (const v of Object.values(node)) claim(v, file, depth + 1);
  };
  claim(api.json, api.absPath);
  return (s0: Obj): Obj => {
    let s = s0;
    for (let hops = 0; hops < 32 && typeof s.$ref === 'string'; hops++) {
      const ref = s.$ref as string;
      const base = fileOf.get(s) ?? api.absPath;
      const [filePart = '', frag = ''] = ref.split('#');
      const file = filePart ? resolve(dirname(base), filePart) : base;
      const doc = file === api.absPath ? api.json : sources.get(file)?.json;
      const target = pointer(doc, frag);
      if (!isObj(target)) return s;
      claim(target, file);
      // Sibling keys next to $ref (3.1 allows description/summary) win over the target's.
      const { $ref: _ref, ...siblings } = s;
      s = Object.keys(siblings).length > 0 ? { ...target, ...siblings } : target;
      if (Object.keys(siblings).length > 0) fileOf.set(s, file);
    }
    return s;
  };
}

interface Param {
  readonly name: string;
  readonly in: string;
  readonly required: boolean;
  readonly schema: Obj;
  readonly description: string;
  readonly deprecated: boolean;
}

function params(list: unknown, deref: (s: Obj) => Obj): Param[] {
  if (!Array.isArray(list)) return [];
  return list.filter(isObj).map((p0) => {
    const p = deref(p0);
    return {
      name: String(p.name ?? '?'),
      in: String(p.in ?? '?'),
      required: p.required === true || p.in === 'path',
      schema: isObj(p.schema) ? p.schema : {},
      description: typeof p.description === 'string' ? p.description : '',
      deprecated: p.deprecated === true,
    };
  });
}

export interface HttpOperation {
  readonly method: string;
  readonly path: string;
  readonly operationId: string | null;
  readonly summary: string;
  readonly anchor: string;
}

/** The operations of a document in path order, then method order. */
export function httpOperations(
  api: HttpApiModel,
): (HttpOperation & { readonly op: Obj; readonly pathItem: Obj })[] {
  const out: (HttpOperation & { op: Obj; pathItem: Obj })[] = [];
  const paths = isObj(api.json.paths) ? api.json.paths : {};
  for (const [path, item] of Object.entries(paths)) {
    if (!isObj(item)) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObj(op)) continue;
      const operationId = typeof op.operationId === 'string' ? op.operationId : null;
      out.push({
        method,
        path,
        operationId,
        summary: typeof op.summary === 'string' ? op.summary : '',
        anchor: `op-${(operationId ?? `${method}-${path}`).replace(/[^A-Za-z0-9_.-]+/g, '_')}`,
        op,
        pathItem: item,
      });
    }
  }
  return out;
}

function typeOf(schema: Obj, deref: (s: Obj) => Obj): string {
  const s = deref(schema);
  if (typeof s.type === 'string')
    return s.type === 'array' && isObj(s.items) ? `${typeOf(s.items, deref)}[]` : s.type;
  if (Array.isArray(s.type)) return s.type.join(' | ');
  return isObj(s.properties) ? 'object' : 'any';
}

function bodyTables(content: unknown, deref: (s: Obj) => Obj, ids: IdAllocator, prefix: string): Html {
  if (!isObj(content)) return html``;
  return html`${Object.entries(content).map(([media, mt]) => {
    const m = isObj(mt) ? mt : {};
    const schema = isObj(m.schema) ? m.schema : null;
    return html`<p class="media"><code>${media}</code></p>${schema ? schemaTable(schema, { deref, ids, idPrefix: `${prefix}-${media}` }) : html`<p class="muted">No schema.</p>`}`;
  })}`;
}

export function renderHttpApi(api: HttpApiModel, sources: ContractGraph['sources'], ids: IdAllocator): Html {
  const deref = makeDeref(api, sources);
  const info = isObj(api.json.info) ? api.json.info : {};
  const servers = Array.isArray(api.json.servers) ? api.json.servers.filter(isObj) : [];
  const ops = httpOperations(api);
  const blocks = ops.map((o) => {
    const byKey = new Map<string, Param>();
    for (const p of [...params(o.pathItem.parameters, deref), ...params(o.op.parameters, deref)])
      byKey.set(`${p.in}:${p.name}`, p);
    const ps = [...byKey.values()];
    const body = isObj(o.op.requestBody) ? deref(o.op.requestBody) : null;
    const responses = isObj(o.op.responses) ? o.op.responses : {};
    const security = Array.isArray(o.op.security)
      ? o.op.security
      : Array.isArray(api.json.security)
        ? api.json.security
        : [];
    const schemes = [...new Set(security.filter(isObj).flatMap((s) => Object.keys(s)))];
    return html`<section class="operation" id="${o.anchor}">
<h3><span class="method ${o.method}">${o.method.toUpperCase()}</span> <code>${o.path}</code>${o.op.deprecated === true ? html` <span class="badge warn">deprecated</span>` : ''}</h3>
${o.summary ? html`<p><strong>${o.summary}</strong></p>` : ''}
${prose(typeof o.op.description === 'string' ? o.op.description : undefined)}
<dl class="facts">${o.operationId ? html`<dt>Operation id</dt><dd><code>${o.operationId}</code></dd>` : ''}${schemes.length > 0 ? html`<dt>Auth</dt><dd>${schemes.map((s, i) => html`${i > 0 ? ', ' : ''}<code>${s}</code>`)}</dd>` : ''}</dl>
${
  ps.length > 0
    ? html`<h4>Parameters</h4><div class="table-wrap"><table class="params"><thead><tr><th scope="col">Name</th><th scope="col">In</th><th scope="col">Type</th><th scope="col">Required</th><th scope="col">Description</th></tr></thead><tbody>
${ps.map(
  (p) =>
    html`<tr><td><code>${p.name}</code>${p.deprecated ? html` <span class="badge warn">deprecated</span>` : ''}</td><td>${p.in}</td><td><code>${typeOf(p.schema, deref)}</code>${typeof deref(p.schema).format === 'string' ? html` <code>${String(deref(p.schema).format)}</code>` : ''}</td><td>${p.required ? html`<span class="badge required">required</span>` : html`<span class="muted">optional</span>`}</td><td>${p.description}</td></tr>\n`,
)}</tbody></table></div>`
    : ''
}
${body ? html`<h4>Request body${body.required === true ? html` <span class="badge required">required</span>` : ''}</h4>${prose(typeof body.description === 'string' ? body.description : undefined)}${bodyTables(body.content, deref, ids, `${o.anchor}-req`)}` : ''}
<h4>Responses</h4>
${Object.entries(responses).map(([status, r0]) => {
  const r = isObj(r0) ? deref(r0) : {};
  return html`<div class="response"><p><span class="status s${status.charAt(0)}">${status}</span> ${typeof r.description === 'string' ? r.description : ''}</p>${bodyTables(r.content, deref, ids, `${o.anchor}-${status}`)}</div>`;
})}
</section>`;
  });
  return html`<p>${typeof info.title === 'string' ? info.title : api.title}${typeof info.version === 'string' ? html` · version <code>${info.version}</code>` : ''} · from <code>${api.file}</code></p>
${prose(typeof info.description === 'string' ? info.description : undefined)}
${servers.length > 0 ? html`<p>Servers: ${servers.map((s, i) => html`${i > 0 ? ', ' : ''}<code>${String(s.url ?? '')}</code>`)}</p>` : ''}
${
  ops.length > 0
    ? html`<div class="table-wrap"><table class="ops"><thead><tr><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Summary</th></tr></thead><tbody>
${ops.map((o) => html`<tr><td><span class="method ${o.method}">${o.method.toUpperCase()}</span></td><td><a href="#${o.anchor}"><code>${o.path}</code></a></td><td>${o.summary}</td></tr>\n`)}</tbody></table></div>`
    : html`<p class="muted">The document declares no operations.</p>`
}
${blocks}`;
}
