// The bad-JWT matrix: tokens every service must answer with 401. Shared by the kit's tests and
// scripts/attack, which fires them through the public gateway of a running platform.

import { readFileSync } from 'node:fs';
import { generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import type { AuthUser } from '../src/auth.ts';
import { JWT_AUDIENCE, JWT_ISSUER } from '../src/config.ts';
import type { DevKeys } from '../src/keys.ts';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** The claims auth puts in an access token, for `user`. */
function claims(user: Omit<AuthUser, 'emailVerified'>) {
  return { role: user.role, email: user.email, email_verified: true };
}

/** A good access token for `user`, as auth would sign it (for probes that must get past authentication). */
export async function accessTokenFor(keys: DevKeys, user: Omit<AuthUser, 'emailVerified'>): Promise<string> {
  const privateJwk = JSON.parse(readFileSync(keys.privateKeyFile, 'utf8')) as JWK;
  const alg = privateJwk.alg ?? 'EdDSA';
  return new SignJWT(claims(user))
    .setProtectedHeader({ alg, typ: 'at+jwt', kid: keys.kid })
    .setSubject(user.id)
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('15m')
    .sign(await importJWK(privateJwk, alg));
}

/**
 * Tokens that must not verify, by name: alg none, HS256 keyed with the public key, expired, not yet valid,
 * wrong issuer, wrong audience, tampered payload, a foreign key, an unknown kid, no kid, ES256, no or wrong
 * `typ`, too old (`iat` long ago, `exp` still ahead), oversized.
 */
export async function badTokens(
  keys: DevKeys,
  user: Omit<AuthUser, 'emailVerified'>,
): Promise<Array<[string, string]>> {
  const privateJwk = JSON.parse(readFileSync(keys.privateKeyFile, 'utf8')) as JWK;
  const publicText = readFileSync(keys.publicKeyFile, 'utf8');
  const alg = privateJwk.alg ?? 'EdDSA';
  const ours = await importJWK(privateJwk, alg);
  const base = (extra: Record<string, unknown> = {}) =>
    new SignJWT({ ...claims(user), ...extra })
      .setSubject(user.id)
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('10m');
  const header = { alg, typ: 'at+jwt', kid: keys.kid };
  const good = await base().setProtectedHeader(header).sign(ours);
  const [goodHeader, goodPayload, goodSignature] = good.split('.');

  const foreign = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const p256 = await generateKeyPair('ES256');
  const payload = JSON.parse(Buffer.from(goodPayload ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
  const tampered = b64({ ...payload, role: 'admin' });

  return [
    ['alg none', `${b64({ alg: 'none', typ: 'at+jwt', kid: keys.kid })}.${goodPayload}.`],
    [
      'HS256 keyed with the public key',
      await base()
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: keys.kid })
        .sign(new TextEncoder().encode(publicText)),
    ],
    [
      'expired',
      await base()
        .setExpirationTime(nowSeconds() - 120)
        .setProtectedHeader(header)
        .sign(ours),
    ],
    [
      'not yet valid',
      await base()
        .setNotBefore(nowSeconds() + 600)
        .setProtectedHeader(header)
        .sign(ours),
    ],
    ['wrong issuer', await base().setIssuer('someone-else').setProtectedHeader(header).sign(ours)],
    ['wrong audience', await base().setAudience('elsewhere').setProtectedHeader(header).sign(ours)],
    ['tampered payload', `${goodHeader}.${tampered}.${goodSignature}`],
    ['foreign key', await base().setProtectedHeader(header).sign(foreign.privateKey)],
    [
      'unknown kid',
      await base()
        .setProtectedHeader({ ...header, kid: 'not-our-key' })
        .sign(ours),
    ],
    ['no kid', await base().setProtectedHeader({ alg, typ: 'at+jwt' }).sign(ours)],
    [
      'ES256',
      await base().setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: keys.kid }).sign(p256.privateKey),
    ],
    ['no typ', await base().setProtectedHeader({ alg, kid: keys.kid }).sign(ours)],
    ['typ JWT', await base().setProtectedHeader({ alg, typ: 'JWT', kid: keys.kid }).sign(ours)],
    [
      'too old',
      await base()
        .setIssuedAt(nowSeconds() - 2 * 3600)
        .setExpirationTime(nowSeconds() + 600)
        .setProtectedHeader(header)
        .sign(ours),
    ],
    [
      'oversized',
      await base({ pad: 'x'.repeat(6000) })
        .setProtectedHeader(header)
        .sign(ours),
    ],
  ];
}
