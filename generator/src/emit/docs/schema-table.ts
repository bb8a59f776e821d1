/**
 * A JSON Schema as a readable table: one row per field, nested objects and array items
 * expanded below their parent with indentation.
 *
 *   { type: object, required: [orderId], properties: { orderId: { type: string, format: uuid },
 *     items: { type: array, items: { type: object, properties: { quantity: { type: integer, minimum: 1 } } } } } }
 *   -> orderId           string    required  uuid
 *      items             object[]  optional
 *        items[].quantity integer  optional        ≥ 1
 */
import { type Html, html, type IdAllocator, raw } from './html.ts';

type Schema = Record<string, unknown>;

export interface SchemaRow {
  /** Dotted path from the root: `items[].unitPrice.amount`; `*` stands for any key of a map. */
  readonly path: string;
  /** The last segment, as shown. */
  readonly name: string;
  readonly depth: number;
  readonly type: string;
  readonly required: boolean;
  readonly format: string | null;
  readonly enumValues: readonly string[];
  readonly constraints: readonly string[];
  readonly description: string | null;
  /** A remark such as "one of these shapes" or "recursive: same as …". */
  readonly note: string | null;
}

export interface FlattenOptions {
  /** Follows a `$ref` (OpenAPI documents are not pre-resolved); identity by default. */
  readonly deref?: (s: Schema) => Schema;
  readonly maxDepth?: number;
}

const isObj = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

function json(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Merges `allOf` members into one object view (properties and required), as a reader sees them. */
function merged(s: Schema, deref: (s: Schema) => Schema): Schema {
  if (!Array.isArray(s.allOf)) return s;
  const properties: Record<string, unknown> = {};
  const required = new Set<string>();
  const out: Schema = { ...s };
  delete out.allOf;
  for (const part of [...s.allOf.filter(isObj).map((p) => merged(deref(p), deref)), s]) {
    if (isObj(part.properties)) Object.assign(properties, part.properties);
    if (Array.isArray(part.required)) for (const r of part.required) required.add(String(r));
    for (const k of ['type', 'description', 'additionalProperties', 'items'] as const) {
      if (out[k] === undefined && part[k] !== undefined) out[k] = part[k];
    }
  }
  if (Object.keys(properties).length > 0) out.properties = properties;
  if (required.size > 0) out.required = [...required];
  if (out.type === undefined && out.properties) out.type = 'object';
  return out;
}

export function typeLabel(s0: Schema, deref: (s: Schema) => Schema = (s) => s, depth = 0): string {
  const s = merged(deref(s0), deref);
  let t: string;
  if (s.const !== undefined) t = 'const';
  else if (Array.isArray(s.type)) {
    t = s.type
      .map((x) => (x === 'array' && isObj(s.items) && depth < 3 ? arrayOf(s.items, deref, depth) : String(x)))
      .join(' | ');
  } else if (typeof s.type === 'string') {
    t = s.type === 'array' && isObj(s.items) && depth < 3 ? arrayOf(s.items, deref, depth) : s.type;
  } else if (isObj(s.properties)) t = 'object';
  else if (isObj(s.items)) t = arrayOf(s.items, deref, depth);
  else if (Array.isArray(s.oneOf)) t = 'one of';
  else if (Array.isArray(s.anyOf)) t = 'any of';
  else if (Array.isArray(s.enum))
    t = [...new Set(s.enum.map((v) => (v === null ? 'null' : typeof v)))].join(' | ');
  else if (typeof s.$ref === 'string') t = `$ref ${s.$ref}`;
  else t = 'any';
  if (s.nullable === true && !t.includes('null')) t += ' | null';
  return t;
}

function arrayOf(items: Schema, deref: (s: Schema) => Schema, depth: number): string {
  const inner = typeLabel(items, deref, depth + 1);
  return inner.includes(' ') ? `(${inner})[]` : `${inner}[]`;
}

function range(lo: unknown, hi: unknown, what: string): string | null {
  if (lo !== undefined && hi !== undefined)
    return lo === hi ? `${what} ${json(lo)}` : `${what} ${json(lo)}..${json(hi)}`;
  if (lo !== undefined) return `${what} ≥ ${json(lo)}`;
  if (hi !== undefined) return `${what} ≤ ${json(hi)}`;
  return null;
}

export function constraintsOf(s: Schema): string[] {
  const c: string[] = [];
  const push = (v: string | null): void => {
    if (v) c.push(v);
  };
  if (s.minimum !== undefined) c.push(`≥ ${json(s.minimum)}`);
  if (typeof s.exclusiveMinimum === 'number') c.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined) c.push(`≤ ${json(s.maximum)}`);
  if (typeof s.exclusiveMaximum === 'number') c.push(`< ${s.exclusiveMaximum}`);
  if (s.multipleOf !== undefined) c.push(`multiple of ${json(s.multipleOf)}`);
  push(range(s.minLength, s.maxLength, 'length'));
  if (typeof s.pattern === 'string') c.push(`pattern ${s.pattern}`);
  push(range(s.minItems, s.maxItems, 'items'));
  if (s.uniqueItems === true) c.push('unique items');
  push(range(s.minProperties, s.maxProperties, 'keys'));
  if (s.additionalProperties === false) c.push('no other fields');
  if (s.const !== undefined) c.push(`= ${JSON.stringify(s.const)}`);
  if (s.default !== undefined) c.push(`default ${JSON.stringify(s.default)}`);
  if (s.readOnly === true) c.push('read-only');
  if (s.writeOnly === true) c.push('write-only');
  if (s.deprecated === true) c.push('deprecated');
  return c;
}

function describe(s: Schema): string | null {
  const d = typeof s.description === 'string' ? s.description : typeof s.title === 'string' ? s.title : null;
  return d?.trim() ? d.trim() : null;
}

/** The rows of a schema's table. The root itself gets a row only when it is not an object. */
export function flattenSchema(root: Schema, opts: FlattenOptions = {}): SchemaRow[] {
  const deref = opts.deref ?? ((s: Schema) => s);
  const maxDepth = opts.maxDepth ?? 12;
  const rows: SchemaRow[] = [];
  const stack: { schema: Schema; path: string }[] = [];

  const row = (
    s: Schema,
    path: string,
    name: string,
    depth: number,
    required: boolean,
    note: string | null,
  ): void => {
    const enumValues = Array.isArray(s.enum) ? s.enum.map((v) => JSON.stringify(v)) : [];
    const itemSchema = isObj(s.items) ? merged(deref(s.items), deref) : null;
    // An array of plain values shows its items' format and values on the array's own row.
    const plainItems = itemSchema && !hasChildren(itemSchema) ? itemSchema : null;
    rows.push({
      path,
      name,
      depth,
      type: typeLabel(s, deref),
      required,
      format:
        typeof s.format === 'string'
          ? s.format
          : plainItems && typeof plainItems.format === 'string'
            ? plainItems.format
            : null,
      enumValues:
        enumValues.length > 0
          ? enumValues
          : plainItems && Array.isArray(plainItems.enum)
            ? plainItems.enum.map((v) => JSON.stringify(v))
            : [],
      constraints: [
        ...constraintsOf(s),
        ...(plainItems ? constraintsOf(plainItems).map((x) => `each: ${x}`) : []),
      ],
      description: describe(s),
      note,
    });
  };

  const hasChildren = (s: Schema): boolean =>
    isObj(s.properties) ||
    Array.isArray(s.oneOf) ||
    Array.isArray(s.anyOf) ||
    isObj(s.additionalProperties) ||
    (isObj(s.items) && hasChildren(merged(deref(s.items), deref)));

  const children = (s: Schema, path: string, depth: number): void => {
    if (depth > maxDepth) return;
    if (isObj(s.properties)) {
      const req = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
      for (const [k, v] of Object.entries(s.properties)) {
        if (isObj(v)) walk(v, path ? `${path}.${k}` : k, k, depth, req.has(k), null);
      }
    }
    if (isObj(s.additionalProperties))
      walk(s.additionalProperties, path ? `${path}.*` : '*', '*', depth, false, 'any other key');
    if (isObj(s.items)) {
      const items = merged(deref(s.items), deref);
      if (hasChildren(items)) children(items, `${path}[]`, depth);
    }
    for (const kw of ['oneOf', 'anyOf'] as const) {
      const variants = s[kw];
      if (!Array.isArray(variants)) continue;
      variants.filter(isObj).forEach((v, i) => {
        const vs = merged(deref(v), deref);
        const label = typeof vs.title === 'string' ? vs.title : `option ${i + 1}`;
        const name = `${kw === 'oneOf' ? 'one of' : 'any of'}: ${label}`;
        rows.push({
          path: path ? `${path}<${i + 1}>` : `<${i + 1}>`,
          name,
          depth,
          type: typeLabel(vs, deref),
          required: false,
          format: typeof vs.format === 'string' ? vs.format : null,
          enumValues: Array.isArray(vs.enum) ? vs.enum.map((x) => JSON.stringify(x)) : [],
          constraints: constraintsOf(vs),
          description: describe(vs),
          note: kw === 'oneOf' ? 'exactly one of these shapes' : 'at least one of these shapes',
        });
        stack.push({ schema: vs, path });
        children(vs, path, depth + 1);
        stack.pop();
      });
    }
  };

  const walk = (
    node: Schema,
    path: string,
    name: string,
    depth: number,
    required: boolean,
    note: string | null,
  ): void => {
    const raw0 = deref(node);
    const s = merged(raw0, deref);
    const loop = stack.find((a) => a.schema === raw0 || a.schema === s);
    if (loop) {
      row(s, path, name, depth, required, `recursive: same shape as ${loop.path || 'the root'}`);
      return;
    }
    // Keep the field's own description when a $ref'd type carries another one.
    const own = describe(node);
    row(own && node !== raw0 ? { ...s, description: own } : s, path, name, depth, required, note);
    stack.push({ schema: raw0, path });
    children(s, path, depth + 1);
    stack.pop();
  };

  const r = merged(deref(root), deref);
  stack.push({ schema: deref(root), path: '' });
  if (
    isObj(r.properties) ||
    Array.isArray(r.oneOf) ||
    Array.isArray(r.anyOf) ||
    isObj(r.additionalProperties)
  ) {
    children(r, '', 0);
  } else if (isObj(r.items)) {
    row(r, '[]', '[]', 0, true, 'the payload is an array');
    const items = merged(deref(r.items), deref);
    if (hasChildren(items)) children(items, '[]', 1);
  } else if (Object.keys(r).length > 0) {
    row(r, '', '(value)', 0, true, null);
  }
  return rows;
}

export interface SchemaTableOptions extends FlattenOptions {
  /** Prefix of the row ids, unique within the page (`payload`, `envelope`, `view-stock`). */
  readonly idPrefix: string;
  readonly ids: IdAllocator;
  /** Extra last column, e.g. which consumers read a field. */
  readonly extra?: { readonly heading: string; readonly cell: (row: SchemaRow) => Html };
  readonly caption?: string;
}

/**
 * Renders the rows as an accessible table; `data-path` carries the full field path. The
 * format, enum and constraint columns appear only when some row has something to show.
 */
export function schemaTable(schema: Schema, opts: SchemaTableOptions): Html {
  const rows = flattenSchema(schema, opts);
  if (rows.length === 0) return html`<p class="muted">No fields: any JSON value is accepted.</p>`;
  const showFormat = rows.some((r) => r.format);
  const showEnum = rows.some((r) => r.enumValues.length > 0);
  const showConstraints = rows.some((r) => r.constraints.length > 0);
  const body = rows.map((r) => {
    const id = opts.ids.id(opts.idPrefix, r.path || 'value');
    const dot = r.path.length - r.name.length;
    const parent =
      r.name.startsWith('one of') || r.name.startsWith('any of') || dot <= 0 ? '' : r.path.slice(0, dot);
    return html`<tr id="${id}" data-path="${r.path}">
<td class="field" style="--depth:${String(r.depth)}"><a class="anchor" href="#${id}" aria-label="Link to ${r.path}">#</a><code>${parent ? html`<span class="parent">${parent}</span>` : ''}<span class="name">${r.name}</span></code></td>
<td class="type"><code>${r.type}</code></td>
<td class="req">${r.required ? html`<span class="badge required">required</span>` : html`<span class="muted">optional</span>`}</td>${showFormat ? html`\n<td class="format">${r.format ? html`<code>${r.format}</code>` : ''}</td>` : ''}${showEnum ? html`\n<td class="enum">${r.enumValues.map((v) => html`<code class="chip">${v}</code> `)}</td>` : ''}${showConstraints ? html`\n<td class="constraints">${r.constraints.map((c) => html`<span class="chip">${c}</span> `)}</td>` : ''}
<td class="desc">${r.description ?? ''}${r.note ? html` <em class="note">(${r.note})</em>` : ''}</td>${opts.extra ? html`\n<td class="extra">${opts.extra.cell(r)}</td>` : ''}
</tr>`;
  });
  const th = (label: string): Html => html`<th scope="col">${label}</th>`;
  return html`<div class="table-wrap"><table class="schema">${opts.caption ? html`<caption>${opts.caption}</caption>` : ''}
<thead><tr>${th('Field')}${th('Type')}${th('Required')}${showFormat ? th('Format') : ''}${showEnum ? th('Enum') : ''}${showConstraints ? th('Constraints') : ''}${th('Description')}${opts.extra ? th(opts.extra.heading) : ''}</tr></thead>
<tbody>
${raw(body.map((b) => b.value).join('\n'))}
</tbody></table></div>`;
}
