/**
 * A throw-away RabbitMQ vhost (through rabbitmqctl, which ships with the broker), so queues declared by a test
 * cannot meet another process's consumers. Undefined when rabbitmqctl is not on this machine.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export async function testVhost(prefix: string): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const run = (...args: string[]) => execFileSync('rabbitmqctl', args, { stdio: 'pipe', timeout: 30_000 });
  try {
    run('--version');
  } catch {
    return undefined;
  }
  const vhost = `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
  run('add_vhost', vhost);
  run('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  const url = `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`;
  // The relay publishes as mandatory: with only some services here, a catch-all queue keeps every event routable.
  const amqp = await import('amqplib');
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  await channel.assertExchange('domain.events', 'topic', { durable: true });
  await channel.assertQueue('test.catch-all', { durable: false });
  await channel.bindQueue('test.catch-all', 'domain.events', '#');
  await connection.close();
  return {
    url,
    drop: async () => {
      run('delete_vhost', vhost);
    },
  };
}

/** An event as it crossed the exchange, decoded. */
export interface TappedEvent {
  eventType: string;
  correlationId: string;
  data: Record<string, unknown>;
}

/**
 * What anyone who may bind a queue on the exchange sees: every event whose routing key matches
 * `pattern`, decoded, in arrival order (an exclusive queue, gone when `close()` ends the connection).
 */
export async function tapEvents(
  url: string,
  pattern: string,
): Promise<{ events: TappedEvent[]; close(): Promise<void> }> {
  const amqp = await import('amqplib');
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, 'domain.events', pattern);
  const events: TappedEvent[] = [];
  await channel.consume(
    queue,
    (message) => {
      if (message) events.push(JSON.parse(message.content.toString('utf8')) as TappedEvent);
    },
    { noAck: true },
  );
  return { events, close: () => connection.close() };
}
