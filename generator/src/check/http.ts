/**
 * HTTP drift: every operation a gateway routes (`x-kada-upstream: <service>`) must exist in that service's
 * own OpenAPI document, at the same method and path, taking the same request.
 *
 *   gateway.yaml: POST /orders, operationId createOrder, x-kada-upstream: order, body CreateOrderRequest
 *   order.yaml:   POST /orders, operationId createOrder, body { items, paymentMethodId, coupon }   (coupon is new)
 *   -> error http-request-drift at specs/openapi/gateway.yaml:<line of the requestBody>
 *      "gateway routes createOrder (POST /orders) to order, but the request body differs from order's …"
 */
import type { Diagnostic } from '../diagnostics.ts';
import { expandedSchema, type HttpOperationModel, httpOperations } from '../http-model.ts';
import type { ContractGraph } from '../model.ts';
import { locate } from './place.ts';

/** The rule ids this check reports, for `kada-gen rules`. */
export const HTTP_RULES = [
  {
    id: 'http-upstream-unknown',
    kind: 'http',
    description: "An operation's x-kada-upstream names a service that has no OpenAPI document here.",
  },
  {
    id: 'http-operation-missing',
    kind: 'http',
    description:
      'A gateway operation is routed to a service whose own document has no operation with that operationId.',
  },
  {
    id: 'http-route-mismatch',
    kind: 'http',
    description:
      "A routed operation has another method or path in the service's document than in the gateway's (the request is forwarded as it came).",
  },
  {
    id: 'http-request-drift',
    kind: 'http',
    description:
      "A routed operation's request (JSON body schema, body required, or a path/query/header parameter) differs between the gateway's document and the service's.",
  },
] as const;

type Json = Record<string, unknown>;

/** A self-contained schema (http-model's) with its references expanded: equal when it accepts the same JSON. */
function canonical(schema: unknown): string {
  if (!schema || typeof schema !== 'object') return JSON.stringify(schema ?? null);
  const { $defs: _defs, ...root } = schema as Json;
  return JSON.stringify(expandedSchema(schema as Json, root));
}

export function checkHttp(graph: ContractGraph): Diagnostic[] {
  const out: Diagnostic[] = [];
  const byService = new Map(graph.http.map((api) => [api.service, api]));
  const opsOf = new Map<string, HttpOperationModel[]>();
  const operations = (service: string) => {
    const api = byService.get(service);
    if (!api) return undefined;
    let ops = opsOf.get(service);
    if (!ops) {
      ops = httpOperations(api);
      opsOf.set(service, ops);
    }
    return ops;
  };
  const at = (op: HttpOperationModel, ...segs: string[]) =>
    locate(graph, { absPath: op.api.absPath, pointer: [...op.pointer, ...segs] }, []);

  for (const api of graph.http) {
    for (const edge of operations(api.service) ?? []) {
      const upstream = edge.upstream;
      if (upstream === undefined || upstream === api.service) continue;
      const route = `${edge.operationId} (${edge.method.toUpperCase()} ${edge.path})`;
      const serviceOps = operations(upstream);
      if (!serviceOps) {
        out.push({
          severity: 'error',
          code: 'http-upstream-unknown',
          message: `${api.service} routes ${route} to "${upstream}", which has no OpenAPI document here (known: ${[...byService.keys()].join(', ')}). Add specs/openapi/${upstream}.yaml (info.x-kada-service: ${upstream}) or fix x-kada-upstream.`,
          ...at(edge, 'x-kada-upstream'),
        });
        continue;
      }
      const own = serviceOps.find((op) => op.operationId === edge.operationId);
      if (!own) {
        out.push({
          severity: 'error',
          code: 'http-operation-missing',
          message: `${api.service} routes ${route} to ${upstream}, but ${upstream}'s document (${byService.get(upstream)?.file}) has no operation ${edge.operationId}. Add the operation to ${upstream}'s document, or fix the operationId or x-kada-upstream here.`,
          ...at(edge, 'operationId'),
        });
        continue;
      }
      const related = (segs: string[], note: string) => [{ ...at(own, ...segs), note }];
      if (own.method !== edge.method || own.path !== edge.path) {
        out.push({
          severity: 'error',
          code: 'http-route-mismatch',
          message: `${api.service} routes ${route} to ${upstream}, whose document has ${edge.operationId} at ${own.method.toUpperCase()} ${own.path}: the gateway forwards the request as it came, so it would not reach it. Use the same method and path in both documents.`,
          ...at(edge),
          related: related([], `${upstream}'s ${edge.operationId}`),
        });
        continue;
      }
      out.push(...requestDrift(edge, own, at, related));
    }
  }
  return out;
}

function requestDrift(
  edge: HttpOperationModel,
  own: HttpOperationModel,
  at: (op: HttpOperationModel, ...segs: string[]) => { file: string; line: number; column: number },
  related: (segs: string[], note: string) => Diagnostic['related'],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const gateway = edge.api.service;
  const service = own.api.service;
  const route = `${edge.operationId} (${edge.method.toUpperCase()} ${edge.path})`;
  const fix = `Make the two documents' requests the same (the gateway validates with its own, the service with ${service}'s), then run kada-gen generate.`;
  const bodyOf = (op: HttpOperationModel) =>
    op.body ? { required: op.body.required, schema: canonical(op.body.schema) } : null;
  const [a, b] = [bodyOf(edge), bodyOf(own)];
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    const what =
      !a || !b
        ? `${a ? gateway : service} takes a request body and ${a ? service : gateway} does not`
        : a.required !== b.required
          ? `the body is ${a.required ? 'required' : 'optional'} in ${gateway} but ${b.required ? 'required' : 'optional'} in ${service}`
          : `the JSON body schemas differ`;
    out.push({
      severity: 'error',
      code: 'http-request-drift',
      message: `${gateway} routes ${route} to ${service}, but its request differs from ${service}'s (${own.api.file}): ${what}. ${fix}`,
      ...at(edge, ...(edge.body ? ['requestBody'] : [])),
      related: related(own.body ? ['requestBody'] : [], `${service}'s request body`),
    });
  }
  const params = (op: HttpOperationModel) =>
    new Map(
      op.parameters
        .filter((p) => p.in !== 'cookie')
        .map((p) => [
          `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`,
          JSON.stringify({ required: p.required, schema: canonical(p.schema) }),
        ]),
    );
  const [pa, pb] = [params(edge), params(own)];
  for (const name of [...new Set([...pa.keys(), ...pb.keys()])].sort()) {
    if (pa.get(name) === pb.get(name)) continue;
    const [where, param] = name.split(':') as [string, string];
    const what = !pa.has(name)
      ? `${service} declares the ${where} parameter ${param}, ${gateway} does not`
      : !pb.has(name)
        ? `${gateway} declares the ${where} parameter ${param}, ${service} does not`
        : `the ${where} parameter ${param} differs (required or schema)`;
    out.push({
      severity: 'error',
      code: 'http-request-drift',
      message: `${gateway} routes ${route} to ${service}, but its request differs from ${service}'s (${own.api.file}): ${what}. ${fix}`,
      ...at(edge),
      related: related([], `${service}'s ${edge.operationId}`),
    });
  }
  return out;
}
