/**
 * validators emitter: ajv standalone code, compiled here at generation time, so a service
 * never calls `ajv.compile` at run time. One module holds every validator: each event's
 * canonical envelope (for publishers) and each consumer view that differs from it.
 *
 *   [{ name: 'orderCreatedV1', schema: <envelope with data = OrderCreatedV1> }]
 *   -> validators.js:   export const orderCreatedV1 = validate10; function validate10(data) {…}
 *      validators.d.ts: export declare const orderCreatedV1: ValidateFunction;
 */
import { createRequire } from 'node:module';
import { newAjv } from '../ajv.ts';
import type { JsonSchema, MessageModel } from '../model.ts';
import { GeneratedFile, headerLine, type OutputFile } from './file.ts';

const require = createRequire(import.meta.url);
// ajv ships CommonJS; load it the way its standalone docs do.
const standaloneCode = require('ajv/dist/standalone')
  .default as typeof import('ajv/dist/standalone/index.js').default;

export interface ValidatorSpec {
  readonly name: string;
  readonly schema: JsonSchema;
}

/** Keys that only annotate; stripped so ajv's strict checks and the code size stay small. */
export function stripAnnotations(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripAnnotations);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (
        k.startsWith('x-') ||
        k === 'description' ||
        k === 'title' ||
        k === 'examples' ||
        k === 'example' ||
        k === 'deprecated' ||
        k === 'discriminator' ||
        k === '$id'
      )
        continue;
      out[k] =
        k === 'properties' && x && typeof x === 'object'
          ? Object.fromEntries(Object.entries(x).map(([pk, pv]) => [pk, stripAnnotations(pv)]))
          : stripAnnotations(x);
    }
    return out;
  }
  return v;
}

/** The schema of the whole message body: the envelope with `data` = payload, or the bare payload. */
export function bodySchema(
  m: Pick<MessageModel, 'envelope' | 'envelopeSchema' | 'schema' | 'eventType' | 'version'>,
  schema: JsonSchema = m.schema,
): JsonSchema {
  if (!m.envelope || !m.envelopeSchema) return schema;
  const env = m.envelopeSchema;
  const props = (env.properties ?? {}) as Record<string, unknown>;
  // A recursive payload's definitions move to the root, where its `#/$defs/…` references point.
  const { $defs, ...data } = schema;
  return {
    ...env,
    ...($defs ? { $defs } : {}),
    properties: {
      ...props,
      eventType: { ...(props.eventType as object), const: m.eventType },
      version: { ...(props.version as object), const: m.version },
      data: $defs ? data : schema,
    },
  };
}

/** Compiles the validators and returns `validators.js` and its `validators.d.ts`. */
export function emitValidators(
  specs: readonly ValidatorSpec[],
  sources: readonly string[],
  dir = '',
): OutputFile[] {
  const ajv = newAjv();
  const refs: Record<string, string> = {};
  for (const s of [...specs].sort((a, b) => a.name.localeCompare(b.name))) {
    const id = `kada:${s.name}`;
    ajv.addSchema({ ...(stripAnnotations(s.schema) as object), $id: id });
    refs[s.name] = id;
  }
  const code = specs.length > 0 ? standaloneCode(ajv, refs) : '"use strict";';
  const js = [
    headerLine(sources),
    '// Precompiled by ajv at generation time. Helpers (formats, string length) come from ajv and ajv-formats.',
    "import { createRequire } from 'node:module';",
    'const require = createRequire(import.meta.url);',
    code.replace(/^"use strict";/, ''),
    '',
  ].join('\n');
  const dts = new GeneratedFile(`${dir}validators.d.ts`, sources);
  const VF = dts.importType('@kada/runtime', 'ValidateFunction');
  for (const name of Object.keys(refs).sort()) dts.print(`export declare const ${name}: ${VF};`);
  return [{ path: `${dir}validators.js`, content: js }, dts.toOutput()];
}
