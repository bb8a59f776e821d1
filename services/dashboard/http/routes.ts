import { type DashboardOperations, dashboardRouteTable } from '@kada/contracts/openapi/dashboard.routes.ts';
import {
  currentUser,
  cursorParameter,
  mountRoutes,
  requireAuth,
  type ServiceContext,
  type ServiceRoutes,
} from '@kada/service-kit';
import type { Express, Request } from 'express';
import type { DashboardDatabase } from '../db/schema.ts';
import { dateRange } from './params.ts';
import { listOrders, revenueReport, type Scope, signupReport } from './queries.ts';

/** A seller sees their own data; an admin sees everyone's. */
function scopeOf(req: Request): Scope {
  const user = currentUser(req);
  return user.role === 'admin' ? { all: true } : { sellerId: user.id };
}

/**
 * GET /dashboard/orders, /dashboard/revenue, /dashboard/signups: dashboard.yaml's routes. The generated
 * validators check each parameter's form and hand the handlers a typed `query`; dateRange adds what a schema
 * cannot say (from <= to, the widest range). The spec's defaults are applied here (validation applies none).
 */
export function dashboardRoutes(app: Express, ctx: ServiceContext<DashboardDatabase>): void {
  const sellersAndAdmins = [requireAuth(ctx, ['seller', 'admin'])];
  mountRoutes(app, dashboardRouteTable, dashboardHandlers(ctx), {
    before: {
      getDashboardOrders: sellersAndAdmins,
      getDashboardRevenue: sellersAndAdmins,
      // Platform-wide counts without personal data: sellers and admins may read them.
      getDashboardSignups: sellersAndAdmins,
    },
  });
}

export function dashboardHandlers(
  ctx: ServiceContext<DashboardDatabase>,
): ServiceRoutes<DashboardOperations> {
  return {
    async getDashboardOrders({ query }, { req }) {
      const range = dateRange(query);
      const { status, limit = 20, cursor } = query;
      const after = cursorParameter(cursor);
      return { status: 200, body: await listOrders(ctx.db, scopeOf(req), { range, status, limit, after }) };
    },

    async getDashboardRevenue({ query }, { req }) {
      const range = dateRange(query);
      const currency = query.currency ?? 'USD';
      const days = await revenueReport(ctx.db, scopeOf(req), range, currency);
      return { status: 200, body: { from: range.from, to: range.to, currency, days } };
    },

    async getDashboardSignups({ query }) {
      const range = dateRange(query);
      return {
        status: 200,
        body: { from: range.from, to: range.to, days: await signupReport(ctx.db, range) },
      };
    },
  };
}
