/**
 * Broker permissions derived from a service's contract, table-driven: given what a service sends
 * and receives, want the RabbitMQ permission regexes, checked against the names a user may and may
 * not touch. The real broker refusing what these deny is scripts/broker-acl.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { type ServiceTopology, servicePermissions } from '../../src/emit/topology.ts';

const exchanges = [
  { name: 'domain.events', type: 'topic', durable: true },
  { name: 'audit.fanout', type: 'fanout', durable: true },
];

const stock: ServiceTopology = {
  service: 'stock',
  user: 'svc-stock',
  sends: [{ exchange: 'domain.events', routingKey: 'stock.reserved.v1' }],
  queues: ['stock.dlq', 'stock', 'stock.retry.1'].map((name) => ({ name, durable: true, arguments: {} })),
  bindings: [{ exchange: 'domain.events', queue: 'stock', routingKey: 'order.created.v1' }],
  ownExchanges: [{ name: 'stock.dlx', type: 'direct' }],
  ownBindings: [],
};
const silent: ServiceTopology = { ...stock, service: 'silent', user: 'svc-silent', sends: [], bindings: [] };

const matches = (regex: string, name: string): boolean => new RegExp(regex).test(name);

describe('servicePermissions', () => {
  const p = servicePermissions(stock, exchanges);
  const table: { what: string; regex: string; allow: string[]; deny: string[] }[] = [
    {
      what: 'configure: its own queues and exchange only',
      regex: p.configure,
      allow: ['stock', 'stock.dlq', 'stock.retry.1', 'stock.dlx'],
      deny: ['domain.events', 'order', 'stockX', 'stock.retry.2', 'amq.default', ''],
    },
    {
      what: 'write: its own, and the exchange it sends on; never the default exchange',
      regex: p.write,
      allow: ['stock', 'stock.dlx', 'domain.events'],
      deny: ['amq.default', 'order', 'order.dlx', 'audit.fanout', 'domain.eventsX'],
    },
    {
      what: 'read: its own, and the exchange it receives from',
      regex: p.read,
      allow: ['stock', 'stock.dlq', 'domain.events'],
      deny: ['order', 'order.dlq', 'notification', 'amq.default'],
    },
    {
      what: 'topic write on domain.events: the routing keys it sends',
      regex: p.topic.find((t) => t.exchange === 'domain.events')?.write ?? '',
      allow: ['stock.reserved.v1'],
      deny: ['payment.succeeded.v1', 'stock.reserved.v2', 'stockXreserved.v1', '#'],
    },
    {
      what: 'topic read on domain.events: the routing keys it receives (binding # is refused)',
      regex: p.topic.find((t) => t.exchange === 'domain.events')?.read ?? '',
      allow: ['order.created.v1'],
      deny: ['#', '*.*.*', 'order.*', 'user.password_reset_requested.v1'],
    },
    {
      what: 'a service that sends and receives nothing gets ^$ topic permissions',
      regex: servicePermissions(silent, exchanges).topic[0]?.read ?? '',
      allow: [],
      deny: ['#', 'order.created.v1'],
    },
  ];
  for (const row of table) {
    it(row.what, () => {
      expect(row.allow.filter((name) => !matches(row.regex, name))).toEqual([]);
      expect(row.deny.filter((name) => matches(row.regex, name))).toEqual([]);
    });
  }

  it('topic permissions exist for topic exchanges only (RabbitMQ checks none on others)', () => {
    expect(p.topic.map((t) => t.exchange)).toEqual(['domain.events']);
  });
});
