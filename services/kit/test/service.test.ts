import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevKeys, type StartedService, startService } from '../index.ts';

describe('ensureDevKeys', () => {
  it('creates a key pair once, the private key readable by its owner only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kada-kit-keys-'));
    try {
      const first = await ensureDevKeys(join(dir, 'keys'));
      expect(statSync(first.privateKeyFile).mode & 0o777).toBe(0o600);
      const publicJwk = JSON.parse(readFileSync(first.publicKeyFile, 'utf8'));
      expect(publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: first.kid });
      expect(publicJwk.d).toBeUndefined();
      const again = await Promise.all([ensureDevKeys(join(dir, 'keys')), ensureDevKeys(join(dir, 'keys'))]);
      expect(again.map((k) => k.kid)).toEqual([first.kid, first.kid]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets concurrent first calls agree on one key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kada-kit-keys-'));
    try {
      const all = await Promise.all(Array.from({ length: 5 }, () => ensureDevKeys(dir)));
      expect(new Set(all.map((k) => k.kid)).size).toBe(1);
      const publicJwk = JSON.parse(readFileSync(join(dir, 'jwt-public.jwk.json'), 'utf8'));
      expect(publicJwk.kid).toBe(all[0]?.kid);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('startService', () => {
  let dir: string;
  let service: StartedService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kada-kit-svc-'));
    service = await startService({
      name: `kit-test-${process.pid}`,
      port: 0,
      databaseUrl: join(dir, 'db.sqlite'),
      handleSignals: false,
      logger: pino({ level: 'silent' }),
      migrations: {
        '001_notes': {
          up: async (db) => {
            await db.schema
              .createTable('notes')
              .addColumn('id', 'text', (c) => c.primaryKey())
              .addColumn('body', 'text', (c) => c.notNull())
              .execute();
          },
        },
      },
      routes: (app, ctx) => {
        app.post('/notes', async (req, res) => {
          await ctx.rt.transaction(async (tx) => {
            await tx.insertInto('notes').values({ id: req.body.id, body: req.body.body }).execute();
          });
          res.status(201).json({ id: req.body.id });
        });
        app.get('/notes/:id', async (req, res) => {
          const row = await ctx.db
            .selectFrom('notes')
            .selectAll()
            .where('id', '=', req.params.id)
            .executeTakeFirst();
          res.json(row);
        });
      },
    });
  });

  afterAll(async () => {
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates, serves routes on a free port and reports readiness', async () => {
    expect(service.port).toBeGreaterThan(0);
    const created = await fetch(`${service.url}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'n1', body: 'hello' }),
    });
    expect(created.status).toBe(201);
    expect(await (await fetch(`${service.url}/notes/n1`)).json()).toEqual({ id: 'n1', body: 'hello' });
    const ready = await fetch(`${service.url}/ready`);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { database: { status: 'up' }, rabbitmq: { status: 'up' } },
    });
    const missing = await fetch(`${service.url}/nowhere`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('closes idempotently', async () => {
    const closing = service.close();
    await expect(Promise.all([closing, service.close()])).resolves.toBeDefined();
    await expect(fetch(`${service.url}/health`)).rejects.toThrow();
  });
});
