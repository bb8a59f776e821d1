import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type ChannelModel, connect, type GetMessage } from 'amqplib';
import type { Logger } from 'pino';
import { Broker } from './broker/broker.ts';
import { brokerDefaults, brokerUrls, DEFAULT_BROKER_URL } from './broker/connection.ts';
import { copyHeaders, copyProperties } from './broker/consumer.ts';
import { dlxName } from './broker/topology.ts';
import { KadaError } from './errors.ts';
import { RuntimeMetrics } from './metrics.ts';

const run = promisify(execFile);

export interface DlqToolOptions {
  url?: string;
  log: Logger;
}

export interface DeadLetterQueueInfo {
  queue: string;
  messages: number;
  consumers: number;
}

export interface DeadLetterSummary {
  messageId: string | undefined;
  type: string | undefined;
  reason: string;
  error: string | undefined;
  attempts: number | undefined;
  originalRoutingKey: string | undefined;
  deadLetteredAt: string | undefined;
  queue: string | undefined;
  bytes: number;
}

const KADA_DEAD_LETTER_HEADERS = [
  'x-kada-reason',
  'x-kada-error',
  'x-kada-attempts',
  'x-kada-dead-lettered-at',
  'x-kada-queue',
  'x-kada-attempt',
];

function brokerUrl(options: DlqToolOptions): string {
  // The tool needs one node; with a cluster list (RABBITMQ_URLS) the first answers for all.
  return brokerUrls(
    options.url ?? process.env.RABBITMQ_URLS ?? process.env.RABBITMQ_URL ?? DEFAULT_BROKER_URL,
  )[0] as string;
}

/** `<queue>` or `<queue>.dlq` -> the dead-letter queue's name. */
export function toDlqName(queue: string): string {
  return queue.endsWith('.dlq') ? queue : `${queue}.dlq`;
}

function vhostOf(url: string): string {
  const path = new URL(url).pathname.replace(/^\//, '');
  return path ? decodeURIComponent(path) : '/';
}

/**
 * Queue names: from `rabbitmqctl list_queues` (works on the broker's host, as root or the rabbitmq
 * user), else from the management API (RABBITMQ_MANAGEMENT_URL, e.g. http://guest:guest@host:15672).
 * AMQP 0-9-1 itself cannot list queues.
 */
async function queueNames(url: string): Promise<string[]> {
  const vhost = vhostOf(url);
  const management = process.env.RABBITMQ_MANAGEMENT_URL;
  if (management) {
    const base = new URL(management);
    const auth = Buffer.from(
      `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`,
    ).toString('base64');
    base.username = '';
    base.password = '';
    const response = await fetch(new URL(`/api/queues/${encodeURIComponent(vhost)}?columns=name`, base), {
      headers: { authorization: `Basic ${auth}` },
    });
    if (!response.ok) throw new KadaError('KADA_CONFIG', `management API answered ${response.status}`);
    return ((await response.json()) as Array<{ name: string }>).map((queue) => queue.name);
  }
  try {
    const { stdout } = await run(
      'rabbitmqctl',
      ['list_queues', '-p', vhost, 'name', '--formatter', 'json', '-q'],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return (JSON.parse(stdout) as Array<{ name: string }>).map((queue) => queue.name);
  } catch (error) {
    throw new KadaError(
      'KADA_CONFIG',
      'cannot list queues: run on the broker host (rabbitmqctl) or set RABBITMQ_MANAGEMENT_URL',
      { cause: error },
    );
  }
}

async function withChannel<R>(url: string, fn: (model: ChannelModel) => Promise<R>): Promise<R> {
  const model = await connect(url, { clientProperties: { connection_name: 'kada-dlq' } });
  try {
    return await fn(model);
  } finally {
    await model.close().catch(() => undefined);
  }
}

/** Every `*.dlq` queue with its message count (read with a passive declare). */
export async function listDeadLetterQueues(options: DlqToolOptions): Promise<DeadLetterQueueInfo[]> {
  const url = brokerUrl(options);
  const names = (await queueNames(url)).filter((name) => name.endsWith('.dlq')).sort();
  return withChannel(url, async (model) => {
    const out: DeadLetterQueueInfo[] = [];
    for (const queue of names) {
      const channel = await model.createChannel();
      channel.on('error', () => undefined);
      try {
        const { messageCount, consumerCount } = await channel.checkQueue(queue);
        out.push({ queue, messages: messageCount, consumers: consumerCount });
        await channel.close();
      } catch {
        // Deleted between listing and checking.
      }
    }
    return out;
  });
}

export function summarize(message: GetMessage): DeadLetterSummary {
  const headers = message.properties.headers ?? {};
  const death = Array.isArray(headers['x-death']) ? headers['x-death'][0] : undefined;
  // Dead-lettered by the broker itself (quorum delivery limit), not by the runtime.
  const deathReason = death?.reason as string | undefined;
  const brokerReason = deathReason === 'delivery_limit' ? 'delivery-limit' : deathReason;
  const text = (value: unknown): string | undefined => (value === undefined ? undefined : String(value));
  return {
    messageId: text(message.properties.messageId),
    type: text(message.properties.type),
    reason: text(headers['x-kada-reason']) ?? (brokerReason ? `broker:${brokerReason}` : 'unknown'),
    error: text(headers['x-kada-error']),
    attempts: headers['x-kada-attempts'] === undefined ? undefined : Number(headers['x-kada-attempts']),
    originalRoutingKey: text(headers['x-kada-original-routing-key']) ?? death?.['routing-keys']?.[0],
    deadLetteredAt:
      text(headers['x-kada-dead-lettered-at']) ?? (death?.time ? String(death.time) : undefined),
    queue: text(headers['x-kada-queue']) ?? death?.queue,
    bytes: message.content.length,
  };
}

/**
 * Up to `limit` dead letters without consuming them: fetched unacked on one channel, then all
 * given back (nack with requeue), so they stay in the queue in their order.
 */
export async function showDeadLetters(
  queue: string,
  options: DlqToolOptions & { limit?: number },
): Promise<DeadLetterSummary[]> {
  const dlq = toDlqName(queue);
  return withChannel(brokerUrl(options), async (model) => {
    const channel = await model.createChannel();
    const held: GetMessage[] = [];
    try {
      for (let i = 0; i < (options.limit ?? 20); i++) {
        const message = await channel.get(dlq, { noAck: false });
        if (message === false) break;
        held.push(message);
      }
      return held.map(summarize);
    } finally {
      if (held.length > 0) channel.nackAll(true);
      await channel.close().catch(() => undefined);
    }
  });
}

/**
 * Moves dead letters back to their queue: each is published to the queue's own `<queue>.dlx`
 * exchange with routing key = the consumer queue (the service's own user may do that; write on the
 * default exchange is nobody's but an operator's), same body and messageId (so the inbox still deduplicates), the
 * dead-letter headers removed and the attempt count reset; confirmed, then acked from the DLQ.
 * Stops at `limit` or at the count the DLQ had when the replay started (a message that fails
 * again does not loop).
 */
export async function replayDeadLetters(
  queue: string,
  options: DlqToolOptions & { limit?: number },
): Promise<{ replayed: number; target: string }> {
  const dlq = toDlqName(queue);
  const target = dlq.slice(0, -'.dlq'.length);
  const url = brokerUrl(options);
  const broker = new Broker(brokerDefaults({ service: 'kada-dlq', url }), options.log, new RuntimeMetrics());
  await broker.start();
  let replayed = 0;
  try {
    await withChannel(url, async (model) => {
      const channel = await model.createChannel();
      const { messageCount } = await channel.checkQueue(dlq);
      await channel.checkQueue(target);
      const limit = Math.min(options.limit ?? Number.POSITIVE_INFINITY, messageCount);
      while (replayed < limit) {
        const message = await channel.get(dlq, { noAck: false });
        if (message === false) break;
        const headers = copyHeaders(message);
        for (const name of KADA_DEAD_LETTER_HEADERS) delete headers[name];
        headers['x-kada-replayed-at'] = new Date().toISOString();
        try {
          const queueName = String(message.properties.headers?.['x-kada-queue'] ?? target);
          await broker.publish({
            exchange: dlxName(queueName),
            routingKey: queueName,
            content: message.content,
            properties: { ...copyProperties(message), headers },
          });
        } catch (error) {
          channel.nack(message, false, true);
          throw error;
        }
        channel.ack(message);
        replayed += 1;
      }
      await channel.close();
    });
  } finally {
    await broker.close();
  }
  return { replayed, target };
}
