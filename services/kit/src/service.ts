import type { ServiceRuntime, SqlDialect } from '@kada/runtime';
import { createLogger, createServiceRuntime, exitOnSignal, openDatabase } from '@kada/runtime';
import type { Express } from 'express';
import type { Kysely } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';
import type { Logger } from 'pino';
import { createHttpApp, finishHttpApp, listen } from './app.ts';
import { loadConfig, type ServiceConfig } from './config.ts';
import { migrateKit, type SubjectRevocations, subjectRevocations } from './revocations.ts';

/** What routes get: the service's name, runtime, database, logger and configuration. */
// biome-ignore lint/suspicious/noExplicitAny: a database of any schema, as Kysely's own default
export interface ServiceContext<DB = any> {
  readonly name: string;
  readonly rt: ServiceRuntime;
  readonly db: Kysely<DB>;
  readonly dialect: SqlDialect;
  readonly log: Logger;
  readonly config: ServiceConfig;
  /** Subjects whose tokens requireAuth refuses (see revokeSubject). */
  readonly revocations: SubjectRevocations;
}

/** A running service. */
// biome-ignore lint/suspicious/noExplicitAny: a database of any schema, as Kysely's own default
export interface StartedService<DB = any> {
  /** The bound HTTP port (the real one when started on port 0). */
  readonly port: number;
  readonly url: string;
  readonly ctx: ServiceContext<DB>;
  /** Graceful: stop taking requests, finish in-flight ones, stop consuming, flush the outbox, close the db. */
  close(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: a database of any schema, as Kysely's own default
export interface ServiceOptions<DB = any> {
  name: string;
  /** Default: env PORT, else the service's well-known port. 0: any free port. */
  port?: number;
  /** The service's own Kysely migrations, by name (applied in name order). */
  migrations?: Record<string, Migration>;
  /** Registers the event consumers, e.g. `(rt) => registerUserConsumers(rt, handlers)`. */
  consumers?: (rt: ServiceRuntime, db: Kysely<DB>) => Promise<unknown>;
  /** Adds the HTTP routes. */
  routes?: (app: Express, ctx: ServiceContext<DB>) => void | Promise<void>;
  /** DATABASE_URL override (tests); default env DATABASE_URL, else the embedded SQLite under .data/<name>/. */
  databaseUrl?: string;
  /** RABBITMQ_URL override. */
  rabbitUrl?: string;
  bodyLimit?: string;
  /** Install SIGTERM/SIGINT handlers that close the service and exit (default true). */
  handleSignals?: boolean;
  /** Logger override (tests). */
  logger?: Logger;
}

/**
 * Applies the kit's tables (revoked subjects) and the service's migrations (each set with its own migration
 * table; the runtime keeps its tables apart too).
 */
// biome-ignore lint/suspicious/noExplicitAny: a database of any schema, as Kysely's own default
export async function migrateService(db: Kysely<any>, migrations: Record<string, Migration>): Promise<void> {
  await migrateKit(db);
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(unknown)'} failed`, { cause: error });
  }
}

/**
 * Starts a service: opens its database and runs its migrations, starts the runtime (broker, inbox/outbox,
 * relay), registers its consumers, then serves HTTP with the shared middleware (correlation ids, JSON,
 * /health, /ready, /metrics, problem+json errors, 404 fallback).
 */
// biome-ignore lint/suspicious/noExplicitAny: a database of any schema, as Kysely's own default
export async function startService<DB = any>(options: ServiceOptions<DB>): Promise<StartedService<DB>> {
  const { name } = options;
  const config = loadConfig(name, { port: options.port, bodyLimit: options.bodyLimit });
  const log = options.logger ?? createLogger(name);
  const { db, dialect } = await openDatabase({
    service: name,
    ...(options.databaseUrl ? { url: options.databaseUrl } : {}),
  });
  let rt: ServiceRuntime | undefined;
  try {
    await migrateService(db, options.migrations ?? {});
    rt = createServiceRuntime({
      service: name,
      db,
      dialect,
      logger: log,
      ...(options.rabbitUrl ? { url: options.rabbitUrl } : {}),
    });
    await rt.start();
    if (options.consumers) await options.consumers(rt, db as Kysely<DB>);

    const runtime = rt;
    const ctx: ServiceContext<DB> = {
      name,
      rt: runtime,
      db: db as Kysely<DB>,
      dialect,
      log,
      config,
      revocations: subjectRevocations(db),
    };
    const app = createHttpApp({
      name,
      log,
      registry: runtime.registry,
      bodyLimit: config.bodyLimit,
      ready: () => {
        const health = runtime.health();
        return { database: { status: health.db }, rabbitmq: { status: health.broker } };
      },
    });
    if (options.routes) await options.routes(app, ctx);
    finishHttpApp(app, log);
    const http = await listen(app, config.port);
    log.info({ port: http.port }, `${name} listening`);

    let closing: Promise<void> | undefined;
    let uninstall = (): void => {};
    const close = (): Promise<void> => {
      closing ??= (async () => {
        uninstall();
        await http.close();
        await runtime.stop();
      })();
      return closing;
    };
    if (options.handleSignals !== false) uninstall = exitOnSignal(log, close);
    return { port: http.port, url: `http://127.0.0.1:${http.port}`, ctx, close };
  } catch (error) {
    if (rt) await rt.stop().catch(() => undefined);
    else await db.destroy().catch(() => undefined);
    throw error;
  }
}
