/**
 * Shared by the third-party tests: generate a spec (file or folder) into a scratch folder under
 * generator/test/.out (where `@kada/runtime` resolves and Node strips types), and a throwaway
 * RabbitMQ vhost for behaviour tests.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { checkDocuments } from '../../src/check/index.ts';
import { type Diagnostic, formatDiagnostic } from '../../src/diagnostics.ts';
import { loadSpecs } from '../../src/load.ts';
import { buildModel } from '../../src/model.ts';
import { generate } from '../../src/pipeline.ts';
import { writeOutput } from '../../src/write.ts';

const run = promisify(execFile);
const here = dirname(new URL(import.meta.url).pathname);

export const EXAMPLES = join(here, '../../../../shared/fixtures/asyncapi-spec-examples');
export const FIXTURES = join(here, '../fixtures');
export const OUT_ROOT = join(here, '../.out');

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export interface Generated {
  readonly out: string;
  readonly diagnostics: Diagnostic[];
  readonly errors: string[];
  readonly paths: string[];
}

/** Generates `spec` into `out` (nothing is written when there are errors). */
export async function generateInto(spec: string, out: string, strict = false): Promise<Generated> {
  const loaded = await loadSpecs(spec, { cacheDir: join(here, '../../node_modules/.cache/kada-gen') });
  const { graph, diagnostics } = buildModel(loaded);
  const all = [...loaded.diagnostics, ...diagnostics, ...checkDocuments(graph)];
  let paths: string[] = [];
  if (!all.some((d) => d.severity === 'error')) {
    const result = await generate(graph, { packageName: null, cacheDir: null, strict });
    all.push(...result.diagnostics);
    if (!result.diagnostics.some((d) => d.severity === 'error')) {
      mkdirSync(out, { recursive: true });
      writeOutput(out, result.files);
      paths = result.files.map((f) => f.path);
    }
  }
  return {
    out,
    diagnostics: all,
    errors: all.filter((d) => d.severity === 'error').map(formatDiagnostic),
    paths,
  };
}

export function removeOut(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A vhost of its own on the local broker (rabbitmqctl), for guest; `remove` deletes it and all in it. */
export async function createVhost(prefix: string): Promise<{ url: string; remove(): Promise<void> }> {
  const vhost = uniqueName(`kada-test-${prefix}`);
  await run('rabbitmqctl', ['add_vhost', vhost]);
  await run('rabbitmqctl', ['set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
  const base = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  const url = new URL(base);
  url.pathname = `/${encodeURIComponent(vhost)}`;
  return {
    url: url.toString(),
    remove: async () => {
      await run('rabbitmqctl', ['delete_vhost', vhost]);
    },
  };
}
