import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { brokerDefaults, brokerUrls } from '../src/broker/connection.ts';
import { scratch } from './harness.ts';

// It declares nothing on the broker: no vhost of its own.
const space = scratch('broker-urls', { vhost: false });

describe('brokerUrls', () => {
  const table = [
    { given: 'amqp://a:5672', want: ['amqp://a:5672'] },
    { given: 'amqp://a:5672,amqp://b:5673', want: ['amqp://a:5672', 'amqp://b:5673'] },
    { given: ' amqp://a:5672 , ,amqps://b/vh ', want: ['amqp://a:5672', 'amqps://b/vh'] },
  ];
  for (const { given, want } of table) {
    it(`${JSON.stringify(given)} -> ${want.length} node(s)`, () => expect(brokerUrls(given)).toEqual(want));
  }
  it('an empty list is a configuration error', () => {
    expect(() => brokerUrls(' , ')).toThrow(/no broker URL/);
  });
  it('RABBITMQ_URLS wins over RABBITMQ_URL when no url is passed', () => {
    const saved = { urls: process.env.RABBITMQ_URLS, url: process.env.RABBITMQ_URL };
    process.env.RABBITMQ_URLS = 'amqp://x,amqp://y';
    process.env.RABBITMQ_URL = 'amqp://z';
    try {
      expect(brokerDefaults({ service: 's' }).url).toBe('amqp://x,amqp://y');
    } finally {
      for (const [key, value] of [
        ['RABBITMQ_URLS', saved.urls],
        ['RABBITMQ_URL', saved.url],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});

describe('a list whose first node does not answer', () => {
  it('connects to the next one', async () => {
    // A port that refuses AMQP: a listener that closes every connection at once.
    const dead = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const address = dead.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const runtime = await space.runtime(await space.database('sqlite'), {
        url: `amqp://guest:guest@127.0.0.1:${port},${space.url}`,
      });
      expect(runtime.health().broker).toBe('up');
    } finally {
      dead.close();
    }
  });
});
