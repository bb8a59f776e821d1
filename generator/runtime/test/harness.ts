/**
 * The runtime tests' harness: `scratch(prefix)`, called at the top of a test file (or a describe),
 * gives it a space of its own on the machine's real RabbitMQ and PostgreSQL: a vhost (rabbitmqctl
 * add_vhost, open to guest), the databases it asks for and the runtimes it starts. After the file
 * (afterAll) the runtimes are stopped, the databases dropped and the vhost deleted with all its
 * queues and exchanges, so nothing is left behind and no other process's queues are in reach.
 * The tests assert on the broker and the database themselves; the harness only sets up and cleans up.
 *
 * Plain helpers that need no test runner (descriptors, waitFor, ...) are in helpers.ts, which the
 * crash tests' child processes import too.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type Channel, type ChannelModel, connect, type GetMessage, type Options } from 'amqplib';
import { afterAll, beforeAll } from 'vitest';
import { createServiceRuntime, type ServiceRuntime, type ServiceRuntimeOptions } from '../src/internals.ts';
import { AMQP_URL, createTestDatabase, silentLogger, type TestDatabase, unique, waitFor } from './helpers.ts';

const run = promisify(execFile);
const rabbitmqctl = (...args: string[]) => run('rabbitmqctl', args, { timeout: 60_000 });

export interface Scratch {
  /** The AMQP URL of the vhost: for runtimes, child processes and CLIs under test. */
  readonly url: string;
  /** A fresh database, dropped after the file. */
  database(dialect: 'sqlite' | 'postgres'): Promise<TestDatabase>;
  /** A started runtime on the vhost and `database` (options override), stopped after the file. */
  runtime(database: TestDatabase, options?: Partial<ServiceRuntimeOptions>): Promise<ServiceRuntime>;
  /** A plain amqplib connection to the vhost, for asserting on what the broker holds; close it. */
  connection(): Promise<ChannelModel>;
  /** Declares `queue` and binds it to domain.events with `routingKey`. */
  bind(queue: string, routingKey: string, options?: Options.AssertQueue): Promise<void>;
  /** Publishes raw bodies to domain.events with confirms, as another producer would. */
  publish(routingKey: string, messages: Array<{ content: string; options: Options.Publish }>): Promise<void>;
  /** Gets (and acks) the messages in `queue`, up to 1000. */
  drain(queue: string): Promise<GetMessage[]>;
  /** Waits until `queue` holds at least one message, then drains it. */
  received(what: string, queue: string): Promise<GetMessage[]>;
  messageCount(queue: string): Promise<number>;
}

/**
 * `vhost: false` for a file that needs no broker, or brings its own (the cluster test): no vhost is
 * made, and `url` is the machine's broker as configured (RABBITMQ_URL).
 */
export function scratch(prefix: string, { vhost: withVhost = true } = {}): Scratch {
  const vhost = unique(prefix);
  const base = new URL(AMQP_URL);
  if (withVhost) base.pathname = `/${encodeURIComponent(vhost)}`;
  const url = base.toString();
  const runtimes: ServiceRuntime[] = [];
  const databases: TestDatabase[] = [];

  beforeAll(async () => {
    if (!withVhost) return;
    await rabbitmqctl('add_vhost', vhost);
    await rabbitmqctl('set_permissions', '-p', vhost, base.username || 'guest', '.*', '.*', '.*');
  });
  afterAll(async () => {
    for (const runtime of runtimes.reverse()) await runtime.stop();
    for (const database of databases) await database.drop();
    if (withVhost) await rabbitmqctl('delete_vhost', vhost);
  });

  const withChannel = async <T>(fn: (channel: Channel) => Promise<T>): Promise<T> => {
    const model = await connect(url);
    try {
      return await fn(await model.createChannel());
    } finally {
      await model.close();
    }
  };
  const drain = (queue: string) =>
    withChannel(async (channel) => {
      const out: GetMessage[] = [];
      for (let i = 0; i < 1000; i++) {
        const message = await channel.get(queue, { noAck: true });
        if (message === false) break;
        out.push(message);
      }
      return out;
    });

  return {
    url,
    async database(dialect) {
      const database = await createTestDatabase(dialect);
      databases.push(database);
      return database;
    },
    async runtime(database, options = {}) {
      const runtime = createServiceRuntime({
        service: unique('svc'),
        url,
        db: database.open(),
        dialect: database.dialect,
        logger: silentLogger,
        ...options,
      });
      runtimes.push(runtime);
      await runtime.start();
      return runtime;
    },
    connection: () => connect(url),
    bind: (queue, routingKey, options = { durable: true }) =>
      withChannel(async (channel) => {
        await channel.assertExchange('domain.events', 'topic', { durable: true });
        await channel.assertQueue(queue, options);
        await channel.bindQueue(queue, 'domain.events', routingKey);
      }),
    async publish(routingKey, messages) {
      const model = await connect(url);
      try {
        const channel = await model.createConfirmChannel();
        for (const { content, options } of messages) {
          channel.publish('domain.events', routingKey, Buffer.from(content), {
            persistent: true,
            ...options,
          });
        }
        await channel.waitForConfirms();
      } finally {
        await model.close();
      }
    },
    drain,
    received: (what, queue) =>
      waitFor(what, async () => {
        const got = await drain(queue);
        return got.length > 0 ? got : undefined;
      }),
    messageCount: (queue) => withChannel(async (channel) => (await channel.checkQueue(queue)).messageCount),
  };
}
