/**
 * No service reads an OpenAPI document or compiles a schema at run time: their routes and validators are
 * generated (generated/openapi/*.routes.ts, ajv standalone code). Scans every service source file outside
 * its tests for the ways that could come back: an OpenAPI path in a string, ajv, a schema compiled.
 * (audit still reads the AsyncAPI documents for its e-mail masking; that is not HTTP and not checked here.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const services = new URL('../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'test' || name === 'testing' || name === 'testing.ts') continue;
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

/** The code without its comments, which may name the spec a file implements. */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

const RULES: Array<[string, RegExp]> = [
  [
    'names an OpenAPI document in a string',
    /['"`][^'"`\n]*(specs\/openapi|openapi\/[^'"`\n]*\.ya?ml)[^'"`\n]*['"`]/,
  ],
  ['imports ajv (validators are generated)', /from\s+['"]ajv(\/[^'"]*)?['"]|require\(['"]ajv/],
  ['compiles a schema', /\.compile\(/],
];

describe('services at run time', () => {
  it('read no OpenAPI document and compile no schema', () => {
    const files = sources(services);
    expect(files.length).toBeGreaterThan(40);
    const found: string[] = [];
    for (const file of files) {
      const text = code(readFileSync(file, 'utf8'));
      for (const [what, pattern] of RULES) {
        if (pattern.test(text)) found.push(`${relative(services, file)} ${what}`);
      }
    }
    expect(found).toEqual([]);
  });

  it('would notice one that did', () => {
    const offender =
      "const spec = parse(readFileSync(new URL('../../../specs/openapi/order.yaml', import.meta.url)));";
    expect(RULES.some(([, pattern]) => pattern.test(code(offender)))).toBe(true);
    expect(RULES.some(([, pattern]) => pattern.test(code('// Implements specs/openapi/order.yaml.')))).toBe(
      false,
    );
  });
});
