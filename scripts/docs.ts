/**
 * `pnpm docs`: serves the generated event docs and prints the address.
 *   pnpm docs                  serve generated/docs (the committed catalog)
 *   pnpm docs --asyncapi-html  also render each service's AsyncAPI reference with @asyncapi/html-template
 *                              (cached by content; ~3 s a document the first time) into .cache/docs-site,
 *                              link it from the service pages, and serve that copy
 *   --port N (default 4400, 0 = any free port)
 */
import { createReadStream, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderAsyncApiHtml } from '../generator/src/emit/docs/asyncapi-html.ts';
import { emitDocs } from '../generator/src/emit/docs/index.ts';
import { loadSpecs } from '../generator/src/load.ts';
import { buildModel } from '../generator/src/model.ts';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4400' },
    'asyncapi-html': { type: 'boolean', default: false },
  },
});
let siteRoot = join(root, 'generated');

if (values['asyncapi-html']) {
  const cacheDir = join(root, 'node_modules/.cache/kada-gen');
  const outDir = join(root, '.cache/docs-site');
  const loaded = await loadSpecs(join(root, 'specs'), { cacheDir });
  const { graph } = buildModel(loaded);
  const result = await renderAsyncApiHtml({
    graph,
    outDir,
    cacheDir,
    log: (l) => process.stdout.write(`${l}\n`),
  });
  for (const f of emitDocs(graph, { asyncApiReference: result.available })) {
    mkdirSync(dirname(join(outDir, f.path)), { recursive: true });
    writeFileSync(join(outDir, f.path), f.content);
  }
  process.stdout.write(
    `docs: ${result.available.length} AsyncAPI reference pages (${result.rendered.length} rendered, ${result.fromCache.length} cached, ${result.failed.length} failed)\n`,
  );
  siteRoot = outDir;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let path = normalize(join(siteRoot, decodeURIComponent(url.pathname)));
  if (!path.startsWith(siteRoot)) {
    res.writeHead(403).end();
    return;
  }
  try {
    if (statSync(path).isDirectory()) path = join(path, 'index.html');
    statSync(path);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
  createReadStream(path).pipe(res);
});
server.listen(Number(values.port), '127.0.0.1', () => {
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : values.port;
  process.stdout.write(
    `docs: serving ${siteRoot} at http://127.0.0.1:${port}/docs/index.html (Ctrl-C to stop)\n`,
  );
});
