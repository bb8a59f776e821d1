import { readFile } from 'node:fs/promises';
import type { Request, RequestHandler } from 'express';
import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  importJWK,
  type JWK,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import type { ServiceConfig } from './config.ts';
import { HttpError, PROBLEM_BASE } from './errors.ts';
import { MAX_TOKEN_AGE_SECONDS, type SubjectRevocations } from './revocations.ts';

export type Role = 'buyer' | 'seller' | 'admin';

/** The caller, from a verified access token. */
export interface AuthUser {
  /** The user id (`sub`). */
  id: string;
  role: Role;
  email: string;
  /** The `email_verified` claim: the user proved control of the address (auth's verify-email). */
  emailVerified: boolean;
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
  kid: string;
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
  // A key without `kid` is known by its RFC 7638 thumbprint, as ensureDevKeys names it.
  const kid = jwk.kid ?? (await calculateJwkThumbprint(jwk));
  return { key: await importJWK(jwk, alg), kid, alg, loadedAt: Date.now() };
}

/** The access-token media type auth puts in `typ` (RFC 9068); an ID token or any other JWT is not accepted. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
const MAX_TOKEN_LENGTH = 4096;

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
 * Verifies an access token (`kid` present and ours, `typ` at+jwt, signature with the public key, `iss`
 * kada-auth, `aud` kada, expiry, `iat` at most an hour ago) and returns the caller. Throws HttpError 401 for any
 * token problem, whatever the library throws; only a missing or broken key file is a server error.
 */
export async function verifyAccessToken(
  token: string,
  config: Pick<ServiceConfig, 'jwt'>,
): Promise<AuthUser> {
  // Ours are a few hundred bytes; a huge one is an attack on the parser, not a credential.
  if (token.length > MAX_TOKEN_LENGTH) throw unauthorized('The token is too large.');
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    throw unauthorized('The bearer token is not a JWT.');
  }
  if (typeof kid !== 'string' || kid === '') throw unauthorized('The token names no key (kid).');
  let cached = await publicKey(config.jwt.publicKeyFile);
  if (kid !== cached.kid && Date.now() - cached.loadedAt > RELOAD_INTERVAL_MS)
    cached = await publicKey(config.jwt.publicKeyFile, true);
  if (kid !== cached.kid) throw unauthorized('The token was signed with a key we do not know.');
  try {
    const { payload } = await jwtVerify(token, cached.key, {
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      algorithms: [cached.alg].filter((alg) => ALGORITHMS.includes(alg)),
      typ: ACCESS_TOKEN_TYPE,
      requiredClaims: ['sub', 'exp', 'iat'],
      maxTokenAge: MAX_TOKEN_AGE_SECONDS,
      clockTolerance: 5,
    });
    const role = payload.role;
    const email = payload.email;
    if (typeof payload.sub !== 'string' || typeof email !== 'string' || !isRole(role)) {
      throw unauthorized('The token lacks the sub, role or email claim.');
    }
    return { id: payload.sub, role, email, emailVerified: payload.email_verified === true };
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (error instanceof joseErrors.JWTExpired) throw unauthorized('The token has expired.');
    // Not only JOSEError: a token whose `alg` does not fit the key makes the crypto layer throw a TypeError.
    // Whatever went wrong, it was the token that did not verify.
    throw unauthorized('The token is not valid.');
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
 * Middleware: requires a valid access token (401 otherwise) whose subject is not revoked (a deleted user: 401,
 * when `ctx.revocations` is given, as startService's context does) and, when `roles` is given, one of those
 * roles (403 otherwise); with `verifiedEmail`, a token that says the email is verified (403 otherwise). Sets
 * `req.user`.
 */
export function requireAuth(
  ctx: { config: Pick<ServiceConfig, 'jwt'>; revocations?: SubjectRevocations },
  roles?: readonly Role[],
  options: { verifiedEmail?: boolean } = {},
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
    verifyAccessToken(token, ctx.config)
      .then(async (user) => {
        if (ctx.revocations && (await ctx.revocations.isRevoked(user.id)))
          throw unauthorized('The account behind this token no longer exists.');
        return user;
      })
      .then(
        (user) => {
          if (roles && roles.length > 0 && !roles.includes(user.role)) {
            next(new HttpError(403, 'Forbidden', `This needs the role ${roles.join(' or ')}.`));
            return;
          }
          if (options.verifiedEmail && !user.emailVerified) {
            next(
              new HttpError(
                403,
                'Email not verified',
                'Verify your email address first, then log in again.',
                {
                  type: `${PROBLEM_BASE}email-not-verified`,
                },
              ),
            );
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
