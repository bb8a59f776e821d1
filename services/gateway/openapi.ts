import { gatewayRouteTable } from '@kada/contracts/openapi/gateway.routes.ts';
import type { HttpOperation, ValidateFunction } from '@kada/runtime';
import { type ProblemError, toProblemErrors } from '@kada/service-kit';

type Json = Record<string, unknown>;

/** One operation of the public API, with the validators kada-gen compiled from gateway.yaml. */
export interface Operation {
  operationId: string;
  method: HttpOperation['method'];
  /** The OpenAPI path, e.g. /orders/{orderId}. */
  path: string;
  /** The express path, e.g. /orders/:orderId. */
  expressPath: string;
  /** Service name from x-kada-upstream; undefined for the gateway's own routes (/health...). */
  upstream: string | undefined;
  /** True when the operation needs a bearer token. */
  secured: boolean;
  /** Whether the operation takes a JSON body, and must have one. */
  body: { required: boolean; validate: ValidateFunction } | undefined;
  /** Validates path, query and header parameters; returns the problems found. */
  validateParameters(input: { path: Json; query: Json; headers: Json }): ProblemError[];
}

/**
 * The gateway's routing, from the route table generated from specs/openapi/gateway.yaml: nothing reads the
 * document at run time, and no schema is compiled at start-up (the validators are ajv standalone code).
 */
export function gatewayOperations(): Operation[] {
  return (Object.values(gatewayRouteTable.operations) as HttpOperation[]).map((op) => ({
    operationId: op.operationId,
    method: op.method,
    path: op.path,
    expressPath: op.expressPath,
    upstream: op.upstream,
    secured: op.secured,
    body:
      op.body?.validate !== undefined
        ? { required: op.body.required, validate: op.body.validate }
        : undefined,
    validateParameters: parameterValidator(op),
  }));
}

function parameterValidator(op: HttpOperation): Operation['validateParameters'] {
  return (input) => {
    const problems: ProblemError[] = [];
    for (const group of op.parameters) {
      // Validate a copy: coercion must not change what is forwarded.
      const source = group.in === 'header' ? input.headers : input[group.in];
      const data: Json = {};
      for (const key of Object.keys(group.names)) if (source[key] !== undefined) data[key] = source[key];
      if (group.validate(data)) continue;
      for (const error of toProblemErrors(group.validate.errors)) {
        const key = error.pointer?.split('/')[1] ?? '';
        const name = group.names[key] ?? key;
        const detail = error.detail;
        problems.push(group.in === 'header' ? { header: name, detail } : { parameter: name, detail });
      }
    }
    return problems;
  };
}
