/**
 * Every document of the AsyncAPI specification repository's examples generates, and the output
 * compiles (tsc, strict): one folder per document (social-media, laid out folder-per-service, as
 * one set). The Adeo example keeps its schemas on a remote site: with no network it must fail with
 * a diagnostic that names the remote $ref.
 */
import { execFile } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLES, type Generated, generateInto, OUT_ROOT, removeOut, uniqueName } from './harness.ts';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const REMOTE = 'adeo-kafka-request-reply-asyncapi.yml';
const out = join(OUT_ROOT, uniqueName('examples'));
const entries = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((e) => (e.isFile() && /\.ya?ml$/.test(e.name)) || e.isDirectory())
  .map((e) => e.name)
  .sort();

afterAll(() => removeOut(out));

describe('the AsyncAPI spec examples', () => {
  it('finds the examples folder', () => {
    expect(entries.length).toBeGreaterThan(15);
    expect(entries).toContain('social-media');
  });

  it(`${REMOTE} fails naming the remote $ref it cannot fetch`, async () => {
    const g = await generateInto(join(EXAMPLES, REMOTE), join(out, 'remote'));
    expect(g.paths).toEqual([]);
    expect(g.errors.join('\n')).toMatch(
      /adeo-kafka-request-reply-asyncapi\.yml:\d+:\d+ error asyncapi:invalid-ref: the remote \$ref https:\/\/www\.asyncapi\.com\/\S+\.avsc cannot be fetched/,
    );
  });

  it('every other document generates without errors and the output compiles', async () => {
    const results: [string, Generated][] = [];
    for (const name of entries.filter((n) => n !== REMOTE)) {
      results.push([
        name,
        await generateInto(join(EXAMPLES, name), join(out, 'ok', name.replace(/\.ya?ml$/, ''))),
      ]);
    }
    expect(
      results.filter(([, g]) => g.errors.length > 0).map(([n, g]) => `${n}: ${g.errors.join('; ')}`),
    ).toEqual([]);
    for (const [name, g] of results) expect(g.paths, name).toContain('events.ts');
    // The RabbitMQ pair gets typed clients, and social-media's folders are five services.
    const paths = Object.fromEntries(results.map(([n, g]) => [n, g.paths]));
    expect(paths['rpc-client-asyncapi.yml']).toContain('services/rpc-client-asyncapi/amqp.ts');
    expect(paths['rpc-server-asyncapi.yml']).toContain('services/rpc-server-asyncapi/amqp.ts');
    writeFileSync(
      join(out, 'ok', 'tsconfig.json'),
      JSON.stringify({ extends: '../../../../../tsconfig.json', include: ['**/*.ts'], exclude: [] }),
    );
    const tsc = require.resolve('typescript/bin/tsc');
    const compiled = await run(process.execPath, [tsc, '-p', join(out, 'ok', 'tsconfig.json')]).then(
      () => '',
      (err: { stdout?: string }) => err.stdout ?? String(err),
    );
    expect(compiled).toBe('');
  }, 300_000);
});
