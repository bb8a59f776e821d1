import type { Logger } from 'pino';
import { describeError } from './errors.ts';

/**
 * The one shutdown-on-signal of a process: on the first SIGTERM or SIGINT, logs it, runs `shutdown`
 * and exits 0 (1 when shutdown fails). Returns `uninstall`, for a `shutdown` that ran for another
 * reason first (a test's `close()`), so a later signal does not run it twice.
 */
export function exitOnSignal(log: Logger, shutdown: () => Promise<void>): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    log.info({ signal }, 'signal received; shutting down');
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: describeError(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
