import { startService } from '@kada/service-kit';
import { migrations } from './db/migrations.ts';
import type { ProductDatabase } from './db/schema.ts';
import { productRoutes } from './http/routes.ts';

// Product receives no events (its AsyncAPI document has no receive operations): it only publishes,
// through the outbox, from its HTTP routes.
await startService<ProductDatabase>({
  name: 'product',
  migrations,
  routes: productRoutes,
});
