/**
 * topology emitter: the broker topology as data, and a RabbitMQ definitions file with a user and
 * least-privilege permissions per service. Queue arguments and the queue's own exchange come from
 * the runtime's `consumerQueues` / `consumerBindings`, so the definitions match what a service
 * declares when it starts.
 *
 *   stock sends stock.reserved.v1 and receives order.created.v1 on queue "stock" (3 retries)
 *   -> queues: stock.dlq, stock (quorum, dead-letter to stock.dlx/stock.dlq), stock.retry.1..3
 *      (ttl, dead-letter to stock.dlx/stock); exchange stock.dlx (direct) bound to each of them;
 *      bindings: domain.events --order.created.v1--> stock
 *   -> user svc-stock: configure ^(stock|stock\.dlq|stock\.retry\.1|…|stock\.dlx)$,
 *      write/read the same plus domain.events (never amq.default);
 *      topic permissions on domain.events: write ^(stock\.reserved\.v1)$, read ^(order\.created\.v1)$
 */

import { consumerBindings, consumerQueues, dlxName } from '@kada/runtime/topology';
import { type ContractGraph, runtimePolicy } from '../model.ts';
import { GeneratedFile, type OutputFile } from './file.ts';

export interface QueueDecl {
  readonly name: string;
  readonly durable: true;
  readonly arguments: Record<string, string | number | boolean>;
}

export interface Binding {
  readonly exchange: string;
  readonly queue: string;
  readonly routingKey: string;
}

export interface ServiceTopology {
  readonly service: string;
  /** The broker user the service connects as (RabbitMQ verifies it as the `user_id` of what it publishes). */
  readonly user: string;
  readonly sends: readonly { exchange: string; routingKey: string }[];
  readonly queues: readonly QueueDecl[];
  /** The contract's bindings: shared exchange -> the service's queue, one per received routing key. */
  readonly bindings: readonly Binding[];
  /** Exchanges only this service uses: each queue's `<queue>.dlx` for retries and dead letters. */
  readonly ownExchanges: readonly { name: string; type: 'direct' }[];
  readonly ownBindings: readonly Binding[];
}

/** The broker user of a service; the runtime derives the owner's user the same way. */
export const brokerUser = (service: string): string => `svc-${service}`;

const pairKey = (exchange: string, routingKey: string): string => `${exchange}\u0000${routingKey}`;
const splitPair = (key: string): [string, string] => key.split('\u0000') as [string, string];

export function buildTopology(graph: ContractGraph): {
  exchanges: ContractGraph['exchanges'];
  services: ServiceTopology[];
} {
  const services: ServiceTopology[] = [];
  for (const s of graph.services) {
    const queues: QueueDecl[] = [];
    const bindings: Binding[] = [];
    const ownExchanges: { name: string; type: 'direct' }[] = [];
    const ownBindings: Binding[] = [];
    for (const q of s.queues) {
      const policy = runtimePolicy(q.policy);
      // The same declarations the runtime makes, so imported definitions never disagree with it.
      for (const d of consumerQueues(policy)) {
        queues.push({
          name: d.name,
          durable: true,
          arguments: d.arguments as Record<string, string | number | boolean>,
        });
      }
      ownExchanges.push({ name: dlxName(q.name), type: 'direct' });
      ownBindings.push(...consumerBindings(policy));
      // The default exchange ('', `is: queue`) routes by queue name and takes no bindings.
      const keys = new Set(
        q.consumers.filter((c) => c.exchange !== '').map((c) => pairKey(c.exchange, c.routingKey)),
      );
      for (const k of [...keys].sort()) {
        const [exchange, routingKey] = splitPair(k);
        bindings.push({ exchange, queue: q.name, routingKey });
      }
    }
    const sends = [...new Set(s.sends.map((m) => pairKey(m.exchange, m.routingKey)))].sort().map((k) => {
      const [exchange, routingKey] = splitPair(k);
      return { exchange, routingKey };
    });
    services.push({
      service: s.id,
      user: brokerUser(s.id),
      sends,
      queues,
      bindings,
      ownExchanges,
      ownBindings,
    });
  }
  return { exchanges: graph.exchanges, services };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** An anchored alternation of exact names; `^$` (matches no resource) when there are none. */
function exactly(names: Iterable<string>): string {
  const parts = [...new Set(names)].map(escapeRegex);
  return parts.length > 0 ? `^(${parts.join('|')})$` : '^$';
}

export interface ServicePermissions {
  readonly configure: string;
  readonly write: string;
  readonly read: string;
  /** Per topic exchange: the routing keys the service may publish (write) and bind (read). */
  readonly topic: readonly { exchange: string; write: string; read: string }[];
}

/**
 * A service's permissions, derived from its contract. Configure: its own queues and exchanges
 * (so it may declare them itself on a broker without the topology step). Write: its own queues
 * (to bind them) and exchanges (retry and DLQ copies), and the exchanges it sends on. Read: its own
 * queues and exchanges, and the exchanges it receives from. Never `amq.default`, which would reach
 * every queue. Topic permissions narrow the shared topic exchanges to the routing keys it sends
 * (write) and receives (read, checked on queue.bind, so binding `#` is refused).
 */
export function servicePermissions(
  s: ServiceTopology,
  exchanges: ContractGraph['exchanges'],
): ServicePermissions {
  const own = [...s.queues.map((q) => q.name), ...s.ownExchanges.map((e) => e.name)];
  const sendsOn = s.sends.map((x) => x.exchange);
  const receivesFrom = s.bindings.map((b) => b.exchange);
  return {
    configure: exactly(own),
    write: exactly([...own, ...sendsOn]),
    read: exactly([...own, ...receivesFrom]),
    topic: exchanges
      .filter((e) => e.type === 'topic')
      .map((e) => ({
        exchange: e.name,
        write: exactly(s.sends.filter((x) => x.exchange === e.name).map((x) => x.routingKey)),
        read: exactly(s.bindings.filter((b) => b.exchange === e.name).map((b) => b.routingKey)),
      })),
  };
}

export function emitTopology(graph: ContractGraph): OutputFile[] {
  const topo = buildTopology(graph);
  const sources = graph.services.map((s) => s.file);
  const f = new GeneratedFile('topology.ts', sources);
  f.print(
    '/** The broker topology: exchanges, and per service the routing keys it sends and the queues it consumes. */',
  );
  f.print(`export const topology = ${JSON.stringify(topo, null, 2)} as const;`);
  f.blank();
  f.print("export type ServiceName = (typeof topology.services)[number]['service'];");

  // RabbitMQ definitions (rabbitmqctl import_definitions): users have no password hash (the
  // platform's set-up sets one per run), so no secret lives in the repo.
  const vhost = '/';
  const permissions = topo.services.map((s) => ({ user: s.user, ...servicePermissions(s, topo.exchanges) }));
  const definitions = {
    _comment: `@generated by kada-gen from ${sources.join(', ')}; do not edit. Import with rabbitmqctl import_definitions.`,
    vhosts: [{ name: vhost }],
    users: topo.services.map((s) => ({
      name: s.user,
      password_hash: '',
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      tags: [],
    })),
    permissions: permissions.map((p) => ({
      user: p.user,
      vhost,
      configure: p.configure,
      write: p.write,
      read: p.read,
    })),
    topic_permissions: permissions.flatMap((p) =>
      p.topic.map((t) => ({ user: p.user, vhost, exchange: t.exchange, write: t.write, read: t.read })),
    ),
    exchanges: [
      ...topo.exchanges.map((e) => ({ name: e.name, type: e.type, durable: e.durable })),
      ...topo.services.flatMap((s) =>
        s.ownExchanges.map((e) => ({ name: e.name, type: e.type, durable: true })),
      ),
    ].map((e) => ({ ...e, vhost, auto_delete: false, internal: false, arguments: {} })),
    queues: topo.services.flatMap((s) =>
      s.queues.map((q) => ({
        name: q.name,
        vhost,
        durable: true,
        auto_delete: false,
        arguments: q.arguments,
      })),
    ),
    bindings: topo.services.flatMap((s) =>
      [...s.bindings, ...s.ownBindings].map((b) => ({
        source: b.exchange,
        vhost,
        destination: b.queue,
        destination_type: 'queue',
        routing_key: b.routingKey,
        arguments: {},
      })),
    ),
  };
  return [
    f.toOutput(),
    { path: 'rabbitmq/definitions.json', content: `${JSON.stringify(definitions, null, 2)}\n` },
  ];
}
