import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  base32,
  createSecretBox,
  fromBase32,
  matchTotp,
  newRecoveryCode,
  otpauthUri,
  totpAt,
} from '../domain/totp.ts';

describe('TOTP (RFC 6238, SHA-1, 6 digits, 30 s)', () => {
  const rfcSecret = Buffer.from('12345678901234567890');
  // RFC 6238 appendix B, SHA-1 column, last six of the eight digits.
  it.each([
    { given: 59, want: '287082' },
    { given: 1111111109, want: '081804' },
    { given: 1111111111, want: '050471' },
    { given: 1234567890, want: '005924' },
    { given: 2000000000, want: '279037' },
    { given: 20000000000, want: '353130' },
  ])('code at $given is $want', ({ given, want }) => {
    expect(totpAt(rfcSecret, given)).toBe(want);
  });

  it('accepts one step either side, not two, and never a step at or before the last one used', () => {
    const now = 1_700_000_000;
    const step = Math.floor(now / 30);
    expect(matchTotp(rfcSecret, totpAt(rfcSecret, now), now, null)).toBe(step);
    expect(matchTotp(rfcSecret, totpAt(rfcSecret, now - 30), now, null)).toBe(step - 1);
    expect(matchTotp(rfcSecret, totpAt(rfcSecret, now + 30), now, null)).toBe(step + 1);
    expect(matchTotp(rfcSecret, totpAt(rfcSecret, now - 60), now, null)).toBeUndefined();
    expect(matchTotp(rfcSecret, totpAt(rfcSecret, now + 60), now, null)).toBeUndefined();
    expect(matchTotp(rfcSecret, totpAt(rfcSecret, now), now, step)).toBeUndefined();
    expect(matchTotp(rfcSecret, totpAt(rfcSecret, now + 30), now, step)).toBe(step + 1);
  });

  it.each([
    { given: '', want: '' },
    { given: 'f', want: 'MY' },
    { given: 'fo', want: 'MZXQ' },
    { given: 'foo', want: 'MZXW6' },
    { given: 'foobar', want: 'MZXW6YTBOI' },
  ])('base32 of "$given" is $want (RFC 4648, no padding) and back', ({ given, want }) => {
    expect(base32(Buffer.from(given))).toBe(want);
    expect(fromBase32(want).toString()).toBe(given);
  });

  it('writes the otpauth URI authenticator apps read', () => {
    const uri = new URL(otpauthUri(rfcSecret, 'ada@example.com'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Kada Mandiya:ada@example.com');
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
      issuer: 'Kada Mandiya',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });

  it('keeps secrets encrypted, bound to the user, and recovery codes as keyed hashes', () => {
    const box = createSecretBox(randomBytes(32));
    const secret = randomBytes(20);
    const sealed = box.seal(secret, 'user-1');
    expect(sealed).not.toContain(base32(secret));
    expect(box.open(sealed, 'user-1').equals(secret)).toBe(true);
    expect(() => box.open(sealed, 'user-2')).toThrow();
    expect(() => createSecretBox(randomBytes(32)).open(sealed, 'user-1')).toThrow();
    const code = newRecoveryCode();
    expect(code).toMatch(/^[a-z2-7]{6}-[a-z2-7]{6}$/);
    expect(box.codeHash(code.toUpperCase().replace('-', ''))).toBe(box.codeHash(code));
    expect(createSecretBox(randomBytes(32)).codeHash(code)).not.toBe(box.codeHash(code));
  });
});
