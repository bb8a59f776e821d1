/**
 * Every AMQP binding kind of the tp-amqp-kinds fixture (two documents named asyncapi.yaml in
 * shipping/ and warehouse/), generated and run on the real broker in a vhost of its own: topic
 * with a channel parameter, direct, fanout, headers, `is: queue` work queue with competing
 * consumers, a channel with no binding (defaults), raw XML payloads, correlation ids, and an
 * operation `reply` as typed request/response.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmqpClient, type Received, type Subscription } from '../../runtime/src/index.ts';
import { createVhost, FIXTURES, generateInto, OUT_ROOT, removeOut, uniqueName } from './harness.ts';

const out = join(OUT_ROOT, uniqueName('amqp-kinds'));
let vhost: { url: string; remove(): Promise<void> };
const clients: AmqpClient[] = [];
const subs: Subscription[] = [];

type Opts = { params?: Record<string, string>; headers?: Record<string, string>; correlationId?: string };
interface Shipping {
  publishParcelShipped(p: { parcelId: string; region: string }, o: Opts): Promise<void>;
  publishParcelDelayed(p: { parcelId: string; days: number }, o?: Opts): Promise<void>;
  announce(p: { depot: string }, o?: Opts): Promise<void>;
  declareCustoms(p: Buffer, o?: Opts): Promise<void>;
  requestLabel(p: { parcelId: string }, o?: Opts): Promise<void>;
  noteParcel(p: { parcelId: string; note: string }, o?: Opts): Promise<void>;
}
type Handler = (m: Received<unknown>) => Promise<void>;
let shippingModule: {
  createShippingClient(c: AmqpClient): Shipping;
  subscribeShipping(
    c: AmqpClient,
    h: { giveQuote(m: Received<{ weightKg: number }>): Promise<{ cents: number }> },
  ): Promise<Subscription[]>;
};
let warehouseModule: {
  createWarehouseClient(c: AmqpClient): {
    askQuote(p: { weightKg: number }, o?: { timeoutMs?: number }): Promise<{ cents: number }>;
  };
  subscribeWarehouse(
    c: AmqpClient,
    h: Record<string, Handler>,
    o?: { params?: Record<string, string>; match?: Record<string, string> },
  ): Promise<Subscription[]>;
};

async function connect(): Promise<AmqpClient> {
  const c = await AmqpClient.connect(vhost.url);
  clients.push(c);
  return c;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  const g = await generateInto(join(FIXTURES, 'tp-amqp-kinds'), out);
  expect(g.errors).toEqual([]);
  shippingModule = await import(join(out, 'services/shipping/amqp.ts'));
  warehouseModule = await import(join(out, 'services/warehouse/amqp.ts'));
  vhost = await createVhost('amqp-kinds');
});

afterAll(async () => {
  await Promise.all(subs.map((s) => s.stop()));
  await Promise.all(clients.map((c) => c.close()));
  await vhost?.remove();
  removeOut(out);
});

describe('AMQP binding kinds on the real broker', () => {
  it('delivers each kind to its typed handler, dispatching several messages on one queue by name', async () => {
    const got: Record<string, Received<unknown>[]> = {};
    const record =
      (name: string): Handler =>
      async (m) => {
        got[name] = [...(got[name] ?? []), m];
      };
    const names = [
      'onParcelShipped',
      'onParcelDelayed',
      'onAnnouncement',
      'onCustoms',
      'onLabelRequested',
      'onParcelNoted',
    ];
    const handlers = Object.fromEntries(names.map((n) => [n, record(n)]));
    subs.push(
      ...(await warehouseModule.subscribeWarehouse(await connect(), handlers, {
        params: { region: 'eu' },
        match: { country: 'NZ' },
      })),
    );
    const shipping = shippingModule.createShippingClient(await connect());
    // topic + parameter: the warehouse bound parcel.eu.shipped only.
    await shipping.publishParcelShipped(
      { parcelId: 'p1', region: 'eu' },
      { params: { region: 'eu' }, correlationId: 'c-1' },
    );
    await shipping.publishParcelShipped({ parcelId: 'p2', region: 'us' }, { params: { region: 'us' } });
    await shipping.publishParcelDelayed({ parcelId: 'p3', days: 2 }); // direct
    await shipping.announce({ depot: 'Auckland' }); // fanout
    const xml = Buffer.from('<declaration><parcel>p4</parcel></declaration>');
    await shipping.declareCustoms(xml, { headers: { country: 'NZ' } }); // headers, matched
    await shipping.declareCustoms(Buffer.from('<x/>'), { headers: { country: 'FR' } }); // headers, not matched
    await shipping.requestLabel({ parcelId: 'p5' }); // is: queue
    await shipping.noteParcel({ parcelId: 'p6', note: 'fragile' }); // no binding: domain.events topic
    await until(() => names.every((n) => (got[n]?.length ?? 0) >= 1), 'one delivery per handler');
    await new Promise((r) => setTimeout(r, 300)); // anything unwanted would arrive by now
    expect(got.onParcelShipped?.map((m) => m.payload)).toEqual([{ parcelId: 'p1', region: 'eu' }]);
    expect(got.onParcelShipped?.[0]?.correlationId).toBe('c-1');
    expect(got.onParcelShipped?.[0]?.routingKey).toBe('parcel.eu.shipped');
    expect(got.onParcelDelayed?.map((m) => m.payload)).toEqual([{ parcelId: 'p3', days: 2 }]);
    expect(got.onAnnouncement?.map((m) => m.payload)).toEqual([{ depot: 'Auckland' }]);
    expect(got.onCustoms?.map((m) => (m.payload as Buffer).toString())).toEqual([xml.toString()]);
    expect(got.onLabelRequested?.map((m) => m.payload)).toEqual([{ parcelId: 'p5' }]);
    expect(got.onParcelNoted?.map((m) => m.payload)).toEqual([{ parcelId: 'p6', note: 'fragile' }]);
  });

  it('refuses to publish an invalid payload, and nothing is sent', async () => {
    const shipping = shippingModule.createShippingClient(await connect());
    await expect(shipping.publishParcelDelayed({ parcelId: 'p', days: 0 })).rejects.toMatchObject({
      code: 'KADA_VALIDATION',
    });
    await expect(shipping.publishParcelShipped({ parcelId: 'p', region: 'eu' }, {})).rejects.toMatchObject({
      code: 'KADA_CONFIG',
    });
  });

  it('is: queue is a work queue: competing consumers share the messages', async () => {
    const counts = [0, 0];
    const only = (i: number) => ({
      onLabelRequested: async () => {
        counts[i] = (counts[i] ?? 0) + 1;
      },
    });
    const noop: Handler = async () => undefined;
    const rest = {
      onParcelShipped: noop,
      onParcelDelayed: noop,
      onAnnouncement: noop,
      onCustoms: noop,
      onParcelNoted: noop,
    };
    for (const s of subs.splice(0)) await s.stop();
    subs.push(...(await warehouseModule.subscribeWarehouse(await connect(), { ...rest, ...only(0) })));
    subs.push(...(await warehouseModule.subscribeWarehouse(await connect(), { ...rest, ...only(1) })));
    const shipping = shippingModule.createShippingClient(await connect());
    for (let i = 0; i < 20; i++) await shipping.requestLabel({ parcelId: `l${i}` });
    await until(() => (counts[0] ?? 0) + (counts[1] ?? 0) === 20, '20 labels');
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBeGreaterThan(0);
  });

  it('operation reply: askQuote resolves with the reply the handler returns', async () => {
    subs.push(
      ...(await shippingModule.subscribeShipping(await connect(), {
        giveQuote: async ({ payload }) => ({ cents: Math.round(payload.weightKg * 250) }),
      })),
    );
    const warehouse = warehouseModule.createWarehouseClient(await connect());
    expect(await warehouse.askQuote({ weightKg: 2 }, { timeoutMs: 10_000 })).toEqual({ cents: 500 });
    await expect(warehouse.askQuote({ weightKg: -1 })).rejects.toMatchObject({ code: 'KADA_VALIDATION' });
  });
});
