/**
 * x-kada-consumer read into a consumer policy: the keys, their ranges and their defaults, in one
 * place for the model (which builds the policy, a default for each value out of range) and for
 * check/consumer-policy.ts (which reports each value out of range).
 *
 *   { maxRetries: 99, prefetch: 10 }, default queue 'stock'
 *   -> policy: { queue: 'stock', prefetch: 10, maxRetries: 3, … }
 *      problems: [{ path: ['maxRetries'], message: 'x-kada-consumer.maxRetries must be an integer from 0 to 20, got 99.' }]
 */
import type { ConsumerPolicyModel } from './model.ts';

export const DEFAULT_POLICY: Omit<ConsumerPolicyModel, 'queue'> = {
  queueType: 'quorum',
  prefetch: 100,
  concurrency: 16,
  maxRetries: 3,
  backoff: { initialMs: 1000, multiplier: 2, maxMs: 30_000 },
  deliveryLimit: 5,
  deadLetter: true,
};

const KNOWN_KEYS = [
  'queue',
  'queueType',
  'prefetch',
  'concurrency',
  'maxRetries',
  'backoff',
  'deliveryLimit',
  'deadLetter',
  'priority',
  'orderingKey',
  'singleActiveConsumer',
];

/** A value x-kada-consumer declares that the policy cannot take: where (below x-kada-consumer) and why. */
export interface PolicyProblem {
  readonly path: readonly string[];
  readonly message: string;
}

/** The policy `declared` (x-kada-consumer as written, or undefined) asks for, and what is wrong with it. */
export function readConsumerPolicy(
  declared: Readonly<Record<string, unknown>> | undefined,
  defaultQueue: string,
): { policy: ConsumerPolicyModel; problems: PolicyProblem[] } {
  const problems: PolicyProblem[] = [];
  const p = declared ?? {};
  const num = (k: string, d: number, min: number, max: number): number => {
    const v = p[k];
    if (v === undefined) return d;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      problems.push({
        path: [k],
        message: `x-kada-consumer.${k} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}.`,
      });
      return d;
    }
    return v;
  };
  for (const k of Object.keys(p)) {
    if (!KNOWN_KEYS.includes(k))
      problems.push({
        path: [k],
        message: `x-kada-consumer has an unknown key "${k}"; known keys: ${KNOWN_KEYS.join(', ')}.`,
      });
  }
  const queueType = p.queueType ?? DEFAULT_POLICY.queueType;
  if (queueType !== 'quorum' && queueType !== 'classic') {
    problems.push({
      path: ['queueType'],
      message: `x-kada-consumer.queueType must be "quorum" or "classic", got ${JSON.stringify(queueType)}.`,
    });
  }
  const b = (p.backoff ?? {}) as Record<string, unknown>;
  const backoffNum = (k: 'initialMs' | 'multiplier' | 'maxMs', min: number, max: number): number => {
    const v = b[k];
    if (v === undefined) return DEFAULT_POLICY.backoff[k];
    if (typeof v !== 'number' || v < min || v > max) {
      problems.push({
        path: ['backoff', k],
        message: `x-kada-consumer.backoff.${k} must be a number from ${min} to ${max}, got ${JSON.stringify(v)}.`,
      });
      return DEFAULT_POLICY.backoff[k];
    }
    return v;
  };
  const priority = p.priority === undefined ? undefined : num('priority', 0, 1, 255);
  if (priority !== undefined && queueType === 'quorum') {
    problems.push({
      path: ['priority'],
      message:
        'x-kada-consumer.priority needs queueType "classic": RabbitMQ 3.10 quorum queues have no priorities. Use a separate queue for urgent events instead.',
    });
  }
  if (p.singleActiveConsumer !== undefined && typeof p.singleActiveConsumer !== 'boolean') {
    problems.push({
      path: ['singleActiveConsumer'],
      message: `x-kada-consumer.singleActiveConsumer must be true or false, got ${JSON.stringify(p.singleActiveConsumer)}.`,
    });
  }
  const policy: ConsumerPolicyModel = {
    queue: typeof p.queue === 'string' && p.queue ? p.queue : defaultQueue,
    queueType: queueType === 'classic' ? 'classic' : 'quorum',
    prefetch: num('prefetch', DEFAULT_POLICY.prefetch, 1, 65_535),
    concurrency: num('concurrency', DEFAULT_POLICY.concurrency, 1, 1024),
    maxRetries: num('maxRetries', DEFAULT_POLICY.maxRetries, 0, 20),
    backoff: {
      initialMs: backoffNum('initialMs', 1, 3_600_000),
      multiplier: backoffNum('multiplier', 1, 10),
      maxMs: backoffNum('maxMs', 1, 86_400_000),
    },
    deliveryLimit: num('deliveryLimit', DEFAULT_POLICY.deliveryLimit, 1, 1000),
    deadLetter: p.deadLetter === undefined ? DEFAULT_POLICY.deadLetter : p.deadLetter === true,
    ...(priority !== undefined ? { priority } : {}),
    ...(typeof p.orderingKey === 'string' ? { orderingKey: p.orderingKey } : {}),
    ...(p.singleActiveConsumer === true ? { singleActiveConsumer: true as const } : {}),
  };
  return { policy, problems };
}
