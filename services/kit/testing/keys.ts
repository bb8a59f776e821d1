// Test helpers: keys in a temporary directory and signed access tokens, so any service's routes behind
// requireAuth can be tested without the auth service.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, type JWK, SignJWT } from 'jose';
import type { AuthUser } from '../src/auth.ts';
import { JWT_AUDIENCE, JWT_ISSUER } from '../src/config.ts';
import { type DevKeys, ensureDevKeys } from '../src/keys.ts';

export interface TestKeys extends DevKeys {
  dir: string;
  /** A config `jwt` section pointing at these keys (for requireAuth / verifyAccessToken). */
  jwt: { publicKeyFile: string; issuer: string; audience: string };
  /** Signs an access token for `user` (default lifetime 15 minutes; email verified unless said otherwise). */
  sign(
    user: Omit<AuthUser, 'emailVerified'> & { emailVerified?: boolean },
    options?: { expiresIn?: string | number; issuer?: string; audience?: string },
  ): Promise<string>;
  /** Removes the directory. */
  cleanup(): void;
}

/**
 * A fresh key pair in a temporary directory. With `setEnv`, JWT_PUBLIC_KEY_FILE and JWT_PRIVATE_KEY_FILE point at
 * it (for services started in-process); `cleanup()` restores them.
 */
export async function createTestKeys(options: { setEnv?: boolean } = {}): Promise<TestKeys> {
  const dir = mkdtempSync(join(tmpdir(), 'kada-keys-'));
  const keys = await ensureDevKeys(dir);
  const privateJwk = JSON.parse(readFileSync(keys.privateKeyFile, 'utf8')) as JWK;
  const privateKey = await importJWK(privateJwk, privateJwk.alg ?? 'EdDSA');
  const previous = { pub: process.env.JWT_PUBLIC_KEY_FILE, priv: process.env.JWT_PRIVATE_KEY_FILE };
  if (options.setEnv) {
    process.env.JWT_PUBLIC_KEY_FILE = keys.publicKeyFile;
    process.env.JWT_PRIVATE_KEY_FILE = keys.privateKeyFile;
  }
  return {
    ...keys,
    dir,
    jwt: { publicKeyFile: keys.publicKeyFile, issuer: JWT_ISSUER, audience: JWT_AUDIENCE },
    sign: (user, signOptions = {}) =>
      new SignJWT({ role: user.role, email: user.email, email_verified: user.emailVerified ?? true })
        .setProtectedHeader({ alg: privateJwk.alg ?? 'EdDSA', typ: 'at+jwt', kid: keys.kid })
        .setSubject(user.id)
        .setIssuer(signOptions.issuer ?? JWT_ISSUER)
        .setAudience(signOptions.audience ?? JWT_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(signOptions.expiresIn ?? '15m')
        .sign(privateKey),
    cleanup() {
      if (options.setEnv) {
        restore('JWT_PUBLIC_KEY_FILE', previous.pub);
        restore('JWT_PRIVATE_KEY_FILE', previous.priv);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
