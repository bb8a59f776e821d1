import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * TOTP (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps, 6 digits, the parameters every
 * authenticator app assumes. Written on node:crypto (about 30 lines) rather than a dependency.
 *
 *   given totpAt(Buffer.from('12345678901234567890'), 59)  (RFC 6238 appendix B)
 *   want  '287082'
 */
export const TOTP_STEP_SECONDS = 30;
const DIGITS = 6;
/** Codes of the previous and next step are accepted too (clock drift, typing time). */
const WINDOW = 1;

export function hotp(secret: Buffer, counter: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** DIGITS).padStart(DIGITS, '0');
}

/** The code for the step containing `unixSeconds`. */
export function totpAt(secret: Buffer, unixSeconds: number): string {
  return hotp(secret, Math.floor(unixSeconds / TOTP_STEP_SECONDS));
}

/**
 * The step `code` belongs to (within one step either side of `unixSeconds`), if it is later than `lastStep`:
 * a code already used cannot be used again (RFC 6238 section 5.2).
 */
export function matchTotp(
  secret: Buffer,
  code: string,
  unixSeconds: number,
  lastStep: number | null,
): number | undefined {
  const current = Math.floor(unixSeconds / TOTP_STEP_SECONDS);
  const given = Buffer.from(code);
  for (let step = current - WINDOW; step <= current + WINDOW; step += 1) {
    if (lastStep !== null && step <= lastStep) continue;
    const expected = Buffer.from(hotp(secret, step));
    if (expected.length === given.length && timingSafeEqual(expected, given)) return step;
  }
  return undefined;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, as otpauth URIs carry secrets. */
export function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Inverse of {@link base32} (upper case, no padding); throws on other characters. */
export function fromBase32(text: string): Buffer {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of text) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error('not base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The otpauth:// URI authenticator apps read from a QR code (Key Uri Format). */
export function otpauthUri(secret: Buffer, account: string, issuer = 'Kada Mandiya'): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({
    secret: base32(secret),
    issuer,
    algorithm: 'SHA1',
    digits: String(DIGITS),
    period: String(TOTP_STEP_SECONDS),
  });
  return `otpauth://totp/${label}?${query.toString().replace(/\+/g, '%20')}`;
}

/**
 * Encrypts TOTP secrets at rest (AES-256-GCM under auth's own key, bound to the user id) and keys the hashes
 * of recovery codes, so a copy of the database alone yields neither.
 */
export interface SecretBox {
  seal(plain: Buffer, userId: string): string;
  open(sealed: string, userId: string): Buffer;
  /** HMAC-SHA256 of a recovery code (normalised), hex. */
  codeHash(code: string): string;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('the TOTP encryption key must be 32 bytes');
  const encKey = createHmac('sha256', key).update('totp-secret').digest();
  const macKey = createHmac('sha256', key).update('recovery-code').digest();
  return {
    seal(plain, userId) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, nonce);
      cipher.setAAD(Buffer.from(userId));
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
    },
    open(sealed, userId) {
      const bytes = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', encKey, bytes.subarray(0, 12));
      decipher.setAAD(Buffer.from(userId));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
    },
    codeHash(code) {
      return createHmac('sha256', macKey).update(normalizeRecoveryCode(code)).digest('hex');
    },
  };
}

/** Recovery codes as shown: `xxxxxx-xxxxxx`, 12 base32 characters (60 bits). */
export function newRecoveryCode(): string {
  const raw = base32(randomBytes(8)).slice(0, 12).toLowerCase();
  return `${raw.slice(0, 6)}-${raw.slice(6)}`;
}

export const normalizeRecoveryCode = (code: string): string => code.replace(/[\s-]/g, '').toLowerCase();
