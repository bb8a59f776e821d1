import { describe, expect, it } from 'vitest';
import { brokerUser } from '../src/broker/connection.ts';
import { copyHeaders, parseBody, producerUserPrefix, publisherUser } from '../src/broker/consumer.ts';
import {
  brokerDefaults,
  consumerBindings,
  consumerQueues,
  currentContext,
  type EventContext,
  isKadaError,
  KadaValidationError,
  mainQueueArguments,
  parseTraceparent,
  prepareEvent,
  reconnectDelay,
  retryDelayMs,
  runWithContext,
  uuidv7,
} from '../src/internals.ts';
import { orderCreatedDescriptor, policy } from './helpers.ts';

describe('uuidv7', () => {
  it('has version 7, the RFC variant, the current time, and sorts in creation order', () => {
    const before = Date.now();
    const ids = Array.from({ length: 5000 }, () => uuidv7());
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = Number.parseInt((ids[0] as string).replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('retry and reconnect delays', () => {
  const table = [
    { given: 1, want: 100 },
    { given: 2, want: 200 },
    { given: 3, want: 400 },
    { given: 5, want: 1000 },
  ];
  for (const { given, want } of table) {
    it(`retry ${given} waits ${want} ms`, () => {
      expect(
        retryDelayMs({ maxRetries: 5, initialDelayMs: 100, multiplier: 2, maxDelayMs: 1000 }, given),
      ).toBe(want);
    });
  }

  it('reconnect backoff grows, is capped, and is jittered within bounds', () => {
    const policy = { initialDelayMs: 100, maxDelayMs: 5000, multiplier: 2, jitter: 0.3 };
    expect(reconnectDelay(1, policy, () => 0.5)).toBe(100);
    expect(reconnectDelay(4, policy, () => 0.5)).toBe(800);
    expect(reconnectDelay(30, policy, () => 0.5)).toBe(5000);
    expect(reconnectDelay(30, policy, () => 0)).toBe(3500);
    expect(reconnectDelay(30, policy, () => 1)).toBe(6500);
  });

  it('broker defaults come from one place and honour RABBITMQ_URL', () => {
    const defaults = brokerDefaults({ service: 'svc' });
    expect(defaults.maxInFlight).toBeGreaterThan(0);
    expect(defaults.url).toBe(process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  });
});

describe('traceparent', () => {
  const table: Array<{ given: unknown; want: boolean }> = [
    { given: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', want: true },
    { given: '00-00000000000000000000000000000000-00f067aa0ba902b7-01', want: false },
    { given: '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01', want: false },
    { given: 'garbage', want: false },
    { given: undefined, want: false },
  ];
  for (const { given, want } of table) {
    it(`${String(given)} is ${want ? 'valid' : 'rejected'}`, () => {
      expect(parseTraceparent(given) !== undefined).toBe(want);
    });
  }
});

describe('prepareEvent', () => {
  const descriptor = orderCreatedDescriptor('order.created.v1');

  it('builds the envelope from the current context and continues the trace with a new span', () => {
    const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const event = runWithContext(
      { correlationId: 'corr-1', causationId: 'cause-1', traceparent: incoming },
      () => prepareEvent('order', descriptor, { orderId: 'o-1', amount: 3 }),
    );
    expect(event.envelope).toMatchObject({
      eventType: 'order.created',
      version: 1,
      correlationId: 'corr-1',
      causationId: 'cause-1',
      producer: 'order',
      data: { orderId: 'o-1', amount: 3 },
    });
    const trace = parseTraceparent(event.headers.traceparent);
    expect(trace?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(trace?.spanId).not.toBe('00f067aa0ba902b7');
    expect(event.headers['x-kada-version']).toBe('1');
    expect(JSON.parse(event.body)).toEqual(event.envelope);
  });

  it('outside any context starts a new correlation and has no causation', () => {
    expect(currentContext()).toBeUndefined();
    const event = prepareEvent('order', descriptor, { orderId: 'o-1', amount: 3 });
    expect(event.envelope.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.envelope.causationId).toBeNull();
  });

  it('throws KADA_VALIDATION listing each instancePath and message', () => {
    let thrown: unknown;
    try {
      prepareEvent('order', descriptor, { orderId: '', amount: -1 } as never);
    } catch (error) {
      thrown = error;
    }
    expect(isKadaError(thrown)).toBe(true);
    expect(thrown).toBeInstanceOf(KadaValidationError);
    const error = thrown as KadaValidationError;
    expect(error.code).toBe('KADA_VALIDATION');
    expect(error.issues.map((issue) => issue.instancePath).sort()).toEqual(['/data/amount', '/data/orderId']);
    expect(error.message).toContain('/data/amount');
  });

  it('keeps the context across awaits', async () => {
    const seen = await runWithContext({ correlationId: 'c-async' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return currentContext() as EventContext;
    });
    expect(seen.correlationId).toBe('c-async');
  });
});

describe('queue arguments', () => {
  it('quorum: delivery limit and at-least-once dead-lettering to <queue>.dlq', () => {
    expect(mainQueueArguments(policy('q1'))).toEqual({
      'x-queue-type': 'quorum',
      'x-delivery-limit': 5,
      'x-dead-letter-exchange': 'q1.dlx',
      'x-dead-letter-routing-key': 'q1.dlq',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
  });

  it("retries and dead letters go through the queue's own exchange, never the default one", () => {
    const queues = consumerQueues(policy('q4', { retry: { ...policy('q4').retry, maxRetries: 2 } }));
    expect(queues.map((q) => [q.name, q.arguments['x-dead-letter-exchange']])).toEqual([
      ['q4.dlq', undefined],
      ['q4', 'q4.dlx'],
      ['q4.retry.1', 'q4.dlx'],
      ['q4.retry.2', 'q4.dlx'],
    ]);
    expect(consumerBindings(policy('q4', { retry: { ...policy('q4').retry, maxRetries: 1 } }))).toEqual([
      { exchange: 'q4.dlx', queue: 'q4.dlq', routingKey: 'q4.dlq' },
      { exchange: 'q4.dlx', queue: 'q4', routingKey: 'q4' },
      { exchange: 'q4.dlx', queue: 'q4.retry.1', routingKey: 'q4.retry.1' },
    ]);
  });

  it("a quorum queue's delay queues are quorum too (a classic one is lost with its node); a classic queue's stay classic", () => {
    const [, , retry] = consumerQueues(policy('q5', { retry: { ...policy('q5').retry, maxRetries: 1 } }));
    expect(retry?.arguments).toEqual({
      'x-queue-type': 'quorum',
      'x-message-ttl': 100,
      'x-dead-letter-exchange': 'q5.dlx',
      'x-dead-letter-routing-key': 'q5',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
    const classic = consumerQueues(
      policy('q6', { queueType: 'classic', retry: { ...policy('q6').retry, maxRetries: 1 } }),
    );
    expect(classic.at(-1)?.arguments['x-queue-type']).toBeUndefined();
  });

  it('singleActiveConsumer sets x-single-active-consumer on the main queue only', () => {
    const queues = consumerQueues(policy('q7', { singleActiveConsumer: true }));
    expect(queues.find((q) => q.name === 'q7')?.arguments['x-single-active-consumer']).toBe(true);
    expect(queues.filter((q) => q.arguments['x-single-active-consumer'] !== undefined)).toHaveLength(1);
    expect(mainQueueArguments(policy('q8'))['x-single-active-consumer']).toBeUndefined();
  });

  it('classic with priority; quorum with priority is a config error', () => {
    expect(
      mainQueueArguments(policy('q2', { queueType: 'classic', maxPriority: 5, deadLetter: false })),
    ).toEqual({
      'x-max-priority': 5,
    });
    expect(() => mainQueueArguments(policy('q3', { maxPriority: 5 }))).toThrow(/priorities/);
  });
});

describe('producer check: which broker user owns an event', () => {
  it('the connection user comes from the URL (the first of a cluster list), guest by default', () => {
    expect(brokerUser('amqp://svc-order:pw@h1:5672/v,amqp://svc-order:pw@h2:5672/v')).toBe('svc-order');
    expect(brokerUser('amqp://e2e%2Ba.svc-order:pw@h1')).toBe('e2e+a.svc-order');
    expect(brokerUser('amqp://127.0.0.1')).toBe('guest');
  });

  const table: { given: [user: string, service: string]; want: string | undefined }[] = [
    { given: ['svc-order', 'order'], want: 'svc-' },
    { given: ['e2e-1a2b.svc-order', 'order'], want: 'e2e-1a2b.svc-' },
    { given: ['order', 'order'], want: '' },
    { given: ['guest', 'order'], want: undefined },
    { given: ['svc-order', 'stock'], want: undefined },
  ];
  for (const { given, want } of table) {
    it(`user ${given[0]} of service ${given[1]} -> prefix ${String(want)}`, () => {
      expect(producerUserPrefix(...given)).toBe(want);
    });
  }

  it('a retried copy is believed to come from its original publisher only when it is our own', () => {
    const message = (userId: string | undefined, carried?: string) =>
      ({ properties: { userId, headers: carried ? { 'x-kada-user-id': carried } : {} } }) as never;
    expect(publisherUser(message('svc-order', 'svc-payment'), 'svc-order')).toBe('svc-payment');
    expect(publisherUser(message('svc-product', 'svc-payment'), 'svc-order')).toBe('svc-product');
    expect(publisherUser(message(undefined, 'svc-payment'), 'svc-order')).toBeUndefined();
    expect(publisherUser(message('svc-payment'), 'svc-order')).toBe('svc-payment');
    // A copy never carries a publisher's own claim: set to the verified user, or dropped.
    expect(copyHeaders(message(undefined, 'svc-payment'), 'svc-order')).toEqual({});
    expect(copyHeaders(message('svc-product', 'svc-payment'), 'svc-order')).toEqual({
      'x-kada-user-id': 'svc-product',
    });
  });
});

describe('parseBody', () => {
  const table: { given: string; want: unknown }[] = [
    { given: '{"a":{"b":1}}', want: { a: { b: 1 } } },
    { given: '{"name":"caf\\u00e9"}', want: { name: 'café' } },
    {
      given: '{"note":"talks about __proto__ in a value"}',
      want: { note: 'talks about __proto__ in a value' },
    },
  ];
  for (const { given, want } of table) {
    it(`parses ${given}`, () => expect(parseBody(Buffer.from(given))).toEqual(want));
  }
  for (const given of [
    '{"data":{"__proto__":{"admin":true}}}',
    '{"data":{"\\u005f_proto__":{"admin":true}}}',
  ]) {
    it(`refuses ${given}`, () => expect(() => parseBody(Buffer.from(given))).toThrow(/__proto__/));
  }
});
