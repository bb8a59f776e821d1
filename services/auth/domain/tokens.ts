import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { JWT_AUDIENCE, JWT_ISSUER, loadSealPublicKey, sealToken } from '@kada/service-kit';
import { importJWK, type JWK, SignJWT } from 'jose';

/** An opaque, URL-safe random token (256 bits: 43 characters). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored for a token: its SHA-256 in hex (the token itself has 256 bits of entropy; no salt needed). */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface AccessClaims {
  userId: string;
  role: 'buyer' | 'seller';
  email: string;
  emailVerified: boolean;
}

export interface AccessTokenSigner {
  readonly ttlSeconds: number;
  sign(claims: AccessClaims): Promise<string>;
}

/** Signs access tokens with the private JWK in `privateKeyFile`, read on first use. */
export function createAccessTokenSigner(privateKeyFile: string, ttlSeconds: number): AccessTokenSigner {
  let loaded:
    | Promise<{ key: Awaited<ReturnType<typeof importJWK>>; alg: string; kid: string | undefined }>
    | undefined;
  const load = async () => {
    const jwk = JSON.parse(await readFile(privateKeyFile, 'utf8')) as JWK;
    const alg = jwk.alg ?? (jwk.kty === 'EC' ? 'ES256' : 'EdDSA');
    return { key: await importJWK(jwk, alg), alg, kid: jwk.kid };
  };
  return {
    ttlSeconds,
    async sign(claims) {
      loaded ??= load().catch((error: unknown) => {
        loaded = undefined;
        throw error;
      });
      const { key, alg, kid } = await loaded;
      return new SignJWT({ role: claims.role, email: claims.email, email_verified: claims.emailVerified })
        .setProtectedHeader({ alg, typ: 'at+jwt', ...(kid ? { kid } : {}) })
        .setSubject(claims.userId)
        .setIssuer(JWT_ISSUER)
        .setAudience(JWT_AUDIENCE)
        .setIssuedAt()
        .setJti(randomToken())
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
    },
  };
}

/** Seals link tokens for the notification service (see the kit's seal.ts); auth holds only its public key. */
export interface LinkTokenSealer {
  seal(token: string, context: string): Promise<string>;
}

/** Reads notification's public seal key from `publicKeyFile` on first use. */
export function createLinkTokenSealer(publicKeyFile: string): LinkTokenSealer {
  let loaded: ReturnType<typeof loadSealPublicKey> | undefined;
  return {
    async seal(token, context) {
      loaded ??= loadSealPublicKey(publicKeyFile).catch((error: unknown) => {
        loaded = undefined;
        throw error;
      });
      return sealToken(await loaded, token, context);
    },
  };
}

/** The associated data a sealed link token is bound to: its event type and user. */
export const linkTokenContext = (eventType: string, userId: string): string => `${eventType}:${userId}`;
