/**
 * Versioned coexistence end to end, on the real RabbitMQ: order.created.v2 is added beside v1
 * (the lock accepts it and shows both), shop publishes both with one call of the generated
 * publisher, and a v1 consumer and a v2 consumer each get exactly their version.
 *
 * The code is generated into a folder under generator/ (so `@kada/runtime` resolves), with a
 * unique exchange and queue names, all removed afterwards.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ConsumerHandle, Envelope, Logger, ServiceRuntime } from '@kada/runtime';
import { createServiceRuntime, openDatabase } from '@kada/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDocuments } from '../../src/check/index.ts';
import { formatDiagnostic } from '../../src/diagnostics.ts';
import { loadSpecs } from '../../src/load.ts';
import { LOCK_FILE, type Lockfile, parseLock } from '../../src/lock/index.ts';
import { buildModel } from '../../src/model.ts';
import { generate } from '../../src/pipeline.ts';
import { writeOutput } from '../../src/write.ts';
import { CACHE_DIR, type FixtureOptions, fixtureSpecs, REPO, writeSpecs } from './fixture.ts';

// amqplib and pino are the runtime's dependencies; load them the way the runtime does.
const runtimeRequire = createRequire(join(REPO, 'generator/runtime/package.json'));
const amqp = runtimeRequire('amqplib') as typeof import('amqplib');
const { pino } = runtimeRequire('pino') as { pino: (options: { level: string }) => Logger };

const AMQP_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const dir = join(dirname(new URL(import.meta.url).pathname), `.tmp-${id}`);
const exchange = `kada-test.versions.${id}`;
const queues = { legacy: `kada-test.legacy.${id}`, modern: `kada-test.modern.${id}` };
const silent = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

async function generateInto(o: FixtureOptions, previous: Lockfile | null): Promise<Lockfile> {
  const specs = join(dir, 'specs');
  rmSync(specs, { recursive: true, force: true });
  writeSpecs(specs, fixtureSpecs(o));
  const loaded = await loadSpecs(specs, { cacheDir: CACHE_DIR });
  const { graph, diagnostics } = buildModel(loaded);
  const result = await generate(graph, { packageName: null, cacheDir: null, lock: { previous } });
  const errors = [
    ...loaded.diagnostics,
    ...diagnostics,
    ...checkDocuments(graph),
    ...result.diagnostics,
  ].filter((d) => d.severity === 'error');
  expect(errors.map(formatDiagnostic)).toEqual([]);
  writeOutput(join(dir, 'generated'), result.files);
  return parseLock(readFileSync(join(dir, 'generated', LOCK_FILE), 'utf8'));
}

const runtimes: ServiceRuntime[] = [];
const handles: ConsumerHandle[] = [];

async function runtimeFor(service: string): Promise<ServiceRuntime> {
  const { db, dialect } = await openDatabase({ service, url: join(dir, `${service}.sqlite`) });
  const rt = createServiceRuntime({
    service,
    db,
    dialect,
    url: AMQP_URL,
    logger: silent,
    outbox: { pollIntervalMs: 100 },
  });
  runtimes.push(rt);
  await rt.start();
  return rt;
}

let lockV1: Lockfile;
let lockBoth: Lockfile;

beforeAll(async () => {
  const legacy = { service: 'legacy', version: 1, queue: queues.legacy };
  lockV1 = await generateInto({ exchange, versions: [1], consumers: [legacy] }, null);
  lockBoth = await generateInto(
    {
      exchange,
      versions: [1, 2],
      consumers: [legacy, { service: 'modern', version: 2, queue: queues.modern }],
    },
    lockV1,
  );
});

afterAll(async () => {
  for (const h of handles) await h.stop().catch(() => undefined);
  for (const rt of runtimes) await rt.stop().catch(() => undefined);
  const conn = await amqp.connect(AMQP_URL);
  try {
    const ch = await conn.createChannel();
    for (const q of Object.values(queues)) {
      for (const name of [q, `${q}.dlq`, `${q}.retry.1`, `${q}.retry.2`, `${q}.retry.3`])
        await ch.deleteQueue(name);
    }
    await ch.deleteExchange(exchange);
    await ch.close();
  } finally {
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('order.created v1 and v2 side by side', () => {
  it('the lock shows both versions once v2 is added', () => {
    expect(Object.keys(lockV1.events)).toEqual(['order.created.v1']);
    expect(Object.keys(lockBoth.events)).toEqual(['order.created.v1', 'order.created.v2']);
    expect(lockBoth.events['order.created.v1']).toEqual(lockV1.events['order.created.v1']);
    expect(Object.keys(lockBoth.events['order.created.v2']?.consumers ?? {})).toEqual(['modern']);
  });

  it('one publisher call reaches the v1 consumer with v1 and the v2 consumer with v2, once each', async () => {
    const gen = join(dir, 'generated/services');
    const shopCode = readFileSync(join(gen, 'shop/publisher.ts'), 'utf8');
    expect(shopCode).toContain('orderCreated(data: { v1: OrderCreatedV1; v2: OrderCreatedV2 }');
    const legacyCode = readFileSync(join(gen, 'legacy/consumer.ts'), 'utf8');
    expect(legacyCode).not.toContain('orderCreatedV2');

    const shop = await import(join(gen, 'shop/index.ts'));
    const legacyMod = await import(join(gen, 'legacy/index.ts'));
    const modernMod = await import(join(gen, 'modern/index.ts'));

    const got: { legacy: Envelope<unknown>[]; modern: Envelope<unknown>[] } = { legacy: [], modern: [] };
    const legacyRt = await runtimeFor('legacy');
    handles.push(
      ...(await legacyMod.registerLegacyConsumers(legacyRt, {
        orderCreatedV1: async (e: Envelope<unknown>) => void got.legacy.push(e),
      })),
    );
    const modernRt = await runtimeFor('modern');
    handles.push(
      ...(await modernMod.registerModernConsumers(modernRt, {
        orderCreatedV2: async (e: Envelope<unknown>) => void got.modern.push(e),
      })),
    );
    const shopRt = await runtimeFor('shop');

    const sent = (await shopRt.transaction((_tx, sink) =>
      shop.createShopPublisher(sink).orderCreated(
        {
          v1: { orderId: 'o-1', total: 1250 },
          v2: { orderId: 'o-1', total: { amount: 1250, currency: 'EUR' } },
        },
        { correlationId: `corr-${id}` },
      ),
    )) as { v1: Envelope<unknown>; v2: Envelope<unknown> };

    expect(sent.v1.version).toBe(1);
    expect(sent.v2.version).toBe(2);
    expect(sent.v2.correlationId).toBe(`corr-${id}`);
    expect(sent.v2.causationId).toBe(sent.v1.causationId);
    expect(sent.v2.occurredAt).toBe(sent.v1.occurredAt);
    expect(sent.v2.eventId).not.toBe(sent.v1.eventId);

    const deadline = Date.now() + 20_000;
    while ((got.legacy.length < 1 || got.modern.length < 1) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 700)); // room for a wrong or duplicate delivery to show up

    expect(got.legacy.map((e) => [e.eventType, e.version, e.eventId, e.data])).toEqual([
      ['order.created', 1, sent.v1.eventId, { orderId: 'o-1', total: 1250 }],
    ]);
    expect(got.modern.map((e) => [e.eventType, e.version, e.eventId, e.data])).toEqual([
      ['order.created', 2, sent.v2.eventId, { orderId: 'o-1', total: { amount: 1250, currency: 'EUR' } }],
    ]);
    expect(got.legacy[0]?.correlationId).toBe(got.modern[0]?.correlationId);

    const conn = await amqp.connect(AMQP_URL);
    try {
      const ch = await conn.createChannel();
      for (const q of Object.values(queues)) {
        expect((await ch.checkQueue(`${q}.dlq`)).messageCount, `${q}.dlq`).toBe(0);
        expect((await ch.checkQueue(q)).messageCount, q).toBe(0);
      }
      await ch.close();
    } finally {
      await conn.close();
    }
  });
});
