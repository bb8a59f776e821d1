import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { pino } from 'pino';
import { Broker, brokerDefaults, createDirectSink, RuntimeMetrics, prepareEvent } from '../src/index.ts';
import { orderCreatedV1Event } from '../../../generated/events.ts';
const N = 20000,
  W = 1000,
  EX = 'kada.bench';
const mode = process.argv[2];
const sample = () => ({
  orderId: randomUUID(),
  userId: randomUUID(),
  items: [
    {
      productId: randomUUID(),
      sellerId: randomUUID(),
      name: 'Ceylon tea, 500 g',
      quantity: 2,
      unitPrice: { amount: 1250, currency: 'LKR' },
      lineTotal: { amount: 2500, currency: 'LKR' },
    },
  ],
  total: { amount: 2500, currency: 'LKR' },
  paymentMethodId: 'pm_card_visa',
  createdAt: new Date().toISOString(),
});
const q = `kada.exp.${mode}.${Date.now()}`;
const model = await connect('amqp://guest:guest@127.0.0.1:5672');
const ch = await model.createConfirmChannel();
await ch.assertExchange(EX, 'topic', { durable: true });
await ch.assertQueue(q, { durable: true });
await ch.bindQueue(q, EX, q);
const descriptor = { ...orderCreatedV1Event, exchange: EX, routingKey: q };
let t0 = performance.now();
const cpu0 = process.cpuUsage();
if (mode === 'prepare') {
  for (let i = 0; i < N; i++) prepareEvent('x', descriptor, sample() as never);
} else if (mode === 'raw') {
  await new Promise<void>((resolve) => {
    let sent = 0,
      conf = 0,
      writable = true;
    ch.on('drain', () => {
      writable = true;
      pump();
    });
    function pump() {
      while (writable && sent < N && sent - conf < W) {
        sent++;
        writable = ch.publish(
          EX,
          q,
          Buffer.from(JSON.stringify({ eventId: randomUUID(), data: sample() })),
          { persistent: true, messageId: randomUUID(), mandatory: true },
          () => {
            conf++;
            if (conf === N) resolve();
            else pump();
          },
        );
      }
    }
    pump();
  });
} else {
  const broker = new Broker(
    brokerDefaults({ service: 'exp' }),
    pino({ level: 'warn' }),
    new RuntimeMetrics(),
  );
  await broker.start();
  t0 = performance.now();
  if (mode === 'publisher') {
    let next = 0;
    await Promise.all(
      Array.from({ length: W }, async () => {
        while (next < N) {
          next++;
          await broker.publish({
            exchange: EX,
            routingKey: q,
            content: Buffer.from(JSON.stringify({ eventId: randomUUID(), data: sample() })),
            properties: { messageId: randomUUID() },
          });
        }
      }),
    );
  } else {
    const sink = createDirectSink('exp', broker);
    let next = 0;
    await Promise.all(
      Array.from({ length: W }, async () => {
        while (next < N) {
          next++;
          await sink.emit(descriptor, sample() as never);
        }
      }),
    );
  }
  await broker.close();
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(mode, Math.round(N / (ms / 1000)), '/s', 'cpu ms', Math.round((cpu.user + cpu.system) / 1000));
await ch.deleteQueue(q);
await model.close();
