/**
 * Synthetic contract sets for `pnpm bench:generate`: N services in a ring, each sending ten
 * events that the next service receives (the last service's events go to the first), written
 * as AsyncAPI 3 documents shaped like the platform's (envelope trait, AMQP bindings, consumer
 * policy, examples) with relative $refs to shared components under common/.
 *
 *   writeSyntheticSpecs('/tmp/set', { services: 10 })
 *   -> /tmp/set/asyncapi/svc001.yaml … svc010.yaml, asyncapi/common/envelope.yaml, common/types.yaml
 *      100 events; svc002 receives svc001's ten, half through a $ref into ./svc001.yaml and half
 *      as its own narrower view (so the drift check has work to do).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const EVENTS_PER_SERVICE = 10;

const repoRoot = join(dirname(new URL(import.meta.url).pathname), '../..');

export function serviceId(i: number): string {
  return `svc${String(i + 1).padStart(3, '0')}`;
}

interface EventDef {
  readonly service: string;
  readonly aggregate: string;
  readonly type: string;
  readonly name: string;
  readonly address: string;
}

function eventsOf(service: string): EventDef[] {
  return Array.from({ length: EVENTS_PER_SERVICE }, (_, k) => {
    const aggregate = `item${String(k + 1).padStart(2, '0')}`;
    const type = `${service}.${aggregate}.changed`;
    const pascal = `${service[0]?.toUpperCase()}${service.slice(1)}${aggregate[0]?.toUpperCase()}${aggregate.slice(1)}ChangedV1`;
    return { service, aggregate, type, name: pascal, address: `${type}.v1` };
  });
}

const EXCHANGE = '{ name: domain.events, type: topic, durable: true, autoDelete: false, vhost: / }';

function channel(e: EventDef, messageRef: string): string {
  return `  ${e.name[0]?.toLowerCase()}${e.name.slice(1)}:
    address: ${e.address}
    title: ${e.type}
    description: Routing key ${e.address} on the domain.events topic exchange.
    messages:
      ${e.name}: { $ref: '${messageRef}' }
    bindings:
      amqp:
        is: routingKey
        exchange: ${EXCHANGE}
        bindingVersion: 0.3.0
`;
}

function sendOperation(e: EventDef): string {
  const ch = `${e.name[0]?.toLowerCase()}${e.name.slice(1)}`;
  return `  send${e.name}:
    action: send
    channel: { $ref: '#/channels/${ch}' }
    title: Publish ${e.type}
    summary: ${e.service} announces ${e.type}.
    messages:
      - { $ref: '#/channels/${ch}/messages/${e.name}' }
    bindings:
      amqp:
        deliveryMode: 2
        mandatory: true
        timestamp: true
        bindingVersion: 0.3.0
`;
}

function receiveOperation(e: EventDef, consumer: string): string {
  const ch = `${e.name[0]?.toLowerCase()}${e.name.slice(1)}`;
  return `  receive${e.name}:
    action: receive
    channel: { $ref: '#/channels/${ch}' }
    title: Handle ${e.type}
    summary: ${consumer} reacts to ${e.type}.
    messages:
      - { $ref: '#/channels/${ch}/messages/${e.name}' }
    bindings:
      amqp:
        ack: true
        bindingVersion: 0.3.0
    x-kada-consumer:
      queue: ${consumer}
      queueType: quorum
      prefetch: 100
      concurrency: 16
      maxRetries: 3
      backoff: { initialMs: 1000, multiplier: 2, maxMs: 30000 }
      deliveryLimit: 5
      deadLetter: true
      orderingKey: data.itemId
`;
}

function message(e: EventDef, view: boolean): string {
  return `    ${e.name}:
      name: ${e.type}
      title: ${e.type}${view ? ' (consumer view)' : ''}
      summary: An ${e.aggregate} of ${e.service} changed.
      description: Published by ${e.service} when one of its ${e.aggregate} records changes.
      contentType: application/json
      traits: [ { $ref: ./common/envelope.yaml#/components/messageTraits/Envelope } ]
      x-kada-event: { type: ${e.type}, version: 1, compatibility: full }
      payload: { $ref: '#/components/schemas/${e.name}' }
      bindings:
        amqp:
          messageType: ${e.type}
          bindingVersion: 0.3.0
      examples:
        - name: changed
          summary: Two lines and a price.
          payload:
            itemId: 01920c50-7f10-7a21-b432-c543d654e701
            ownerId: 01920c4e-5b7a-7c3e-9a41-2f5d8e6b1c01
            ${view ? '' : 'status: ACTIVE\n            '}lines:
              - sku: SKU-1
                quantity: 2
              - sku: SKU-2
                quantity: 1
            price: { amount: 5248, currency: USD }
            changedAt: '2025-06-12T14:00:01Z'
`;
}

/** The producer's canonical schema; a consumer's view keeps only what it reads. */
function schema(e: EventDef, view: boolean): string {
  const status = view
    ? ''
    : `        status:
          type: string
          enum: [ ACTIVE, INACTIVE, ARCHIVED ]
          description: Lifecycle state after the change.
`;
  return `    ${e.name}:
      type: object
      description: Data of ${e.type} v1${view ? ' as a consumer reads it' : ''}.
      ${view ? '' : 'additionalProperties: false\n      '}required: [ itemId, ownerId, lines, price, changedAt${view ? '' : ', status'} ]
      properties:
        itemId:
          $ref: ./common/types.yaml#/components/schemas/Uuid
          description: Id of the ${e.aggregate}.
        ownerId:
          type: string
          format: uuid
          description: Id of the owner.
${status}        lines:
          type: array
          minItems: 1
          maxItems: 100
          description: Lines of the ${e.aggregate}.
          items:
            type: object
            required: [ sku, quantity ]
            ${view ? '' : 'additionalProperties: false\n            '}properties:
              sku: { type: string, minLength: 1, maxLength: 64, description: Stock keeping unit. }
              quantity: { type: integer, minimum: 1, maximum: 1000, description: Units. }
        price:
          $ref: ./common/types.yaml#/components/schemas/Money
          description: Price after the change.
        changedAt:
          type: string
          format: date-time
          description: When the change happened.
`;
}

function document(i: number, services: number): string {
  const me = serviceId(i);
  const previous = serviceId((i + services - 1) % services);
  const own = eventsOf(me);
  const received = services > 1 ? eventsOf(previous) : [];
  // Even events are received through a $ref into the producer's document, odd ones through a view.
  const viaRef = (k: number) => k % 2 === 0;
  const channels = [
    ...own.map((e) => channel(e, `#/components/messages/${e.name}`)),
    ...received.map((e, k) =>
      channel(
        e,
        viaRef(k) ? `./${previous}.yaml#/components/messages/${e.name}` : `#/components/messages/${e.name}`,
      ),
    ),
  ];
  const operations = [...own.map(sendOperation), ...received.map((e) => receiveOperation(e, me))];
  const messages = [
    ...own.map((e) => message(e, false)),
    ...received.filter((_, k) => !viaRef(k)).map((e) => message(e, true)),
  ];
  const schemas = [
    ...own.map((e) => schema(e, false)),
    ...received.filter((_, k) => !viaRef(k)).map((e) => schema(e, true)),
  ];
  return `# Synthetic AsyncAPI 3 contract ${me} (scripts/bench-generate/synthetic.ts): ${own.length} events sent, ${received.length} received from ${previous}.

asyncapi: 3.0.0
info:
  title: Synthetic service ${me}
  version: 1.0.0
  description: Generated for the generation benchmark; sends ${own.length} events and receives those of ${previous}.
  tags:
    - name: ${me}
      description: The ${me} service.
  x-kada-service: ${me}
defaultContentType: application/json
servers:
  rabbitmq:
    host: localhost:5672
    protocol: amqp
    protocolVersion: 0.9.1
    description: Local RabbitMQ.
channels:
${channels.join('')}operations:
${operations.join('')}components:
  messages:
${messages.join('')}  schemas:
${schemas.join('')}`;
}

/**
 * Writes `services` documents (ten events each) under `<dir>/asyncapi/`, plus the platform's own
 * shared components (copied from specs/asyncapi/common/). Returns the number of events.
 */
export function writeSyntheticSpecs(dir: string, opts: { readonly services: number }): number {
  const common = join(dir, 'asyncapi', 'common');
  mkdirSync(common, { recursive: true });
  for (const name of ['envelope.yaml', 'types.yaml']) {
    writeFileSync(join(common, name), readFileSync(join(repoRoot, 'specs/asyncapi/common', name)));
  }
  for (let i = 0; i < opts.services; i++) {
    writeFileSync(join(dir, 'asyncapi', `${serviceId(i)}.yaml`), document(i, opts.services));
  }
  return opts.services * EVENTS_PER_SERVICE;
}
