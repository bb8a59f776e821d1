import { randomUUID } from 'node:crypto';
import { prepareEvent, uuidv7 } from '../src/index.ts';
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
  console.log(name, (((performance.now() - t) * 1000) / N).toFixed(2), 'us');
}
const s = sample();
const env = {
  eventId: uuidv7(),
  eventType: 'order.created',
  version: 1,
  occurredAt: new Date().toISOString(),
  correlationId: uuidv7(),
  causationId: null,
  producer: 'x',
  data: s,
};
time('sample', () => sample());
time('uuidv7', () => uuidv7());
time('validate', () => orderCreatedV1Event.validate(env));
time('stringify', () => JSON.stringify(env));
time('prepare', () => prepareEvent('x', orderCreatedV1Event, s as never));
