// audit (port 8089): every domain event, appended to a log with personal data masked.
// The masking reads `format: email` from the AsyncAPI contracts (AUDIT_SPECS_DIR, default specs/asyncapi).

import { registerAuditConsumers } from '@kada/contracts/services/audit/index.ts';
import { startService } from '@kada/service-kit';
import { migrations } from './db/migrations.ts';
import type { AuditDatabase } from './db/schema.ts';
import { createAuditHandlers } from './handlers/index.ts';
import { auditRoutes } from './http/routes.ts';
import { DEFAULT_SPECS_DIR, loadEmailPaths } from './masking/schema-formats.ts';

const handlers = createAuditHandlers(loadEmailPaths(process.env.AUDIT_SPECS_DIR || DEFAULT_SPECS_DIR));

await startService<AuditDatabase>({
  name: 'audit',
  migrations,
  consumers: (rt) => registerAuditConsumers(rt, handlers),
  routes: auditRoutes,
});
