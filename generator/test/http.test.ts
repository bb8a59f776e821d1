/**
 * The HTTP half of the contract: the route tables and validators emitted from OpenAPI documents, and the
 * drift check between a gateway's document and the services it routes to.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkHttp, HTTP_RULES } from '../src/check/http.ts';
import { checkDocuments } from '../src/check/index.ts';
import { formatDiagnostic } from '../src/diagnostics.ts';
import { httpOperations } from '../src/http-model.ts';
import { loadSpecs } from '../src/load.ts';
import { buildModel } from '../src/model.ts';
import { generate } from '../src/pipeline.ts';

const here = dirname(new URL(import.meta.url).pathname);

async function graphOf(fixture: string) {
  const loaded = await loadSpecs(join(here, 'fixtures', fixture));
  const { graph, diagnostics } = buildModel(loaded);
  expect(
    [...loaded.diagnostics, ...diagnostics, ...checkDocuments(graph)].filter((d) => d.severity === 'error'),
  ).toEqual([]);
  return graph;
}

const lineOf = (file: string, text: string, after = '') => {
  const lines = readFileSync(file, 'utf8').split('\n');
  const from = after ? lines.findIndex((l) => l.includes(after)) : 0;
  return lines.findIndex((l, i) => i >= from && l.includes(text)) + 1;
};

describe('HTTP drift check', () => {
  it('passes a gateway whose routed operations match the services, whatever their component names', async () => {
    expect(checkHttp(await graphOf('http-shop')).map(formatDiagnostic)).toEqual([]);
  });

  it('fails an operation routed to a service whose document lacks it, at the operation, saying what to do', async () => {
    const errors = checkHttp(await graphOf('http-drifted')).filter(
      (d) => d.code === 'http-operation-missing',
    );
    expect(errors).toHaveLength(1);
    const [e] = errors;
    const gateway = join(here, 'fixtures/http-drifted/gateway.yaml');
    expect(e?.severity).toBe('error');
    expect(e?.file).toMatch(/http-drifted\/gateway\.yaml$/);
    expect(e?.line).toBe(lineOf(gateway, 'operationId: deleteCart'));
    expect(e?.message).toContain('deleteCart (DELETE /carts/{cartId})');
    expect(e?.message).toMatch(/cart's document \(.*http-drifted\/cart\.yaml\) has no operation deleteCart/);
    expect(e?.message).toContain('Add the operation');
  });

  it('fails an operation whose request body schema differs, pointing at both request bodies', async () => {
    const errors = checkHttp(await graphOf('http-drifted')).filter((d) => d.code === 'http-request-drift');
    expect(errors).toHaveLength(1);
    const [e] = errors;
    const gateway = join(here, 'fixtures/http-drifted/gateway.yaml');
    const cart = join(here, 'fixtures/http-drifted/cart.yaml');
    expect(e?.line).toBe(lineOf(gateway, 'requestBody:', 'operationId: createCart'));
    expect(e?.message).toContain('createCart (POST /carts)');
    expect(e?.message).toContain('the JSON body schemas differ');
    expect(e?.related?.[0]?.file).toMatch(/http-drifted\/cart\.yaml$/);
    expect(e?.related?.[0]?.line).toBe(lineOf(cart, 'requestBody:', 'operationId: createCart'));
  });

  it('fails a parameter that differs, and a routed operation at another path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kada-http-drift-'));
    try {
      const gw = readFileSync(join(here, 'fixtures/http-shop/gateway.yaml'), 'utf8');
      const cart = readFileSync(join(here, 'fixtures/http-shop/cart.yaml'), 'utf8');
      writeFileSync(join(dir, 'gateway.yaml'), gw);
      writeFileSync(
        join(dir, 'cart.yaml'),
        cart
          .replace('schema: { type: boolean }', 'schema: { type: string }')
          .replace('  /carts:\n', '  /baskets:\n'),
      );
      const loaded = await loadSpecs(dir);
      const found = checkHttp(buildModel(loaded).graph);
      expect(found.map((d) => d.code).sort()).toEqual(['http-request-drift', 'http-route-mismatch']);
      expect(found.find((d) => d.code === 'http-request-drift')?.message).toContain(
        'the query parameter expand differs',
      );
      expect(found.find((d) => d.code === 'http-route-mismatch')?.message).toContain('POST /baskets');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails `generate` too, and lists its rules', async () => {
    const result = await generate(await graphOf('http-drifted'), { packageName: null, cacheDir: null });
    expect(
      result.diagnostics
        .filter((d) => d.severity === 'error')
        .map((d) => d.code)
        .sort(),
    ).toEqual(['http-operation-missing', 'http-request-drift']);
    expect(HTTP_RULES.map((r) => r.id)).toEqual([
      'http-upstream-unknown',
      'http-operation-missing',
      'http-route-mismatch',
      'http-request-drift',
    ]);
  });
});

describe('HTTP operations and their emitted validators', () => {
  it('reads operations with resolved parameters, self-contained schemas and security', async () => {
    const graph = await graphOf('http-shop');
    const cart = graph.http.find((api) => api.service === 'cart');
    if (!cart) throw new Error('no cart document');
    const ops = httpOperations(cart);
    expect(ops.map((op) => [op.operationId, op.method, op.expressPath, op.secured])).toEqual([
      ['createCart', 'post', '/carts', true],
      ['getCart', 'get', '/carts/:cartId', false],
      ['deleteCart', 'delete', '/carts/:cartId', true],
    ]);
    expect(ops[0]?.parameters).toEqual([
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        schema: { type: 'string', minLength: 1, maxLength: 128 },
      },
    ]);
    expect(ops[0]?.body?.schema).toMatchObject({
      $ref: '#/$defs/NewCart',
      $defs: { NewCart: expect.any(Object), Line: expect.any(Object) },
    });
  });

  it('emits validators that run without ajv.compile: bodies strict, parameters coerced from strings', async () => {
    const { files } = await generate(await graphOf('http-shop'), { packageName: null, cacheDir: null });
    const dir = mkdtempSync(join(here, '.out-http-'));
    try {
      for (const name of ['cart.body.js', 'cart.parameters.js']) {
        const file = files.find((f) => f.path === `openapi/validators/${name}`);
        expect(file?.content).not.toContain('.compile(');
        writeFileSync(join(dir, name), file?.content ?? '');
      }
      const body = await import(join(dir, 'cart.body.js'));
      expect(body.createCartBody({ lines: [{ sku: 'a', quantity: 2 }] })).toBe(true);
      expect(body.createCartBody({ lines: [{ sku: 'a', quantity: '2' }] })).toBe(false);
      const params = await import(join(dir, 'cart.parameters.js'));
      const query = { expand: 'true' };
      expect(params.getCartQuery(query)).toBe(true);
      expect(query).toEqual({ expand: true });
      expect(params.getCartPath({ cartId: 'not-a-uuid' })).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
