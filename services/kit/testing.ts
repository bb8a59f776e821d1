// @kada/service-kit/testing.ts: one place for what a service's tests need. Explicit export list.
// - serviceTest(dialect, { name, migrations, consumers?, routes? }): the fixture most tests start from,
//   a fresh database with the service's consumer harness (deliver) and, given routes, its http harness.
// - testDatabase(dialect, { name, migrations }): a fresh SQLite file or PostgreSQL database (PG_URL).
// - consumerHarness(service, db, register): deliver(event) through the GENERATED registration.
// - httpHarness(service, database, routes): the routes in-process, events recorded.
// - createTestKeys(): a key pair and signed access tokens; badTokens(): the bad-JWT matrix.
// - testVhost(prefix): a throw-away RabbitMQ vhost for tests that start a whole service;
//   tapEvents(url, pattern): what a queue bound on its exchange sees.

export { accessTokenFor, badTokens } from './testing/bad-tokens.ts';
export type { TappedEvent } from './testing/broker.ts';
export { tapEvents, testVhost } from './testing/broker.ts';
export type { ConsumerHarness, DeliverOptions, Delivery } from './testing/consumer-harness.ts';
export { consumerHarness, envelopeOf, only, recordingSink } from './testing/consumer-harness.ts';
export type { TestDatabase, TestDatabaseOptions, TestDialect } from './testing/database.ts';
export { dialects, PG_ADMIN_URL, testDatabase } from './testing/database.ts';
export type { HttpHarness } from './testing/http-harness.ts';
export { httpHarness } from './testing/http-harness.ts';
export type { TestKeys } from './testing/keys.ts';
export { createTestKeys } from './testing/keys.ts';
export type { ServiceTest, ServiceTestOptions } from './testing/service-test.ts';
export { serviceTest } from './testing/service-test.ts';
