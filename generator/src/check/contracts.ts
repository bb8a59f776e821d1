/**
 * check: drift between producers and consumers, completeness, routing, and examples.
 *
 *   order.yaml sends order.created.v1 with `total` optional;
 *   stock.yaml receives it with a view that requires `total`
 *   -> error drift:required-missing at specs/asyncapi/stock.yaml:<line of total>
 *      "stock's view of order.created.v1 requires /total, which order may omit (specs/asyncapi/order.yaml:…)"
 */

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkReadable } from '../compat/readable.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { newAjv } from '../emit/validators.ts';
import {
  type ContractGraph,
  followRef,
  type JsonSchema,
  type MessageModel,
  type SchemaLocation,
} from '../model.ts';

export function locate(
  graph: ContractGraph,
  base: SchemaLocation,
  segs: readonly string[],
): { file: string; line: number; column: number } {
  const sourceOf = (abs: string) => graph.sources.get(abs);
  let loc = base;
  for (const seg of segs) {
    loc = followRef(sourceOf, loc);
    loc = { absPath: loc.absPath, pointer: [...loc.pointer, seg] };
  }
  const src = graph.sources.get(loc.absPath);
  if (!src) return { file: loc.absPath, line: 1, column: 1 };
  const pos = src.position(loc.pointer);
  return { file: src.path, line: pos.line, column: pos.column };
}

function pointerSegments(p: string): string[] {
  if (!p || p === '/') return [];
  return p
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** '/items/*\/unitPrice' in the data -> ['properties','items','items','properties','unitPrice'] in `schema`. */
export function dataPointerToSchemaPath(schema: JsonSchema, dataPointer: string): string[] {
  const out: string[] = [];
  let node: JsonSchema | undefined = schema;
  for (const seg of pointerSegments(dataPointer)) {
    if (!node) break;
    if (seg === '*' || /^\d+$/.test(seg)) {
      out.push('items');
      node = node.items as JsonSchema | undefined;
    } else {
      out.push('properties', seg);
      node = (node.properties as Record<string, JsonSchema> | undefined)?.[seg];
    }
  }
  return out;
}

function opLocation(graph: ContractGraph, m: MessageModel) {
  return locate(graph, m.operationLocation, []);
}

export interface CheckOptions {
  /**
   * A receive whose producer is in none of the documents is an error (this repository's own specs,
   * where every producer is present); without it, a warning: the producer is another team's.
   */
  readonly strict?: boolean;
  /** Folder for the cache of examples already found valid (by schema and payload); null for none. */
  readonly cacheDir?: string | null;
}

export function checkContracts(graph: ContractGraph, opts: CheckOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of graph.events) {
    const p = e.producer;
    if (p && e.consumers.length === 0) {
      out.push({
        severity: 'warning',
        code: 'no-consumer',
        message: `${p.service} sends ${e.key} but no document receives it.`,
        ...opLocation(graph, p),
      });
    }
    for (const c of e.consumers) {
      // Positions only for diagnostics: finding one builds the YAML syntax tree of the file.
      const at = () => opLocation(graph, c);
      if (!p) {
        if (!c.external) {
          out.push(
            opts.strict
              ? {
                  severity: 'error',
                  code: 'no-producer',
                  message: `${c.service} receives ${e.key} (${c.file}) but no document sends it. Add a send operation to the producer's document, or mark the receive operation x-kada-external: true if it comes from outside these specs.`,
                  ...at(),
                }
              : {
                  severity: 'warning',
                  code: 'external-producer',
                  message: `${c.service} receives ${e.key} (${c.file}) but no document here sends it: taken as produced outside these specs, so drift against its producer is not checked. Add the producer's document to the folder to check it, or mark the operation x-kada-external: true to silence this (--strict makes this an error).`,
                  ...at(),
                },
          );
        }
        continue;
      }
      const related = () => [{ ...opLocation(graph, p), note: `${p.service} sends ${e.key} here` }];
      if (c.exchange !== p.exchange) {
        out.push({
          severity: 'error',
          code: 'routing-exchange',
          message: `${c.service} binds ${e.key} on exchange "${c.exchange}" but ${p.service} (${p.file}) publishes it to "${p.exchange}".`,
          ...at(),
          related: related(),
        });
      }
      if (!topicMatches(c.routingKey, p.routingKey)) {
        out.push({
          severity: 'error',
          code: 'routing-unbound',
          message: `${c.service} (${c.file}) binds "${c.routingKey}" for ${e.key}, which does not match the routing key "${p.routingKey}" that ${p.service} (${p.file}) publishes: no binding matches, the messages would never arrive.`,
          ...at(),
          related: related(),
        });
      }
      if (c.envelope !== p.envelope) {
        out.push({
          severity: 'error',
          code: 'drift-envelope',
          message: `${c.service} (${c.file}) expects ${e.key} ${c.envelope ? 'inside' : 'without'} the envelope, but ${p.service} (${p.file}) sends it ${p.envelope ? 'inside' : 'without'} it.`,
          ...at(),
          related: related(),
        });
      }
      for (const f of checkReadable(p.schema, c.schema)) {
        if (f.severity !== 'breaking') continue;
        const where = locate(graph, c.schemaLocation, pointerSegments(f.schemaPointer));
        const prodWhere = locate(graph, p.schemaLocation, dataPointerToSchemaPath(p.schema, f.pointer));
        out.push({
          severity: 'error',
          code: `drift:${f.rule}`,
          message: `${c.service}'s view of ${e.key} (${c.file}) is not satisfied by its producer ${p.service} (${p.file}) at field ${f.pointer || '/'}: ${f.message}`,
          ...where,
          related: [{ ...prodWhere, note: `${p.service}'s schema for ${f.pointer || '/'}` }],
        });
      }
    }
  }
  out.push(...checkExamples(graph, opts.cacheDir));
  return out;
}

/** AMQP topic matching: `*` one word, `#` zero or more words. */
export function topicMatches(pattern: string, key: string): boolean {
  const p = pattern.split('.');
  const k = key.split('.');
  const go = (i: number, j: number): boolean => {
    if (i === p.length) return j === k.length;
    if (p[i] === '#') return go(i + 1, j) || (j < k.length && go(i, j + 1));
    if (j === k.length) return false;
    return (p[i] === '*' || p[i] === k[j]) && go(i + 1, j + 1);
  };
  return go(0, 0);
}

const VALID_EXAMPLES = 'examples-valid-v1.json';

/**
 * Hashes of (schema, example) pairs a previous run found valid. Compiling a schema costs ajv a
 * few milliseconds, thousands of times in a large set; a pair seen valid before is valid again.
 * An invalid pair is never remembered, so its diagnostic always comes from a fresh check.
 */
function validExamplesCache(cacheDir: string | null | undefined): {
  has(key: string): boolean;
  add(key: string): void;
  save(): void;
} {
  const file = cacheDir ? join(cacheDir, VALID_EXAMPLES) : null;
  let known = new Set<string>();
  if (file) {
    try {
      known = new Set(JSON.parse(readFileSync(file, 'utf8')) as string[]);
    } catch {
      known = new Set();
    }
  }
  const now = new Set<string>();
  return {
    has: (key) => known.has(key),
    add: (key) => void now.add(key),
    save: () => {
      if (!file || !cacheDir || (now.size === known.size && [...now].every((k) => known.has(k)))) return;
      try {
        mkdirSync(cacheDir, { recursive: true });
        writeFileSync(`${file}.tmp-${process.pid}`, JSON.stringify([...now].sort()));
        renameSync(`${file}.tmp-${process.pid}`, file);
      } catch {
        // an unwritable cache only costs time
      }
    },
  };
}

function checkExamples(graph: ContractGraph, cacheDir?: string | null): Diagnostic[] {
  const out: Diagnostic[] = [];
  let ajvInstance: ReturnType<typeof newAjv> | undefined;
  const cache = validExamplesCache(cacheDir);
  const schemaText = new Map<object, string>();
  const seen = new Set<string>();
  for (const s of graph.services) {
    for (const m of [...s.sends, ...s.receives, ...s.other]) {
      for (const ex of m.examples) {
        const id = `${ex.location.absPath}#${ex.location.pointer.join('/')}`;
        if (seen.has(id)) continue;
        seen.add(id);
        let text = schemaText.get(m.schema);
        if (text === undefined) {
          text = JSON.stringify(m.schema);
          schemaText.set(m.schema, text);
        }
        const key = createHash('sha256')
          .update(text)
          .update('\0')
          .update(JSON.stringify(ex.payload) ?? 'undefined')
          .digest('hex')
          .slice(0, 32);
        // A schema with its own $id shares ajv's registry with the others: always compiled.
        const cacheable = !text.includes('"$id"');
        if (cacheable && cache.has(key)) {
          cache.add(key);
          continue;
        }
        ajvInstance ??= newAjv({ emit: false });
        const ajv = ajvInstance;
        let validate: ReturnType<typeof ajv.compile>;
        try {
          validate = ajv.compile(m.schema);
        } catch (err) {
          out.push({
            severity: 'error',
            code: 'schema-invalid',
            message: `the payload schema of ${m.key} does not compile: ${(err as Error).message}`,
            ...locate(graph, m.schemaLocation, []),
          });
          break;
        }
        if (validate(ex.payload)) {
          if (cacheable) cache.add(key);
        } else {
          const first = validate.errors?.[0];
          out.push({
            severity: 'error',
            code: 'example-invalid',
            message: `example ${ex.name ? `"${ex.name}" ` : ''}of ${m.key} does not match its payload schema: ${first?.instancePath || '/'} ${first?.message ?? ''}. Fix the example or the schema.`,
            ...locate(graph, ex.location, ['payload', ...pointerSegments(first?.instancePath ?? '')]),
          });
        }
      }
    }
  }
  cache.save();
  return out;
}
