import { registerUserConsumers } from '@kada/contracts/services/user/index.ts';
import { type ServiceOptions, type StartedService, startService } from '@kada/service-kit';
import { migrations } from './db/migrations.ts';
import type { UserDatabase } from './db/schema.ts';
import { handlers } from './handlers/index.ts';
import { userRoutes } from './http/routes.ts';

export type UserServiceOptions = Pick<
  ServiceOptions,
  'port' | 'databaseUrl' | 'rabbitUrl' | 'handleSignals' | 'logger'
>;

/** Starts the user service (profiles); in-process for tests and the end-to-end runner. */
export function startUserService(options: UserServiceOptions = {}): Promise<StartedService<UserDatabase>> {
  return startService<UserDatabase>({
    ...options,
    name: 'user',
    migrations,
    consumers: (rt) => registerUserConsumers(rt, handlers),
    routes: userRoutes,
  });
}
