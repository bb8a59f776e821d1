import type { Channel } from 'amqplib';
import { KadaError } from '../errors.ts';
import type { ConsumerPolicy, ConsumerRoute, RetryPolicy } from '../types.ts';

/** Queue names derived from a consumer queue. */
export const dlqName = (queue: string): string => `${queue}.dlq`;
export const retryQueueName = (queue: string, retry: number): string => `${queue}.retry.${retry}`;

/** Delay before retry `retry` (1-based): initial * multiplier^(retry-1), capped at maxDelayMs. */
export function retryDelayMs(policy: RetryPolicy, retry: number): number {
  return Math.round(Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (retry - 1)));
}

/** Every exchange the runtime uses is a durable topic exchange (`domain.events`). */
export async function declareExchange(channel: Channel, exchange: string): Promise<void> {
  if (exchange === '') return;
  await channel.assertExchange(exchange, 'topic', { durable: true });
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
  if (policy.deadLetter) {
    args['x-dead-letter-exchange'] = '';
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

/**
 * Declares what one consumer queue needs: the exchanges of its routes, the main queue with its
 * bindings, one delay queue per retry (`<queue>.retry.<n>`, classic, TTL = backoff(n), dead-lettered
 * back to `<queue>` through the default exchange so only this queue sees the retry) and `<queue>.dlq`.
 * Idempotent; changing a queue's arguments later needs the queue deleted first (RabbitMQ refuses).
 */
/** A queue as RabbitMQ declares it: name and arguments (every consumer queue is durable). */
export interface QueueDeclaration {
  readonly name: string;
  readonly arguments: Record<string, unknown>;
}

/**
 * The queues one consumer policy needs, in declaration order: `<queue>.dlq`, the main queue, and
 * one delay queue per retry (`<queue>.retry.<n>`, classic, TTL = backoff(n), dead-lettered back to
 * `<queue>` through the default exchange so only this queue sees the retry). Pure: the generator's
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
        'x-message-ttl': retryDelayMs(policy.retry, retry),
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': queue,
      },
    });
  }
  return out;
}

/**
 * Declares what one consumer queue needs (see `consumerQueues`) and binds the main queue to the
 * routing key of each route. Idempotent; changing a queue's arguments later needs the queue
 * deleted first (RabbitMQ refuses).
 */
export async function declareConsumerTopology(
  channel: Channel,
  policy: ConsumerPolicy,
  routes: readonly ConsumerRoute[],
): Promise<void> {
  for (const q of consumerQueues(policy)) {
    await channel.assertQueue(q.name, { durable: true, arguments: q.arguments });
  }
  const queue = policy.queue;
  const bindings = new Set<string>();
  for (const route of routes) {
    const { exchange, routingKey } = route.descriptor;
    const key = `${exchange}\u0000${routingKey}`;
    // The default exchange ('', `is: queue` channels) routes by queue name; it takes no bindings.
    if (bindings.has(key) || exchange === '') continue;
    bindings.add(key);
    await declareExchange(channel, exchange);
    await channel.bindQueue(queue, exchange, routingKey);
  }
}
