import {
  asyncRoute,
  currentUser,
  HttpError,
  loadOpenApi,
  openApiSchema,
  requireAuth,
  type ServiceContext,
  validateBody,
} from '@kada/service-kit';
import type { Express } from 'express';
import type { Selectable, Updateable } from 'kysely';
import type { Address, ProfilesTable, UserDatabase } from '../db/schema.ts';

const spec = loadOpenApi(new URL('../../../specs/openapi/user.yaml', import.meta.url));

/** The UserProfile of the spec. */
export interface UserProfile {
  userId: string;
  email: string;
  name: string;
  role: 'buyer' | 'seller';
  phone: string | null;
  address: Address | null;
  createdAt: string;
  updatedAt: string;
}

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

/** GET and PATCH /users/me (specs/openapi/user.yaml). */
export function userRoutes(app: Express, ctx: ServiceContext<UserDatabase>): void {
  app.get(
    '/users/me',
    requireAuth(ctx),
    asyncRoute(async (req, res) => {
      const row = await ctx.db
        .selectFrom('profiles')
        .selectAll()
        .where('user_id', '=', currentUser(req).id)
        .executeTakeFirst();
      if (!row) throw notFound();
      res.json(toProfile(row));
    }),
  );

  app.patch(
    '/users/me',
    requireAuth(ctx),
    validateBody(openApiSchema(spec, 'UpdateProfileRequest')),
    asyncRoute(async (req, res) => {
      const userId = currentUser(req).id;
      const body = req.body as { name?: string; phone?: string | null; address?: Address | null };
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
      res.json(toProfile(row));
    }),
  );
}
