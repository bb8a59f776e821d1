/**
 * events emitter: the canonical (producer-owned) payload type and the descriptor of every
 * event, in one module that publishers import.
 *
 *   events['order.created.v1'] (producer: order)
 *   -> export interface OrderCreatedV1 { orderId: string; … }
 *      export const orderCreatedV1: EventDescriptor<OrderCreatedV1> = { eventType: 'order.created', version: 1,
 *        routingKey: 'order.created.v1', exchange: 'domain.events', envelope: true, validate: v.orderCreatedV1 };
 */
import type { ContractGraph, MessageModel } from '../model.ts';
import { camelCase, docComment, GeneratedFile, pascalCase } from './file.ts';
import { stableStringify, TypePrinter } from './types.ts';
import { bodySchema, type ValidatorSpec } from './validators.ts';

export interface EmitOptions {
  /** Module the generated code imports the runtime from. */
  readonly runtimeModule: string;
}

/** The message that defines an event's canonical schema: its producer's, else its first consumer's. */
export function canonicalMessage(e: ContractGraph['events'][number]): MessageModel {
  return e.producer ?? (e.consumers[0] as MessageModel);
}

export function eventTypeName(key: string): string {
  return pascalCase(key);
}

export function descriptorName(key: string): string {
  return camelCase(key);
}

export function pointerComment(m: MessageModel): string {
  return `@generated from ${m.file}#/operations/${m.operationId}`;
}

export function emitEvents(
  graph: ContractGraph,
  opts: EmitOptions,
): { file: GeneratedFile; validators: ValidatorSpec[] } {
  const sources = graph.services.map((s) => s.file);
  const f = new GeneratedFile('events.ts', sources);
  const ED = f.importType(opts.runtimeModule, 'EventDescriptor');
  const printer = new TypePrinter();
  const validators: ValidatorSpec[] = [];
  const descriptors: string[] = [];
  for (const e of graph.events) {
    const m = canonicalMessage(e);
    const typeName = printer.declare(eventTypeName(e.key), m.schema, [
      m.title ?? m.name,
      m.summary,
      pointerComment(m),
    ]);
    const dname = descriptorName(e.key);
    f.import('./validators.js', dname);
    validators.push({ name: dname, schema: bodySchema(m) });
    descriptors.push(
      [
        docComment([
          `${e.eventType} v${e.version}${e.producer ? `, sent by ${e.producer.service}` : ' (produced outside these specs)'}.`,
          pointerComment(m),
        ]),
        `export const ${dname}Event: ${ED}<${typeName}> = {`,
        `  eventType: ${JSON.stringify(e.eventType)},`,
        `  version: ${e.version},`,
        `  routingKey: ${JSON.stringify(e.routingKey)},`,
        `  exchange: ${JSON.stringify(e.exchange)},`,
        `  envelope: ${m.envelope},`,
        `  validate: ${dname},`,
        '};',
      ]
        .filter(Boolean)
        .join('\n'),
    );
  }
  // Messages on channels without AMQP bindings (any protocol): types and validators only.
  const seenOther = new Set<string>();
  for (const s of graph.services) {
    for (const m of s.other) {
      const id = `${m.name}\u0000${stableStringify(m.schema)}`;
      if (seenOther.has(id)) continue;
      seenOther.add(id);
      const typeName = printer.declare(m.name, m.schema, [
        m.title ?? m.name,
        m.summary,
        `on channel ${m.routingKey}`,
        pointerComment(m),
      ]);
      validators.push({ name: `validate${typeName}`, schema: bodySchema(m) });
      f.print(`export { validate${typeName} } from './validators.js';`);
    }
  }
  for (const d of printer.declarations()) f.print(d.code).blank();
  for (const d of descriptors) f.print(d).blank();
  f.print(
    `/** Every event of the contract set, by routing key. */`,
    // Annotated rather than `as const`, so declarations can be emitted file by file (--emit js).
    `export const events: {`,
    ...graph.events.map((e) => `  readonly ${JSON.stringify(e.key)}: typeof ${descriptorName(e.key)}Event;`),
    `} = {`,
    ...graph.events.map((e) => `  ${JSON.stringify(e.key)}: ${descriptorName(e.key)}Event,`),
    '};',
  );
  return { file: f, validators };
}
