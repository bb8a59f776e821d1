/**
 * The symbol table: every name that one generated file declares and others import, registered
 * once per graph before any file is printed, so an emitter asks for a name instead of rebuilding
 * it, and two events that want the same name get two.
 *
 *   events parcel.shipped.v1 (post) and parcel_shipped.v1 (courier), both "ParcelShippedV1"
 *   -> event('parcel.shipped.v1'): type ParcelShippedV1, descriptor parcelShippedV1Event,
 *        validator parcelShippedV1, method parcelShippedV1 (events.ts, validators.js)
 *      event('parcel_shipped.v1'): ParcelShippedV1_2, parcelShippedV1_2Event, parcelShippedV1_2, …
 *   view('stock', 'order.created.v1') -> validator stockView_orderCreatedV1 (validators.js), registered once
 */
import type { ContractGraph, MessageModel } from '../model.ts';
import { camelCase, type GenSymbol, GLOBALS, pascalCase, unique } from './file.ts';
import { TypeNames } from './types.ts';

export const EVENTS_FILE = 'events.ts';
export const VALIDATORS_FILE = 'validators.js';

/** The names of one event, the same in every file that mentions it. */
export interface EventSymbols {
  /** The canonical payload type (events.ts). */
  readonly type: GenSymbol;
  /** The EventDescriptor publishers emit with (events.ts). */
  readonly descriptor: GenSymbol;
  /** The validator of the canonical body (validators.js). */
  readonly validator: GenSymbol;
  /** The event's name, unique in the graph: the type's wanted name, and a consumer's view type. */
  readonly stem: string;
  /** The publisher method and the handler that carry it: the stem in camelCase. */
  readonly method: string;
}

/** What a service's modules export: services/<id>/publisher.ts, consumer.ts and amqp.ts (plain AMQP client). */
export interface ServiceSymbols {
  readonly publisher: { readonly iface: GenSymbol; readonly factory: GenSymbol };
  readonly consumer: {
    readonly handlers: GenSymbol;
    readonly ctx: GenSymbol;
    readonly register: GenSymbol;
    readonly queues: GenSymbol;
  };
  readonly amqp: {
    readonly iface: GenSymbol;
    readonly factory: GenSymbol;
    readonly handlers: GenSymbol;
    readonly subscribe: GenSymbol;
    readonly messages: GenSymbol;
  };
}

/** The message that defines an event's canonical schema: its producer's, else its first consumer's. */
export function canonicalMessage(e: ContractGraph['events'][number]): MessageModel {
  return e.producer ?? (e.consumers[0] as MessageModel);
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

export class SymbolTable {
  /** Type names of events.ts: the event types first, then the named schemas met while printing them. */
  readonly eventTypes = new TypeNames();
  private readonly events = new Map<string, EventSymbols>();
  private readonly validators = new Set<string>();
  private readonly byKey = new Map<string, GenSymbol>();

  constructor(graph: ContractGraph) {
    const stems = new Set<string>(GLOBALS);
    for (const e of [...graph.events].sort((a, b) => a.key.localeCompare(b.key))) {
      const stem = unique(pascalCase(e.key), stems);
      const method = lowerFirst(stem);
      // Event types are claimed before any schema they contain, so each gets its stem.
      const type = this.eventTypes.claim(stem, canonicalMessage(e).schema);
      this.events.set(e.key, {
        type: { name: type, file: EVENTS_FILE, typeOnly: true },
        descriptor: { name: `${method}Event`, file: EVENTS_FILE, typeOnly: false },
        validator: this.validator(method),
        stem,
        method,
      });
    }
  }

  event(key: string): EventSymbols {
    const e = this.events.get(key);
    if (!e) throw new Error(`kada-gen: no symbols registered for event ${key}`);
    return e;
  }

  /** 'order' -> OrderPublisher, createOrderPublisher, OrderHandlers, registerOrderConsumers, orderQueues, OrderClient, … */
  service(id: string): ServiceSymbols {
    const [P, c] = [pascalCase(id), camelCase(id)];
    const at =
      (module: string) =>
      (name: string, typeOnly = false): GenSymbol => ({ name, file: `services/${id}/${module}`, typeOnly });
    const [pub, con, amqp] = [at('publisher.ts'), at('consumer.ts'), at('amqp.ts')];
    return {
      publisher: { iface: pub(`${P}Publisher`, true), factory: pub(`create${P}Publisher`) },
      consumer: {
        handlers: con(`${P}Handlers`, true),
        ctx: con(`${P}HandlerContext`, true),
        register: con(`register${P}Consumers`),
        queues: con(`${c}Queues`),
      },
      amqp: {
        iface: amqp(`${P}Client`, true),
        factory: amqp(`create${P}Client`),
        handlers: amqp(`${P}AmqpHandlers`, true),
        subscribe: amqp(`subscribe${P}`),
        messages: amqp(`${c}Messages`),
      },
    };
  }

  /** The validator of a consumer's view of an event (tolerant reader): `stockView_orderCreatedV1`. */
  view(service: string, key: string): GenSymbol {
    return this.once(`view\u0000${service}\u0000${key}`, () =>
      this.validator(`${camelCase(service)}View_${this.event(key).method}`),
    );
  }

  /** The validator of a message a plain AMQP client sends or gets as a reply: `rpcServerAmqp_sum`. */
  amqp(service: string, messageKey: string): GenSymbol {
    return this.once(`amqp\u0000${service}\u0000${messageKey}`, () =>
      this.validator(`${camelCase(service)}Amqp_${messageKey}`),
    );
  }

  /**
   * Registers a validator of validators.js: the name asked for, numbered when another has it. The
   * one way validators are named; events, views and AMQP messages ask through the methods above.
   */
  validator(wanted: string): GenSymbol {
    const name = unique(wanted, this.validators);
    return { name, file: VALIDATORS_FILE, typeOnly: false };
  }

  private once(key: string, register: () => GenSymbol): GenSymbol {
    const had = this.byKey.get(key);
    if (had) return had;
    const s = register();
    this.byKey.set(key, s);
    return s;
  }
}
