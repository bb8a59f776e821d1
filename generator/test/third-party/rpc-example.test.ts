/**
 * The AsyncAPI specification repository's RabbitMQ RPC pair (rpc-client / rpc-server), generated
 * and run on the real broker: `sum` of numbers answered through the reply queue.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmqpClient, DEAD_LETTER_REASON_HEADER } from '../../runtime/src/index.ts';
import { createVhost, EXAMPLES, generateInto, OUT_ROOT, removeOut, uniqueName } from './harness.ts';

const out = join(OUT_ROOT, uniqueName('rpc-example'));
let vhost: { url: string; remove(): Promise<void> };
const clients: AmqpClient[] = [];

// The generated modules, imported once generated (their types are checked by the examples test).
type ServerModule = {
  subscribeRpcServerAsyncapi(
    client: AmqpClient,
    handlers: { sum(m: { payload: { numbers?: number[] } }): Promise<{ result?: number }> },
  ): Promise<{ stop(): Promise<void> }[]>;
};
type ClientModule = {
  createRpcClientAsyncapiClient(client: AmqpClient): {
    requestSum(p: { numbers?: number[] }, o?: { timeoutMs?: number }): Promise<{ result?: number }>;
  };
};
let server: ServerModule;
let rpc: ClientModule;

async function connect(): Promise<AmqpClient> {
  const c = await AmqpClient.connect(vhost.url);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  const [s, c] = await Promise.all([
    generateInto(join(EXAMPLES, 'rpc-server-asyncapi.yml'), join(out, 'server')),
    generateInto(join(EXAMPLES, 'rpc-client-asyncapi.yml'), join(out, 'client')),
  ]);
  expect([...s.errors, ...c.errors]).toEqual([]);
  server = (await import(join(out, 'server/services/rpc-server-asyncapi/amqp.ts'))) as ServerModule;
  rpc = (await import(join(out, 'client/services/rpc-client-asyncapi/amqp.ts'))) as ClientModule;
  vhost = await createVhost('rpc');
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await vhost?.remove();
  removeOut(out);
});

describe('the spec examples RPC client and server on the real broker', () => {
  it('answers requestSum({ numbers: [4, 3] }) with { result: 7 } through the reply queue', async () => {
    const subs = await server.subscribeRpcServerAsyncapi(await connect(), {
      sum: async ({ payload }) => ({ result: (payload.numbers ?? []).reduce((a, b) => a + b, 0) }),
    });
    const client = rpc.createRpcClientAsyncapiClient(await connect());
    expect(await client.requestSum({ numbers: [4, 3] }, { timeoutMs: 10_000 })).toEqual({ result: 7 });
    // Concurrent requests each get their own answer (correlation ids keep them apart).
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.requestSum({ numbers: [i, 100] }, { timeoutMs: 10_000 })),
    );
    expect(answers.map((a) => a.result)).toEqual(Array.from({ length: 20 }, (_, i) => i + 100));
    await Promise.all(subs.map((s) => s.stop()));
  });

  it('competing servers share rpc_queue; a request nobody answers times out', async () => {
    const served = { a: 0, b: 0 };
    const handler = (who: 'a' | 'b') => ({
      sum: async ({ payload }: { payload: { numbers?: number[] } }) => {
        served[who]++;
        return { result: (payload.numbers ?? []).reduce((x, y) => x + y, 0) };
      },
    });
    const subs = [
      ...(await server.subscribeRpcServerAsyncapi(await connect(), handler('a'))),
      ...(await server.subscribeRpcServerAsyncapi(await connect(), handler('b'))),
    ];
    const client = rpc.createRpcClientAsyncapiClient(await connect());
    for (let i = 0; i < 10; i++) await client.requestSum({ numbers: [1, 1] }, { timeoutMs: 10_000 });
    expect(served.a + served.b).toBe(10);
    expect(served.a).toBeGreaterThan(0);
    expect(served.b).toBeGreaterThan(0);
    await Promise.all(subs.map((s) => s.stop()));
    await expect(client.requestSum({ numbers: [1] }, { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'KADA_REQUEST_TIMEOUT',
    });
  });

  it('a malformed request goes to rpc_queue.dlq with the reason, and the server keeps serving', async () => {
    const raw = await connect();
    const subs = await server.subscribeRpcServerAsyncapi(raw, {
      sum: async ({ payload }) => ({ result: (payload.numbers ?? []).reduce((a, b) => a + b, 0) }),
    });
    const { connect: amqpConnect } = await import('amqplib');
    const conn = await amqpConnect(vhost.url);
    try {
      const ch = await conn.createChannel();
      await ch.purgeQueue('rpc_queue');
      ch.sendToQueue('rpc_queue', Buffer.from('{"numbers":"four"}'), { type: 'sum' });
      ch.sendToQueue('rpc_queue', Buffer.from('not json'), { type: 'sum' });
      const dead: string[] = [];
      for (let i = 0; i < 100 && dead.length < 2; i++) {
        const m = await ch.get('rpc_queue.dlq', { noAck: true });
        if (m) dead.push(String(m.properties.headers?.[DEAD_LETTER_REASON_HEADER]));
        else await new Promise((r) => setTimeout(r, 50));
      }
      expect(dead.sort()).toEqual([
        expect.stringMatching(/^invalid sum: \/numbers must be array/),
        expect.stringMatching(/^not JSON/),
      ]);
      const client = rpc.createRpcClientAsyncapiClient(await connect());
      expect(await client.requestSum({ numbers: [2, 2] }, { timeoutMs: 10_000 })).toEqual({ result: 4 });
    } finally {
      await conn.close();
      await Promise.all(subs.map((s) => s.stop()));
    }
  });
});
