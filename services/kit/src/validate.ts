import type { ValidateFunction } from '@kada/runtime';
import { HttpError, PROBLEM_BASE, type ProblemError } from './errors.ts';

/** One error of a precompiled (ajv standalone) validator. */
export type AjvError = NonNullable<ValidateFunction['errors']>[number];

/** ajv errors as problem `errors` members: a JSON Pointer into the body and what is wrong there. */
export function toProblemErrors(errors: readonly AjvError[] | null | undefined, root = ''): ProblemError[] {
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
