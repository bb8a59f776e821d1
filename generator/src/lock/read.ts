/**
 * Reads the previous lock from disk for the CLI (the lock step itself stays pure).
 *
 *   readLockFile('generated/contracts.lock.json')
 *   -> { lock: { lockfileVersion: 1, events: {…}, overrides: [] }, diagnostics: [] }   (or lock: null when absent)
 */
import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../diagnostics.ts';
import { type Lockfile, LockfileError, parseLock } from './lockfile.ts';

export function readLockFile(
  path: string,
  shownAs: string = path,
): { lock: Lockfile | null; diagnostics: Diagnostic[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { lock: null, diagnostics: [] };
  }
  try {
    return { lock: parseLock(text), diagnostics: [] };
  } catch (err) {
    if (!(err instanceof LockfileError)) throw err;
    return {
      lock: null,
      diagnostics: [
        {
          severity: 'error',
          code: 'compat:lock-invalid',
          message: `${shownAs} cannot be read: ${err.message}. Restore it from git (git checkout -- ${shownAs}); it is written only by kada-gen generate.`,
          file: shownAs,
          line: 1,
          column: 1,
        },
      ],
    };
  }
}
