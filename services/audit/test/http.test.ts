import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, uuidv7 } from '@kada/runtime';
import { type StartedService, startService } from '@kada/service-kit';
import { createTestKeys, type TestKeys } from '@kada/service-kit/testing.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../db/migrations.ts';
import type { AuditDatabase } from '../db/schema.ts';
import { auditRoutes } from '../http/routes.ts';

describe('GET /audit/events', () => {
  let service: StartedService<AuditDatabase>;
  let keys: TestKeys;
  const file = join(tmpdir(), `audit_http_${uuidv7()}.sqlite`);
  const correlationId = uuidv7();
  const admin = { id: uuidv7(), role: 'admin' as const, email: 'admin@example.com' };

  beforeAll(async () => {
    keys = await createTestKeys({ setEnv: true });
    service = await startService<AuditDatabase>({
      name: 'audit',
      port: 0,
      databaseUrl: file,
      migrations,
      routes: auditRoutes,
      handleSignals: false,
      logger: Object.assign(createLogger('audit'), { level: 'silent' }),
    });
    const at = (s: number) => new Date(Date.UTC(2025, 5, 12, 14, 0, s)).toISOString();
    for (const [eventType, second, cid] of [
      ['order.paid', 2, correlationId],
      ['order.created', 1, correlationId],
      ['user.registered', 0, uuidv7()],
    ] as const) {
      await service.ctx.db
        .insertInto('audit_log')
        .values({
          event_id: uuidv7(),
          event_type: eventType,
          version: 1,
          producer: eventType.split('.')[0] ?? 'x',
          correlation_id: cid,
          causation_id: null,
          occurred_at: at(second),
          received_at: at(second),
          data: JSON.stringify({ second }),
        })
        .execute();
    }
  });
  afterAll(async () => {
    await service?.close();
    keys?.cleanup();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  });

  const get = async (path: string, role: 'admin' | 'seller' | null) => {
    const headers: Record<string, string> = role
      ? { authorization: `Bearer ${await keys.sign({ ...admin, role })}` }
      : {};
    const res = await fetch(`${service.url}${path}`, { headers });
    return {
      status: res.status,
      body: (await res.json()) as { items?: Array<{ eventType: string; data: unknown }> },
    };
  };

  it('lists one flow oldest first for an admin', async () => {
    const res = await get(`/audit/events?correlationId=${correlationId}`, 'admin');
    expect(res.status).toBe(200);
    expect(res.body.items?.map((e) => [e.eventType, e.data])).toEqual([
      ['order.created', { second: 1 }],
      ['order.paid', { second: 2 }],
    ]);
  });

  it('is for admins only and needs a correlation id', async () => {
    expect((await get(`/audit/events?correlationId=${correlationId}`, null)).status).toBe(401);
    expect((await get(`/audit/events?correlationId=${correlationId}`, 'seller')).status).toBe(403);
    expect((await get('/audit/events', 'admin')).status).toBe(400);
  });
});
