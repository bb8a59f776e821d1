/**
 * HTTP emitter: per OpenAPI document, a typed route table with request validators compiled here (ajv
 * standalone, as for events: a service never calls `ajv.compile`), response validators for tests, and a
 * typed client. openapi-typescript (emit/openapi.ts) stays the type engine; everything here refers to its
 * `operations` and `paths`.
 *
 *   specs/openapi/order.yaml: POST /orders (createOrder), GET /orders/{orderId} (getOrder)
 *   -> openapi/order.routes.ts:
 *        export interface OrderOperations { createOrder: operations['createOrder']; getOrder: … }
 *        export type OrderRoutes<Call> = HttpRoutes<OrderOperations, Call>;
 *        export type CreateOrderInput = HttpInput<…>; export type CreateOrderReply = HttpReply<…>;
 *        export const orderRouteTable: HttpRouteTable<OrderOperations> = { operations: { createOrder: { method: 'post', … } } };
 *      openapi/order.responses.ts:  export const orderResponseValidators = { createOrder: { '202': v1, '400': v2 }, … };
 *      openapi/order.client.ts:     export function createOrderClient(baseUrl, opts): OrderClient  (openapi-fetch)
 *      openapi/validators/order.{body,parameters,responses}.js + .d.ts: the precompiled validators
 *
 * Three validator modules, because each is compiled with its own ajv options: bodies as they are,
 * parameters with type coercion (they arrive as strings), responses for tests only (so services do not
 * load them). Identical schemas share one validator.
 */
import { createRequire } from 'node:module';
import type { HttpOperation } from '@kada/runtime';
import { type HttpOperationModel, httpOperations } from '../http-model.ts';
import type { ContractGraph, HttpApiModel, JsonSchema } from '../model.ts';
import {
  camelCase,
  code,
  docComment,
  GeneratedFile,
  type GenSymbol,
  headerLine,
  literal,
  type OutputFile,
  type Printed,
  pascalCase,
  pick,
  unique,
} from './file.ts';

const require = createRequire(import.meta.url);
// ajv ships CommonJS; OpenAPI 3.1 schemas are JSON Schema 2020-12.
const { Ajv2020 } = require('ajv/dist/2020') as typeof import('ajv/dist/2020.js');
const addFormats = require('ajv-formats').default as typeof import('ajv-formats').default;
const standaloneCode = require('ajv/dist/standalone')
  .default as typeof import('ajv/dist/standalone/index.js').default;

export interface HttpEmitOptions {
  readonly runtimeModule: string;
}

/** An ajv for OpenAPI 3.1 schemas: all errors (a 400 lists each problem), formats, `format: password`. */
export function newHttpAjv(coerceTypes: boolean): InstanceType<typeof Ajv2020> {
  const ajv = new Ajv2020({
    code: { source: true, esm: true, lines: false, optimize: 1 },
    strict: false,
    allErrors: true,
    coerceTypes,
    validateFormats: true,
  });
  addFormats(ajv);
  ajv.addFormat('password', true);
  return ajv;
}

/** Validators of one module: identical schemas get one function, under the first name registered. */
class ValidatorModule {
  private readonly byShape = new Map<string, string>();
  private readonly schemas = new Map<string, JsonSchema>();
  private readonly taken: Set<string>;
  readonly path: string;
  constructor(path: string, taken: Set<string>) {
    this.path = path;
    this.taken = taken;
  }

  /** The validator of `schema` in this module: `name`, numbered when taken, or the one an identical schema has. */
  add(name: string, schema: JsonSchema): GenSymbol {
    const shape = JSON.stringify(schema);
    const known = this.byShape.get(shape) ?? unique(name, this.taken);
    this.byShape.set(shape, known);
    this.schemas.set(known, schema);
    return { name: known, file: `${this.path}.js`, typeOnly: false };
  }

  get size(): number {
    return this.schemas.size;
  }

  emit(coerceTypes: boolean, sources: readonly string[], runtimeModule: string): OutputFile[] {
    const ajv = newHttpAjv(coerceTypes);
    const refs: Record<string, string> = {};
    for (const name of [...this.schemas.keys()].sort()) {
      const id = `kada:${name}`;
      ajv.addSchema({ ...(this.schemas.get(name) as object), $id: id });
      refs[name] = id;
    }
    const code = this.schemas.size > 0 ? standaloneCode(ajv, refs) : '"use strict";';
    const js = [
      headerLine(sources),
      `// Precompiled by ajv at generation time${coerceTypes ? ', coercing strings to the schema types (validate a copy)' : ''}.`,
      "import { createRequire } from 'node:module';",
      'const require = createRequire(import.meta.url);',
      code.replace(/^"use strict";/, ''),
      '',
    ].join('\n');
    const dts = new GeneratedFile(`${this.path}.d.ts`, sources);
    const VF = dts.importType(runtimeModule, 'ValidateFunction');
    for (const name of Object.keys(refs)) dts.print(`export declare const ${name}: ${VF};`);
    if (this.schemas.size === 0) dts.print('export {};');
    return [{ path: `${this.path}.js`, content: js }, dts.toOutput()];
  }
}

const str = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
const key = (s: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s) ? s : str(s));

/** Pointer of an operation as a URI fragment: #/paths/~1orders~1{orderId}/get. */
function fragment(op: HttpOperationModel): string {
  return `#/${op.pointer.map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;
}

export function emitHttp(graph: ContractGraph, opts: HttpEmitOptions): OutputFile[] {
  const out: OutputFile[] = [];
  for (const api of graph.http) out.push(...emitDocument(api, opts));
  return out;
}

function emitDocument(api: HttpApiModel, opts: HttpEmitOptions): OutputFile[] {
  const rt = opts.runtimeModule;
  const sources = [api.file];
  const doc = api.service;
  const Doc = pascalCase(doc);
  const ops = httpOperations(api);
  const taken = new Set<string>();
  const bodies = new ValidatorModule(`openapi/validators/${doc}.body`, taken);
  const params = new ValidatorModule(`openapi/validators/${doc}.parameters`, taken);
  const answers = new ValidatorModule(`openapi/validators/${doc}.responses`, new Set());

  const routes = new GeneratedFile(`openapi/${doc}.routes.ts`, sources);
  const Table = routes.importType(rt, 'HttpRouteTable');
  const Routes = routes.importType(rt, 'HttpRoutes');
  const Input = routes.importType(rt, 'HttpInput');
  const Reply = routes.importType(rt, 'HttpReply');
  // openapi-typescript's module (emit/openapi.ts) declares `operations` and `paths`.
  const typesFile = `openapi/${doc}.ts`;
  const operations = routes.use({ name: 'operations', file: typesFile, typeOnly: true });
  const Ops = `${Doc}Operations`;

  routes.print(
    docComment([
      `The operations of ${api.file} by operationId, as openapi-typescript types them (${doc}.ts).`,
    ]),
  );
  routes.block(`export interface ${Ops} {`, () => {
    for (const op of ops) {
      routes.print(`/** @generated from ${api.file}${fragment(op)} */`);
      routes.print(`${key(op.operationId)}: ${operations}[${str(op.operationId)}];`);
    }
  });
  routes.blank();
  routes.print(
    docComment([
      `One handler per operation of ${api.file}; a missing or misspelled operationId does not compile.`,
      '`Call` is what the server hands each handler next to its input (the request and response objects).',
    ]),
    `export type ${Doc}Routes<Call> = ${Routes}<${Ops}, Call>;`,
  );
  const typeNames = new Set([Ops, `${Doc}Routes`]);
  for (const op of ops) {
    let base = pascalCase(op.operationId);
    while (typeNames.has(`${base}Input`) || typeNames.has(`${base}Reply`)) base = `${base}Operation`;
    typeNames.add(`${base}Input`).add(`${base}Reply`);
    routes.blank();
    routes.print(
      docComment([`${op.method.toUpperCase()} ${op.path}: what the handler gets and what it may answer.`]),
      `export type ${base}Input = ${Input}<${Ops}[${str(op.operationId)}]>;`,
      `export type ${base}Reply = ${Reply}<${Ops}[${str(op.operationId)}]>;`,
    );
  }
  routes.blank();
  routes.print(
    docComment([`${api.file}'s operations with their request validators (compiled at generation time).`]),
  );
  const table = {
    document: api.file,
    operations: Object.fromEntries(ops.map((op) => [op.operationId, operation(routes, op, bodies, params)])),
  };
  routes.print(`export const ${camelCase(doc)}RouteTable: ${Table}<${Ops}> = ${literal(table)};`);

  const responses = new GeneratedFile(`openapi/${doc}.responses.ts`, sources);
  const RV = responses.importType(rt, 'HttpResponseValidators');
  const OpsType = responses.use({ name: Ops, file: routes.path, typeOnly: true });
  responses.print(
    docComment([
      `Response validators of ${api.file} by operationId and status, for tests that check every answer`,
      'against the spec (null: the status has no JSON body to check). Services do not import this.',
    ]),
  );
  const validators = ops.map((op) => {
    const byStatus = op.responses.map((r) => {
      const validate = r.schema
        ? responses.use(answers.add(responseName(op.operationId, r.status, r.schema), r.schema))
        : null;
      return [r.status, validate === null ? null : code(validate)] as const;
    });
    return [op.operationId, new Map(byStatus)] as const;
  });
  responses.print(
    `export const ${camelCase(doc)}ResponseValidators: ${RV}<${OpsType}> = ${literal(Object.fromEntries(validators))};`,
  );

  const client = new GeneratedFile(`openapi/${doc}.client.ts`, sources);
  const createClient = client.import('openapi-fetch', 'default', 'createClient');
  const Client = client.importType('openapi-fetch', 'Client');
  const ClientOptions = client.importType('openapi-fetch', 'ClientOptions');
  const paths = client.use({ name: 'paths', file: typesFile, typeOnly: true });
  client.print(
    docComment([`A typed client of ${api.file}: openapi-fetch over openapi-typescript's \`paths\`.`]),
    `export type ${Doc}Client = ${Client}<${paths}>;`,
    '',
    docComment([
      `\`create${Doc}Client('http://localhost:8080').GET('/orders/{orderId}', { params: { path: { orderId } } })\``,
      "answers `{ data, error, response }`, typed by the operation; `opts` are openapi-fetch's (headers, fetch…).",
    ]),
  );
  client.block(
    `export function create${Doc}Client(baseUrl: string, opts: Omit<${ClientOptions}, 'baseUrl'> = {}): ${Doc}Client {`,
    () => client.print(`return ${createClient}<${paths}>({ ...opts, baseUrl });`),
  );

  return [
    routes.toOutput(),
    responses.toOutput(),
    client.toOutput(),
    ...bodies.emit(false, sources, rt),
    ...params.emit(true, sources, rt),
    ...answers.emit(false, sources, rt),
  ];
}

/** A response that is one component schema is named after it (`problem`); others after operation and status. */
function responseName(operationId: string, status: string, schema: JsonSchema): string {
  const ref = typeof schema.$ref === 'string' ? /^#\/\$defs\/([^/]+)$/.exec(schema.$ref)?.[1] : undefined;
  return ref ? camelCase(ref) : `${camelCase(operationId)}${status.replace(/[^A-Za-z0-9]/g, '')}`;
}

/** One operation of the route table as data: the runtime's HttpOperation, validators by name. */
function operation(
  f: GeneratedFile,
  op: HttpOperationModel,
  bodies: ValidatorModule,
  params: ValidatorModule,
): Printed<Omit<HttpOperation, 'responses'>> & { responses: Map<string, string | null> } {
  const base = camelCase(op.operationId);
  const validate = op.body?.schema ? code(f.use(bodies.add(`${base}Body`, op.body.schema))) : undefined;
  const groups = (['path', 'query', 'header'] as const)
    .map((where) => ({ where, list: op.parameters.filter((p) => p.in === where) }))
    .filter((g) => g.list.length > 0);
  return {
    ...pick(op, 'operationId', 'method', 'path', 'expressPath', 'upstream', 'secured'),
    body: op.body && { required: op.body.required, contentTypes: op.body.contentTypes, validate },
    parameters: groups.map(({ where, list }) => {
      // Node lower-cases header names; the object validated is keyed the way the request has them.
      const keyOf = (name: string) => (where === 'header' ? name.toLowerCase() : name);
      // Each parameter's schema is self-contained; their `$defs` move to the group's root, where
      // the `#/$defs/…` references point (same document, so the same name is the same schema).
      const defs: Record<string, unknown> = {};
      const properties = Object.fromEntries(
        list.map((p) => {
          const { $defs, ...own } = p.schema;
          Object.assign(defs, $defs);
          return [keyOf(p.name), own];
        }),
      );
      const schema: JsonSchema = {
        type: 'object',
        properties,
        required: list.filter((p) => p.required).map((p) => keyOf(p.name)),
        ...(Object.keys(defs).length > 0 ? { $defs: defs } : {}),
      };
      return {
        in: where,
        names: Object.fromEntries(list.map((p) => [keyOf(p.name), p.name])),
        validate: code(f.use(params.add(`${base}${pascalCase(where)}`, schema))),
      };
    }),
    responses: new Map(op.responses.map((r) => [r.status, r.contentType ?? null])),
  };
}
