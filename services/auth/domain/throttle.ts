/**
 * Failed logins per client (the address the gateway saw), independent of the account: a client may fail
 * `freeFailures` times, then must wait before each further attempt, twice as long after each failure, up to
 * `maxDelaySeconds`. An account lock stops guessing at one account; this stops one client guessing at many
 * (and locking many). Kept in memory: one auth process per deployment holds the login path; failures older
 * than `windowSeconds` are forgotten.
 *
 *   given 5 free failures:  failures 1..5 -> no wait;  6 -> 1 s;  7 -> 2 s;  8 -> 4 s … capped
 */
export class LoginThrottle {
  private readonly clients = new Map<string, { failures: number; last: number; notBefore: number }>();

  private readonly options: { freeFailures: number; maxDelaySeconds: number; windowSeconds: number };
  private readonly now: () => number;

  constructor(
    options: { freeFailures: number; maxDelaySeconds: number; windowSeconds: number },
    now: () => number,
  ) {
    this.options = options;
    this.now = now;
  }

  /** Seconds this client must still wait before its next attempt; 0 when it may try now. */
  waitSeconds(client: string): number {
    const entry = this.fresh(client);
    if (!entry) return 0;
    const ms = entry.notBefore - this.now();
    return ms > 0 ? Math.ceil(ms / 1000) : 0;
  }

  /** Counts a failure; returns the delay the client now has to wait, in seconds. */
  failed(client: string): number {
    const now = this.now();
    const entry = this.fresh(client) ?? { failures: 0, last: now, notBefore: now };
    entry.failures += 1;
    entry.last = now;
    const over = entry.failures - this.options.freeFailures;
    const delay = over > 0 ? Math.min(2 ** (over - 1), this.options.maxDelaySeconds) : 0;
    entry.notBefore = now + delay * 1000;
    this.clients.set(client, entry);
    return delay;
  }

  /** Drops entries past the window (call now and then, so the map does not grow without bound). */
  sweep(): void {
    for (const client of [...this.clients.keys()]) this.fresh(client);
  }

  private fresh(client: string) {
    const entry = this.clients.get(client);
    if (entry && this.now() - entry.last > this.options.windowSeconds * 1000) {
      this.clients.delete(client);
      return undefined;
    }
    return entry;
  }
}
