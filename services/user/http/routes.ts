import { type UserOperations, userRouteTable } from '@kada/contracts/openapi/user.routes.ts';
import type { components } from '@kada/contracts/openapi/user.ts';
import {
  currentUser,
  HttpError,
  mountRoutes,
  requireAuth,
  type ServiceContext,
  type ServiceRoutes,
} from '@kada/service-kit';
import type { Express } from 'express';
import type { Selectable, Updateable } from 'kysely';
import type { Address, ProfilesTable, UserDatabase } from '../db/schema.ts';

type UserProfile = components['schemas']['UserProfile'];

export function toProfile(row: Selectable<ProfilesTable>): UserProfile {
  return {
    userId: row.user_id,
    email: row.email,
    name: row.name,
    role: row.role,
    phone: row.phone,
    address: row.address === null ? null : (JSON.parse(row.address) as Address),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const notFound = () => new HttpError(404, 'Not Found', 'No profile for this user (yet).');

/** GET and PATCH /users/me: user.yaml's routes. */
export function userRoutes(app: Express, ctx: ServiceContext<UserDatabase>): void {
  mountRoutes(app, userRouteTable, userHandlers(ctx), {
    before: { getMyProfile: [requireAuth(ctx)], updateMyProfile: [requireAuth(ctx)] },
  });
}

export function userHandlers(ctx: ServiceContext<UserDatabase>): ServiceRoutes<UserOperations> {
  return {
    async getMyProfile(_input, { req }) {
      const row = await ctx.db
        .selectFrom('profiles')
        .selectAll()
        .where('user_id', '=', currentUser(req).id)
        .executeTakeFirst();
      if (!row) throw notFound();
      return { status: 200, body: toProfile(row) };
    },

    async updateMyProfile({ body }, { req }) {
      const userId = currentUser(req).id;
      const changes: Updateable<ProfilesTable> = { updated_at: new Date().toISOString() };
      if (body.name !== undefined) changes.name = body.name;
      if (body.phone !== undefined) changes.phone = body.phone;
      if (body.address !== undefined)
        changes.address = body.address === null ? null : JSON.stringify(body.address);
      const row = await ctx.db.transaction().execute(async (tx) => {
        const result = await tx
          .updateTable('profiles')
          .set(changes)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return undefined;
        return tx.selectFrom('profiles').selectAll().where('user_id', '=', userId).executeTakeFirst();
      });
      if (!row) throw notFound();
      return { status: 200, body: toProfile(row) };
    },
  };
}
