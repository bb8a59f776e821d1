import { randomFillSync } from 'node:crypto';

/**
 * Random bytes drawn 4 KiB at a time and handed out as hex (per process, like the entropy cache
 * behind Node's `randomUUID()`): one ids' worth costs a slice of a buffer, not a call into OpenSSL
 * and the string surgery of a formatted UUID.
 */
const entropy = { pool: Buffer.alloc(0), offset: 0 };
const POOL_BYTES = 4096;

/** `bytes` random bytes as 2 × `bytes` lowercase hex digits. */
export function randomHex(bytes: number): string {
  if (entropy.offset + bytes > entropy.pool.length) {
    entropy.pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    entropy.offset = 0;
  }
  const start = entropy.offset;
  entropy.offset += bytes;
  return entropy.pool.toString('hex', start, entropy.offset);
}

/**
 * Monotonic state for ids made in the same millisecond (per process, by design of UUIDv7), and the
 * formatted time prefix of that millisecond (most ids of a busy process share it).
 */
const clock = { lastMs: 0, sequence: 0, prefixMs: -1, prefix: '' };
const VARIANT = '89ab';

/**
 * RFC 9562 UUID version 7: 48-bit Unix milliseconds, a 12-bit `rand_a` that counts up from a
 * random start within one millisecond (so ids of one process sort in creation order), then the
 * variant and 62 random bits.
 */
export function uuidv7(now: number = Date.now()): string {
  // 20 hex digits: 3 for the sequence start, 1 for the variant's free bits, 15 of rand_b (+1 unused).
  const random = randomHex(10);
  if (now > clock.lastMs) {
    clock.lastMs = now;
    clock.sequence = Number.parseInt(random.slice(17, 20), 16) & 0x7ff;
  } else {
    clock.sequence += 1;
    if (clock.sequence > 0xfff) {
      clock.lastMs += 1;
      clock.sequence = 0;
    }
  }
  if (clock.prefixMs !== clock.lastMs) {
    const ms = clock.lastMs.toString(16).padStart(12, '0');
    clock.prefixMs = clock.lastMs;
    clock.prefix = `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7`;
  }
  const sequence = clock.sequence.toString(16).padStart(3, '0');
  const variant = VARIANT[Number.parseInt(random[0] as string, 16) & 3] as string;
  return `${clock.prefix}${sequence}-${variant}${random.slice(1, 4)}-${random.slice(4, 16)}`;
}
