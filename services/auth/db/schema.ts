/** The auth service's tables. Timestamps are ISO-8601 text; booleans are 0/1 integers (portable across dialects). */
export interface UsersTable {
  id: string;
  /** Lower-cased and trimmed; unique. */
  email: string;
  name: string;
  role: 'buyer' | 'seller';
  password_hash: string;
  email_verified: number;
  /** Failed logins since the last success or lock. */
  failed_logins: number;
  /** Set while locked; cleared (with user.unlocked) when the lock expires or the user proves who they are. */
  locked_until: string | null;
  created_at: string;
  updated_at: string;
}

/** Refresh tokens: only a SHA-256 of the token is stored. A family is one login's chain of rotations. */
export interface RefreshTokensTable {
  id: string;
  user_id: string;
  family_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  /** Set when rotated (then `replaced_by` too), logged out or revoked with its family. */
  revoked_at: string | null;
  replaced_by: string | null;
}

/** Single-use email verification and password reset tokens (hashed). */
export interface OneTimeTokensTable {
  token_hash: string;
  user_id: string;
  purpose: 'verify_email' | 'password_reset';
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** IPs and user agents a user has logged in from, as SHA-256 hashes (for login alerts, without keeping the values). */
export interface KnownLoginsTable {
  user_id: string;
  kind: 'ip' | 'ua';
  value_hash: string;
  first_seen_at: string;
  last_seen_at: string;
}

/**
 * A user's TOTP second factor. The secret is encrypted (AES-256-GCM under TOTP_ENCRYPTION_KEY_FILE, bound to
 * the user id); `confirmed_at` null while enrolment waits for the first code.
 */
export interface TwoFactorTable {
  user_id: string;
  secret_sealed: string;
  confirmed_at: string | null;
  /** The last TOTP step accepted: a code is never accepted twice. */
  last_step: number | null;
  created_at: string;
}

/** One-time recovery codes, as keyed hashes (HMAC-SHA256). */
export interface RecoveryCodesTable {
  code_hash: string;
  user_id: string;
  used_at: string | null;
}

export interface AuthDatabase {
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  one_time_tokens: OneTimeTokensTable;
  known_logins: KnownLoginsTable;
  two_factor: TwoFactorTable;
  recovery_codes: RecoveryCodesTable;
}
