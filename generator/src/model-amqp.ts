/**
 * model (AMQP part): what a channel's AMQP binding says, and which operations of a document form a
 * request/reply pair, for the plain AMQP client emitter (emit/amqp-client.ts).
 *
 *   channels.rpc_queue: { address: rpc_queue, bindings.amqp: { is: queue, queue: { durable: false } } }
 *   -> { is: 'queue', exchange: null, queue: { name: 'rpc_queue', durable: false, … }, parameters: [] }
 *
 *   send requestSum on rpc_queue + receive receiveSumResult on '{queue}' (is: queue, exclusive)
 *   -> request requestSum, reply receiveSumResult (the classic replyTo pattern)
 *
 * Defaults when a channel of an AMQP document has no binding: `is: routingKey` on the durable
 * topic exchange `domain.events`, routing key = the address.
 */
import type { ChannelInterface, OperationInterface } from '@asyncapi/parser';

export type ExchangeType = 'topic' | 'direct' | 'fanout' | 'headers';

export interface AmqpChannelModel {
  readonly channelId: string;
  readonly address: string;
  /** Names of the `{parameters}` in the address, in order. */
  readonly parameters: readonly string[];
  readonly is: 'routingKey' | 'queue';
  /** null: the default exchange (`is: queue`). */
  readonly exchange: {
    readonly name: string;
    readonly type: ExchangeType;
    readonly durable: boolean;
    readonly autoDelete: boolean;
  } | null;
  /** The queue named by an `is: queue` binding. */
  readonly queue: {
    readonly name: string;
    readonly durable: boolean;
    readonly exclusive: boolean;
    readonly autoDelete: boolean;
  } | null;
  /** true when the channel has no AMQP binding and the defaults above apply. */
  readonly defaulted: boolean;
}

export const DEFAULT_EXCHANGE_NAME = 'domain.events';
const EXCHANGE_TYPES = new Set(['topic', 'direct', 'fanout', 'headers']);

export function addressParameters(address: string): string[] {
  return [...address.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
}

export function readAmqpChannel(channel: ChannelInterface, channelId: string): AmqpChannelModel {
  const address = channel.address() ?? channelId;
  const raw = channel.bindings().get('amqp')?.value() as Record<string, unknown> | undefined;
  const b = raw ?? {};
  const ex = (b.exchange ?? {}) as Record<string, unknown>;
  const q = (b.queue ?? {}) as Record<string, unknown>;
  const parameters = addressParameters(address);
  if (b.is === 'queue') {
    return {
      channelId,
      address,
      parameters,
      is: 'queue',
      exchange: null,
      queue: {
        name: typeof q.name === 'string' && q.name ? q.name : address,
        durable: q.durable !== false,
        exclusive: q.exclusive === true,
        autoDelete: q.autoDelete === true,
      },
      defaulted: false,
    };
  }
  const type =
    typeof ex.type === 'string' && EXCHANGE_TYPES.has(ex.type) ? (ex.type as ExchangeType) : 'topic';
  return {
    channelId,
    address,
    parameters,
    is: 'routingKey',
    exchange: {
      name: typeof ex.name === 'string' && ex.name ? ex.name : DEFAULT_EXCHANGE_NAME,
      type,
      durable: ex.durable !== false,
      autoDelete: ex.autoDelete === true,
    },
    queue: null,
    defaulted: raw === undefined,
  };
}

/** A channel that can only be a reply queue: its whole address is one parameter, `{queue}`. */
export function isReplyQueueChannel(c: AmqpChannelModel): boolean {
  return c.is === 'queue' && /^\{[^}]+\}$/.test(c.address);
}

/**
 * Request/reply pairs of one document: an operation's `reply`, or the classic replyTo pattern
 * (one send on a named channel and one receive on a `{queue}` reply channel, or the mirror image
 * on the server side). Returns request operation id -> reply operation id (or 'reply' for an
 * operation `reply` object).
 */
export function replyPairs(
  ops: readonly OperationInterface[],
  channelOf: (op: OperationInterface) => AmqpChannelModel | null,
): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const op of ops) if (op.reply()) pairs.set(String(op.id()), 'reply');
  const replyOps = ops.filter((op) => {
    const c = channelOf(op);
    return c !== null && isReplyQueueChannel(c) && !op.reply();
  });
  const requestOps = ops.filter((op) => {
    const c = channelOf(op);
    return c !== null && !isReplyQueueChannel(c) && !op.reply();
  });
  for (const reply of replyOps) {
    const candidates = requestOps.filter((r) => r.action() !== reply.action());
    if (candidates.length === 1 && replyOps.filter((x) => x.action() === reply.action()).length === 1) {
      pairs.set(String((candidates[0] as OperationInterface).id()), String(reply.id()));
    }
  }
  return pairs;
}
