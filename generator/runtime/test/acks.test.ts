import type { Channel, Message } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { AckBatcher } from '../src/broker/acks.ts';

function fakeChannel() {
  const frames: string[] = [];
  const channel = {
    ack: (message: Message, allUpTo?: boolean) =>
      frames.push(`ack ${message.fields.deliveryTag}${allUpTo ? '+' : ''}`),
    nack: (message: Message, _allUpTo?: boolean, requeue?: boolean) =>
      frames.push(`nack ${message.fields.deliveryTag}${requeue ? ' requeue' : ''}`),
  } as unknown as Channel;
  return { channel, frames };
}

const message = (tag: number) => ({ fields: { deliveryTag: tag } }) as Message;

describe('AckBatcher', () => {
  const table: Array<{
    name: string;
    delivered: number;
    acked: number[];
    nacked?: number[];
    want: string[];
  }> = [
    { name: 'all done in order: one multiple ack', delivered: 5, acked: [1, 2, 3, 4, 5], want: ['ack 5+'] },
    { name: 'done out of order: still one frame', delivered: 4, acked: [3, 1, 4, 2], want: ['ack 4+'] },
    {
      name: 'a slow delivery: run below it together, the ones above singly',
      delivered: 5,
      acked: [1, 2, 4, 5],
      want: ['ack 2+', 'ack 4', 'ack 5'],
    },
    { name: 'oldest still busy: singles only', delivered: 3, acked: [2, 3], want: ['ack 2', 'ack 3'] },
    {
      name: 'a nack goes out at once and does not block the run',
      delivered: 4,
      acked: [1, 3, 4],
      nacked: [2],
      want: ['nack 2 requeue', 'ack 4+'],
    },
  ];
  for (const { name, delivered, acked, nacked = [], want } of table) {
    it(name, () => {
      const { channel, frames } = fakeChannel();
      const batcher = new AckBatcher(channel, (error) => {
        throw error;
      });
      for (let tag = 1; tag <= delivered; tag++) batcher.track(message(tag));
      for (const tag of nacked) batcher.nack(message(tag), true);
      for (const tag of acked) batcher.ack(message(tag));
      batcher.flush();
      expect(frames).toEqual(want);
      // Nothing is acked twice.
      batcher.flush();
      expect(frames).toEqual(want);
    });
  }

  it('the slow one, once done, is acked with the run after it', () => {
    const { channel, frames } = fakeChannel();
    const batcher = new AckBatcher(channel, () => undefined);
    for (let tag = 1; tag <= 3; tag++) batcher.track(message(tag));
    batcher.ack(message(2));
    batcher.flush();
    batcher.ack(message(1));
    batcher.track(message(4));
    batcher.ack(message(4));
    batcher.ack(message(3));
    batcher.flush();
    expect(frames).toEqual(['ack 2', 'ack 4+']);
  });
});
