/**
 * plain AMQP client emitter: for a document whose messages are not in our envelope (another team's
 * document), `services/<id>/amqp.ts` with a typed client over @kada/runtime's `AmqpClient` that
 * follows the channels' AMQP bindings as written: any exchange kind, `is: queue` work queues,
 * `{parameters}` in addresses, and request/reply.
 *
 *   rpc-client.yaml: send requestSum on rpc_queue (is: queue), reply receiveSumResult on {queue}
 *   -> export interface RpcClientClient {
 *        requestSum(payload: RequestSum, options?: RequestOptions): Promise<ReceiveSumResult>;
 *      }
 *      export function createRpcClientClient(client: AmqpClient): RpcClientClient
 *   rpc-server.yaml: receive sum on rpc_queue, reply sendSumResult
 *   -> export interface RpcServerHandlers { sum(message: Received<Sum>): Promise<SendSumResult> }
 *      export function subscribeRpcServer(client, handlers, options?): Promise<Subscription[]>
 */
import type { AmqpMessage } from '@kada/runtime';
import { tolerantReader } from '../compat/tolerant.ts';
import type { ContractGraph, MessageModel, ServiceModel } from '../model.ts';
import type { EmitOptions } from './events.ts';
import { pointerComment } from './events.ts';
import {
  camelCase,
  cast,
  code,
  docComment,
  GeneratedFile,
  literal,
  type Printed,
  pascalCase,
  pick,
} from './file.ts';
import type { SymbolTable } from './symbols.ts';
import { stableStringify, TypePrinter } from './types.ts';
import { bodySchema, type ValidatorSpec } from './validators.ts';

/** Documents that are not ours: no message travels in the envelope. Ours keep the service runtime only. */
export function wantsAmqpClient(s: ServiceModel): boolean {
  const all = [...s.sends, ...s.receives];
  return all.length > 0 && all.every((m) => !m.envelope);
}

const isJson = (m: MessageModel) => /json/i.test(m.contentType);

export function emitAmqpClient(
  s: ServiceModel,
  graph: ContractGraph,
  symbols: SymbolTable,
  opts: EmitOptions,
  validators: ValidatorSpec[],
): { file: GeneratedFile; subscribes: boolean } {
  const f = new GeneratedFile(`services/${s.id}/amqp.ts`, [s.file]);
  const names = symbols.service(s.id).amqp;
  f.declare(...Object.values(names).map((n) => n.name));
  const rt = opts.runtimeModule;
  const AM = f.importType(rt, 'AmqpMessage');
  const printer = new TypePrinter();
  const messageConst = new Map<MessageModel, string>();
  const payloadType = new Map<MessageModel, string>();
  const usedKeys = new Set<string>();
  const entries: string[] = [];

  const canonicalOf = (m: MessageModel) => graph.events.find((e) => e.key === m.key)?.producer ?? null;
  const declareMessage = (m: MessageModel, role: 'send' | 'receive' | 'reply'): string => {
    const had = messageConst.get(m);
    if (had) return had;
    let key = camelCase(m.name) || camelCase(m.messageId) || 'message';
    for (let i = 2; usedKeys.has(key); i++) key = `${camelCase(m.name) || 'message'}${i}`;
    usedKeys.add(key);
    let T: string;
    let validate: string | null = null;
    if (!isJson(m)) {
      // XML, Avro binary, text…: the payload travels as bytes, typed as such.
      T = 'Buffer';
    } else if (role === 'send' && canonicalOf(m) === m) {
      T = f.use(symbols.event(m.key).type);
      validate = f.use(symbols.event(m.key).validator);
    } else if (role === 'receive') {
      const canonical = canonicalOf(m);
      T =
        canonical &&
        canonical.envelope === m.envelope &&
        stableStringify(canonical.schema) === stableStringify(m.schema)
          ? f.use(symbols.event(m.key).type)
          : printer.declare(`${pascalCase(m.name)}Payload`, m.schema, [
              `${m.name} as ${s.id} reads it.`,
              pointerComment(m),
            ]);
      // The consumer emitter registers and compiles the view's validator.
      validate = f.use(symbols.view(s.id, m.key));
    } else {
      // A reply leg (operation `reply`) or a send of an event owned elsewhere: its own type and validator.
      T = printer.declare(`${pascalCase(m.name)}Payload`, m.schema, [
        `${m.name} (${s.id}).`,
        pointerComment(m),
      ]);
      const validator = symbols.amqp(s.id, key);
      validators.push({
        name: validator.name,
        schema: role === 'reply' ? tolerantReader(bodySchema(m)) : bodySchema(m),
      });
      validate = f.use(validator);
    }
    payloadType.set(m, T);
    const c = m.amqpChannel;
    const where = c.exchange
      ? `exchange ${c.exchange.name || '(default)'} (${c.exchange.type}), routing key ${c.address}${c.defaulted ? ' (no AMQP binding: the defaults)' : ''}`
      : `queue ${c.queue?.name} through the default exchange`;
    const message: Printed<AmqpMessage<unknown>> = {
      name: m.name,
      exchange: c.exchange && pick(c.exchange, 'name', 'type', 'durable', 'autoDelete'),
      queue: c.queue && pick(c.queue, 'name', 'durable', 'exclusive', 'autoDelete'),
      address: c.queue?.name ?? c.address,
      contentType: m.contentType,
      validate: validate === null ? null : code(validate),
    };
    entries.push(
      [
        docComment([`${m.title ?? m.name}: ${where}.`, m.summary, pointerComment(m)]),
        `${key}: ${literal(cast(message, `${AM}<${T}>`))},`,
      ]
        .filter(Boolean)
        .join('\n'),
    );
    const ref = `${names.messages.name}.${key}`;
    messageConst.set(m, ref);
    return ref;
  };

  const replyLegs = new Set(s.rpc.map((r) => r.replyOperationId).filter((x): x is string => x !== null));
  const clientRpc = s.rpc.filter((r) => r.role === 'client');
  const serverRpc = new Map(s.rpc.filter((r) => r.role === 'server').map((r) => [r.operationId, r]));
  const rpcRequests = new Set(clientRpc.map((r) => r.operationId));

  // Methods: one per message sent (the operation's name when it sends one message), one per request.
  const methodNames = new Set<string>();
  const methodName = (m: MessageModel, single: boolean): string => {
    let name = (single ? camelCase(m.operationId) : camelCase(m.name)) || 'send';
    for (let i = 2; methodNames.has(name); i++) name = `${camelCase(m.name)}${i}`;
    methodNames.add(name);
    return name;
  };
  const params = (m: MessageModel) => m.amqpChannel.parameters;
  const paramsType = (m: MessageModel) =>
    params(m).length > 0
      ? ` & { params: { ${params(m)
          .map((p) => `${JSON.stringify(p)}: string`)
          .join('; ')} } }`
      : '';

  const methods: { sig: string; impl: string; doc: string }[] = [];
  const sendsByOp = new Map<string, MessageModel[]>();
  for (const m of s.sends) sendsByOp.set(m.operationId, [...(sendsByOp.get(m.operationId) ?? []), m]);
  for (const [opId, ms] of [...sendsByOp].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (replyLegs.has(opId) || rpcRequests.has(opId)) continue;
    for (const m of ms) {
      const ref = declareMessage(m, 'send');
      const name = methodName(m, ms.length === 1);
      const SO = f.importType(rt, 'SendOptions');
      const opt = params(m).length > 0 ? `options: ${SO}${paramsType(m)}` : `options?: ${SO}`;
      methods.push({
        doc: docComment([`Publishes ${m.name} and waits for the broker's confirm.`, pointerComment(m)]),
        sig: `${name}(payload: ${payloadType.get(m)}, ${opt}): Promise<void>;`,
        impl: `${name}: (payload, options) => client.publish(${ref}, payload, options),`,
      });
    }
  }
  for (const r of clientRpc) {
    const replies = r.reply.map((m) => declareMessage(m, r.replyOperationId ? 'receive' : 'reply'));
    const Res = [...new Set(r.reply.map((m) => payloadType.get(m) as string))].join(' | ');
    for (const m of r.request) {
      const ref = declareMessage(m, 'send');
      const name = methodName(m, r.request.length === 1);
      const RO = f.importType(rt, 'RequestOptions');
      const opt = params(m).length > 0 ? `options: ${RO}${paramsType(m)}` : `options?: ${RO}`;
      methods.push({
        doc: docComment([
          `Sends ${m.name} and resolves with the reply (direct reply-to, matched by correlation id); rejects with KADA_REQUEST_TIMEOUT after options.timeoutMs (30 s).`,
          pointerComment(m),
        ]),
        sig: `${name}(payload: ${payloadType.get(m)}, ${opt}): Promise<${Res}>;`,
        impl: `${name}: async (payload, options) => (await client.request(${ref}, payload, [${replies.join(', ')}], options)).payload,`,
      });
    }
  }

  // Handlers: one per message received, grouped by the queue they arrive on.
  const Rcv = () => f.importType(rt, 'Received');
  const handlers: { doc: string; sig: string }[] = [];
  const groups = new Map<string, { queue: string; bindings: Set<string>; routes: string[] }>();
  const handlerNames = new Set<string>();
  for (const c of [...s.receives].sort(
    (a, b) => a.operationId.localeCompare(b.operationId) || a.name.localeCompare(b.name),
  )) {
    if (replyLegs.has(c.operationId)) continue;
    const ch = c.amqpChannel;
    if (ch.queue && /\{/.test(ch.queue.name)) continue; // a `{queue}` known only at run time: a reply leg
    const ref = declareMessage(c, 'receive');
    const opMessages = s.receives.filter((x) => x.operationId === c.operationId);
    let hname = (opMessages.length === 1 ? camelCase(c.operationId) : camelCase(c.name)) || 'handle';
    for (let i = 2; handlerNames.has(hname); i++) hname = `${camelCase(c.name)}${i}`;
    handlerNames.add(hname);
    const rpc = serverRpc.get(c.operationId);
    let replyRef: string | null = null;
    let ret = 'void';
    if (rpc) {
      const replyMsgs = rpc.reply;
      const refs = replyMsgs.map((m) => declareMessage(m, rpc.replyOperationId ? 'send' : 'reply'));
      replyRef = refs[0] ?? null;
      ret = [...new Set(replyMsgs.map((m) => payloadType.get(m) as string))].join(' | ');
    }
    handlers.push({
      doc: docComment([
        rpc
          ? `${c.name}: a request; the value returned is the reply, sent to its replyTo with its correlation id.`
          : `${c.name} on ${ch.queue ? `queue ${ch.queue.name}` : `${ch.exchange?.name} (${ch.exchange?.type}) ${ch.address}`}.`,
        pointerComment(c),
      ]),
      sig: `${hname}(message: ${Rcv()}<${payloadType.get(c)}>): Promise<${ret}>;`,
    });
    const queueExpr = literal(
      ch.queue
        ? pick(ch.queue, 'name', 'durable', 'exclusive', 'autoDelete')
        : {
            name: c.policy.queue,
            durable: true,
            exclusive: false,
            autoDelete: false,
            queueType: c.policy.queueType,
          },
      { inline: true },
    );
    const groupKey = ch.queue?.name ?? c.policy.queue;
    const g = groups.get(groupKey) ?? { queue: queueExpr, bindings: new Set<string>(), routes: [] };
    groups.set(groupKey, g);
    if (ch.exchange) {
      const ex = `${names.messages.name}.${ref.split('.').pop()}.exchange`;
      const rk =
        ch.exchange.type === 'fanout' || ch.exchange.type === 'headers'
          ? "''"
          : ch.parameters.length > 0
            ? `fillAddress(${JSON.stringify(ch.address)}, options?.params${ch.exchange.type === 'topic' ? ", '*'" : ''})`
            : JSON.stringify(ch.address);
      if (ch.parameters.length > 0) f.import(rt, 'fillAddress');
      const args =
        ch.exchange.type === 'headers' ? ", arguments: { 'x-match': 'all', ...options?.match }" : '';
      g.bindings.add(`{ exchange: ${ex} as NonNullable<typeof ${ex}>, routingKey: ${rk}${args} }`);
    }
    g.routes.push(
      `{ message: ${ref}, ${replyRef ? `reply: ${replyRef}, ` : ''}handle: (message) => handlers.${hname}(message) },`,
    );
  }

  f.printDeclarations(printer.declarations());
  f.print(docComment([`Every message ${s.id} sends or receives, with its channel's AMQP binding.`]));
  f.block(`export const ${names.messages.name} = {`, () => f.print(...entries), '} as const;');
  f.blank();

  const AC = f.importType(rt, 'AmqpClient');
  f.print(
    docComment([`What ${s.id} sends, typed: publishes and requests over a plain AmqpClient (no envelope).`]),
  );
  f.block(`export interface ${names.iface.name} {`, () => {
    for (const m of methods) f.print(...[m.doc, m.sig].filter(Boolean));
  });
  f.blank();
  f.block(`export function ${names.factory.name}(client: ${AC}): ${names.iface.name} {`, () => {
    if (methods.length === 0) f.print('void client;', 'return {};');
    else f.block('return {', () => f.print(...methods.map((m) => m.impl)), '};');
  });
  if (handlers.length > 0) {
    const Sub = f.importType(rt, 'Subscription');
    f.blank();
    f.print(
      docComment([`What ${s.id} receives: one handler per message; a missing handler does not compile.`]),
    );
    f.block(`export interface ${names.handlers.name} {`, () => {
      for (const h of handlers) f.print(...[h.doc, h.sig].filter(Boolean));
    });
    f.blank();
    f.print(
      docComment([
        `Declares ${s.id}'s queues (${[...groups.keys()].join(', ')}) and bindings and consumes them.`,
        'options.params fills address parameters in binding keys (topic: `*` when omitted); options.match narrows a headers exchange (default: every message).',
      ]),
    );
    f.block(
      `export function ${names.subscribe.name}(client: ${AC}, handlers: ${names.handlers.name}, options?: { prefetch?: number; params?: Record<string, string>; match?: Record<string, string | number | boolean> }): Promise<${Sub}[]> {`,
      () => {
        f.block(
          'return Promise.all([',
          () => {
            for (const g of groups.values()) {
              f.block(
                'client.subscribe({',
                () => {
                  f.print(`queue: ${g.queue},`, `bindings: [${[...g.bindings].sort().join(', ')}],`);
                  f.print('...(options?.prefetch ? { prefetch: options.prefetch } : {}),');
                  f.block('routes: [', () => f.print(...g.routes), '],');
                },
                '}),',
              );
            }
          },
          ']);',
        );
      },
    );
  }
  return { file: f, subscribes: handlers.length > 0 };
}
