/**
 * A `fetch` for HTTP tests that checks every answer against the OpenAPI document: the status must be one the
 * operation declares, a declared body must come with the declared content type and match its schema. A
 * violation rejects the fetch, so the test that saw it fails with what was wrong.
 *
 *   const fetch = contractFetch(orderRouteTable, orderResponseValidators);
 *   const res = await fetch(`${svc.url}/orders/${id}`, { headers });   // rejects if the answer breaks order.yaml
 */
import type { HttpOperation, HttpResponseValidators, HttpRouteTable, ValidateFunction } from '@kada/runtime';
import { declaredContentType } from '../src/routes.ts';

export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
}

interface Matcher {
  readonly op: HttpOperation;
  readonly pattern: RegExp;
  readonly literal: number;
}

function matchers(table: HttpRouteTable<unknown>): Matcher[] {
  const out = (Object.values(table.operations) as HttpOperation[]).map((op) => ({
    op,
    pattern: new RegExp(
      `^${op.path
        .split(/\{[^}]+\}/)
        .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
        .join('[^/]+')}/?$`,
    ),
    literal: op.path.replace(/\{[^}]+\}/g, '').length,
  }));
  // /products/mine before /products/{productId}: the most literal template wins.
  return out.sort((a, b) => b.literal - a.literal);
}

/**
 * `fetch`, checked against `table`'s document. A request to a path the document does not have passes
 * unchecked only when it is answered 404 or 405 (tests of unknown routes).
 */
export function contractFetch<Ops>(
  table: HttpRouteTable<Ops>,
  responses: HttpResponseValidators<Ops>,
  inner: typeof fetch = globalThis.fetch,
): typeof fetch {
  const routes = matchers(table as HttpRouteTable<unknown>);
  const validators = responses as unknown as Record<string, Record<string, ValidateFunction | null>>;
  return async (input, init) => {
    const response = await inner(input, init);
    const request = new Request(input, init);
    const method = request.method.toLowerCase();
    if (method === 'head' || method === 'options') return response;
    const path = new URL(request.url).pathname;
    const candidates = routes.filter((r) => r.pattern.test(path));
    const route = candidates.find((r) => r.op.method === method);
    const where = `${request.method} ${path}`;
    if (!route) {
      if (response.status === 404 || response.status === 405) return response;
      throw new ContractViolation(
        `${where} answered ${response.status}, but ${table.document} has no such operation`,
      );
    }
    const { op } = route;
    const status = response.status;
    const statusKey = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in op.responses);
    if (statusKey === undefined) {
      throw new ContractViolation(
        `${where} (${op.operationId}) answered ${status}, which ${table.document} does not declare (it declares ${Object.keys(op.responses).join(', ')}): ${await response.clone().text()}`,
      );
    }
    const type = declaredContentType(op, status);
    if (!type) return response;
    // Media types compare without their parameters (charset, version).
    const mediaType = (value: string) => value.split(';')[0]?.trim().toLowerCase() ?? '';
    const got = mediaType(response.headers.get('content-type') ?? '');
    if (got !== mediaType(type)) {
      throw new ContractViolation(
        `${where} (${op.operationId}) answered ${status} as ${got || 'no content type'}, but ${table.document} declares ${type}`,
      );
    }
    const validate = validators[op.operationId]?.[statusKey];
    if (!validate) return response;
    const text = await response.clone().text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ContractViolation(
        `${where} (${op.operationId}) answered ${status} with a body that is not JSON`,
      );
    }
    if (!validate(body)) {
      const problems = (validate.errors ?? []).map(
        (e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`,
      );
      throw new ContractViolation(
        `${where} (${op.operationId}) answered ${status} with a body that breaks ${table.document}: ${problems.join('; ')}\n${text}`,
      );
    }
    return response;
  };
}
