/**
 * The rules the model applies while it reads the documents (model.ts reports them), listed here so
 * `kada-gen rules` names them beside the compatibility rules. Tests: test/check/model-rules.test.ts.
 */
export const MODEL_RULES = [
  {
    id: 'consumer-policy',
    kind: 'model',
    description:
      'x-kada-consumer on a receive operation: known keys only; prefetch, concurrency, maxRetries, deliveryLimit and priority integers in range; backoff numbers in range; queueType quorum or classic; singleActiveConsumer true or false; priority needs a classic queue (RabbitMQ 3.10 quorum queues have none).',
  },
  {
    id: 'event-owner',
    kind: 'model',
    description:
      'One document sends an event version: a second document with a send operation for it is an error.',
  },
  {
    id: 'service-duplicate',
    kind: 'model',
    description:
      'One document per service id (info.x-kada-service, else the file or folder name): a second document with the same id is an error and is not read.',
  },
] as const;
