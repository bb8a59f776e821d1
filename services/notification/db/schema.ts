/**
 * Tables of the notification service. Timestamps are ISO-8601 UTC text (`toISOString()`), so they
 * compare correctly as strings on every dialect.
 */

/** The local copy of contact details, from user.registered; erased on user.deleted. */
export interface ContactsTable {
  user_id: string;
  email: string;
  name: string;
  phone: string | null;
  updated_at: string;
}

/** Users whose data was erased: a late user.registered must not bring their contact back. */
export interface ErasedUsersTable {
  user_id: string;
  erased_at: string;
}

export type NotificationChannel = 'email' | 'sms' | 'push';
export type NotificationStatus = 'pending' | 'sent' | 'failed' | 'skipped';

/** One message to one user on one channel, for one incoming event. No personal data. */
export interface NotificationsTable {
  /** Derived from (event id, channel), so a redelivered event maps to the same notification. */
  id: string;
  user_id: string;
  channel: NotificationChannel;
  template: string;
  /** The event that caused it. */
  event_id: string;
  priority: 'high' | 'normal';
  status: NotificationStatus;
  /** The provider that accepted it, when sent. */
  provider: string | null;
  /** Error code or kind, when failed or skipped (never personal data). */
  error: string | null;
  created_at: string;
  updated_at: string;
}

/** One row per delivery attempt (each provider tried) and per rate-limit skip. No personal data. */
export interface DeliveryLogTable {
  id: string;
  notification_id: string;
  user_id: string;
  channel: NotificationChannel;
  template: string;
  provider: string;
  status: 'sent' | 'failed' | 'skipped';
  error: string | null;
  created_at: string;
}

export interface NotificationDatabase {
  contacts: ContactsTable;
  erased_users: ErasedUsersTable;
  notifications: NotificationsTable;
  delivery_log: DeliveryLogTable;
}
