/**
 * publishers and consumers emitter: per service, a typed publisher for exactly the events it
 * sends, a handler interface for exactly the events it receives (typed by its own view), and a
 * registration function that wires queues, bindings and consumer policy.
 *
 *   stock.yaml: send stock.reserved.v1; receive order.created.v1 (a narrower view), queue "stock"
 *   -> services/stock/publisher.ts: interface StockPublisher { stockReservedV1(data, options?) }
 *      services/stock/consumer.ts:  interface StockHandlers { orderCreatedV1(event, ctx): Promise<void> }
 *                                   function registerStockConsumers(rt, handlers)
 */

import { tolerantReader } from '../compat/tolerant.ts';
import {
  type ConsumerModel,
  type ContractGraph,
  type MessageModel,
  runtimePolicy,
  type ServiceModel,
} from '../model.ts';
import { emitAmqpClient, wantsAmqpClient } from './amqp-client.ts';
import { descriptorLiteral, type EmitOptions, pointerComment } from './events.ts';
import { camelCase, code, docComment, GeneratedFile, literal, type OutputFile } from './file.ts';
import type { SymbolTable } from './symbols.ts';
import { stableStringify, TypePrinter } from './types.ts';
import { bodySchema, type ValidatorSpec } from './validators.ts';

function sameSchema(a: MessageModel, b: MessageModel | null): boolean {
  return b !== null && a.envelope === b.envelope && stableStringify(a.schema) === stableStringify(b.schema);
}

/**
 * Event types this service sends in more than one major version, for the one-call publish of a
 * migration: order.created v1 + v2 -> { name: 'orderCreated', versions: [v1 message, v2 message] }.
 * A name another method already has is skipped.
 */
export function multiVersionSends(
  s: ServiceModel,
  symbols: SymbolTable,
): { name: string; versions: MessageModel[] }[] {
  const byType = new Map<string, MessageModel[]>();
  for (const m of s.sends) byType.set(m.eventType, [...(byType.get(m.eventType) ?? []), m]);
  const taken = new Set(s.sends.map((m) => symbols.event(m.key).method));
  return [...byType]
    .filter(([, ms]) => new Set(ms.map((m) => m.version)).size > 1)
    .map(([type, ms]) => ({ name: camelCase(type), versions: [...ms].sort((a, b) => a.version - b.version) }))
    .filter((g) => !taken.has(g.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function emitPublisher(s: ServiceModel, symbols: SymbolTable, opts: EmitOptions): GeneratedFile {
  const names = symbols.service(s.id).publisher;
  const f = new GeneratedFile(names.factory.file, [s.file]).declare(names.iface.name, names.factory.name);
  const Sink = f.importType(opts.runtimeModule, 'EventSink');
  const PO = f.importType(opts.runtimeModule, 'PublishOptions');
  const Env = f.importType(opts.runtimeModule, 'Envelope');
  const sends = [...s.sends].sort((a, b) => a.key.localeCompare(b.key));
  const multi = multiVersionSends(s, symbols);
  f.print(
    docComment([
      `The events ${s.id} sends. Each call validates the envelope, then emits it through the sink:`,
      'the outbox of the current transaction (handlers, HTTP routes) or a confirmed publish.',
    ]),
  );
  f.block(`export interface ${names.iface.name} {`, () => {
    for (const m of sends) {
      const ev = symbols.event(m.key);
      const T = f.use(ev.type);
      f.print(
        docComment([
          `${m.title ?? m.name} (${m.key}).${m.summary ? ` ${m.summary}` : ''}`,
          pointerComment(m),
        ]),
      );
      f.print(`${ev.method}(data: ${T}, options?: ${PO}): Promise<${Env}<${T}>>;`);
    }
    for (const g of multi) {
      const vs = g.versions.map((m) => ({ v: `v${m.version}`, T: f.use(symbols.event(m.key).type) }));
      const first = g.versions[0] as MessageModel;
      f.print(
        docComment([
          `${first.eventType} in every version ${s.id} sends (${vs.map((x) => x.v).join(', ')}), in one call, for a migration: consumers of each version get theirs.`,
          'The envelopes share correlation id, causation id and occurredAt; each has its own eventId.',
          ...g.versions.map(pointerComment),
        ]),
      );
      f.print(
        `${g.name}(data: { ${vs.map((x) => `${x.v}: ${x.T}`).join('; ')} }, options?: Omit<${PO}, 'eventId'>): Promise<{ ${vs.map((x) => `${x.v}: ${Env}<${x.T}>`).join('; ')} }>;`,
      );
    }
  });
  f.blank();
  f.block(`export function ${names.factory.name}(sink: ${Sink}): ${names.iface.name} {`, () => {
    if (sends.length === 0) {
      f.print('void sink;', 'return {};');
      return;
    }
    const emit = (m: MessageModel) => f.use(symbols.event(m.key).descriptor);
    f.block(
      'return {',
      () => {
        for (const m of sends)
          f.print(`${symbols.event(m.key).method}: (data, options) => sink.emit(${emit(m)}, data, options),`);
        for (const g of multi) {
          f.block(
            `${g.name}: async (data, options) => {`,
            () => {
              const [first, ...rest] = g.versions as [MessageModel, ...MessageModel[]];
              const v = (m: MessageModel) => `v${m.version}`;
              f.print(`const ${v(first)} = await sink.emit(${emit(first)}, data.${v(first)}, options);`);
              f.print(
                `const shared = { ...options, correlationId: ${v(first)}.correlationId, causationId: ${v(first)}.causationId, occurredAt: ${v(first)}.occurredAt };`,
              );
              for (const m of rest)
                f.print(`const ${v(m)} = await sink.emit(${emit(m)}, data.${v(m)}, shared);`);
              f.print(`return { ${g.versions.map(v).join(', ')} };`);
            },
            '},',
          );
        }
      },
      '};',
    );
  });
  return f;
}

function emitConsumer(
  s: ServiceModel,
  graph: ContractGraph,
  symbols: SymbolTable,
  opts: EmitOptions,
  validators: ValidatorSpec[],
): { file: GeneratedFile; types: string[] } {
  const { consumer, publisher: pub } = symbols.service(s.id);
  const f = new GeneratedFile(consumer.register.file, [s.file]);
  const names = {
    handlers: consumer.handlers.name,
    ctx: consumer.ctx.name,
    register: consumer.register.name,
    queues: consumer.queues.name,
  };
  f.declare(...Object.values(names));
  const HC = f.importType(opts.runtimeModule, 'HandlerContext');
  const Env = f.importType(opts.runtimeModule, 'Envelope');
  const ED = f.importType(opts.runtimeModule, 'EventDescriptor');
  const printer = new TypePrinter();
  const receives = [...s.receives].sort((a, b) => a.key.localeCompare(b.key));
  const producerOf = (c: MessageModel) => graph.events.find((e) => e.key === c.key)?.producer ?? null;
  const viewType = new Map<string, string>();
  const viewDecls: string[] = [];
  for (const c of receives) {
    const canonical = producerOf(c);
    const ev = symbols.event(c.key);
    // Consumers are tolerant readers: they validate their view with unknown properties allowed.
    const validator = symbols.view(s.id, c.key);
    validators.push({ name: validator.name, schema: tolerantReader(bodySchema(c)) });
    const T = sameSchema(c, canonical)
      ? f.use(ev.type)
      : printer.declare(ev.stem, c.schema, [
          `${s.id}'s view of ${c.key}: the fields it reads.`,
          pointerComment(c),
        ]);
    viewType.set(c.key, T);
    f.declare(`${ev.method}View`);
    viewDecls.push(
      [
        docComment([`${c.key} as ${s.id} reads it (validated against ${s.id}'s view).`, pointerComment(c)]),
        `const ${ev.method}View: ${ED}<${T}> = ${literal(descriptorLiteral(c, f.use(validator), canonical?.service))};`,
      ].join('\n'),
    );
  }
  f.printDeclarations(printer.declarations());
  for (const d of viewDecls) f.print(d).blank();
  const hasPublisher = s.sends.length > 0;
  f.print(
    docComment([
      `What every ${s.id} handler gets: the transaction its effects and the inbox row commit in,`,
      hasPublisher
        ? "a publisher bound to that transaction's outbox, a logger with the event's ids, and the attempt number."
        : "a logger with the event's ids, and the attempt number.",
    ]),
  );
  f.block(`export interface ${names.ctx}<DB = any> extends ${HC}<DB> {`, () => {
    if (hasPublisher) f.print(`readonly publish: ${f.use(pub.iface)};`);
  });
  f.blank();
  f.print(
    docComment([
      `The events ${s.id} receives: implement one handler per event.`,
      'A missing or misspelled handler does not compile.',
    ]),
  );
  f.block(`export interface ${names.handlers}<DB = any> {`, () => {
    for (const c of receives) {
      f.print(
        docComment([
          `${c.title ?? c.name} (${c.key}) from ${producerOf(c)?.service ?? 'outside'}, on queue "${c.policy.queue}".`,
          pointerComment(c),
        ]),
      );
      f.print(
        `${symbols.event(c.key).method}(event: ${Env}<${viewType.get(c.key)}>, ctx: ${names.ctx}<DB>): Promise<void>;`,
      );
    }
  });
  f.blank();
  const queues = s.queues;
  f.print(
    docComment([`Consumer policy per queue, from the receive operations' x-kada-consumer.`]),
    `export const ${names.queues} = ${literal(new Map(queues.map((q) => [q.name, runtimePolicy(q.policy)])))} as const;`,
  );
  f.blank();
  const SR = f.importType(opts.runtimeModule, 'ServiceRuntime');
  const CH = f.importType(opts.runtimeModule, 'ConsumerHandle');
  f.print(
    docComment([
      `Declares ${s.id}'s queues (${queues.map((q) => q.name).join(', ') || 'none'}), their bindings, retry and dead-letter queues, and starts consuming.`,
    ]),
  );
  f.block(
    `export function ${names.register}<DB = any>(rt: ${SR}, handlers: ${names.handlers}<DB>): Promise<${CH}[]> {`,
    () => {
      const ctx = hasPublisher ? `{ ...ctx, publish: ${f.use(pub.factory)}(ctx.sink) }` : 'ctx';
      const route = (c: ConsumerModel) => {
        const method = symbols.event(c.key).method;
        return {
          descriptor: code(`${method}View`),
          ...(c.policy.orderingKey === undefined ? {} : { orderingKey: c.policy.orderingKey }),
          handle: code(`(event, ctx) => handlers.${method}(event, ${ctx})`),
        };
      };
      f.block(
        'return Promise.all([',
        () => {
          for (const q of queues) {
            const consume = {
              service: s.id,
              policy: code(`${names.queues}[${JSON.stringify(q.name)}]`),
              routes: [...q.consumers].sort((a, b) => a.key.localeCompare(b.key)).map(route),
            };
            f.print(`rt.consume(${literal(consume)}),`);
          }
        },
        ']);',
      );
    },
  );
  return { file: f, types: printer.declarations().map((d) => d.name) };
}

/** Per service: publisher.ts, consumer.ts and index.ts (an explicit export list). */
export function emitServices(
  graph: ContractGraph,
  symbols: SymbolTable,
  opts: EmitOptions,
): { files: OutputFile[]; validators: ValidatorSpec[] } {
  const files: OutputFile[] = [];
  const validators: ValidatorSpec[] = [];
  for (const s of graph.services) {
    if (s.sends.length === 0 && s.receives.length === 0) continue;
    const pub = emitPublisher(s, symbols, opts);
    const con = emitConsumer(s, graph, symbols, opts, validators);
    files.push(pub.toOutput(), con.file.toOutput());
    const idx = new GeneratedFile(`services/${s.id}/index.ts`, [s.file]);
    const { publisher: pn, consumer: cn, amqp: an } = symbols.service(s.id);
    const views = con.types.map((name) => ({ name, file: cn.register.file, typeOnly: true }));
    idx.reexport(pn.factory, pn.iface);
    idx.reexport(cn.register, cn.queues, cn.ctx, cn.handlers, ...views);
    if (wantsAmqpClient(s)) {
      // Another team's document: also a plain AMQP client that follows its bindings as written.
      const amqp = emitAmqpClient(s, graph, symbols, opts, validators);
      files.push(amqp.file.toOutput());
      idx.reexport(
        an.factory,
        an.messages,
        an.iface,
        ...(amqp.subscribes ? [an.subscribe, an.handlers] : []),
      );
    }
    files.push(idx.toOutput());
  }
  return { files, validators };
}
