import { registerStockConsumers } from '@kada/contracts/services/stock/index.ts';
import { startService } from '@kada/service-kit';
import { migrations } from './db/migrations.ts';
import type { StockDatabase } from './db/schema.ts';
import { stockHandlers } from './handlers/index.ts';

// Stock has no HTTP API of its own (only /health, /ready, /metrics): it reacts to events.
await startService<StockDatabase>({
  name: 'stock',
  migrations,
  consumers: (rt) => registerStockConsumers(rt, stockHandlers),
});
