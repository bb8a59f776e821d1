import { randomUUID } from 'node:crypto';

/** Monotonic state for ids made in the same millisecond (per process, by design of UUIDv7). */
const clock = { lastMs: 0, sequence: 0 };

/**
 * RFC 9562 UUID version 7: 48-bit Unix milliseconds, a 12-bit `rand_a` that counts up from a
 * random start within one millisecond (so ids of one process sort in creation order), then the
 * variant and 62 random bits. The random part comes from `randomUUID()`, which draws from Node's
 * cached entropy pool and is several times faster than `randomBytes(16)` per call.
 */
export function uuidv7(now: number = Date.now()): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx, V in [89ab]
  if (now > clock.lastMs) {
    clock.lastMs = now;
    clock.sequence = Number.parseInt(random.slice(15, 18), 16) & 0x7ff;
  } else {
    clock.sequence += 1;
    if (clock.sequence > 0xfff) {
      clock.lastMs += 1;
      clock.sequence = 0;
    }
  }
  const ms = clock.lastMs.toString(16).padStart(12, '0');
  const sequence = clock.sequence.toString(16).padStart(3, '0');
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${sequence}${random.slice(18)}`;
}
