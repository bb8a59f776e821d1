import { describe, expect, it } from 'vitest';
import { createPaymentProvider } from '../stripe/provider.ts';

describe('choosing the payment provider', () => {
  it.each<[string, Record<string, string>, RegExp]>([
    ['nothing configured', {}, /PAYMENT_PROVIDER=simulated/],
    ['the simulator in production', { PAYMENT_PROVIDER: 'simulated', NODE_ENV: 'production' }, /production/],
    ['nothing configured in production', { NODE_ENV: 'production' }, /STRIPE_SECRET_KEY/],
    ['stripe without a key', { PAYMENT_PROVIDER: 'stripe' }, /STRIPE_SECRET_KEY/],
    ['a key without the webhook secret', { STRIPE_SECRET_KEY: 'sk_test_x' }, /STRIPE_WEBHOOK_SECRET/],
    ['an unknown provider', { PAYMENT_PROVIDER: 'paypal' }, /"stripe" or "simulated"/],
  ])('refuses to start with %s', async (_name, env, message) => {
    await expect(createPaymentProvider(env)).rejects.toThrow(message);
  });

  it('runs the simulator only when asked for by name', async () => {
    const provider = await createPaymentProvider({ PAYMENT_PROVIDER: 'simulated' });
    try {
      expect(provider.simulator).toBeDefined();
      expect(provider.webhookSecret).toMatch(/^whsec_/);
    } finally {
      await provider.close();
    }
  });

  it('uses Stripe with a key and its webhook secret', async () => {
    const provider = await createPaymentProvider({
      STRIPE_SECRET_KEY: 'sk_test_x',
      STRIPE_WEBHOOK_SECRET: 'whsec_x',
    });
    expect(provider.simulator).toBeUndefined();
    expect(provider.webhookSecret).toBe('whsec_x');
  });
});
