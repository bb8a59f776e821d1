import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';

/**
 * Passwords are hashed with Argon2id (OWASP's minimum: 19 MiB, 2 passes, 1 lane) through @node-rs/argon2's
 * prebuilt binary. Hashes made by the scrypt fallback (`scrypt$N$r$p$salt$hash`, N=2^15, r=8, p=1) verify too,
 * so the two can coexist.
 */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, keyLength: 32 } as const;

/**
 * At most this many hashes at once (PASSWORD_HASH_CONCURRENCY, default 2). Each takes 19 MiB and a
 * core: four at once on libuv's four threads took auth's peak RSS to 192 MB under a burst of logins
 * (pnpm bench:checkout) without finishing them any sooner on two cores. The rest wait their turn.
 */
const HASH_CONCURRENCY = Math.max(1, Number(process.env.PASSWORD_HASH_CONCURRENCY ?? 2) || 2);
let hashing = 0;
const waiting: Array<() => void> = [];

/** Runs `work` when fewer than HASH_CONCURRENCY others are running; first come, first served. */
export async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (hashing >= HASH_CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve));
  else hashing++;
  try {
    return await work();
  } finally {
    // The slot passes straight to the next in line, or is freed.
    const next = waiting.shift();
    if (next) next();
    else hashing--;
  }
}

export async function hashPassword(password: string): Promise<string> {
  return withHashSlot(() => argon2Hash(password, ARGON2));
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  if (stored.startsWith('$argon2')) {
    try {
      return await withHashSlot(() => argon2Verify(stored, password));
    } catch {
      return false;
    }
  }
  if (stored.startsWith('scrypt$')) return withHashSlot(() => verifyScrypt(stored, password));
  return false;
}

/** The scrypt form, for hosts where the argon2 binary cannot load. */
export async function hashPasswordScrypt(password: string): Promise<string> {
  const salt = randomBytes(16);
  const derived = await scryptAsync(password, salt, SCRYPT.keyLength, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${derived.toString('base64url')}`;
}

async function verifyScrypt(stored: string, password: string): Promise<boolean> {
  const [, n, r, p, salt, expected] = stored.split('$');
  if (!n || !r || !p || !salt || !expected) return false;
  const want = Buffer.from(expected, 'base64url');
  const got = await scryptAsync(password, Buffer.from(salt, 'base64url'), want.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return got.length === want.length && timingSafeEqual(got, want);
}

function scryptAsync(
  password: string,
  salt: Buffer,
  keyLength: number,
  options: ScryptOptions,
): Promise<Buffer> {
  const maxmem = 256 * (options.N ?? 16384) * (options.r ?? 8) + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, { ...options, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * A hash of a random password, verified against when the email is unknown, so that "no such user" takes as
 * long as "wrong password".
 */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('base64url'));
  return dummy;
}
