/** Postal address, as in specs/openapi/user.yaml (stored as JSON text). */
export interface Address {
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  country: string;
}

/** One profile per user, created from user.registered; erased on user.deleted. */
export interface ProfilesTable {
  user_id: string;
  email: string;
  name: string;
  role: 'buyer' | 'seller';
  phone: string | null;
  /** JSON of {@link Address}, or null. */
  address: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * Users whose data was erased (the id only, no personal data), so that a user.registered arriving after the
 * user.deleted of the same user does not bring the profile back.
 */
export interface ErasedUsersTable {
  user_id: string;
  erased_at: string;
}

export interface UserDatabase {
  profiles: ProfilesTable;
  erased_users: ErasedUsersTable;
}
