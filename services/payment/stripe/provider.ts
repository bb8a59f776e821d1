import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import Stripe from 'stripe';
import { type SimulatedStripe, startSimulatedStripe } from './simulator.ts';

/** The Stripe client the service uses, and how webhooks are verified. */
export interface PaymentProvider {
  readonly stripe: Stripe;
  readonly webhookSecret: string;
  /** The simulated Stripe, when no STRIPE_SECRET_KEY is configured (the embedded default). */
  readonly simulator: SimulatedStripe | undefined;
  /** Tells the simulator where the service's /webhooks/stripe is (no-op with real Stripe). */
  attachWebhookUrl(url: string): void;
  close(): Promise<void>;
}

/**
 * Real Stripe when STRIPE_SECRET_KEY is set (STRIPE_WEBHOOK_SECRET is then required: it is the
 * endpoint's signing secret from the Stripe dashboard). Otherwise a simulated Stripe inside this
 * process, with a random webhook secret made at start, reached through the same SDK and verified
 * through the same webhook code.
 */
export async function createPaymentProvider(
  env: Readonly<Record<string, string | undefined>>,
  log?: Logger,
): Promise<PaymentProvider> {
  const key = env.STRIPE_SECRET_KEY;
  const configuredSecret = env.STRIPE_WEBHOOK_SECRET;
  if (key) {
    if (!configuredSecret) throw new Error('STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY');
    return {
      stripe: new Stripe(key, { maxNetworkRetries: 2, timeout: 20_000 }),
      webhookSecret: configuredSecret,
      simulator: undefined,
      attachWebhookUrl: () => {},
      close: async () => {},
    };
  }
  const webhookSecret = configuredSecret || `whsec_dev_${randomBytes(24).toString('hex')}`;
  const simulator = await startSimulatedStripe({ webhookSecret, ...(log ? { log } : {}) });
  log?.info({ port: simulator.port }, 'no STRIPE_SECRET_KEY: payments go to the simulated Stripe');
  return {
    stripe: simulatedClient(simulator),
    webhookSecret,
    simulator,
    attachWebhookUrl: (url) => simulator.setWebhookUrl(url),
    close: () => simulator.close(),
  };
}

/** The official SDK pointed at a simulated (or test) Stripe server. */
export function simulatedClient(server: {
  sdkOptions: { host: string; port: number; protocol: 'http' };
}): Stripe {
  return new Stripe('sk_test_simulated', { ...server.sdkOptions, maxNetworkRetries: 1, timeout: 10_000 });
}
