/**
 * The HTTP side of a service, served in-process on a free port with the kit's middleware, on a test
 * database, with a runtime whose transactions record the events they emit (no broker needed).
 */
import type { Envelope, EventSink, ServiceRuntime } from '@kada/runtime';
import type { Express } from 'express';
import type { Transaction } from 'kysely';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createHttpApp, finishHttpApp, listen } from '../src/app.ts';
import { subjectRevocations } from '../src/revocations.ts';
import type { ServiceContext } from '../src/service.ts';
import { recordingSink } from './consumer-harness.ts';
import type { TestDatabase } from './database.ts';
import { createTestKeys } from './keys.ts';

export interface HttpHarness {
  readonly url: string;
  /** Events emitted by committed transactions, in order. */
  readonly events: Envelope<unknown>[];
  /** An access token for a user of this role (signed with the harness's test key pair). */
  token(user: {
    id: string;
    role: 'buyer' | 'seller' | 'admin';
    email?: string;
    emailVerified?: boolean;
  }): Promise<string>;
  close(): Promise<void>;
}

export async function httpHarness<DB>(
  service: string,
  database: TestDatabase<DB>,
  routes: (app: Express, ctx: ServiceContext<DB>) => void | Promise<void>,
): Promise<HttpHarness> {
  const keys = await createTestKeys();
  const log = pino({ level: 'silent' });
  const events: Envelope<unknown>[] = [];
  const rt = {
    service,
    db: database.db,
    log,
    registry: new Registry(),
    async transaction<R>(fn: (tx: Transaction<DB>, sink: EventSink) => Promise<R>): Promise<R> {
      const sink = recordingSink(service);
      const result = await database.db.transaction().execute((tx) => fn(tx, sink));
      events.push(...sink.events);
      return result;
    },
  } as unknown as ServiceRuntime;
  const ctx: ServiceContext<DB> = {
    name: service,
    rt,
    db: database.db,
    dialect: database.dialect,
    log,
    config: { port: 0, jwt: keys.jwt, bodyLimit: '100kb', env: {} },
    revocations: subjectRevocations(database.db),
  };
  const app = createHttpApp({ name: service, log, registry: rt.registry });
  await routes(app, ctx);
  finishHttpApp(app, log);
  const http = await listen(app, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${http.port}`,
    events,
    token: (user) => keys.sign({ email: `${user.id}@example.test`, ...user }),
    async close() {
      await http.close(100);
      keys.cleanup();
    },
  };
}
