/**
 * The fixture a service's tests start from: a fresh database with the service's migrations
 * ({@link testDatabase}), its consumer side driven through the generated registration (the returned
 * object is a {@link ConsumerHarness}), and, given routes, its HTTP routes in-process (`http`, an
 * {@link HttpHarness}). Call it in a `describe` body: it registers the hooks that make a fresh one before
 * each test (or once for the suite, `per: 'suite'`) and remove it after; the hooks of the test file run
 * after its `before*` hooks and before its `after*` hooks.
 *
 *   const stock = serviceTest<StockDatabase>(dialect, {
 *     name: 'stock', migrations, consumers: (rt) => registerStockConsumers(rt, stockHandlers),
 *   });
 *   it('…', async () => { await stock.deliver('product.created.v1', data); await stock.db.selectFrom(…) });
 */
import type { ConsumerHandle, ServiceRuntime } from '@kada/runtime';
import type { Express } from 'express';
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { ServiceContext } from '../src/service.ts';
import { type ConsumerHarness, consumerHarness } from './consumer-harness.ts';
import { type TestDatabase, type TestDialect, testDatabase } from './database.ts';
import { type HttpHarness, httpHarness } from './http-harness.ts';

export interface ServiceTestOptions<DB> {
  /** The service's name (the producer of the events it emits; part of the database's name). */
  name: string;
  migrations: Record<string, Migration>;
  /** The generated registration with the service's handlers, e.g. `(rt) => registerStockConsumers(rt, h)`. */
  consumers?: (rt: ServiceRuntime) => Promise<ConsumerHandle[]>;
  /** The service's routes, served in-process on a free port as `http`. */
  routes?: (app: Express, ctx: ServiceContext<DB>) => void | Promise<void>;
  /** A fresh service for each test (default), or one for the whole suite. */
  per?: 'test' | 'suite';
}

export interface ServiceTest<DB> extends ConsumerHarness {
  readonly database: TestDatabase<DB>;
  readonly db: Kysely<DB>;
  /** The routes (only when `routes` were given; throws otherwise). */
  readonly http: HttpHarness;
}

interface Started<DB> {
  database: TestDatabase<DB>;
  consumers: ConsumerHarness;
  http: HttpHarness | undefined;
}

export function serviceTest<DB>(dialect: TestDialect, options: ServiceTestOptions<DB>): ServiceTest<DB> {
  const { name } = options;
  let current: Started<DB> | undefined;
  const started = (): Started<DB> => {
    if (!current) throw new Error(`serviceTest(${name}) is used outside its tests`);
    return current;
  };
  const perSuite = options.per === 'suite';
  (perSuite ? beforeAll : beforeEach)(async () => {
    const database = await testDatabase<DB>(dialect, { name, migrations: options.migrations });
    current = {
      database,
      consumers: await consumerHarness(name, database.db, options.consumers ?? (async () => [])),
      http: options.routes ? await httpHarness(name, database, options.routes) : undefined,
    };
  });
  (perSuite ? afterAll : afterEach)(async () => {
    await current?.http?.close();
    await current?.database.destroy();
    current = undefined;
  });
  return {
    get database() {
      return started().database;
    },
    get db() {
      return started().database.db;
    },
    get http() {
      const { http } = started();
      if (!http) throw new Error(`serviceTest(${name}) was given no routes`);
      return http;
    },
    get emitted() {
      return started().consumers.emitted;
    },
    get routingKeys() {
      return started().consumers.routingKeys;
    },
    deliver: ((...args: Parameters<ConsumerHarness['deliver']>) =>
      started().consumers.deliver(...args)) as ConsumerHarness['deliver'],
    deliverUntilHandled: (...args) => started().consumers.deliverUntilHandled(...args),
    of: (eventType) => started().consumers.of(eventType),
  };
}
