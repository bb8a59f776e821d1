/**
 * events emitter: the canonical (producer-owned) payload type and the descriptor of every
 * event, in one module that publishers import.
 *
 *   events['order.created.v1'] (producer: order)
 *   -> export interface OrderCreatedV1 { orderId: string; … }
 *      export const orderCreatedV1Event: EventDescriptor<OrderCreatedV1> = { eventType: "order.created",
 *        version: 1, routingKey: "order.created.v1", exchange: "domain.events", envelope: true,
 *        validate: orderCreatedV1 };
 *      export const events = { "order.created.v1": orderCreatedV1Event, … };
 * The names come from the symbol table (emit/symbols.ts), so every file agrees on them.
 */
import type { EventDescriptor } from '@kada/runtime';
import type { ContractGraph, MessageModel } from '../model.ts';
import { code, docComment, GeneratedFile, literal, type Printed, pascalCase, propertyKey } from './file.ts';
import { canonicalMessage, EVENTS_FILE, type SymbolTable } from './symbols.ts';
import { stableStringify, TypePrinter } from './types.ts';
import { bodySchema, type ValidatorSpec } from './validators.ts';

export interface EmitOptions {
  /** Module the generated code imports the runtime from. */
  readonly runtimeModule: string;
}

export function pointerComment(m: MessageModel): string {
  return `@generated from ${m.file}#/operations/${m.operationId}`;
}

/**
 * An event's descriptor as data for literal(): what the runtime's EventDescriptor holds, with the
 * validator by name. `producer` is set for a consumer's view (the runtime checks the publisher's user).
 */
export function descriptorLiteral(
  m: MessageModel,
  validate: string,
  producer?: string,
): Printed<EventDescriptor> {
  return {
    eventType: m.eventType,
    version: m.version,
    routingKey: m.routingKey,
    exchange: m.exchange,
    envelope: m.envelope,
    validate: code(validate),
    ...(producer === undefined ? {} : { producer }),
  };
}

export function emitEvents(
  graph: ContractGraph,
  symbols: SymbolTable,
  opts: EmitOptions,
): { file: GeneratedFile; validators: ValidatorSpec[] } {
  const sources = graph.services.map((s) => s.file);
  const f = new GeneratedFile(EVENTS_FILE, sources);
  const ED = f.importType(opts.runtimeModule, 'EventDescriptor');
  const printer = new TypePrinter(symbols.eventTypes);
  const validators: ValidatorSpec[] = [];
  const descriptors: string[] = [];
  for (const e of graph.events) {
    const m = canonicalMessage(e);
    const names = symbols.event(e.key);
    printer.declare(names.type.name, m.schema, [m.title ?? m.name, m.summary, pointerComment(m)]);
    validators.push({ name: names.validator.name, schema: bodySchema(m) });
    descriptors.push(
      [
        docComment([
          `${e.eventType} v${e.version}${e.producer ? `, sent by ${e.producer.service}` : ' (produced outside these specs)'}.`,
          pointerComment(m),
        ]),
        `export const ${names.descriptor.name}: ${ED}<${names.type.name}> = ${literal(descriptorLiteral(m, f.use(names.validator)))};`,
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
      const typeName = printer.declare(pascalCase(m.name), m.schema, [
        m.title ?? m.name,
        m.summary,
        `on channel ${m.routingKey}`,
        pointerComment(m),
      ]);
      const validator = symbols.validator(`validate${typeName}`);
      validators.push({ name: validator.name, schema: bodySchema(m) });
      f.reexport(validator);
    }
  }
  f.printDeclarations(printer.declarations());
  for (const d of descriptors) f.print(d).blank();
  const all = graph.events.map((e) => [e.key, symbols.event(e.key).descriptor.name] as const);
  f.declare('events', ...all.map(([, d]) => d));
  f.print(
    `/** Every event of the contract set, by routing key. */`,
    // Annotated rather than `as const`, so declarations can be emitted file by file (--emit js).
    `export const events: ${all.length === 0 ? '{}' : ['{', ...all.map(([k, d]) => `  readonly ${propertyKey(k)}: typeof ${d};`), '}'].join('\n')} = ${literal(new Map(all.map(([k, d]) => [k, code(d)])))};`,
  );
  return { file: f, validators };
}
