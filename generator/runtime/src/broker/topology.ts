import type { Channel, ChannelModel } from 'amqplib';
import { KadaError } from '../errors.ts';
import type { ConsumerPolicy, ConsumerRoute, RetryPolicy } from '../types.ts';

/** Queue names derived from a consumer queue. */
export const dlqName = (queue: string): string => `${queue}.dlq`;
export const retryQueueName = (queue: string, retry: number): string => `${queue}.retry.${retry}`;
/**
 * The queue's own direct exchange for retries and dead letters. Retry and DLQ copies go through it
 * rather than the default exchange, because write on `amq.default` would let a service push into
 * any queue on the vhost; write on `<queue>.dlx` reaches only this queue's family.
 */
export const dlxName = (queue: string): string => `${queue}.dlx`;

/** Delay before retry `retry` (1-based): initial * multiplier^(retry-1), capped at maxDelayMs. */
export function retryDelayMs(policy: RetryPolicy, retry: number): number {
  return Math.round(Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (retry - 1)));
}

/**
 * Makes sure an exchange exists: a passive check first, which needs no permission, so a service
 * under a least-privilege user works against exchanges the topology step created; only when it is
 * missing (a dev broker) is it declared, as the durable topic exchange the contracts use
 * (`domain.events`). Each attempt gets its own channel because a failed check closes it.
 */
export async function ensureExchange(model: ChannelModel, exchange: string): Promise<void> {
  if (exchange === '') return;
  if (await exists(model, (channel) => channel.checkExchange(exchange))) return;
  await withChannel(model, (channel) => channel.assertExchange(exchange, 'topic', { durable: true }));
}

async function exists(model: ChannelModel, check: (channel: Channel) => Promise<unknown>): Promise<boolean> {
  try {
    await withChannel(model, check);
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 404) return false;
    throw error;
  }
}

async function withChannel<T>(model: ChannelModel, fn: (channel: Channel) => Promise<T>): Promise<T> {
  const channel = await model.createChannel();
  // The failure is reported by the rejected call; the channel's own 'error' would be unhandled.
  channel.on('error', () => undefined);
  try {
    return await fn(channel);
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/** The arguments of the main queue: its type, delivery limit and dead-lettering to `<queue>.dlq`. */
export function mainQueueArguments(policy: ConsumerPolicy): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  if (policy.queueType === 'quorum') {
    if (policy.maxPriority !== undefined) {
      throw new KadaError(
        'KADA_CONFIG',
        `queue ${policy.queue}: quorum queues have no priorities on RabbitMQ 3.10`,
      );
    }
    args['x-queue-type'] = 'quorum';
    args['x-delivery-limit'] = policy.deliveryLimit;
  } else if (policy.maxPriority !== undefined) {
    args['x-max-priority'] = policy.maxPriority;
  }
  if (policy.singleActiveConsumer) args['x-single-active-consumer'] = true;
  if (policy.deadLetter) {
    args['x-dead-letter-exchange'] = dlxName(policy.queue);
    args['x-dead-letter-routing-key'] = dlqName(policy.queue);
    if (policy.queueType === 'quorum') {
      // Broker-side dead-lettering (delivery limit) from a quorum queue is at-most-once unless asked.
      args['x-dead-letter-strategy'] = 'at-least-once';
      args['x-overflow'] = 'reject-publish';
    }
  }
  return args;
}

export function validatePolicy(policy: ConsumerPolicy): void {
  const problems: string[] = [];
  if (!policy.queue) problems.push('queue is empty');
  if (!(policy.prefetch >= 1)) problems.push('prefetch must be >= 1');
  if (!(policy.concurrency >= 1)) problems.push('concurrency must be >= 1');
  if (!(policy.retry.maxRetries >= 0)) problems.push('retry.maxRetries must be >= 0');
  if (!(policy.retry.initialDelayMs >= 1)) problems.push('retry.initialDelayMs must be >= 1');
  if (!(policy.retry.multiplier >= 1)) problems.push('retry.multiplier must be >= 1');
  if (!(policy.deliveryLimit >= 1)) problems.push('deliveryLimit must be >= 1');
  if (problems.length > 0) {
    throw new KadaError('KADA_CONFIG', `consumer policy for ${policy.queue}: ${problems.join('; ')}`);
  }
}

/** A queue as RabbitMQ declares it: name and arguments (every consumer queue is durable). */
export interface QueueDeclaration {
  readonly name: string;
  readonly arguments: Record<string, unknown>;
}

/** A binding of one of the queue's own queues to its `<queue>.dlx` exchange. */
export interface QueueBinding {
  readonly exchange: string;
  readonly queue: string;
  readonly routingKey: string;
}

/**
 * The queues one consumer policy needs, in declaration order: `<queue>.dlq`, the main queue, and
 * one delay queue per retry (`<queue>.retry.<n>`, of the main queue's type, TTL = backoff(n), dead-lettered back to
 * `<queue>` through `<queue>.dlx` so only this queue sees the retry). Pure: the generator's
 * RabbitMQ definitions are built from it too, so they always match what the runtime declares.
 */
export function consumerQueues(policy: ConsumerPolicy): QueueDeclaration[] {
  validatePolicy(policy);
  const queue = policy.queue;
  const out: QueueDeclaration[] = [];
  if (policy.deadLetter) {
    out.push({
      name: dlqName(queue),
      arguments: policy.queueType === 'quorum' ? { 'x-queue-type': 'quorum' } : {},
    });
  }
  out.push({ name: queue, arguments: mainQueueArguments(policy) });
  for (let retry = 1; retry <= policy.retry.maxRetries; retry += 1) {
    out.push({
      name: retryQueueName(queue, retry),
      arguments: {
        // A quorum consumer queue gets quorum delay queues too: a classic one lives on one node, and
        // while that node is down a retry sent to it is dropped and a replica cannot declare it to start.
        ...(policy.queueType === 'quorum' ? { 'x-queue-type': 'quorum' } : {}),
        'x-message-ttl': retryDelayMs(policy.retry, retry),
        'x-dead-letter-exchange': dlxName(queue),
        'x-dead-letter-routing-key': queue,
        // Expired retries move back to the main queue at least once (quorum queues: 3.10+).
        ...(policy.queueType === 'quorum'
          ? { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' }
          : {}),
      },
    });
  }
  return out;
}

/**
 * The bindings of `<queue>.dlx` (a direct exchange, routing key = queue name): to `<queue>.dlq`,
 * to each retry queue, and to the main queue (where expired retries and DLQ replays come back).
 *
 *   given  { queue: 'stock', retry: { maxRetries: 1 }, deadLetter: true }
 *   want   stock.dlx --stock.dlq--> stock.dlq, --stock--> stock, --stock.retry.1--> stock.retry.1
 */
export function consumerBindings(policy: ConsumerPolicy): QueueBinding[] {
  const exchange = dlxName(policy.queue);
  return consumerQueues(policy).map((q) => ({ exchange, queue: q.name, routingKey: q.name }));
}

/**
 * Declares what one consumer queue needs (see `consumerQueues`), its `<queue>.dlx` exchange and
 * bindings, and binds the main queue to the routing key of each route. Idempotent; changing a
 * queue's arguments later needs the queue deleted first (RabbitMQ refuses). A least-privilege user
 * may do all of it: configure on its own queues and exchange, read on the route's exchange, and
 * topic read on exactly the routing keys it receives.
 */
export async function declareConsumerTopology(
  model: ChannelModel,
  channel: Channel,
  policy: ConsumerPolicy,
  routes: readonly ConsumerRoute[],
): Promise<void> {
  const queue = policy.queue;
  await channel.assertExchange(dlxName(queue), 'direct', { durable: true });
  for (const q of consumerQueues(policy)) {
    await channel.assertQueue(q.name, { durable: true, arguments: q.arguments });
  }
  for (const b of consumerBindings(policy)) await channel.bindQueue(b.queue, b.exchange, b.routingKey);
  const bindings = new Set<string>();
  for (const route of routes) {
    const { exchange, routingKey } = route.descriptor;
    const key = `${exchange}\u0000${routingKey}`;
    // The default exchange ('', `is: queue` channels) routes by queue name; it takes no bindings.
    if (bindings.has(key) || exchange === '') continue;
    bindings.add(key);
    await ensureExchange(model, exchange);
    await channel.bindQueue(queue, exchange, routingKey);
  }
}
