import { readFile } from 'node:fs/promises';
import type { Request, RequestHandler } from 'express';
import { decodeProtectedHeader, importJWK, type JWK, errors as joseErrors, jwtVerify } from 'jose';
import type { ServiceConfig } from './config.ts';
import { HttpError } from './errors.ts';

export type Role = 'buyer' | 'seller' | 'admin';

/** The caller, from a verified access token. */
export interface AuthUser {
  /** The user id (`sub`). */
  id: string;
  role: Role;
  email: string;
}

declare global {
  namespace Express {
    interface Request {
      /** Set by requireAuth. */
      user?: AuthUser;
      /** Set by the correlation middleware: the request's x-correlation-id. */
      correlationId?: string;
    }
  }
}

type VerifyKey = Awaited<ReturnType<typeof importJWK>>;
interface CachedKey {
  key: VerifyKey;
  kid: string | undefined;
  alg: string;
  loadedAt: number;
}

const ALGORITHMS = ['EdDSA', 'Ed25519', 'ES256'];
/** A token whose `kid` we do not know triggers at most one reload of the key file per this interval. */
const RELOAD_INTERVAL_MS = 5_000;
const keyCache = new Map<string, Promise<CachedKey>>();

async function loadKey(file: string): Promise<CachedKey> {
  const jwk = JSON.parse(await readFile(file, 'utf8')) as JWK;
  if ('d' in jwk) throw new Error(`${file} holds a private key; services read only the public key`);
  const alg = jwk.alg ?? (jwk.kty === 'EC' ? 'ES256' : 'EdDSA');
  return { key: await importJWK(jwk, alg), kid: jwk.kid, alg, loadedAt: Date.now() };
}

/** The public key from the file, loaded on first use and cached; a failed load is retried on the next call. */
function publicKey(file: string, reload = false): Promise<CachedKey> {
  let entry = keyCache.get(file);
  if (!entry || reload) {
    entry = loadKey(file);
    keyCache.set(file, entry);
    entry.catch(() => {
      if (keyCache.get(file) === entry) keyCache.delete(file);
    });
  }
  return entry;
}

const unauthorized = (detail: string, error = 'invalid_token'): HttpError =>
  new HttpError(401, 'Unauthorized', detail, {
    headers: { 'WWW-Authenticate': `Bearer realm="kada", error="${error}"` },
  });

/**
 * Verifies an access token (signature with the public key, `iss` kada-auth, `aud` kada, expiry) and returns
 * the caller. Throws HttpError 401 for any token problem; other errors (no key file) are server errors.
 */
export async function verifyAccessToken(
  token: string,
  config: Pick<ServiceConfig, 'jwt'>,
): Promise<AuthUser> {
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    throw unauthorized('The bearer token is not a JWT.');
  }
  let cached = await publicKey(config.jwt.publicKeyFile);
  if (kid !== undefined && cached.kid !== undefined && kid !== cached.kid) {
    if (Date.now() - cached.loadedAt > RELOAD_INTERVAL_MS)
      cached = await publicKey(config.jwt.publicKeyFile, true);
  }
  try {
    const { payload } = await jwtVerify(token, cached.key, {
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      algorithms: ALGORITHMS,
      requiredClaims: ['sub', 'exp'],
      clockTolerance: 5,
    });
    const role = payload.role;
    const email = payload.email;
    if (typeof payload.sub !== 'string' || typeof email !== 'string' || !isRole(role)) {
      throw unauthorized('The token lacks the sub, role or email claim.');
    }
    return { id: payload.sub, role, email };
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw unauthorized('The token has expired.');
    if (error instanceof joseErrors.JOSEError) throw unauthorized('The token is not valid.');
    throw error;
  }
}

function isRole(value: unknown): value is Role {
  return value === 'buyer' || value === 'seller' || value === 'admin';
}

/** The Authorization: Bearer token of a request, or undefined. */
export function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Middleware: requires a valid access token (401 otherwise) and, when `roles` is given, one of those roles
 * (403 otherwise). Sets `req.user`.
 */
export function requireAuth(
  ctx: { config: Pick<ServiceConfig, 'jwt'> },
  roles?: readonly Role[],
): RequestHandler {
  return (req, _res, next) => {
    const token = bearerToken(req);
    if (!token) {
      next(
        new HttpError(401, 'Unauthorized', 'A bearer token is required.', {
          headers: { 'WWW-Authenticate': 'Bearer realm="kada"' },
        }),
      );
      return;
    }
    verifyAccessToken(token, ctx.config).then(
      (user) => {
        if (roles && roles.length > 0 && !roles.includes(user.role)) {
          next(new HttpError(403, 'Forbidden', `This needs the role ${roles.join(' or ')}.`));
          return;
        }
        req.user = user;
        next();
      },
      (error: unknown) => next(error),
    );
  };
}

/** The caller set by requireAuth; throws 401 when the route was not behind requireAuth. */
export function currentUser(req: Request): AuthUser {
  if (!req.user) throw new HttpError(401, 'Unauthorized', 'A bearer token is required.');
  return req.user;
}
