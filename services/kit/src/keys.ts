import { createPrivateKey, createPublicKey, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { generateSealKeyPair, SEAL_PRIVATE_KEY_FILE_NAME, SEAL_PUBLIC_KEY_FILE_NAME } from './seal.ts';

export const JWT_ALGORITHM = 'EdDSA';

export interface DevKeys {
  privateKeyFile: string;
  publicKeyFile: string;
  /** Key id (RFC 7638 thumbprint of the public key), also in the JWKs as `kid`. */
  kid: string;
  /** X25519 pair sealing link tokens for notification (see seal.ts): the private key only notification reads. */
  sealPrivateKeyFile: string;
  sealPublicKeyFile: string;
  /** 32 random bytes (base64url, mode 0600) with which auth encrypts TOTP secrets at rest; only auth reads it. */
  totpKeyFile: string;
}

export const TOTP_KEY_FILE_NAME = 'totp-encryption.key';

/**
 * Makes sure `dir` holds an Ed25519 key pair for signing access tokens: `jwt-private.jwk.json` (mode 0600,
 * read only by auth) and `jwt-public.jwk.json` (read by every service); and an X25519 pair sealing link
 * tokens: `link-seal-private.jwk.json` (0600, read only by notification) and `link-seal-public.jwk.json`
 * (read by auth). Existing keys are kept. Safe when
 * several processes call it at once: each file appears atomically (written aside, then hard-linked into place).
 */
export async function ensureDevKeys(dir: string): Promise<DevKeys> {
  mkdirSync(dir, { recursive: true });
  const privateKeyFile = join(dir, 'jwt-private.jwk.json');
  const publicKeyFile = join(dir, 'jwt-public.jwk.json');

  let privateJwk = readJwk(privateKeyFile);
  if (!privateJwk) {
    const { privateKey } = await generateKeyPair(JWT_ALGORITHM, { crv: 'Ed25519', extractable: true });
    const jwk = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(publicPart(jwk));
    createExclusive(privateKeyFile, { ...jwk, alg: JWT_ALGORITHM, use: 'sig', kid }, 0o600);
    // Another process may have won the race: whatever is in place now is the key.
    privateJwk = readJwk(privateKeyFile);
    if (!privateJwk) throw new Error(`could not create ${privateKeyFile}`);
  }
  const publicJwk = publicPart(privateJwk);
  const existingPublic = readJwk(publicKeyFile);
  if (!existingPublic || existingPublic.x !== publicJwk.x) {
    if (existingPublic) unlinkSync(publicKeyFile);
    createExclusive(publicKeyFile, publicJwk, 0o644);
  }
  const seal = ensureSealKeys(dir);
  const totpKeyFile = join(dir, TOTP_KEY_FILE_NAME);
  if (!existsSync(totpKeyFile))
    createExclusiveText(totpKeyFile, randomBytes(32).toString('base64url'), 0o600);
  return { privateKeyFile, publicKeyFile, kid: String(privateJwk.kid ?? ''), ...seal, totpKeyFile };
}

function ensureSealKeys(dir: string): { sealPrivateKeyFile: string; sealPublicKeyFile: string } {
  const sealPrivateKeyFile = join(dir, SEAL_PRIVATE_KEY_FILE_NAME);
  const sealPublicKeyFile = join(dir, SEAL_PUBLIC_KEY_FILE_NAME);
  let privateJwk = readJwk(sealPrivateKeyFile);
  if (!privateJwk) {
    createExclusive(sealPrivateKeyFile, generateSealKeyPair().privateJwk, 0o600);
    privateJwk = readJwk(sealPrivateKeyFile);
    if (!privateJwk) throw new Error(`could not create ${sealPrivateKeyFile}`);
  }
  const publicJwk = {
    ...createPublicKey(createPrivateKey({ key: privateJwk as never, format: 'jwk' })).export({
      format: 'jwk',
    }),
    use: 'enc',
  };
  const existingPublic = readJwk(sealPublicKeyFile);
  if (!existingPublic || existingPublic.x !== publicJwk.x) {
    if (existingPublic) unlinkSync(sealPublicKeyFile);
    createExclusive(sealPublicKeyFile, publicJwk, 0o644);
  }
  return { sealPrivateKeyFile, sealPublicKeyFile };
}

/** The public members of an OKP/EC JWK (drops `d`). */
export function publicPart(jwk: JWK): JWK {
  const { d: _d, ...rest } = jwk;
  void _d;
  return rest;
}

function readJwk(file: string): JWK | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function createExclusive(file: string, content: object, mode: number): void {
  createExclusiveText(file, `${JSON.stringify(content, null, 2)}\n`, mode);
}

function createExclusiveText(file: string, content: string, mode: number): void {
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(temp, content, { mode, flag: 'wx' });
  chmodSync(temp, mode); // the umask may have narrowed or the file system ignored `mode`
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
}
