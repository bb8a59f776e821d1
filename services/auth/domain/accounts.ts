import { createHash } from 'node:crypto';
import type { AuthPublisher } from '@kada/contracts/services/auth/index.ts';
import { HttpError, isUniqueViolation, revokeSubject, uuidv7 } from '@kada/service-kit';
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { AuthDatabase, UsersTable } from '../db/schema.ts';
import type { AuthConfig } from './config.ts';
import { dummyHash, hashPassword, verifyPassword } from './passwords.ts';
import type { LoginThrottle } from './throttle.ts';
import {
  type AccessTokenSigner,
  type LinkTokenSealer,
  linkTokenContext,
  randomToken,
  tokenHash,
} from './tokens.ts';
import type { SecretBox } from './totp.ts';
import { checkSecondFactor, type SecondFactor, twoFactorRequired } from './two-factor.ts';

export type Tx = Transaction<AuthDatabase>;

/** What the account operations need; `run` is the runtime's transaction with the outbox-bound publisher. */
export interface AuthDeps {
  db: Kysely<AuthDatabase>;
  run<R>(fn: (tx: Tx, publish: AuthPublisher) => Promise<R>): Promise<R>;
  signer: AccessTokenSigner;
  /** Seals the link tokens put in events, for the notification service alone. */
  sealer: LinkTokenSealer;
  /** Encrypts TOTP secrets at rest and hashes recovery codes. */
  secrets: SecretBox;
  config: AuthConfig;
  throttle: LoginThrottle;
  /** Passwords checked against an account's hash, by outcome: at most the lock threshold per lock window. */
  passwordChecks: { inc(labels: { outcome: 'match' | 'mismatch' }): void };
  log: Logger;
  now(): Date;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface RegisteredUser {
  userId: string;
  email: string;
  name: string;
  role: 'buyer' | 'seller';
  emailVerified: boolean;
}

const invalidCredentials = () => new HttpError(401, 'Unauthorized', 'The email or password is not right.');
const invalidRefresh = () => new HttpError(401, 'Unauthorized', 'The refresh token is not valid.');
const invalidLinkToken = () =>
  new HttpError(400, 'Invalid token', 'The link is not valid or has expired.', {
    type: 'https://kada-mandiya.example/problems/invalid-token',
  });

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
const iso = (date: Date): string => date.toISOString();
const plus = (date: Date, seconds: number): Date => new Date(date.getTime() + seconds * 1000);
const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** Creates the account; emits user.registered and user.email_verification_requested. */
export async function register(
  deps: AuthDeps,
  input: { email: string; password: string; name: string; role: 'buyer' | 'seller' },
): Promise<RegisteredUser> {
  const email = normalizeEmail(input.email);
  const taken = await deps.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  const passwordHash = await hashPassword(input.password);
  const now = deps.now();
  const userId = uuidv7(now.getTime());
  // A taken address gets the same answer as a new one (no account enumeration); nothing is stored or sent.
  const lookalike: RegisteredUser = {
    userId,
    email,
    name: input.name,
    role: input.role,
    emailVerified: false,
  };
  if (taken) return lookalike;
  const token = randomToken();
  const sealedToken = await deps.sealer.seal(
    token,
    linkTokenContext('user.email_verification_requested', userId),
  );
  try {
    await deps.run(async (tx, publish) => {
      await tx
        .insertInto('users')
        .values({
          id: userId,
          email,
          name: input.name,
          role: input.role,
          password_hash: passwordHash,
          email_verified: 0,
          failed_logins: 0,
          locked_until: null,
          created_at: iso(now),
          updated_at: iso(now),
        })
        .execute();
      const expiresAt = iso(plus(now, deps.config.emailVerificationTtlSeconds));
      await tx
        .insertInto('one_time_tokens')
        .values({
          token_hash: tokenHash(token),
          user_id: userId,
          purpose: 'verify_email',
          created_at: iso(now),
          expires_at: expiresAt,
          used_at: null,
        })
        .execute();
      await publish.userRegisteredV1(
        { userId, email, name: input.name, role: input.role, registeredAt: iso(now) },
        { orderingKey: userId },
      );
      await publish.userEmailVerificationRequestedV2(
        { userId, email, sealedToken, expiresAt },
        { orderingKey: userId },
      );
    });
  } catch (error) {
    if (isUniqueViolation(error)) return lookalike;
    throw error;
  }
  deps.log.info({ userId }, 'user registered');
  return lookalike;
}

/** Lifts an expired lock (once, whoever gets there first) and emits user.unlocked. */
async function liftExpiredLock(
  tx: Tx,
  publish: AuthPublisher,
  user: UsersTable,
  now: Date,
): Promise<boolean> {
  if (user.locked_until === null || user.locked_until > iso(now)) return false;
  const result = await tx
    .updateTable('users')
    .set({ locked_until: null, failed_logins: 0, updated_at: iso(now) })
    .where('id', '=', user.id)
    .where('locked_until', '=', user.locked_until)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  await publish.userUnlockedV1({ userId: user.id, email: user.email }, { orderingKey: user.id });
  return true;
}

/** Every lock that has run out is lifted and announced; returns how many. */
export async function unlockExpired(deps: AuthDeps): Promise<number> {
  const now = deps.now();
  const due = await deps.db
    .selectFrom('users')
    .selectAll()
    .where('locked_until', '<=', iso(now))
    .limit(100)
    .execute();
  let lifted = 0;
  for (const user of due) {
    if (await deps.run((tx, publish) => liftExpiredLock(tx, publish, user, now))) lifted += 1;
  }
  return lifted;
}

type LoginOutcome =
  | { kind: 'ok'; tokens: TokenPair }
  | { kind: 'failed' }
  | { kind: 'locked' }
  | { kind: 'code-required' };

const slowDown = (seconds: number) =>
  new HttpError(
    429,
    'Too Many Requests',
    'Too many failed logins from this client; wait before trying again.',
    {
      type: 'https://kada-mandiya.example/problems/rate-limited',
      headers: { 'Retry-After': String(seconds) },
    },
  );

/**
 * Checks the credentials. Every attempt is counted before the password is verified (so parallel guesses cannot
 * outrun the lock: at most `lockoutThreshold` of them are ever verified); reaching the threshold locks the
 * account (user.locked). A success resets the count, remembers the client and emits user.login_alert when the
 * IP or user agent is new for this user. Unknown address, wrong password and locked account give the same 401
 * (no enumeration); a client that keeps failing waits longer and longer (429, see LoginThrottle).
 * With two-factor on, the right password without a code answers that a code is required (the attempt stays
 * counted until a login succeeds), and a wrong or reused code is a failed login like a wrong password, so the
 * lock and the client throttle bound code guessing as they bound password guessing.
 */
export async function login(
  deps: AuthDeps,
  input: {
    email: string;
    password: string;
    ip: string;
    userAgent: string | null;
    totpCode?: string | undefined;
    recoveryCode?: string | undefined;
  },
): Promise<TokenPair> {
  const wait = deps.throttle.waitSeconds(input.ip);
  if (wait > 0) throw slowDown(wait);
  const refuse = (): HttpError => {
    deps.throttle.failed(input.ip);
    return invalidCredentials();
  };
  const email = normalizeEmail(input.email);
  const user = await deps.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  if (!user) {
    await verifyPassword(await dummyHash(), input.password);
    throw refuse();
  }
  const threshold = deps.config.lockoutThreshold;
  const started = deps.now();
  const counted = await deps.run(async (tx, publish) => {
    await liftExpiredLock(tx, publish, user, started);
    const result = await tx
      .updateTable('users')
      .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1), updated_at: iso(started) }))
      .where('id', '=', user.id)
      .where('failed_logins', '<', threshold)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', iso(started))]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  });
  if (!counted) {
    // Locked, or the attempts left are all taken by guesses still being verified: refuse unverified, in
    // about the same time a verification takes.
    await verifyPassword(await dummyHash(), input.password);
    throw refuse();
  }
  const passwordOk = await verifyPassword(user.password_hash, input.password);
  deps.passwordChecks.inc({ outcome: passwordOk ? 'match' : 'mismatch' });
  const now = deps.now();
  const seconds = deps.config.lockoutSeconds;

  const outcome = await deps.run(async (tx, publish): Promise<LoginOutcome> => {
    const second: SecondFactor = passwordOk ? await checkSecondFactor(tx, deps, user.id, input, now) : 'off';
    if (second === 'required') return { kind: 'code-required' };
    if (!passwordOk || second === 'invalid') {
      const lockedUntil = iso(plus(now, seconds));
      const locked = await tx
        .updateTable('users')
        .set({ locked_until: lockedUntil, failed_logins: 0 })
        .where('id', '=', user.id)
        .where('failed_logins', '>=', threshold)
        .where('locked_until', 'is', null)
        .executeTakeFirst();
      if (Number(locked.numUpdatedRows) === 1) {
        await publish.userLockedV1(
          { userId: user.id, email: user.email, reason: 'TOO_MANY_FAILED_LOGINS', lockedUntil },
          { orderingKey: user.id },
        );
        return { kind: 'locked' };
      }
      return { kind: 'failed' };
    }
    // A lock that a parallel guess set while this one was being verified wins.
    const reset = await tx
      .updateTable('users')
      .set({ failed_logins: 0, updated_at: iso(now) })
      .where('id', '=', user.id)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', iso(now))]))
      .executeTakeFirst();
    if (Number(reset.numUpdatedRows) !== 1) return { kind: 'failed' };
    if (await rememberClient(tx, user.id, input.ip, input.userAgent, now)) {
      await publish.userLoginAlertV1(
        {
          userId: user.id,
          email: user.email,
          ip: input.ip,
          userAgent: input.userAgent === null ? null : input.userAgent.slice(0, 512),
          loggedInAt: iso(now),
        },
        { orderingKey: user.id },
      );
    }
    const refreshToken = await insertRefreshToken(tx, deps, user.id, uuidv7(now.getTime()), now);
    return { kind: 'ok', tokens: await tokenPair(deps, user, refreshToken) };
  });

  switch (outcome.kind) {
    case 'ok':
      return outcome.tokens;
    case 'locked':
      deps.log.warn({ userId: user.id }, 'account locked after failed logins');
      throw refuse();
    case 'failed':
      throw refuse();
    case 'code-required':
      throw twoFactorRequired();
  }
}

/**
 * Records the client's IP and user agent (hashed). True when the user has logged in before and this IP or
 * user agent is new: the first login sets the baseline and raises no alert.
 */
async function rememberClient(
  tx: Tx,
  userId: string,
  ip: string,
  userAgent: string | null,
  now: Date,
): Promise<boolean> {
  const seen = await tx
    .selectFrom('known_logins')
    .select(['kind', 'value_hash'])
    .where('user_id', '=', userId)
    .execute();
  const wanted = [
    { kind: 'ip' as const, value_hash: sha256(`ip:${ip}`) },
    { kind: 'ua' as const, value_hash: sha256(`ua:${userAgent ?? ''}`) },
  ];
  let fresh = false;
  for (const entry of wanted) {
    const known = seen.some((row) => row.kind === entry.kind && row.value_hash === entry.value_hash);
    if (known) {
      await tx
        .updateTable('known_logins')
        .set({ last_seen_at: iso(now) })
        .where('user_id', '=', userId)
        .where('kind', '=', entry.kind)
        .where('value_hash', '=', entry.value_hash)
        .execute();
    } else {
      fresh = true;
      await tx
        .insertInto('known_logins')
        .values({ user_id: userId, ...entry, first_seen_at: iso(now), last_seen_at: iso(now) })
        .execute();
    }
  }
  return fresh && seen.length > 0;
}

async function insertRefreshToken(tx: Tx, deps: AuthDeps, userId: string, familyId: string, now: Date) {
  const token = randomToken();
  const id = uuidv7(now.getTime());
  await tx
    .insertInto('refresh_tokens')
    .values({
      id,
      user_id: userId,
      family_id: familyId,
      token_hash: tokenHash(token),
      created_at: iso(now),
      expires_at: iso(plus(now, deps.config.refreshTokenTtlSeconds)),
      revoked_at: null,
      replaced_by: null,
    })
    .execute();
  return { id, token };
}

async function tokenPair(
  deps: AuthDeps,
  user: Pick<UsersTable, 'id' | 'role' | 'email' | 'email_verified'>,
  refresh: { token: string },
): Promise<TokenPair> {
  return {
    accessToken: await deps.signer.sign({
      userId: user.id,
      role: user.role,
      email: user.email,
      emailVerified: Boolean(user.email_verified),
    }),
    refreshToken: refresh.token,
    tokenType: 'Bearer',
    expiresIn: deps.signer.ttlSeconds,
  };
}

async function revokeFamily(tx: Tx, familyId: string, now: Date): Promise<void> {
  await tx
    .updateTable('refresh_tokens')
    .set({ revoked_at: iso(now) })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

/**
 * Rotates a refresh token: the old one is revoked and points at its successor. Presenting a token that was
 * already rotated means it leaked (or a client raced itself): the whole family is revoked.
 */
export async function refresh(deps: AuthDeps, refreshToken: string): Promise<TokenPair> {
  const now = deps.now();
  const outcome = await deps.run(async (tx): Promise<TokenPair | 'invalid' | 'reused'> => {
    const row = await tx
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash(refreshToken))
      .executeTakeFirst();
    if (!row) return 'invalid';
    if (row.revoked_at !== null) {
      if (row.replaced_by === null) return 'invalid';
      await revokeFamily(tx, row.family_id, now);
      return 'reused';
    }
    if (row.expires_at <= iso(now)) return 'invalid';
    const user = await tx.selectFrom('users').selectAll().where('id', '=', row.user_id).executeTakeFirst();
    if (!user || (user.locked_until !== null && user.locked_until > iso(now))) return 'invalid';
    const next = await insertRefreshToken(tx, deps, user.id, row.family_id, now);
    const rotated = await tx
      .updateTable('refresh_tokens')
      .set({ revoked_at: iso(now), replaced_by: next.id })
      .where('id', '=', row.id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(rotated.numUpdatedRows) !== 1) {
      await revokeFamily(tx, row.family_id, now);
      return 'reused';
    }
    return tokenPair(deps, user, next);
  });
  if (outcome === 'reused') {
    deps.log.warn('refresh token reused; its family is revoked');
    throw invalidRefresh();
  }
  if (outcome === 'invalid') throw invalidRefresh();
  return outcome;
}

/** Ends the session the refresh token belongs to (its whole family), if it is the caller's. */
export async function logout(deps: AuthDeps, userId: string, refreshToken: string): Promise<void> {
  const now = deps.now();
  await deps.run(async (tx) => {
    const row = await tx
      .selectFrom('refresh_tokens')
      .select(['family_id', 'user_id'])
      .where('token_hash', '=', tokenHash(refreshToken))
      .executeTakeFirst();
    if (row && row.user_id === userId) await revokeFamily(tx, row.family_id, now);
  });
}

/** Consumes a single-use token of the given purpose; undefined when unknown, used or expired. */
async function consumeLinkToken(
  tx: Tx,
  token: string,
  purpose: 'verify_email' | 'password_reset',
  now: Date,
): Promise<string | undefined> {
  const hash = tokenHash(token);
  const row = await tx
    .selectFrom('one_time_tokens')
    .select(['user_id', 'expires_at', 'used_at'])
    .where('token_hash', '=', hash)
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  if (!row || row.used_at !== null || row.expires_at <= iso(now)) return undefined;
  const used = await tx
    .updateTable('one_time_tokens')
    .set({ used_at: iso(now) })
    .where('token_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(used.numUpdatedRows) === 1 ? row.user_id : undefined;
}

export async function verifyEmail(deps: AuthDeps, token: string): Promise<void> {
  const now = deps.now();
  const ok = await deps.run(async (tx) => {
    const userId = await consumeLinkToken(tx, token, 'verify_email', now);
    if (!userId) return false;
    await tx
      .updateTable('users')
      .set({ email_verified: 1, updated_at: iso(now) })
      .where('id', '=', userId)
      .execute();
    return true;
  });
  if (!ok) throw invalidLinkToken();
}

/** Always succeeds (no account enumeration); a known address gets user.password_reset_requested. */
export async function requestPasswordReset(deps: AuthDeps, rawEmail: string): Promise<void> {
  const email = normalizeEmail(rawEmail);
  const user = await deps.db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('email', '=', email)
    .executeTakeFirst();
  if (!user) return;
  const now = deps.now();
  const token = randomToken();
  const sealedToken = await deps.sealer.seal(
    token,
    linkTokenContext('user.password_reset_requested', user.id),
  );
  const expiresAt = iso(plus(now, deps.config.passwordResetTtlSeconds));
  await deps.run(async (tx, publish) => {
    // Only the newest link works.
    await tx
      .updateTable('one_time_tokens')
      .set({ used_at: iso(now) })
      .where('user_id', '=', user.id)
      .where('purpose', '=', 'password_reset')
      .where('used_at', 'is', null)
      .execute();
    await tx
      .insertInto('one_time_tokens')
      .values({
        token_hash: tokenHash(token),
        user_id: user.id,
        purpose: 'password_reset',
        created_at: iso(now),
        expires_at: expiresAt,
        used_at: null,
      })
      .execute();
    await publish.userPasswordResetRequestedV2(
      { userId: user.id, email: user.email, sealedToken, expiresAt },
      { orderingKey: user.id },
    );
  });
}

/**
 * Sets the new password, revokes every refresh token of the user, and lifts a lock (user.unlocked): proving
 * control of the mailbox is as good as waiting the lock out.
 */
export async function confirmPasswordReset(
  deps: AuthDeps,
  token: string,
  newPassword: string,
): Promise<void> {
  const pending = await deps.db
    .selectFrom('one_time_tokens')
    .select(['used_at', 'expires_at'])
    .where('token_hash', '=', tokenHash(token))
    .where('purpose', '=', 'password_reset')
    .executeTakeFirst();
  if (!pending || pending.used_at !== null || pending.expires_at <= iso(deps.now())) throw invalidLinkToken();
  const passwordHash = await hashPassword(newPassword);
  const now = deps.now();
  const ok = await deps.run(async (tx, publish) => {
    const userId = await consumeLinkToken(tx, token, 'password_reset', now);
    if (!userId) return false;
    const user = await tx.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    if (!user) return false;
    await tx
      .updateTable('users')
      .set({ password_hash: passwordHash, failed_logins: 0, locked_until: null, updated_at: iso(now) })
      .where('id', '=', userId)
      .execute();
    await tx
      .updateTable('refresh_tokens')
      .set({ revoked_at: iso(now) })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
    if (user.locked_until !== null) {
      await publish.userUnlockedV1({ userId, email: user.email }, { orderingKey: userId });
    }
    return true;
  });
  if (!ok) throw invalidLinkToken();
}

/** Deletes the account and everything auth keeps about it; emits user.deleted (once). */
export async function deleteAccount(deps: AuthDeps, userId: string): Promise<void> {
  const now = deps.now();
  const deleted = await deps.run(async (tx, publish) => {
    await tx.deleteFrom('refresh_tokens').where('user_id', '=', userId).execute();
    await tx.deleteFrom('one_time_tokens').where('user_id', '=', userId).execute();
    await tx.deleteFrom('known_logins').where('user_id', '=', userId).execute();
    await tx.deleteFrom('two_factor').where('user_id', '=', userId).execute();
    await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    const result = await tx.deleteFrom('users').where('id', '=', userId).executeTakeFirst();
    if (Number(result.numDeletedRows) !== 1) return false;
    // Access tokens already issued live up to their expiry: refuse them here now (the other services do so
    // when user.deleted reaches them).
    await revokeSubject(tx, userId, now);
    await publish.userDeletedV1(
      { userId, deletedAt: iso(now), reason: 'USER_REQUEST' },
      { orderingKey: userId },
    );
    return true;
  });
  if (deleted) deps.log.info({ userId }, 'user deleted');
}
