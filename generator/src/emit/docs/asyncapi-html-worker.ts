/**
 * Child process of asyncapi-html.ts: renders one AsyncAPI document with @asyncapi/generator
 * and @asyncapi/html-template (one self-contained file, no network). A separate process
 * because the generator resolves the global npm when it loads (NODE_PATH must reach it) and
 * holds a few hundred MB while it renders.
 *
 *   node asyncapi-html-worker.ts specs/asyncapi/order.yaml /cache/tmp-1  -> /cache/tmp-1/index.html
 */

import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const require = createRequire(import.meta.url);
const [document, targetDir] = process.argv.slice(2);
if (!document || !targetDir) {
  process.stderr.write('usage: asyncapi-html-worker.ts <asyncapi document> <target dir>\n');
  process.exit(2);
}
try {
  const Generator = require('@asyncapi/generator');
  const template = dirname(require.resolve('@asyncapi/html-template/package.json'));
  const generator = new Generator(template, targetDir, {
    forceWrite: true,
    // The template's shipped __transpiled code points at its author's build paths, so it must be
    // compiled here (~10 s, written next to the template in node_modules); the page is cached after.
    compile: true,
    templateParams: { singleFile: 'true', outFilename: 'index.html' },
  });
  await generator.generateFromFile(document);
} catch (err) {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
}
