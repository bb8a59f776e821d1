/** A rate as "<requests>/<window>", e.g. "100/10s"; "off" disables. */
export interface Rate {
  requests: number;
  windowMs: number;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses "100/10s" (units ms, s, m, h; default s). "off" or "0" -> undefined (no limit). */
export function parseRate(text: string): Rate | undefined {
  const value = text.trim();
  if (value === 'off' || value === '0') return undefined;
  const match = /^(\d+)\s*\/\s*(\d+)?\s*(ms|s|m|h)?$/.exec(value);
  if (!match) throw new Error(`a rate looks like "100/10s", got "${text}"`);
  const requests = Number(match[1]);
  const windowMs = Number(match[2] ?? 1) * (UNITS[match[3] ?? 's'] ?? 1000);
  if (requests <= 0 || windowMs <= 0) throw new Error(`a rate must be positive, got "${text}"`);
  return { requests, windowMs };
}

export type Decision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * Token buckets per key, in memory: each key holds up to `requests` tokens and regains them at
 * `requests / windowMs`; a request takes one. Full buckets are forgotten (a key that comes back starts full,
 * which is the same thing), so memory follows the number of recently active keys.
 */
export class TokenBucketLimiter {
  readonly rate: Rate;
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;
  readonly #perMs: number;

  constructor(rate: Rate, now: () => number = Date.now) {
    this.rate = rate;
    this.#now = now;
    this.#perMs = rate.requests / rate.windowMs;
  }

  take(key: string): Decision {
    const now = this.#now();
    const bucket = this.#buckets.get(key) ?? { tokens: this.rate.requests, updatedAt: now };
    bucket.tokens = Math.min(this.rate.requests, bucket.tokens + (now - bucket.updatedAt) * this.#perMs);
    bucket.updatedAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      this.#buckets.set(key, bucket);
      return { allowed: true };
    }
    this.#buckets.set(key, bucket);
    const waitMs = (1 - bucket.tokens) / this.#perMs;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  /** Drops buckets that have refilled completely. */
  sweep(): void {
    const now = this.#now();
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * this.#perMs >= this.rate.requests)
        this.#buckets.delete(key);
    }
  }

  get size(): number {
    return this.#buckets.size;
  }
}
