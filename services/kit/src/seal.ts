import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Sealed link tokens: a secret auth puts in an event for the notification service alone (the e-mail
 * verification and password reset tokens of user.*_requested.v2). Public-key encryption to notification's
 * X25519 key: auth holds only the public key, notification the private one, so a copy of the event (a queue
 * bound to `user.#`, an audit log, a DLQ, an outbox row not yet sent) is useless without notification's key.
 *
 * Format (base64url): version 0x01 | ephemeral X25519 public key (32) | AES-256-GCM nonce (12) | ciphertext |
 * tag (16). The AES key is HKDF-SHA256 over the X25519 shared secret, salted with both public keys. The
 * `context` (event type and user id) is bound as associated data, so a sealed token cannot be moved into
 * another event or to another user.
 *
 *   given sealToken(publicKey, 'q3Zk…', 'user.password_reset_requested:0192…')
 *   want  'AU3x…' (135+ characters) that only openToken(privateKey, …, the same context) turns back into 'q3Zk…'
 */
const VERSION = 1;
const INFO = Buffer.from('kada link token seal v1');

export const SEAL_PUBLIC_KEY_FILE_NAME = 'link-seal-public.jwk.json';
export const SEAL_PRIVATE_KEY_FILE_NAME = 'link-seal-private.jwk.json';

function rawPublic(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('not an X25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

function aeadKey(shared: Buffer, ephemeral: Buffer, recipient: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephemeral, recipient]), INFO, 32));
}

export function sealToken(recipient: KeyObject, token: string, context: string): string {
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralRaw = rawPublic(ephemeral.publicKey);
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient });
  const key = aeadKey(shared, ephemeralRaw, rawPublic(recipient));
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(context));
  const sealed = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), ephemeralRaw, nonce, sealed, cipher.getAuthTag()]).toString(
    'base64url',
  );
}

/** The token, or throws when the sealed value is malformed, altered, for another context or another key. */
export function openToken(privateKey: KeyObject, sealedToken: string, context: string): string {
  const bytes = Buffer.from(sealedToken, 'base64url');
  if (bytes.length < 1 + 32 + 12 + 1 + 16 || bytes[0] !== VERSION) throw new Error('not a sealed token');
  const ephemeralRaw = bytes.subarray(1, 33);
  const nonce = bytes.subarray(33, 45);
  const tag = bytes.subarray(bytes.length - 16);
  const ciphertext = bytes.subarray(45, bytes.length - 16);
  const ephemeral = createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: ephemeralRaw.toString('base64url') },
    format: 'jwk',
  });
  const shared = diffieHellman({ privateKey, publicKey: ephemeral });
  const key = aeadKey(shared, ephemeralRaw, rawPublic(createPublicKey(privateKey)));
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
}

/** A fresh X25519 key pair as JWKs (private with `d`). */
export function generateSealKeyPair(): { privateJwk: object; publicJwk: object } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return {
    privateJwk: { ...privateKey.export({ format: 'jwk' }), use: 'enc' },
    publicJwk: { ...publicKey.export({ format: 'jwk' }), use: 'enc' },
  };
}

export async function loadSealPublicKey(file: string): Promise<KeyObject> {
  const jwk = JSON.parse(await readFile(file, 'utf8')) as { d?: unknown };
  if ('d' in jwk) throw new Error(`${file} holds a private key; auth needs only the public one`);
  return createPublicKey({ key: jwk as never, format: 'jwk' });
}

export async function loadSealPrivateKey(file: string): Promise<KeyObject> {
  return createPrivateKey({ key: JSON.parse(await readFile(file, 'utf8')) as never, format: 'jwk' });
}

/**
 * Where the seal keys are: LINK_SEAL_PUBLIC_KEY_FILE / LINK_SEAL_PRIVATE_KEY_FILE, else beside the JWT keys
 * (ensureDevKeys makes both pairs in one directory).
 */
export function sealKeyFiles(env: Readonly<Record<string, string | undefined>>, jwtKeyFile: string) {
  return {
    publicKeyFile: env.LINK_SEAL_PUBLIC_KEY_FILE || join(dirname(jwtKeyFile), SEAL_PUBLIC_KEY_FILE_NAME),
    privateKeyFile: env.LINK_SEAL_PRIVATE_KEY_FILE || join(dirname(jwtKeyFile), SEAL_PRIVATE_KEY_FILE_NAME),
  };
}

/** Opens sealed link tokens with the private key in `privateKeyFile` (read on first use; a failed read is retried). */
export function createLinkTokenOpener(privateKeyFile: string): {
  open(sealedToken: string, context: string): Promise<string>;
} {
  let loaded: Promise<KeyObject> | undefined;
  return {
    async open(sealedToken, context) {
      loaded ??= loadSealPrivateKey(privateKeyFile).catch((error: unknown) => {
        loaded = undefined;
        throw error;
      });
      return openToken(await loaded, sealedToken, context);
    },
  };
}
