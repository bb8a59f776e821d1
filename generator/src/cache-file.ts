/**
 * One entry of a content-addressed cache under node_modules/.cache/kada-gen, written whole or not
 * at all (a temporary file renamed into place), so that a run killed halfway or a second run at
 * the same time never reads half an entry.
 *
 *   writeCacheFile('node_modules/.cache/kada-gen/yaml-3f2a….json', '{"json":…}')
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeCacheFile(file: string, text: string): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp-${process.pid}`, text);
    renameSync(`${file}.tmp-${process.pid}`, file);
  } catch {
    // an unwritable cache only costs time
  }
}
