// dashboard (port 8086): seller read models (orders, revenue per day, signups) built from events,
// read over HTTP with a JWT (a seller sees their own data; an admin sees everyone's).

import { registerDashboardConsumers } from '@kada/contracts/services/dashboard/index.ts';
import { startService } from '@kada/service-kit';
import { migrations } from './db/migrations.ts';
import type { DashboardDatabase } from './db/schema.ts';
import { handlers } from './handlers/index.ts';
import { dashboardRoutes } from './http/routes.ts';

await startService<DashboardDatabase>({
  name: 'dashboard',
  migrations,
  consumers: (rt) => registerDashboardConsumers(rt, handlers),
  routes: dashboardRoutes,
});
