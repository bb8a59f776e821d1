/**
 * x-kada-consumer rules: each receive operation's policy is one the runtime can apply, and the
 * operations that share a queue declare one policy.
 *
 *   stock.yaml  receiveOrderCreated  x-kada-consumer: { maxRetries: 99 }
 *   -> specs/asyncapi/stock.yaml:41:9 error consumer-policy x-kada-consumer.maxRetries must be an integer from 0 to 20, got 99.
 */
import { readConsumerPolicy } from '../consumer-policy.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { ContractGraph } from '../model.ts';
import { declaredAt } from './place.ts';

export const CONSUMER_POLICY_RULES = [
  {
    id: 'consumer-policy',
    kind: 'document',
    description:
      'x-kada-consumer on a receive operation: known keys only; prefetch, concurrency, maxRetries, deliveryLimit and priority integers in range; backoff numbers in range; queueType quorum or classic; singleActiveConsumer true or false; priority needs a classic queue (RabbitMQ 3.10 quorum queues have none).',
  },
  {
    id: 'consumer-policy-conflict',
    kind: 'document',
    description:
      'Receive operations of one document that share a queue declare the same consumer policy (the queue name and orderingKey aside): one queue has one policy.',
  },
] as const;

export function checkConsumerPolicies(graph: ContractGraph): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const s of graph.services) {
    for (const c of s.receives) {
      const { problems } = readConsumerPolicy(c.consumerExtension, c.policy.queue);
      for (const p of problems) {
        out.push({
          severity: 'error',
          code: 'consumer-policy',
          message: p.message,
          ...declaredAt(graph, c, ['operations', c.operationId, 'x-kada-consumer', ...p.path]),
        });
      }
    }
    for (const q of s.queues) {
      const [first, ...rest] = q.consumers;
      if (!first) continue;
      const shared = (p: typeof first.policy) => {
        const { queue: _q, orderingKey: _o, ...base } = p;
        return JSON.stringify(base);
      };
      for (const c of rest) {
        if (shared(c.policy) === shared(first.policy)) continue;
        out.push({
          severity: 'error',
          code: 'consumer-policy-conflict',
          message: `operations "${first.operationId}" and "${c.operationId}" share queue "${q.name}" but declare different consumer policies; one queue has one policy: make them equal or use another queue.`,
          ...declaredAt(graph, c, ['operations', c.operationId, 'x-kada-consumer']),
        });
      }
    }
  }
  return out;
}
