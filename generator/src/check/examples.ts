/**
 * Example rules: every example a message gives matches its payload schema, and the schema
 * compiles. Examples are validated with the ajv configuration the generated validators use.
 *
 *   order.created example { total: "12" }, schema { total: number }
 *   -> specs/asyncapi/order.yaml:58:13 error example-invalid example of order.created.v1 does not match its payload schema: /total must be number. …
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { newAjv } from '../ajv.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { ContractGraph } from '../model.ts';
import { parsePointer } from '../source-map.ts';
import { locate } from './place.ts';

export const EXAMPLE_RULES = [
  {
    id: 'example-invalid',
    kind: 'example',
    description: "A message's example does not match its payload schema.",
  },
  {
    id: 'schema-invalid',
    kind: 'example',
    description: 'A payload schema does not compile (ajv rejects it, e.g. an invalid pattern).',
  },
] as const;

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

/** `cacheDir`: folder for the cache of examples already found valid (by schema and payload); null for none. */
export function checkExamples(graph: ContractGraph, cacheDir?: string | null): Diagnostic[] {
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
            ...locate(graph, ex.location, ['payload', ...parsePointer(first?.instancePath ?? '')]),
          });
        }
      }
    }
  }
  cache.save();
  return out;
}
