import {
  asyncRoute,
  currentUser,
  requireAuth,
  type ServiceContext,
  validationError,
} from '@kada/service-kit';
import type { Express, Request } from 'express';
import type { DashboardDatabase } from '../db/schema.ts';
import { QueryReader } from './params.ts';
import { decodeCursor, listOrders, revenueReport, type Scope, signupReport } from './queries.ts';

/** A seller sees their own data; an admin sees everyone's. */
function scopeOf(req: Request): Scope {
  const user = currentUser(req);
  return user.role === 'admin' ? { all: true } : { sellerId: user.id };
}

/** GET /dashboard/orders, /dashboard/revenue, /dashboard/signups (specs/openapi/dashboard.yaml). */
export function dashboardRoutes(app: Express, ctx: ServiceContext<DashboardDatabase>): void {
  const sellersAndAdmins = requireAuth(ctx, ['seller', 'admin']);

  app.get(
    '/dashboard/orders',
    sellersAndAdmins,
    asyncRoute(async (req, res) => {
      const q = new QueryReader(req.query);
      const range = q.range();
      const status = q.status('status');
      const limit = q.integer('limit', 1, 100, 20);
      const cursor = q.string('cursor');
      if (cursor !== undefined && cursor.length > 512)
        q.errors.push({ parameter: 'cursor', detail: 'is too long' });
      q.done();
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      if (cursor !== undefined && !after) {
        throw validationError([{ parameter: 'cursor', detail: 'is not a cursor returned by this API' }]);
      }
      res.json(await listOrders(ctx.db, scopeOf(req), { range, status, limit, after }));
    }),
  );

  app.get(
    '/dashboard/revenue',
    sellersAndAdmins,
    asyncRoute(async (req, res) => {
      const q = new QueryReader(req.query);
      const range = q.range();
      const currency = q.currency('currency', 'USD');
      q.done();
      const days = await revenueReport(ctx.db, scopeOf(req), range, currency);
      res.json({ from: range.from, to: range.to, currency, days });
    }),
  );

  // Platform-wide counts without personal data: sellers and admins may read them.
  app.get(
    '/dashboard/signups',
    sellersAndAdmins,
    asyncRoute(async (req, res) => {
      const q = new QueryReader(req.query);
      const range = q.range();
      q.done();
      res.json({ from: range.from, to: range.to, days: await signupReport(ctx.db, range) });
    }),
  );
}
