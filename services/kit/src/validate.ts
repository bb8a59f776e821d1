import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RequestHandler } from 'express';
import { parse as parseYaml } from 'yaml';
import { HttpError, PROBLEM_BASE, type ProblemError } from './errors.ts';

const require = createRequire(import.meta.url);
const { Ajv2020 } = require('ajv/dist/2020') as typeof import('ajv/dist/2020.js');
const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;

export type Ajv = InstanceType<typeof Ajv2020>;
export type AjvError = NonNullable<ReturnType<Ajv['compile']>['errors']>[number];

/**
 * An ajv for OpenAPI 3.1 schemas (JSON Schema 2020-12): all errors, formats, OpenAPI's annotation keywords
 * (`example`, `discriminator`, `xml`, `externalDocs`) ignored, `format: password` accepted. `coerceTypes` for
 * query, path and header parameters, which arrive as strings.
 */
export function createAjv(options: { coerceTypes?: boolean } = {}): Ajv {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: false,
    coerceTypes: options.coerceTypes ?? false,
    useDefaults: false,
  });
  addFormats(ajv);
  ajv.addFormat('password', true);
  return ajv;
}

/** ajv errors as problem `errors` members: a JSON Pointer into the body and what is wrong there. */
export function toProblemErrors(
  errors: readonly Pick<AjvError, 'instancePath' | 'keyword' | 'message' | 'params'>[] | null | undefined,
  root = '',
): ProblemError[] {
  const out: ProblemError[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    let pointer = root + error.instancePath;
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
      pointer += `/${escapePointer(params.missingProperty)}`;
    } else if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      pointer += `/${escapePointer(params.additionalProperty)}`;
    }
    // oneOf/anyOf branches repeat themselves; keep the first message per location and text.
    const detail = error.message ?? `fails ${error.keyword}`;
    const key = `${pointer}\u0000${detail}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer, detail });
  }
  return out;
}

const escapePointer = (segment: string): string => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** The 400 problem for a body that fails its schema. */
export function validationError(errors: ProblemError[], detail?: string): HttpError {
  const count = errors.length;
  return new HttpError(
    400,
    'Request is not valid',
    detail ?? (count === 1 ? 'One field is not valid.' : `${count} fields are not valid.`),
    { type: `${PROBLEM_BASE}validation`, errors },
  );
}

let sharedAjv: Ajv | undefined;

/**
 * Middleware validating `req.body` against a JSON Schema, compiled once when the middleware is created (at
 * start-up). Failure: 400 problem+json with `errors` (`pointer`, `detail`). A body that is not JSON: 415.
 */
export function validateBody(schema: object): RequestHandler {
  sharedAjv ??= createAjv();
  const validate = sharedAjv.compile(schema);
  return (req, _res, next) => {
    if (req.body === undefined) {
      const hasBody =
        Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
      if (hasBody && !req.is(['application/json', 'application/*+json'])) {
        next(new HttpError(415, 'Unsupported Media Type', 'Send the body as application/json.'));
        return;
      }
      next(
        validationError([{ pointer: '', detail: 'a JSON request body is required' }], 'The body is missing.'),
      );
      return;
    }
    if (validate(req.body)) {
      next();
      return;
    }
    next(validationError(toProblemErrors(validate.errors)));
  };
}

/** Reads an OpenAPI (or any YAML/JSON) document. */
export function loadOpenApi(file: string | URL): Record<string, unknown> {
  return parseYaml(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/**
 * A self-contained JSON Schema for one of the document's `components.schemas`: the schema as `$ref` into a
 * `$defs` copy of all component schemas, with `#/components/schemas/X` refs rewritten to `#/$defs/X`.
 * `validateBody(openApiSchema(doc, 'RegisterRequest'))` validates exactly what the spec says.
 */
export function openApiSchema(doc: Record<string, unknown>, name: string): object {
  const components = (doc.components as { schemas?: Record<string, unknown> } | undefined)?.schemas ?? {};
  if (!(name in components)) throw new Error(`no components.schemas.${name} in the OpenAPI document`);
  return inlineOpenApiSchema(doc, { $ref: `#/components/schemas/${escapePointer(name)}` });
}

/** Any schema found in the document (a request body's, a parameter's), made self-contained the same way. */
export function inlineOpenApiSchema(doc: Record<string, unknown>, schema: unknown): object {
  const components = (doc.components as { schemas?: Record<string, unknown> } | undefined)?.schemas ?? {};
  return { ...(rewriteRefs(schema) as object), $defs: rewriteRefs(components) };
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      out[key] =
        key === '$ref' && typeof member === 'string'
          ? member.replace(/^#\/components\/schemas\//, '#/$defs/')
          : rewriteRefs(member);
    }
    return out;
  }
  return value;
}
