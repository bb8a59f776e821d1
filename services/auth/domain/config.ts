import { dirname, join } from 'node:path';
import { DEFAULT_PRIVATE_KEY_FILE, sealKeyFiles, TOTP_KEY_FILE_NAME } from '@kada/service-kit';

/** The auth service's settings, from the environment, with defaults in one place. */
export interface AuthConfig {
  privateKeyFile: string;
  /**
   * Notification's public X25519 key, sealing the link tokens in events (LINK_SEAL_PUBLIC_KEY_FILE; default
   * beside the JWT private key).
   */
  sealPublicKeyFile: string;
  /** 32 random bytes (base64url) encrypting TOTP secrets at rest (TOTP_ENCRYPTION_KEY_FILE; default beside the JWT key). */
  totpKeyFile: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  emailVerificationTtlSeconds: number;
  passwordResetTtlSeconds: number;
  /** Failed logins in a row that lock the account. */
  lockoutThreshold: number;
  lockoutSeconds: number;
  /** Failed logins one client may make before it has to wait (see LoginThrottle). */
  clientFreeFailures: number;
  /** The longest wait imposed on one client, and how long its failures are remembered. */
  clientMaxDelaySeconds: number;
  clientWindowSeconds: number;
  /** How often expired locks are lifted (and user.unlocked emitted) without waiting for a login. */
  unlockSweepMs: number;
}

export function loadAuthConfig(env: Readonly<Record<string, string | undefined>> = process.env): AuthConfig {
  const int = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`${name} must be a positive integer, got "${raw}"`);
    return value;
  };
  const privateKeyFile = env.JWT_PRIVATE_KEY_FILE || DEFAULT_PRIVATE_KEY_FILE;
  return {
    privateKeyFile,
    sealPublicKeyFile: sealKeyFiles(env, privateKeyFile).publicKeyFile,
    totpKeyFile: env.TOTP_ENCRYPTION_KEY_FILE || join(dirname(privateKeyFile), TOTP_KEY_FILE_NAME),
    accessTokenTtlSeconds: int('ACCESS_TOKEN_TTL_SECONDS', 15 * 60),
    refreshTokenTtlSeconds: int('REFRESH_TOKEN_TTL_SECONDS', 30 * 24 * 3600),
    emailVerificationTtlSeconds: int('EMAIL_VERIFICATION_TTL_SECONDS', 24 * 3600),
    passwordResetTtlSeconds: int('PASSWORD_RESET_TTL_SECONDS', 3600),
    lockoutThreshold: int('LOCKOUT_THRESHOLD', 5),
    lockoutSeconds: int('LOCKOUT_SECONDS', 15 * 60),
    clientFreeFailures: int('LOGIN_CLIENT_FREE_FAILURES', 5),
    clientMaxDelaySeconds: int('LOGIN_CLIENT_MAX_DELAY_SECONDS', 300),
    clientWindowSeconds: int('LOGIN_CLIENT_WINDOW_SECONDS', 15 * 60),
    unlockSweepMs: int('UNLOCK_SWEEP_MS', 30_000),
  };
}
