import { randomBytes } from 'node:crypto';
import { HttpError, PROBLEM_BASE } from '@kada/service-kit';
import type { AuthDeps, Tx } from './accounts.ts';
import { verifyPassword } from './passwords.ts';
import { matchTotp, newRecoveryCode, otpauthUri } from './totp.ts';

const RECOVERY_CODES = 10;
const iso = (date: Date): string => date.toISOString();

/** What a login's second factor came to. */
export type SecondFactor = 'off' | 'ok' | 'required' | 'invalid';

/**
 * Checks the second factor of a login whose password was right, in the login's transaction. A TOTP code is
 * claimed by moving `last_step` forward (so it cannot be used twice, even by two requests at once); a
 * recovery code is claimed by setting `used_at`.
 */
export async function checkSecondFactor(
  tx: Tx,
  deps: AuthDeps,
  userId: string,
  input: { totpCode?: string | undefined; recoveryCode?: string | undefined },
  now: Date,
): Promise<SecondFactor> {
  const row = await tx
    .selectFrom('two_factor')
    .selectAll()
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is not', null)
    .executeTakeFirst();
  if (!row) return 'off';
  if (input.totpCode !== undefined) {
    const secret = deps.secrets.open(row.secret_sealed, userId);
    const lastStep = row.last_step === null ? null : Number(row.last_step);
    const step = matchTotp(secret, input.totpCode, now.getTime() / 1000, lastStep);
    if (step === undefined) return 'invalid';
    const claimed = await tx
      .updateTable('two_factor')
      .set({ last_step: step })
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
      .executeTakeFirst();
    return Number(claimed.numUpdatedRows) === 1 ? 'ok' : 'invalid';
  }
  if (input.recoveryCode !== undefined) {
    const used = await tx
      .updateTable('recovery_codes')
      .set({ used_at: iso(now) })
      .where('code_hash', '=', deps.secrets.codeHash(input.recoveryCode))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(used.numUpdatedRows) === 1 ? 'ok' : 'invalid';
  }
  return 'required';
}

export const twoFactorRequired = (): HttpError =>
  new HttpError(
    401,
    'Two-factor code required',
    'This account has two-factor authentication on: send the password again with totpCode (or recoveryCode).',
    {
      type: `${PROBLEM_BASE}two-factor-required`,
      headers: { 'WWW-Authenticate': 'Bearer realm="kada", error="two_factor_required"' },
    },
  );

/** Starts (or restarts) TOTP enrolment; the secret is answered once and stored encrypted. */
export async function enrolTotp(
  deps: AuthDeps,
  userId: string,
): Promise<{ secret: string; otpauthUri: string }> {
  const now = deps.now();
  const secret = randomBytes(20);
  const result = await deps.run(async (tx) => {
    const user = await tx.selectFrom('users').select(['email']).where('id', '=', userId).executeTakeFirst();
    if (!user) return undefined;
    const existing = await tx
      .selectFrom('two_factor')
      .select(['confirmed_at'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (existing?.confirmed_at) return 'enabled' as const;
    if (existing) await tx.deleteFrom('two_factor').where('user_id', '=', userId).execute();
    await tx
      .insertInto('two_factor')
      .values({
        user_id: userId,
        secret_sealed: deps.secrets.seal(secret, userId),
        confirmed_at: null,
        last_step: null,
        created_at: iso(now),
      })
      .execute();
    return otpauthUri(secret, user.email);
  });
  if (result === undefined) throw new HttpError(401, 'Unauthorized', 'The account no longer exists.');
  if (result === 'enabled')
    throw new HttpError(409, 'Conflict', 'Two-factor authentication is already on; turn it off first.');
  const base32Secret = new URL(result).searchParams.get('secret') ?? '';
  return { secret: base32Secret, otpauthUri: result };
}

/** Confirms enrolment with a first code: two-factor is on, user.two_factor_enabled goes out, recovery codes come back. */
export async function confirmTotp(deps: AuthDeps, userId: string, code: string): Promise<string[]> {
  const now = deps.now();
  const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
  const ok = await deps.run(async (tx, publish) => {
    const row = await tx
      .selectFrom('two_factor')
      .selectAll()
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is', null)
      .executeTakeFirst();
    const user = await tx.selectFrom('users').select(['email']).where('id', '=', userId).executeTakeFirst();
    if (!row || !user) return false;
    const step = matchTotp(deps.secrets.open(row.secret_sealed, userId), code, now.getTime() / 1000, null);
    if (step === undefined) return false;
    const confirmed = await tx
      .updateTable('two_factor')
      .set({ confirmed_at: iso(now), last_step: step })
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is', null)
      .executeTakeFirst();
    if (Number(confirmed.numUpdatedRows) !== 1) return false;
    await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    await tx
      .insertInto('recovery_codes')
      .values(codes.map((c) => ({ code_hash: deps.secrets.codeHash(c), user_id: userId, used_at: null })))
      .execute();
    await publish.userTwoFactorEnabledV1(
      { userId, email: user.email, method: 'totp' },
      { orderingKey: userId },
    );
    return true;
  });
  if (!ok)
    throw new HttpError(400, 'Invalid code', 'The code is not right, or there is no enrolment to confirm.', {
      type: `${PROBLEM_BASE}invalid-code`,
    });
  deps.log.info({ userId }, 'two-factor enabled');
  return codes;
}

/**
 * Turns two-factor off with the password and a current code or an unused recovery code. A failure counts
 * against the client like a failed login (LoginThrottle), so codes cannot be guessed here either.
 */
export async function disableTwoFactor(
  deps: AuthDeps,
  userId: string,
  input: { password: string; totpCode?: string; recoveryCode?: string; ip: string },
): Promise<void> {
  const wait = deps.throttle.waitSeconds(input.ip);
  if (wait > 0)
    throw new HttpError(429, 'Too Many Requests', 'Too many failed attempts from this client; wait.', {
      type: `${PROBLEM_BASE}rate-limited`,
      headers: { 'Retry-After': String(wait) },
    });
  const refuse = () => {
    deps.throttle.failed(input.ip);
    return new HttpError(403, 'Forbidden', 'The password or code is not right.');
  };
  if (input.totpCode === undefined && input.recoveryCode === undefined) throw refuse();
  const user = await deps.db
    .selectFrom('users')
    .select(['email', 'password_hash'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user || !(await verifyPassword(user.password_hash, input.password))) throw refuse();
  const now = deps.now();
  const ok = await deps.run(async (tx, publish) => {
    const factor = await checkSecondFactor(tx, deps, userId, input, now);
    if (factor !== 'ok') return false;
    await tx.deleteFrom('two_factor').where('user_id', '=', userId).execute();
    await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    await publish.userTwoFactorDisabledV1(
      { userId, email: user.email, method: 'totp' },
      { orderingKey: userId },
    );
    return true;
  });
  if (!ok) throw refuse();
  deps.log.info({ userId }, 'two-factor disabled');
}
