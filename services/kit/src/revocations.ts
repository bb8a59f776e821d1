import { type Kysely, sql, type Transaction } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';

/**
 * Subjects whose access tokens are refused before they expire: a user deleted at auth (user.deleted). Every
 * service that authenticates requests records them in its own database, in the transaction of its
 * user.deleted handler, and requireAuth refuses their tokens. A row only has to outlive the tokens it
 * refuses: no token older than MAX_TOKEN_AGE_SECONDS is accepted anyway, so rows are pruned after that
 * (user ids are UUIDv7 and never come back).
 */
export interface RevokedSubjectsTable {
  subject: string;
  revoked_at: string;
}

interface KitTables {
  kada_revoked_subjects: RevokedSubjectsTable;
}

/**
 * Oldest `iat` verifyAccessToken accepts, whatever `exp` says (a token minted with a long life by mistake
 * still dies); a revocation is kept this long plus a margin.
 */
export const MAX_TOKEN_AGE_SECONDS = 3600;
const KEEP_MS = (MAX_TOKEN_AGE_SECONDS + 300) * 1000;

// biome-ignore lint/suspicious/noExplicitAny: the service's database, whatever its schema
type AnyDb = Kysely<any> | Transaction<any>;

/** Tables the kit keeps in every service's database, migrated apart from the service's own (own table). */
const kitMigrations: Record<string, Migration> = {
  '0001_revoked_subjects': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('kada_revoked_subjects')
        .ifNotExists()
        .addColumn('subject', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('revoked_at', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('kada_revoked_subjects').execute();
    },
  },
};

// biome-ignore lint/suspicious/noExplicitAny: the service's database, whatever its schema
export async function migrateKit(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => kitMigrations },
    migrationTableName: 'kada_kit_migration',
    migrationLockTableName: 'kada_kit_migration_lock',
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw new Error('the service kit migration failed', { cause: error });
}

/**
 * Records that `subject`'s tokens are no longer accepted (idempotent), and drops revocations old enough
 * that the token age limit refuses those tokens anyway. Call it in the handler's transaction.
 */
export async function revokeSubject(db: AnyDb, subject: string, now = new Date()): Promise<void> {
  const kit = db as unknown as Kysely<KitTables>;
  await kit
    .deleteFrom('kada_revoked_subjects')
    .where('revoked_at', '<', new Date(now.getTime() - KEEP_MS).toISOString())
    .execute();
  const known = await kit
    .selectFrom('kada_revoked_subjects')
    .select('subject')
    .where('subject', '=', subject)
    .executeTakeFirst();
  // A replica recording the same subject at once makes this insert fail; the handler's retry then finds it.
  if (!known)
    await kit
      .insertInto('kada_revoked_subjects')
      .values({ subject, revoked_at: now.toISOString() })
      .execute();
}

/** Whether a subject's tokens are refused; what requireAuth asks after the signature checks out. */
export interface SubjectRevocations {
  isRevoked(subject: string): Promise<boolean>;
}

// biome-ignore lint/suspicious/noExplicitAny: the service's database, whatever its schema
export function subjectRevocations(db: Kysely<any>): SubjectRevocations {
  const kit = db as Kysely<KitTables>;
  return {
    async isRevoked(subject) {
      const row = await kit
        .selectFrom('kada_revoked_subjects')
        .select(sql<number>`1`.as('one'))
        .where('subject', '=', subject)
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}
