import { registerUserConsumers } from '@kada/contracts/services/user/index.ts';
import { uuidv7 } from '@kada/runtime';
import { dialects, envelopeOf, serviceTest } from '@kada/service-kit/testing.ts';
import { describe, expect, it } from 'vitest';
import { migrations } from '../db/migrations.ts';
import type { UserDatabase } from '../db/schema.ts';
import { handlers } from '../handlers/index.ts';

describe.each(dialects)('user handlers on %s', (dialect) => {
  const db = () => user.db;
  const user = serviceTest<UserDatabase>(dialect, {
    name: 'user',
    migrations,
    per: 'suite',
    consumers: (rt) => registerUserConsumers(rt, handlers),
  });

  const registered = (userId: string) =>
    envelopeOf(
      'user.registered.v1',
      {
        userId,
        email: `${userId.slice(0, 8)}@example.com`,
        name: 'Grace Hopper',
        role: 'buyer' as const,
        registeredAt: '2025-01-02T03:04:05.000Z',
      },
      { producer: 'auth' },
    );
  const deleted = (userId: string) =>
    envelopeOf(
      'user.deleted.v1',
      {
        userId,
        deletedAt: '2025-02-03T04:05:06.000Z',
        reason: 'USER_REQUEST' as const,
      },
      { producer: 'auth' },
    );
  const profile = (userId: string) =>
    db().selectFrom('profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();

  it('creates a profile from user.registered, once', async () => {
    const userId = uuidv7();
    const event = registered(userId);
    await user.deliver(event);
    await user.deliver({ ...event, eventId: uuidv7() }); // a replay with a new id
    const rows = await db().selectFrom('profiles').selectAll().where('user_id', '=', userId).execute();
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
    await user.deliver(registered(userId));
    await db()
      .updateTable('profiles')
      .set({ phone: '+94771234567', address: '{"line1":"1 Main St"}' })
      .where('user_id', '=', userId)
      .execute();
    await user.deliver(deleted(userId));
    expect(await profile(userId)).toBeUndefined();
    await user.deliver(deleted(userId));
    expect(await profile(userId)).toBeUndefined();
    const tombstones = await db()
      .selectFrom('erased_users')
      .selectAll()
      .where('user_id', '=', userId)
      .execute();
    expect(tombstones).toEqual([{ user_id: userId, erased_at: '2025-02-03T04:05:06.000Z' }]);
  });

  it('does not resurrect a user whose deletion overtook the registration', async () => {
    const userId = uuidv7();
    await user.deliver(deleted(userId));
    await user.deliver(registered(userId));
    expect(await profile(userId)).toBeUndefined();
  });

  it('publishes nothing', () => {
    expect(user.emitted).toEqual([]);
  });
});
