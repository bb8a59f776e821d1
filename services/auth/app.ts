import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createAuthPublisher } from '@kada/contracts/services/auth/index.ts';
import {
  DEFAULT_PRIVATE_KEY_FILE,
  ensureDevKeys,
  type ServiceOptions,
  type StartedService,
  startService,
} from '@kada/service-kit';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import { migrations } from './db/migrations.ts';
import type { AuthDatabase } from './db/schema.ts';
import { type AuthDeps, type Tx, unlockExpired } from './domain/accounts.ts';
import { type AuthConfig, loadAuthConfig } from './domain/config.ts';
import { LoginThrottle } from './domain/throttle.ts';
import { createAccessTokenSigner, createLinkTokenSealer } from './domain/tokens.ts';
import { createSecretBox } from './domain/totp.ts';
import { authRoutes } from './http/routes.ts';

export interface AuthServiceOptions
  extends Pick<ServiceOptions, 'port' | 'databaseUrl' | 'rabbitUrl' | 'handleSignals' | 'logger'> {
  config?: Partial<AuthConfig>;
  /** Clock override (tests). */
  now?: () => Date;
}

/** Starts the auth service (see main.ts); in-process for tests and the end-to-end runner. */
export async function startAuthService(
  options: AuthServiceOptions = {},
): Promise<StartedService<AuthDatabase>> {
  const config = { ...loadAuthConfig(), ...options.config };
  // Development convenience: with no key configured, make them where every service looks by default.
  if (!process.env.JWT_PRIVATE_KEY_FILE && config.privateKeyFile === DEFAULT_PRIVATE_KEY_FILE) {
    if (![config.privateKeyFile, config.sealPublicKeyFile, config.totpKeyFile].every((f) => existsSync(f)))
      await ensureDevKeys(dirname(config.privateKeyFile));
  }
  let deps: AuthDeps | undefined;
  const service = await startService<AuthDatabase>({
    ...options,
    name: 'auth',
    migrations,
    routes: (app, ctx) => {
      const now = options.now ?? (() => new Date());
      deps = {
        db: ctx.db,
        run: (fn) => ctx.rt.transaction((tx, sink) => fn(tx as Tx, createAuthPublisher(sink))),
        signer: createAccessTokenSigner(config.privateKeyFile, config.accessTokenTtlSeconds),
        sealer: createLinkTokenSealer(config.sealPublicKeyFile),
        secrets: createSecretBox(Buffer.from(readFileSync(config.totpKeyFile, 'utf8').trim(), 'base64url')),
        config,
        throttle: new LoginThrottle(
          {
            freeFailures: config.clientFreeFailures,
            maxDelaySeconds: config.clientMaxDelaySeconds,
            windowSeconds: config.clientWindowSeconds,
          },
          () => now().getTime(),
        ),
        passwordChecks: new Counter({
          name: 'auth_login_password_checks_total',
          help: 'Login passwords checked against an account, by outcome',
          labelNames: ['outcome'],
          registers: [ctx.rt.registry],
        }),
        log: ctx.log as Logger,
        now,
      };
      authRoutes(app, ctx, deps);
    },
  });
  const stopSweep = deps ? startUnlockSweep(deps) : undefined;
  return {
    ...service,
    close: async () => {
      stopSweep?.();
      await service.close();
    },
  };
}

/** Lifts expired locks every `unlockSweepMs`, so user.unlocked goes out when the lock ends, not at the next login. */
function startUnlockSweep(deps: AuthDeps): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    deps.throttle.sweep();
    unlockExpired(deps)
      .catch((error: unknown) => deps.log.warn({ err: error }, 'unlock sweep failed'))
      .finally(() => {
        running = false;
      });
  }, deps.config.unlockSweepMs);
  timer.unref();
  return () => clearInterval(timer);
}
