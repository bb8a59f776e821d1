import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { pino } from 'pino';
import { Broker, brokerDefaults, RuntimeMetrics, prepareEvent } from '../src/index.ts';
import { orderCreatedV1Event } from '../../../generated/events.ts';
const N = 20000,
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
const q = `kada.exp3.${mode}.${Date.now()}`;
const model = await connect('amqp://guest:guest@127.0.0.1:5672');
const ch = await model.createConfirmChannel();
await ch.assertExchange(EX, 'topic', { durable: true });
const descriptor = { ...orderCreatedV1Event, exchange: EX, routingKey: q };
const policy = {
  queue: q,
  queueType: 'classic' as const,
  prefetch: 300,
  concurrency: Number(process.argv[3] ?? 64),
  retry: { maxRetries: 0, initialDelayMs: 1000, multiplier: 2, maxDelayMs: 30000 },
  deliveryLimit: 5,
  deadLetter: true,
};
const broker = new Broker(brokerDefaults({ service: 'exp' }), pino({ level: 'warn' }), new RuntimeMetrics());
await broker.start();
let received = 0;
let done!: () => void;
const all = new Promise<void>((r) => {
  done = r;
});
const def = {
  service: 'exp',
  policy,
  routes: [
    {
      descriptor,
      handle: async () => {
        received++;
        if (received === N) done();
      },
    },
  ],
};
const c = await broker.consume(def, (d) =>
  d.route.handle(d.envelope, undefined as never).then(() => 'handled' as const),
);
await c.stop();
for (let i = 0; i < N; i++) {
  const e = prepareEvent('x', descriptor, sample() as never);
  ch.publish(EX, q, Buffer.from(e.body), {
    persistent: false,
    messageId: e.envelope.eventId,
    headers: e.headers,
  });
  if (i % 1000 === 0) await ch.waitForConfirms();
}
await ch.waitForConfirms();
const t0 = performance.now();
const cpu0 = process.cpuUsage();
if (mode === 'raw') {
  const cc = await model.createChannel();
  await cc.prefetch(300);
  await cc.consume(q, (m) => {
    if (!m) return;
    JSON.parse(m.content.toString('utf8'));
    cc.ack(m);
    received++;
    if (received === N) done();
  });
  await all;
} else {
  await broker.consume(def, (d) =>
    d.route.handle(d.envelope, undefined as never).then(() => 'handled' as const),
  );
  await all;
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(mode, Math.round(N / (ms / 1000)), '/s', 'cpu us/msg', ((cpu.user + cpu.system) / N).toFixed(1));
await broker.close();
await ch.deleteQueue(q);
await ch.deleteQueue(`${q}.dlq`);
await model.close();
