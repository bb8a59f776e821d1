import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dashboardResponseValidators } from '@kada/contracts/openapi/dashboard.responses.ts';
import { dashboardRouteTable } from '@kada/contracts/openapi/dashboard.routes.ts';
import { createLogger, uuidv7 } from '@kada/runtime';
import { type StartedService, startService } from '@kada/service-kit';
import { contractFetch } from '@kada/service-kit/testing/contract.ts';
import { createTestKeys, type TestKeys } from '@kada/service-kit/testing.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../db/migrations.ts';
import type { DashboardDatabase } from '../db/schema.ts';
import { dashboardRoutes } from '../http/routes.ts';

// Every answer these tests see is checked against dashboard.yaml (status, content type, body schema).
const fetch = contractFetch(dashboardRouteTable, dashboardResponseValidators);

describe('dashboard HTTP API', () => {
  let service: StartedService<DashboardDatabase>;
  let keys: TestKeys;
  const file = join(tmpdir(), `dashboard_http_${uuidv7()}.sqlite`);
  const seller = { id: uuidv7(), role: 'seller' as const, email: 's@example.com' };
  const otherSeller = { id: uuidv7(), role: 'seller' as const, email: 'o@example.com' };

  beforeAll(async () => {
    keys = await createTestKeys({ setEnv: true });
    service = await startService<DashboardDatabase>({
      name: 'dashboard',
      port: 0,
      databaseUrl: file,
      migrations,
      routes: dashboardRoutes,
      handleSignals: false,
      logger: Object.assign(createLogger('dashboard'), { level: 'silent' }),
    });
    const db = service.ctx.db;
    const now = new Date().toISOString();
    for (const [orderId, sellerId, amount] of [
      [uuidv7(), seller.id, 1500],
      [uuidv7(), otherSeller.id, 900],
    ] as const) {
      await db
        .insertInto('dash_orders')
        .values({
          order_id: orderId,
          status: 'PAID',
          status_at: now,
          created_at: now,
          total_amount: amount,
          currency: 'USD',
          line_count: 1,
          updated_at: now,
        })
        .execute();
      await db
        .insertInto('dash_order_sellers')
        .values({
          order_id: orderId,
          seller_id: sellerId,
          line_count: 1,
          seller_total: amount,
          currency: 'USD',
        })
        .execute();
      await db
        .insertInto('dash_payments')
        .values({
          key: `paid:${orderId}`,
          order_id: orderId,
          kind: 'payment',
          amount,
          currency: 'USD',
          day: now.slice(0, 10),
          occurred_at: now,
        })
        .execute();
    }
  });
  afterAll(async () => {
    await service?.close();
    keys?.cleanup();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  });

  const get = async (
    path: string,
    user?: { id: string; role: 'buyer' | 'seller' | 'admin'; email: string },
  ) => {
    const headers: Record<string, string> = user ? { authorization: `Bearer ${await keys.sign(user)}` } : {};
    const res = await fetch(`${service.url}${path}`, { headers });
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      // biome-ignore lint/suspicious/noExplicitAny: response bodies are checked against the spec's schemas
      body: (await res.json()) as any,
    };
  };

  it("shows a seller their own orders only, as the spec's DashboardOrderPage", async () => {
    const res = await get('/dashboard/orders', seller);
    expect(res.status).toBe(200);
    expect(res.body.items.map((o: { sellerTotal: { amount: number } }) => o.sellerTotal.amount)).toEqual([
      1500,
    ]);
  });

  it('shows an admin every order', async () => {
    const res = await get('/dashboard/orders', { id: uuidv7(), role: 'admin', email: 'a@example.com' });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(2);
  });

  it('reports revenue and signups as the spec says', async () => {
    const revenue = await get('/dashboard/revenue', seller);
    expect(revenue.status).toBe(200);
    expect(revenue.body.days).toHaveLength(31);
    expect(revenue.body.days.at(-1)).toMatchObject({ orders: 1, gross: { amount: 1500, currency: 'USD' } });
    const signups = await get('/dashboard/signups?from=2025-01-01&to=2025-01-07', seller);
    expect(signups.status).toBe(200);
    expect(signups.body.days).toHaveLength(7);
  });

  it('answers 401 without a token and 403 for a buyer, as problem+json', async () => {
    const anonymous = await get('/dashboard/orders');
    expect(anonymous.status).toBe(401);
    expect(anonymous.type).toContain('application/problem+json');
    const buyer = await get('/dashboard/revenue', { id: uuidv7(), role: 'buyer', email: 'b@example.com' });
    expect(buyer.status).toBe(403);
  });

  it('rejects bad query parameters with 400 and lists each one', async () => {
    const res = await get('/dashboard/orders?from=2025-13-01&limit=0&status=SHIPPED', seller);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { parameter: string }) => e.parameter).sort()).toEqual([
      'from',
      'limit',
      'status',
    ]);
    const cursor = await get('/dashboard/orders?cursor=nonsense', seller);
    expect(cursor.status).toBe(400);
    const range = await get('/dashboard/signups?from=2020-01-01&to=2025-01-01', seller);
    expect(range.status).toBe(400);
  });
});
