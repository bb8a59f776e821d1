/**
 * The one ajv configuration: the validators emitter compiles standalone code with it, and the
 * checks validate examples with it, so an example is judged by the rules generated code applies.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// ajv ships CommonJS; load it the way its standalone docs do.
const Ajv = require('ajv').default as typeof import('ajv').default;
const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;

/**
 * The ajv the validators are compiled with. `{ emit: false }`: one that only validates (the
 * example check), without the standalone source and its optimising pass, which take half of
 * ajv's compile time and change only the shape of the code, not what it accepts or reports.
 */
export function newAjv(opts: { emit?: boolean } = {}): InstanceType<typeof Ajv> {
  const ajv = new Ajv({
    code:
      opts.emit === false
        ? { source: false, lines: false, optimize: false }
        : { source: true, esm: true, lines: false, optimize: 1 },
    strict: false,
    allErrors: false,
    validateFormats: true,
  });
  addFormats(ajv);
  return ajv;
}
