/**
 * After `tsc -p tsconfig.build.json`: TypeScript's rewriteRelativeImportExtensions rewrites the
 * `.ts` specifiers of emitted JavaScript but leaves them in the `.d.ts` files, where a consumer
 * without allowImportingTsExtensions cannot follow them. This rewrites relative `./x.ts` to
 * `./x.js` in every declaration file under the given folder.
 *
 *   node scripts/dts-extensions.ts generator/runtime/dist
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rewriteDeclarationExtensions } from '../generator/src/emit/javascript.ts';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.d.ts') ? [p] : [];
  });
}

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node scripts/dts-extensions.ts <dist-folder>\n');
  process.exit(2);
}
let changed = 0;
for (const file of walk(dir)) {
  const text = readFileSync(file, 'utf8');
  const next = rewriteDeclarationExtensions(text);
  if (next !== text) {
    writeFileSync(file, next);
    changed++;
  }
}
process.stdout.write(`dts-extensions: ${changed} declaration files rewritten in ${dir}\n`);
