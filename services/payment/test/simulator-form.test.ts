import { describe, expect, it } from 'vitest';
import { parseForm } from '../stripe/simulator.ts';

describe("the simulated Stripe's form parser", () => {
  it.each([
    [
      'nested keys and arrays',
      'metadata[orderId]=o1&payment_method_types[0]=card&a[b][c]=d',
      {
        metadata: { orderId: 'o1' },
        payment_method_types: ['card'],
        a: { b: { c: 'd' } },
      },
    ],
    ['a scalar then a nested pair under it', 'a=1&a[b]=2', { a: '1' }],
  ])('parses %s', (_name, given, want) => {
    expect(parseForm(given)).toEqual(want);
  });

  it.each([
    'metadata[__proto__][polluted]=yes',
    '__proto__[polluted]=yes',
    'constructor[prototype][polluted]=yes',
    'metadata[constructor][prototype][polluted]=yes',
  ])('drops %s without touching any prototype', (given) => {
    const parsed = parseForm(`${given}&amount=100`);
    expect(parsed).toEqual({ amount: '100' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });
});
