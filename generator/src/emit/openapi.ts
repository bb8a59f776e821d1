/**
 * OpenAPI types emitter: each OpenAPI 3.1 document through openapi-typescript.
 *
 *   specs/openapi/order.yaml -> openapi/order.ts: export interface paths { '/orders': { post: … } } …
 *
 * openapi-typescript (and the TypeScript compiler it loads) costs about a second to start, so
 * the output is cached by the document's content hash; an unchanged document costs nothing.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContractGraph } from '../model.ts';
import { GENERATOR_VERSION, headerLine, type OutputFile } from './file.ts';

export async function emitOpenApiTypes(graph: ContractGraph, cacheDir: string | null): Promise<OutputFile[]> {
  const out: OutputFile[] = [];
  for (const api of graph.http) {
    const text = graph.sources.get(api.absPath)?.text ?? JSON.stringify(api.json);
    const hash = createHash('sha256')
      .update(GENERATOR_VERSION)
      .update('\0')
      .update(text)
      .digest('hex')
      .slice(0, 32);
    const cached = cacheDir ? join(cacheDir, `openapi-${hash}.ts`) : null;
    let body: string | null = null;
    if (cached) {
      try {
        body = readFileSync(cached, 'utf8');
      } catch {
        body = null;
      }
    }
    if (body === null) {
      const { default: openapiTS, astToString } = await import('openapi-typescript');
      const ast = await openapiTS(structuredClone(api.json) as never, {
        alphabetize: true,
        exportType: false,
      });
      body = astToString(ast);
      if (cached && cacheDir) {
        mkdirSync(cacheDir, { recursive: true });
        writeFileSync(cached, body);
      }
    }
    out.push({ path: `openapi/${api.service}.ts`, content: `${headerLine([api.file])}\n\n${body}` });
  }
  return out;
}
