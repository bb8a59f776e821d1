import { resolve } from 'node:path';
import { DEFAULT_PUBLIC_KEY_FILE, sealKeyFiles } from '@kada/service-kit';

/** Settings of the notification service, read from the environment in one place. */
export interface NotificationConfig {
  /** Where the file email provider writes `<notificationId>.eml`. */
  outboxDir: string;
  /** Where the fallback email provider writes when the primary one fails. */
  fallbackDir: string;
  /** The simulated SMS and push providers append one line per message here. */
  deliveryLogFile: string;
  /** SMTP connection URL; when set, the primary email provider is SMTP instead of the outbox folder. */
  smtpUrl: string | undefined;
  from: string;
  /** Base URL of the web app, for links in emails. */
  appUrl: string;
  /** Notifications per user per rolling hour; beyond it they are skipped. */
  rateLimitPerHour: number;
  /** Provider names that always fail (failure injection for tests and demos). */
  failProviders: readonly string[];
  /**
   * Deliveries of an event that may wait for the user's contact (user.registered not seen yet) before
   * the notification is failed with a recipient error.
   */
  contactWaitAttempts: number;
  /**
   * The private X25519 key that opens the link tokens auth seals for this service alone
   * (LINK_SEAL_PRIVATE_KEY_FILE; default beside the JWT public key). No other service holds it.
   */
  sealPrivateKeyFile: string;
}

export function loadNotificationConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): NotificationConfig {
  const outboxDir = resolve(env.NOTIFY_OUTBOX_DIR || '.data/notification/outbox');
  return {
    outboxDir,
    fallbackDir: resolve(env.NOTIFY_FALLBACK_DIR || `${outboxDir}-fallback`),
    deliveryLogFile: resolve(env.NOTIFY_DELIVERY_LOG || '.data/notification/deliveries.log'),
    smtpUrl: env.SMTP_URL || undefined,
    from: env.NOTIFY_FROM || 'Kada Mandiya <no-reply@kada-mandiya.example>',
    appUrl: (env.APP_URL || 'http://localhost:8080').replace(/\/+$/, ''),
    rateLimitPerHour: positiveInt(env.NOTIFY_RATE_LIMIT_PER_HOUR, 20),
    failProviders: (env.NOTIFY_FAIL_PROVIDERS ?? '')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
    contactWaitAttempts: positiveInt(env.NOTIFY_CONTACT_WAIT_ATTEMPTS, 3),
    sealPrivateKeyFile: sealKeyFiles(env, env.JWT_PUBLIC_KEY_FILE || DEFAULT_PUBLIC_KEY_FILE).privateKeyFile,
  };
}

function positiveInt(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`expected a positive integer, got "${value}"`);
  return n;
}
