/**
 * What kada-gen's generated HTTP route tables are made of, and the types that turn openapi-typescript's
 * `operations[...]` into a handler's input and reply. Framework-free: a server (express in
 * @kada/service-kit) mounts the table; the `Call` type parameter is whatever that server hands a handler.
 *
 *   type Op = operations['getOrder'];   // from openapi-typescript
 *   HttpInput<Op>  -> { params: { orderId: string }; query: {}; headers: {}; body: undefined }
 *   HttpReply<Op>  -> { status: 200; body: Order } | { status: 401; body: Problem } | { status: 404; … }
 */
import type { ValidateFunction } from './types.ts';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';

/** The path, query or header parameters of an operation, validated (with type coercion) as one object. */
export interface HttpParameterGroup {
  readonly in: 'path' | 'query' | 'header';
  /** Key in the validated object (header names lower-cased, as Node gives them) -> name in the spec. */
  readonly names: Readonly<Record<string, string>>;
  /** Coerces the strings of a request into the schema's types; validate a copy. */
  readonly validate: ValidateFunction;
}

/** One operation of an OpenAPI document with its request validators, compiled at generation time. */
export interface HttpOperation {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** OpenAPI path template, e.g. /orders/{orderId}. */
  readonly path: string;
  /** Express path, e.g. /orders/:orderId. */
  readonly expressPath: string;
  /** `x-kada-upstream`: the service a gateway forwards it to. */
  readonly upstream: string | undefined;
  /** A bearer (or other) security requirement applies. */
  readonly secured: boolean;
  readonly body:
    | {
        readonly required: boolean;
        readonly contentTypes: readonly string[];
        /** Validates a JSON body; undefined when the body is not JSON. */
        readonly validate: ValidateFunction | undefined;
      }
    | undefined;
  readonly parameters: readonly HttpParameterGroup[];
  /** Declared status (or 'default', '4XX') -> content type of its body, null for none. */
  readonly responses: Readonly<Record<string, string | null>>;
}

/** A document's operations by operationId; `Ops` is the generated `<Doc>Operations` interface. */
export interface HttpRouteTable<Ops> {
  /** The spec file, e.g. specs/openapi/order.yaml. */
  readonly document: string;
  readonly operations: { readonly [K in keyof Ops]: HttpOperation };
}

/** A document's response validators by operationId and status, for tests that check answers. */
export type HttpResponseValidators<Ops> = {
  readonly [K in keyof Ops]: Readonly<Record<string, ValidateFunction | null>>;
};

type Defined<T> = [Exclude<T, undefined>] extends [never] ? Record<string, never> : Exclude<T, undefined>;
type ParametersOf<Op> = Op extends { parameters: infer P } ? P : Record<string, never>;
type Slot<P, K extends string> = P extends { [k in K]?: infer V } ? Defined<V> : Record<string, never>;
type ContentOf<B> = B extends { content: infer C } ? C[keyof C] : undefined;

/** What a handler receives: validated, coerced parameters and the validated body. */
export interface HttpInput<Op> {
  readonly params: Slot<ParametersOf<Op>, 'path'>;
  readonly query: Slot<ParametersOf<Op>, 'query'>;
  readonly headers: Slot<ParametersOf<Op>, 'header'>;
  readonly body: Op extends { requestBody: infer B }
    ? ContentOf<B>
    : Op extends { requestBody?: infer B }
      ? ContentOf<B> | undefined
      : undefined;
}

type StatusOf<S> = S extends number ? S : number;
type ReplyFor<S, R> = R extends { content: infer C }
  ? { readonly status: StatusOf<S>; readonly body: C[keyof C]; readonly headers?: Record<string, string> }
  : { readonly status: StatusOf<S>; readonly body?: undefined; readonly headers?: Record<string, string> };

/** What a handler answers: one of the operation's declared statuses with that status's body. */
export type HttpReply<Op> = Op extends { responses: infer R }
  ? { [S in keyof R]: ReplyFor<S, R[S]> }[keyof R]
  : never;

export type HttpHandler<Op, Call> = (input: HttpInput<Op>, call: Call) => Promise<HttpReply<Op>>;

/** One handler per operation: a missing or misspelled operationId does not compile. */
export type HttpRoutes<Ops, Call> = { [K in keyof Ops]: HttpHandler<Ops[K], Call> };
