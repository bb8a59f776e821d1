import type { UserHandlerContext } from '@kada/contracts/services/user/index.ts';
import type { Envelope, EventSink } from '@kada/runtime';
import { openSqlite } from '@kada/runtime';
import { migrateService, uuidv7 } from '@kada/service-kit';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../db/migrations.ts';
import type { UserDatabase } from '../db/schema.ts';
import { handlers } from '../handlers/index.ts';
import { createTestDatabase, type Dialect } from './helpers.ts';

function envelope<T>(eventType: string, data: T): Envelope<T> {
  return {
    eventId: uuidv7(),
    eventType,
    version: 1,
    occurredAt: new Date().toISOString(),
    correlationId: 'corr-user-test',
    causationId: null,
    producer: 'auth',
    data,
  };
}

describe.each<Dialect>(['sqlite', 'postgres'])('user handlers on %s', (dialect) => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Kysely<UserDatabase>;
  const emitted: unknown[] = [];
  const sink: EventSink = {
    async emit(descriptor, data) {
      emitted.push({ type: descriptor.eventType, data });
      throw new Error('the user service publishes nothing');
    },
  };

  beforeAll(async () => {
    database = await createTestDatabase(dialect, 'kada_user_handlers');
    db = new Kysely<UserDatabase>({
      dialect:
        dialect === 'sqlite'
          ? new SqliteDialect({ database: openSqlite(database.url) })
          : new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 2 }) }),
    });
    await migrateService(db, migrations);
  });

  afterAll(async () => {
    await db?.destroy();
    await database?.drop();
  });

  /** Runs one handler as the runtime would: inside a transaction, through the generated interface. */
  async function deliver<K extends keyof typeof handlers>(
    name: K,
    event: Parameters<(typeof handlers)[K]>[0],
  ): Promise<void> {
    await db.transaction().execute(async (tx) => {
      const ctx: UserHandlerContext<UserDatabase> = {
        tx,
        sink,
        log: pino({ level: 'silent' }),
        attempt: 1,
        envelope: event as Envelope<unknown>,
      };
      await (handlers[name] as (e: typeof event, c: typeof ctx) => Promise<void>)(event, ctx);
    });
  }

  const registered = (userId: string) =>
    envelope('user.registered', {
      userId,
      email: `${userId.slice(0, 8)}@example.com`,
      name: 'Grace Hopper',
      role: 'buyer' as const,
      registeredAt: '2025-01-02T03:04:05.000Z',
    });
  const deleted = (userId: string) =>
    envelope('user.deleted', {
      userId,
      deletedAt: '2025-02-03T04:05:06.000Z',
      reason: 'USER_REQUEST' as const,
    });
  const profile = (userId: string) =>
    db.selectFrom('profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();

  it('creates a profile from user.registered, once', async () => {
    const userId = uuidv7();
    const event = registered(userId);
    await deliver('userRegisteredV1', event);
    await deliver('userRegisteredV1', { ...event, eventId: uuidv7() }); // a replay with a new id
    const rows = await db.selectFrom('profiles').selectAll().where('user_id', '=', userId).execute();
    expect(rows).toEqual([
      {
        user_id: userId,
        email: event.data.email,
        name: 'Grace Hopper',
        role: 'buyer',
        phone: null,
        address: null,
        created_at: '2025-01-02T03:04:05.000Z',
        updated_at: '2025-01-02T03:04:05.000Z',
      },
    ]);
  });

  it('erases the profile on user.deleted, idempotently', async () => {
    const userId = uuidv7();
    await deliver('userRegisteredV1', registered(userId));
    await db
      .updateTable('profiles')
      .set({ phone: '+94771234567', address: '{"line1":"1 Main St"}' })
      .where('user_id', '=', userId)
      .execute();
    await deliver('userDeletedV1', deleted(userId));
    expect(await profile(userId)).toBeUndefined();
    await deliver('userDeletedV1', deleted(userId));
    expect(await profile(userId)).toBeUndefined();
    const tombstones = await db
      .selectFrom('erased_users')
      .selectAll()
      .where('user_id', '=', userId)
      .execute();
    expect(tombstones).toEqual([{ user_id: userId, erased_at: '2025-02-03T04:05:06.000Z' }]);
  });

  it('does not resurrect a user whose deletion overtook the registration', async () => {
    const userId = uuidv7();
    await deliver('userDeletedV1', deleted(userId));
    await deliver('userRegisteredV1', registered(userId));
    expect(await profile(userId)).toBeUndefined();
  });

  it('publishes nothing', () => {
    expect(emitted).toEqual([]);
  });
});
