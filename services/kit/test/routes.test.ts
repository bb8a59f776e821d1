/**
 * mountRoutes over a generated route table (order.yaml's), and contractFetch, which fails a test whose
 * service answers something the spec does not allow.
 */
import { orderResponseValidators } from '@kada/contracts/openapi/order.responses.ts';
import { type OrderOperations, orderRouteTable } from '@kada/contracts/openapi/order.routes.ts';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpApp,
  finishHttpApp,
  HttpError,
  type Listening,
  listen,
  mountRoutes,
  type ServiceRoutes,
} from '../index.ts';
import { ContractViolation, contractFetch } from '../testing/contract.ts';

const GOOD_ID = '0190a6c4-7b1e-7000-8000-000000000001';
const BAD_BODY_ID = '0190a6c4-7b1e-7000-8000-000000000002';
const BAD_STATUS_ID = '0190a6c4-7b1e-7000-8000-000000000003';
const money = { amount: 500, currency: 'USD' };
const seen: unknown[] = [];

const handlers: ServiceRoutes<OrderOperations> = {
  async createOrder({ body, headers }) {
    seen.push({ body, headers });
    return {
      status: 202,
      headers: { Location: `/orders/${GOOD_ID}` },
      body: { orderId: GOOD_ID, status: 'PENDING_PAYMENT' },
    };
  },
  async listOrders({ query }) {
    seen.push(query);
    return { status: 200, body: { items: [], nextCursor: null } };
  },
  async getOrder({ params }) {
    if (params.orderId === BAD_STATUS_ID)
      throw new HttpError(409, 'Conflict', 'order.yaml declares no 409 here');
    const order = {
      orderId: params.orderId,
      userId: GOOD_ID,
      status: 'PAID' as const,
      items: [],
      total: money,
      paymentIntentId: null,
      failureReason: null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    // A bug the types would catch in real code; the cast stands for one they cannot (data from a database).
    const sent = params.orderId === BAD_BODY_ID ? ({ ...order, total: { amount: '5.00' } } as never) : order;
    return { status: 200, body: sent };
  },
};

let server: Listening;
let base: string;
const checked = contractFetch(orderRouteTable, orderResponseValidators);

beforeAll(async () => {
  const log = pino({ level: 'silent' });
  const app = createHttpApp({ name: 'routes-test', log, registry: new Registry() });
  mountRoutes(app, orderRouteTable, handlers);
  finishHttpApp(app, log);
  server = await listen(app, 0, '127.0.0.1');
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server?.close();
});

describe('mountRoutes', () => {
  it('hands the handler the validated body and parameters, coerced to their types, headers by their spec names', async () => {
    seen.length = 0;
    const res = await checked(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1' },
      body: JSON.stringify({ items: [{ productId: GOOD_ID, quantity: 2 }], paymentMethodId: 'pm_card_visa' }),
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/orders/${GOOD_ID}`);
    await checked(`${base}/orders?limit=5&status=PAID`);
    expect(seen).toEqual([
      {
        body: { items: [{ productId: GOOD_ID, quantity: 2 }], paymentMethodId: 'pm_card_visa' },
        headers: { 'Idempotency-Key': 'k-1' },
      },
      { limit: 5, status: 'PAID' },
    ]);
  });

  it('answers bad parameters and bodies with 400 problem+json naming each one, before the handler runs', async () => {
    seen.length = 0;
    const params = await checked(`${base}/orders?limit=500&status=NOPE`);
    expect(params.status).toBe(400);
    expect(params.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await params.json()) as { errors: { parameter: string }[] };
    expect(problem.errors.map((e) => e.parameter).sort()).toEqual(['limit', 'status']);

    const body = await checked(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ productId: GOOD_ID, quantity: 0, unitPrice: 1 }] }),
    });
    expect(body.status).toBe(400);
    const pointers = ((await body.json()) as { errors: { pointer: string }[] }).errors.map((e) => e.pointer);
    expect(pointers).toEqual(
      expect.arrayContaining(['/paymentMethodId', '/items/0/quantity', '/items/0/unitPrice']),
    );

    const text = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hi',
    });
    expect(text.status).toBe(415);
    expect(seen).toEqual([]);
  });
});

describe('contractFetch', () => {
  it('passes answers that keep the spec', async () => {
    const res = await checked(`${base}/orders/${GOOD_ID}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { orderId: string }).orderId).toBe(GOOD_ID);
  });

  it('fails a response whose body breaks the spec, naming the operation and the field', async () => {
    const failure = checked(`${base}/orders/${BAD_BODY_ID}`);
    await expect(failure).rejects.toBeInstanceOf(ContractViolation);
    await expect(checked(`${base}/orders/${BAD_BODY_ID}`)).rejects.toThrow(
      /GET \/orders\/\S+ \(getOrder\) answered 200 with a body that breaks specs\/openapi\/order\.yaml: \/total/,
    );
    // The same answer through plain fetch: the check, not the server, is what fails.
    expect((await fetch(`${base}/orders/${BAD_BODY_ID}`)).status).toBe(200);
  });

  it('fails a status the operation does not declare', async () => {
    await expect(checked(`${base}/orders/${BAD_STATUS_ID}`)).rejects.toThrow(
      /\(getOrder\) answered 409, which specs\/openapi\/order\.yaml does not declare/,
    );
  });

  it('fails a declared status sent with another content type', async () => {
    const plain = contractFetch(
      orderRouteTable,
      orderResponseValidators,
      async () =>
        new Response(JSON.stringify({ type: 'about:blank', title: 'Not Found', status: 404 }), {
          status: 404,
          headers: { 'content-type': 'application/json' },
        }),
    );
    await expect(plain(`${base}/orders/${GOOD_ID}`)).rejects.toThrow(/declares application\/problem\+json/);
  });
});
