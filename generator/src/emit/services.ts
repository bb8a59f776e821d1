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
import type { ContractGraph, MessageModel, ServiceModel } from '../model.ts';
import { amqpClientNames, emitAmqpClient, wantsAmqpClient } from './amqp-client.ts';
import { descriptorName, type EmitOptions, eventTypeName, pointerComment } from './events.ts';
import { camelCase, docComment, GeneratedFile, type OutputFile, pascalCase } from './file.ts';
import { stableStringify, TypePrinter } from './types.ts';
import { bodySchema, type ValidatorSpec } from './validators.ts';

export function publisherNames(s: ServiceModel): { iface: string; factory: string } {
  const p = pascalCase(s.id);
  return { iface: `${p}Publisher`, factory: `create${p}Publisher` };
}

export function consumerNames(s: ServiceModel): { handlers: string; ctx: string; register: string } {
  const p = pascalCase(s.id);
  return { handlers: `${p}Handlers`, ctx: `${p}HandlerContext`, register: `register${p}Consumers` };
}

function sameSchema(a: MessageModel, b: MessageModel | null): boolean {
  return b !== null && a.envelope === b.envelope && stableStringify(a.schema) === stableStringify(b.schema);
}

/**
 * Event types this service sends in more than one major version, for the one-call publish of a
 * migration: order.created v1 + v2 -> { name: 'orderCreated', versions: [v1 message, v2 message] }.
 * A name another method already has is skipped.
 */
export function multiVersionSends(s: ServiceModel): { name: string; versions: MessageModel[] }[] {
  const byType = new Map<string, MessageModel[]>();
  for (const m of s.sends) byType.set(m.eventType, [...(byType.get(m.eventType) ?? []), m]);
  const taken = new Set(s.sends.map((m) => descriptorName(m.key)));
  return [...byType]
    .filter(([, ms]) => new Set(ms.map((m) => m.version)).size > 1)
    .map(([type, ms]) => ({ name: camelCase(type), versions: [...ms].sort((a, b) => a.version - b.version) }))
    .filter((g) => !taken.has(g.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function emitPublisher(s: ServiceModel, opts: EmitOptions): GeneratedFile {
  const f = new GeneratedFile(`services/${s.id}/publisher.ts`, [s.file]);
  const names = publisherNames(s);
  const Sink = f.importType(opts.runtimeModule, 'EventSink');
  const PO = f.importType(opts.runtimeModule, 'PublishOptions');
  const Env = f.importType(opts.runtimeModule, 'Envelope');
  const sends = [...s.sends].sort((a, b) => a.key.localeCompare(b.key));
  f.print(
    docComment([
      `The events ${s.id} sends. Each call validates the envelope, then emits it through the sink:`,
      'the outbox of the current transaction (handlers, HTTP routes) or a confirmed publish.',
    ]),
  );
  f.block(`export interface ${names.iface} {`, () => {
    for (const m of sends) {
      const T = f.importType('../../events.ts', eventTypeName(m.key));
      f.print(
        docComment([
          `${m.title ?? m.name} (${m.key}).${m.summary ? ` ${m.summary}` : ''}`,
          pointerComment(m),
        ]),
      );
      f.print(`${descriptorName(m.key)}(data: ${T}, options?: ${PO}): Promise<${Env}<${T}>>;`);
    }
    for (const g of multiVersionSends(s)) {
      const vs = g.versions.map((m) => ({
        v: `v${m.version}`,
        T: f.importType('../../events.ts', eventTypeName(m.key)),
      }));
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
  f.block(`export function ${names.factory}(sink: ${Sink}): ${names.iface} {`, () => {
    if (sends.length === 0) {
      f.print('void sink;', 'return {};');
      return;
    }
    f.block(
      'return {',
      () => {
        for (const m of sends) {
          const d = f.import('../../events.ts', `${descriptorName(m.key)}Event`);
          f.print(`${descriptorName(m.key)}: (data, options) => sink.emit(${d}, data, options),`);
        }
        for (const g of multiVersionSends(s)) {
          f.block(
            `${g.name}: async (data, options) => {`,
            () => {
              const [first, ...rest] = g.versions as [MessageModel, ...MessageModel[]];
              const v = (m: MessageModel) => `v${m.version}`;
              f.print(
                `const ${v(first)} = await sink.emit(${descriptorName(first.key)}Event, data.${v(first)}, options);`,
              );
              f.print(
                `const shared = { ...options, correlationId: ${v(first)}.correlationId, causationId: ${v(first)}.causationId, occurredAt: ${v(first)}.occurredAt };`,
              );
              for (const m of rest)
                f.print(
                  `const ${v(m)} = await sink.emit(${descriptorName(m.key)}Event, data.${v(m)}, shared);`,
                );
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
  opts: EmitOptions,
  validators: ValidatorSpec[],
): { file: GeneratedFile; types: string[] } {
  const f = new GeneratedFile(`services/${s.id}/consumer.ts`, [s.file]);
  const names = consumerNames(s);
  const pub = publisherNames(s);
  const HC = f.importType(opts.runtimeModule, 'HandlerContext');
  const Env = f.importType(opts.runtimeModule, 'Envelope');
  const ED = f.importType(opts.runtimeModule, 'EventDescriptor');
  const printer = new TypePrinter();
  const receives = [...s.receives].sort((a, b) => a.key.localeCompare(b.key));
  const viewType = new Map<string, string>();
  const viewDescriptor = new Map<string, string>();
  const viewDecls: string[] = [];
  for (const c of receives) {
    const canonical = graph.events.find((e) => e.key === c.key)?.producer ?? null;
    // Consumers are tolerant readers: they validate their view with unknown properties allowed.
    const vname = `${camelCase(s.id)}View_${descriptorName(c.key)}`;
    f.import('../../validators.js', vname);
    validators.push({ name: vname, schema: tolerantReader(bodySchema(c)) });
    const T = sameSchema(c, canonical)
      ? f.importType('../../events.ts', eventTypeName(c.key))
      : printer.declare(eventTypeName(c.key), c.schema, [
          `${s.id}'s view of ${c.key}: the fields it reads.`,
          pointerComment(c),
        ]);
    viewType.set(c.key, T);
    viewDescriptor.set(c.key, `${descriptorName(c.key)}View`);
    viewDecls.push(
      [
        docComment([`${c.key} as ${s.id} reads it (validated against ${s.id}'s view).`, pointerComment(c)]),
        `const ${descriptorName(c.key)}View: ${ED}<${T}> = {`,
        `  eventType: ${JSON.stringify(c.eventType)},`,
        `  version: ${c.version},`,
        `  routingKey: ${JSON.stringify(c.routingKey)},`,
        `  exchange: ${JSON.stringify(c.exchange)},`,
        `  envelope: ${c.envelope},`,
        `  validate: ${vname},`,
        // The owner, so the runtime can require the publisher's broker-verified user to be its user.
        ...(canonical ? [`  producer: ${JSON.stringify(canonical.service)},`] : []),
        '};',
      ].join('\n'),
    );
  }
  for (const d of printer.declarations()) f.print(d.code).blank();
  for (const d of viewDecls) f.print(d).blank();
  const hasPublisher = s.sends.length > 0;
  const P = hasPublisher ? f.importType('./publisher.ts', pub.iface) : '';
  f.print(
    docComment([
      `What every ${s.id} handler gets: the transaction its effects and the inbox row commit in,`,
      hasPublisher
        ? "a publisher bound to that transaction's outbox, a logger with the event's ids, and the attempt number."
        : "a logger with the event's ids, and the attempt number.",
    ]),
  );
  f.block(`export interface ${names.ctx}<DB = any> extends ${HC}<DB> {`, () => {
    if (hasPublisher) f.print(`readonly publish: ${P};`);
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
          `${c.title ?? c.name} (${c.key}) from ${graph.events.find((e) => e.key === c.key)?.producer?.service ?? 'outside'}, on queue "${c.policy.queue}".`,
          pointerComment(c),
        ]),
      );
      f.print(
        `${descriptorName(c.key)}(event: ${Env}<${viewType.get(c.key)}>, ctx: ${names.ctx}<DB>): Promise<void>;`,
      );
    }
  });
  f.blank();
  const queues = s.queues;
  f.print(docComment([`Consumer policy per queue, from the receive operations' x-kada-consumer.`]));
  f.block(
    `export const ${camelCase(s.id)}Queues = {`,
    () => {
      for (const q of queues) {
        const p = q.policy;
        f.block(
          `${JSON.stringify(q.name)}: {`,
          () => {
            f.print(
              `queue: ${JSON.stringify(p.queue)},`,
              `queueType: ${JSON.stringify(p.queueType)},`,
              `prefetch: ${p.prefetch},`,
              `concurrency: ${p.concurrency},`,
              `retry: { maxRetries: ${p.maxRetries}, initialDelayMs: ${p.backoff.initialMs}, multiplier: ${p.backoff.multiplier}, maxDelayMs: ${p.backoff.maxMs} },`,
              `deliveryLimit: ${p.deliveryLimit},`,
              `deadLetter: ${p.deadLetter},`,
              ...(p.priority !== undefined ? [`maxPriority: ${p.priority},`] : []),
              ...(p.singleActiveConsumer ? ['singleActiveConsumer: true,'] : []),
            );
          },
          '},',
        );
      }
    },
    '} as const;',
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
      if (hasPublisher) f.import('./publisher.ts', pub.factory);
      f.block(
        'return Promise.all([',
        () => {
          for (const q of queues) {
            f.block(
              'rt.consume({',
              () => {
                f.print(
                  `service: ${JSON.stringify(s.id)},`,
                  `policy: ${camelCase(s.id)}Queues[${JSON.stringify(q.name)}],`,
                );
                f.block(
                  'routes: [',
                  () => {
                    for (const c of [...q.consumers].sort((a, b) => a.key.localeCompare(b.key))) {
                      const ctx = hasPublisher ? `{ ...ctx, publish: ${pub.factory}(ctx.sink) }` : 'ctx';
                      const key =
                        c.policy.orderingKey === undefined
                          ? ''
                          : ` orderingKey: ${JSON.stringify(c.policy.orderingKey)},`;
                      f.print(
                        `{ descriptor: ${viewDescriptor.get(c.key)},${key} handle: (event, ctx) => handlers.${descriptorName(c.key)}(event, ${ctx}) },`,
                      );
                    }
                  },
                  '],',
                );
              },
              '}),',
            );
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
  opts: EmitOptions,
): { files: OutputFile[]; validators: ValidatorSpec[] } {
  const files: OutputFile[] = [];
  const validators: ValidatorSpec[] = [];
  for (const s of graph.services) {
    if (s.sends.length === 0 && s.receives.length === 0) continue;
    const pub = emitPublisher(s, opts);
    const con = emitConsumer(s, graph, opts, validators);
    files.push(pub.toOutput(), con.file.toOutput());
    const idx = new GeneratedFile(`services/${s.id}/index.ts`, [s.file]);
    const pn = publisherNames(s);
    const cn = consumerNames(s);
    idx.print(`export { ${pn.factory}, type ${pn.iface} } from './publisher.ts';`);
    const viewTypes = con.types.map((t) => `type ${t}`);
    idx.print(
      `export { ${[cn.register, `${camelCase(s.id)}Queues`, `type ${cn.ctx}`, `type ${cn.handlers}`, ...viewTypes].join(', ')} } from './consumer.ts';`,
    );
    if (wantsAmqpClient(s)) {
      // Another team's document: also a plain AMQP client that follows its bindings as written.
      files.push(emitAmqpClient(s, graph, opts, validators).toOutput());
      const an = amqpClientNames(s);
      const exported = [an.factory, an.messages, `type ${an.iface}`];
      if (s.receives.length > 0 && files[files.length - 1]?.content.includes(`function ${an.subscribe}`))
        exported.push(an.subscribe, `type ${an.handlers}`);
      idx.print(`export { ${exported.join(', ')} } from './amqp.ts';`);
    }
    files.push(idx.toOutput());
  }
  return { files, validators };
}
