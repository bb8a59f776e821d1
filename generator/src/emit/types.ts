/**
 * types emitter: JSON Schema -> TypeScript declarations, keeping what matters to a reader of
 * the contract: closed objects stay exact, enums become literal unions, nullable becomes
 * `| null`, oneOf/anyOf become unions, allOf an intersection, named component schemas
 * (x-kada-ref) become named interfaces.
 *
 *   { type: 'object', additionalProperties: false, required: ['id'],
 *     properties: { id: { type: 'string', format: 'uuid' }, note: { type: ['string', 'null'] } } }
 *   -> export interface OrderCreatedV1 {
 *        /** @format uuid *\/
 *        id: string;
 *        note?: string | null;
 *      }
 *
 * Why not @asyncapi/modelina: its TypeScript output turns closed objects into classes with
 * `additionalProperties` maps and oneOf into loose unions of models; the contract's exactness is
 * the point, so this emitter prints types straight from the resolved schema.
 */
import type { JsonSchema } from '../model.ts';
import { DEFS_PREFIX } from '../schema-cycles.ts';
import { docComment, GLOBALS, literal, numbered, pascalCase, propertyKey } from './file.ts';

/**
 * Registers names before printing: one name per distinct schema; a second, different schema
 * asking for a taken name gets a numbered one (`Money2`), identical schemas share the name. A
 * global the generated code uses (`Record`, `Promise`) is never taken; an import that clashes
 * with a declared name is aliased by the file builder (emit/file.ts).
 */
export class TypeNames {
  private readonly byName = new Map<string, string>();

  /** `wanted` is a type name already (pascalCase it first): 'ParcelShippedV1_2' stays as it is. */
  claim(wanted: string, schema: unknown): string {
    const key = stableStringify(schema);
    const base = wanted || 'Anonymous';
    for (let i = 1; ; i++) {
      const name = numbered(base, i);
      if (GLOBALS.has(name)) continue;
      const had = this.byName.get(name);
      if (had === undefined) {
        this.byName.set(name, key);
        return name;
      }
      if (had === key) return name;
    }
  }
}

export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .filter((k) => k !== 'description' && k !== 'title' && k !== 'examples' && k !== 'example')
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

export interface TypeDecl {
  readonly name: string;
  readonly code: string;
}

/**
 * Prints a set of root schemas as declarations. Each root gets the name it asks for; named
 * nested schemas become declarations of their own, printed once.
 */
export class TypePrinter {
  readonly names: TypeNames;
  private readonly decls: TypeDecl[] = [];
  /** Names this printer has declared (or is declaring: a recursive schema refers to itself). */
  private readonly declared = new Set<string>();
  private readonly printing = new Set<object>();
  /** The `$defs` of the root being declared, where a recursive schema's `$ref`s point (see decycle). */
  private readonly defs: Record<string, JsonSchema>[] = [];

  constructor(names = new TypeNames()) {
    this.names = names;
  }

  /** Declares `name` (a type name: pascalCase it first) for `schema`; returns the name actually used. */
  declare(name: string, schema: JsonSchema, doc: readonly (string | undefined)[] = []): string {
    // The name may be claimed already (the symbol table claims event types before they are printed).
    const claimed = this.names.claim(name, schema);
    if (this.declared.has(claimed)) return claimed;
    this.declared.add(claimed);
    const defs =
      schema.$defs && typeof schema.$defs === 'object' ? (schema.$defs as Record<string, JsonSchema>) : null;
    if (defs) this.defs.push(defs);
    let body: string;
    try {
      body = this.typeOf(schema, 0, true);
    } finally {
      if (defs) this.defs.pop();
    }
    const comment = docComment([...doc, schema.description as string | undefined]);
    const isObjectBody = body.startsWith('{') && schemaIsPlainObject(schema);
    const code = isObjectBody
      ? `${comment ? `${comment}\n` : ''}export interface ${claimed} ${body}`
      : `${comment ? `${comment}\n` : ''}export type ${claimed} = ${body};`;
    this.decls.push({ name: claimed, code });
    return claimed;
  }

  declarations(): readonly TypeDecl[] {
    return this.decls;
  }

  typeOf(schema: unknown, depth: number, root = false): string {
    if (schema === true || schema === undefined) return 'unknown';
    if (schema === false) return 'never';
    if (!schema || typeof schema !== 'object') return 'unknown';
    const s = schema as JsonSchema;
    const local =
      typeof s.$ref === 'string' && s.$ref.startsWith(DEFS_PREFIX) ? s.$ref.slice(DEFS_PREFIX.length) : null;
    if (local !== null) {
      // A recursive schema: the definition becomes a named declaration that refers to itself.
      const def = this.defs[this.defs.length - 1]?.[local];
      if (!def) return 'unknown';
      const named = def['x-kada-ref'];
      return this.declare(pascalCase(typeof named === 'string' ? named : local), def);
    }
    if (this.printing.has(s) || depth > 40) return 'unknown';
    const ref = s['x-kada-ref'];
    // A named schema becomes its own declaration; claiming the name first makes recursion safe.
    if (!root && typeof ref === 'string') return this.declare(pascalCase(ref), s);
    this.printing.add(s);
    try {
      return this.structural(s, depth);
    } finally {
      this.printing.delete(s);
    }
  }

  private structural(s: JsonSchema, depth: number): string {
    if ('const' in s) return literal(s.const, { inline: true });
    if (Array.isArray(s.enum)) return s.enum.map((v) => literal(v, { inline: true })).join(' | ') || 'never';
    const parts: string[] = [];
    const union = (Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : null) as
      | unknown[]
      | null;
    const base = this.byType(s, depth);
    if (union) {
      const u = union.map((b) => this.typeOf(b, depth + 1)).map(wrapUnionMember);
      const alt = u.join(' | ');
      parts.push(base === 'unknown' ? alt : `(${base}) & (${alt})`);
    } else parts.push(base);
    if (Array.isArray(s.allOf) && s.allOf.length > 0) {
      const all = s.allOf.map((b) => wrapUnionMember(this.typeOf(b, depth + 1)));
      const head = parts[0] === 'unknown' ? [] : [wrapUnionMember(parts[0] as string)];
      return [...head, ...all].join(' & ');
    }
    return parts[0] as string;
  }

  private byType(s: JsonSchema, depth: number): string {
    const types = Array.isArray(s.type)
      ? (s.type as string[])
      : typeof s.type === 'string'
        ? [s.type]
        : inferTypes(s);
    if (types.length === 0) return 'unknown';
    const out = types.map((t) => {
      switch (t) {
        case 'string':
          return 'string';
        case 'integer':
        case 'number':
          return 'number';
        case 'boolean':
          return 'boolean';
        case 'null':
          return 'null';
        case 'array': {
          const items = s.items;
          const inner = Array.isArray(items)
            ? `[${items.map((i) => this.typeOf(i, depth)).join(', ')}]`
            : null;
          return inner ?? `${wrapArrayItem(this.typeOf(items, depth))}[]`;
        }
        case 'object':
          return this.object(s, depth);
        default:
          return 'unknown';
      }
    });
    return [...new Set(out)].join(' | ');
  }

  private object(s: JsonSchema, depth: number): string {
    const props = (s.properties ?? {}) as Record<string, unknown>;
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
    const pad = '  '.repeat(depth + 1);
    const lines: string[] = [];
    for (const key of Object.keys(props)) {
      const p = props[key] as JsonSchema;
      const doc = propertyDoc(p);
      if (doc) lines.push(...doc.split('\n').map((l) => pad + l));
      lines.push(`${pad}${propertyKey(key)}${required.has(key) ? '' : '?'}: ${this.typeOf(p, depth + 1)};`);
    }
    const ap = s.additionalProperties;
    if (ap && typeof ap === 'object' && Object.keys(ap).length > 0) {
      lines.push(
        `${pad}[key: string]: ${this.typeOf(ap, depth + 1)}${Object.keys(props).length > 0 ? ' | undefined' : ''};`,
      );
    } else if (Object.keys(props).length === 0 && ap !== false) {
      return 'Record<string, unknown>';
    }
    if (lines.length === 0) return 'Record<string, never>';
    return `{\n${lines.join('\n')}\n${'  '.repeat(depth)}}`;
  }
}

function schemaIsPlainObject(s: JsonSchema): boolean {
  return (
    (s.type === 'object' || (!s.type && typeof s.properties === 'object')) &&
    !s.oneOf &&
    !s.anyOf &&
    !s.allOf &&
    !('const' in s) &&
    !s.enum
  );
}

function inferTypes(s: JsonSchema): string[] {
  if (s.properties || s.additionalProperties !== undefined) return ['object'];
  if (s.items) return ['array'];
  return [];
}

function propertyDoc(p: JsonSchema): string {
  const tags: string[] = [];
  if (typeof p.format === 'string') tags.push(`@format ${p.format}`);
  for (const k of [
    'minimum',
    'maximum',
    'minLength',
    'maxLength',
    'pattern',
    'minItems',
    'maxItems',
    'multipleOf',
  ]) {
    if (p[k] !== undefined) tags.push(`@${k} ${String(p[k])}`);
  }
  if (p.deprecated === true) tags.push('@deprecated');
  return docComment([p.description as string | undefined, tags.length > 0 ? tags.join(' ') : undefined]);
}

function wrapUnionMember(t: string): string {
  return t.includes(' | ') || t.includes(' & ') ? `(${t})` : t;
}

function wrapArrayItem(t: string): string {
  return /^[A-Za-z0-9_]+$/.test(t) || t.startsWith('{') || t.startsWith('Record<') ? t : `(${t})`;
}
