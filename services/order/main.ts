import { registerOrderConsumers } from '@kada/contracts/services/order/index.ts';
import { startService } from '@kada/service-kit';
import { migrations } from './db/migrations.ts';
import type { OrderDatabase } from './db/schema.ts';
import { orderHandlers } from './handlers/index.ts';
import { orderRoutes } from './http/routes.ts';

await startService<OrderDatabase>({
  name: 'order',
  migrations,
  consumers: (rt) => registerOrderConsumers(rt, orderHandlers),
  routes: orderRoutes,
});
