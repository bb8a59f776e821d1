import { registerProductConsumers } from '@kada/contracts/services/product/index.ts';
import { startService } from '@kada/service-kit';
import { migrations } from './db/migrations.ts';
import type { ProductDatabase } from './db/schema.ts';
import { handlers } from './handlers/index.ts';
import { productRoutes } from './http/routes.ts';

// Product publishes from its HTTP routes, through the outbox, and reacts to user.deleted (delisting).
await startService<ProductDatabase>({
  name: 'product',
  migrations,
  consumers: (rt) => registerProductConsumers(rt, handlers),
  routes: productRoutes,
});
