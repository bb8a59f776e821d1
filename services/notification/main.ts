// notification (port 8088): email, SMS and push from account, order and payment events.
// Order and payment events arrive on their own queue, notification.priority, with their own
// consumer (the generated registration reads that from the spec), so account mail never delays them.

import { registerNotificationConsumers } from '@kada/contracts/services/notification/index.ts';
import { createLinkTokenOpener, startService } from '@kada/service-kit';
import { migrations } from './db/migrations.ts';
import type { NotificationDatabase } from './db/schema.ts';
import { loadNotificationConfig } from './delivery/config.ts';
import { createProviders } from './delivery/providers.ts';
import { createNotificationHandlers } from './handlers/index.ts';

const config = loadNotificationConfig();
const handlers = createNotificationHandlers({
  config,
  providers: createProviders(config),
  linkTokens: createLinkTokenOpener(config.sealPrivateKeyFile),
});

await startService<NotificationDatabase>({
  name: 'notification',
  migrations,
  consumers: (rt) => registerNotificationConsumers(rt, handlers),
});
