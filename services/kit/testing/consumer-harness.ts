/**
 * The consumer side of a service, driven in-process through its GENERATED consumer registration:
 * the routes `register<Name>Consumers` hands to `rt.consume` are captured, so each test event is
 * validated with the same descriptor (the consumer's view) and reaches the handler with the same
 * context the runtime builds (a transaction, a sink, the generated publisher, the attempt number),
 * inside the event's correlation context. Emitted events go to a recording sink that builds and
 * validates them as the outbox does, kept only when the handler's transaction commits.
 */
import {
  type ConsumerDefinition,
  type ConsumerHandle,
  type ConsumerRoute,
  type Envelope,
  type EventDescriptor,
  type EventSink,
  prepareEvent,
  runWithContext,
  type ServiceRuntime,
  uuidv7,
} from '@kada/runtime';
import type { Kysely } from 'kysely';
import { pino } from 'pino';

/** A sink that builds each event as the outbox would (validated against its contract) and records it. */
export function recordingSink(producer: string): EventSink & { readonly events: Envelope<unknown>[] } {
  const events: Envelope<unknown>[] = [];
  return {
    events,
    async emit(descriptor, data, options) {
      const { envelope } = prepareEvent(producer, descriptor, data, options);
      events.push(envelope as Envelope<unknown>);
      return envelope;
    },
  };
}

export interface DeliverOptions {
  /** 1 on the first delivery (default), 2 on the first retry, and so on. */
  attempt?: number;
  eventId?: string;
  producer?: string;
}

export interface Delivery {
  /** Events the handler emitted (only when its transaction committed). */
  readonly emitted: Envelope<unknown>[];
}

/** The consumer side of a service, driven in-process through its generated registration. */
export interface ConsumerHarness {
  /**
   * Delivers an event as the broker would: validated as the service's view of its routing key
   * (`<eventType>.v<version>`), then handled in a transaction. Either a whole envelope (see
   * {@link envelopeOf}) or a routing key and the event's data, the rest of the envelope made up.
   */
  deliver(event: Envelope<unknown>, options?: Pick<DeliverOptions, 'attempt'>): Promise<Delivery>;
  deliver(routingKey: string, data: unknown, options?: DeliverOptions): Promise<Delivery>;
  /**
   * What the runtime does with a delivery whose handler throws: delivers it again, up to `attempts`
   * times in all (for races between concurrent deliveries, where the loser retries).
   */
  deliverUntilHandled(routingKey: string, data: unknown, attempts?: number): Promise<Delivery>;
  /** Every event emitted by committed deliveries of this harness, in order. */
  readonly emitted: Envelope<unknown>[];
  /** The emitted events of one type. */
  of<T = unknown>(eventType: string): Envelope<T>[];
  readonly routingKeys: string[];
}

/**
 * A test envelope of an event (its producer's descriptor, typed, or a routing key): the given data
 * with fresh ids (UUIDv7), now, and `producer: 'test'` unless overridden.
 */
export function envelopeOf<T>(
  event: EventDescriptor<T> | string,
  data: T,
  overrides: Partial<Omit<Envelope<T>, 'data'>> = {},
): Envelope<T> {
  let eventType: string;
  let version: number;
  if (typeof event === 'string') {
    const match = /^(.+)\.v(\d+)$/.exec(event);
    if (!match) throw new Error(`${event} is not a routing key <eventType>.v<version>`);
    eventType = match[1] as string;
    version = Number(match[2]);
  } else {
    ({ eventType, version } = event);
  }
  return {
    eventId: uuidv7(),
    eventType,
    version,
    occurredAt: new Date().toISOString(),
    correlationId: uuidv7(),
    causationId: null,
    producer: 'test',
    data,
    ...overrides,
  };
}

export async function consumerHarness<DB>(
  service: string,
  db: Kysely<DB>,
  register: (rt: ServiceRuntime) => Promise<ConsumerHandle[]>,
): Promise<ConsumerHarness> {
  const routes = new Map<string, ConsumerRoute>();
  const fakeRuntime = {
    service,
    async consume(def: ConsumerDefinition): Promise<ConsumerHandle> {
      for (const route of def.routes) routes.set(route.descriptor.routingKey, route);
      return { queue: def.policy.queue, stop: async () => {} };
    },
  } as unknown as ServiceRuntime;
  await register(fakeRuntime);
  const log = pino({ level: 'silent' });
  const emitted: Envelope<unknown>[] = [];

  async function handle(envelope: Envelope<unknown>, attempt: number): Promise<Delivery> {
    const routingKey = `${envelope.eventType}.v${envelope.version}`;
    const route = routes.get(routingKey);
    if (!route) throw new Error(`${service} does not consume ${routingKey}`);
    const { descriptor } = route;
    if (!descriptor.validate(descriptor.envelope ? envelope : envelope.data)) {
      throw new Error(`test event ${routingKey} is invalid: ${JSON.stringify(descriptor.validate.errors)}`);
    }
    const sink = recordingSink(service);
    await runWithContext({ correlationId: envelope.correlationId, causationId: envelope.eventId }, () =>
      db.transaction().execute(async (tx) => {
        await route.handle(envelope, { tx, sink, log, attempt, envelope });
      }),
    );
    emitted.push(...sink.events);
    return { emitted: sink.events };
  }

  const harness: ConsumerHarness = {
    routingKeys: [...routes.keys()],
    emitted,
    of: <T>(eventType: string) => emitted.filter((e) => e.eventType === eventType) as Envelope<T>[],
    async deliverUntilHandled(routingKey, data, attempts = 6) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await harness.deliver(routingKey, data);
        } catch (error) {
          if (attempt >= attempts) throw error;
        }
      }
    },
    deliver(
      event: Envelope<unknown> | string,
      dataOrOptions?: unknown,
      options: DeliverOptions = {},
    ): Promise<Delivery> {
      if (typeof event !== 'string') {
        return handle(event, (dataOrOptions as DeliverOptions | undefined)?.attempt ?? 1);
      }
      const overrides = {
        ...(options.eventId ? { eventId: options.eventId } : {}),
        ...(options.producer ? { producer: options.producer } : {}),
      };
      return handle(envelopeOf(event, dataOrOptions, overrides), options.attempt ?? 1);
    },
  };
  return harness;
}

/** The `data` of the only emitted event of this type; fails when there are none or several. */
export function only<T>(delivery: Delivery | Envelope<unknown>[], eventType: string): T {
  const events = Array.isArray(delivery) ? delivery : delivery.emitted;
  const matching = events.filter((event) => event.eventType === eventType);
  if (matching.length !== 1) {
    throw new Error(
      `expected one ${eventType}, got ${matching.length} (${events.map((e) => e.eventType).join(', ')})`,
    );
  }
  return (matching[0] as Envelope<T>).data;
}
