import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { prepareEvent, RuntimeMetrics, runWithContext, parseTraceparent } from '../src/index.ts';
import { orderCreatedV1Event } from '../../../generated/events.ts';
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
const N = 20000;
function time(name: string, fn: () => void) {
  for (let i = 0; i < 2000; i++) fn();
  const t = performance.now();
  for (let i = 0; i < N; i++) fn();
  console.log(name.padEnd(12), (((performance.now() - t) * 1000) / N).toFixed(2), 'us');
}
const e = prepareEvent('x', orderCreatedV1Event, sample() as never);
const buf = Buffer.from(e.body);
const log = pino({ level: 'warn' }).child({ queue: 'q' });
const m = new RuntimeMetrics();
const env = JSON.parse(e.body);
time('parse', () => JSON.parse(buf.toString('utf8')));
time('validate', () => orderCreatedV1Event.validate(env));
time('child', () =>
  log.child({
    eventId: env.eventId,
    eventType: env.eventType,
    correlationId: env.correlationId,
    causationId: env.causationId,
    traceId: 'abc',
    attempt: 1,
  }),
);
time('metrics', () => {
  m.consumed.inc({ queue: 'q' });
  const s = m.handlerDuration.startTimer({ queue: 'q' });
  s();
  m.succeeded.inc({ queue: 'q' });
});
time('ctx', () => runWithContext({ correlationId: 'a', causationId: 'b', trace: undefined }, () => 1));
time('trace', () => parseTraceparent(e.headers.traceparent));
