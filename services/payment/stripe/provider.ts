import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import Stripe from 'stripe';
import { type SimulatedStripe, startSimulatedStripe } from './simulator.ts';

/** The Stripe client the service uses, and how webhooks are verified. */
export interface PaymentProvider {
  readonly stripe: Stripe;
  readonly webhookSecret: string;
  /** stripe, or simulated (PAYMENT_PROVIDER=simulated): how the buyer's browser confirms a PaymentIntent. */
  readonly kind: 'stripe' | 'simulated';
  /** STRIPE_PUBLISHABLE_KEY, for Stripe.js in the browser; null with the simulator. */
  readonly publishableKey: string | null;
  /** The simulated Stripe, when PAYMENT_PROVIDER=simulated. */
  readonly simulator: SimulatedStripe | undefined;
  /** Tells the simulator where the service's /webhooks/stripe is (no-op with real Stripe). */
  attachWebhookUrl(url: string): void;
  close(): Promise<void>;
}

/**
 * PAYMENT_PROVIDER chooses, and there is no silent default:
 * - `stripe` (or unset, with STRIPE_SECRET_KEY): real Stripe; STRIPE_WEBHOOK_SECRET is required (the
 *   endpoint's signing secret from the Stripe dashboard);
 * - `simulated`: a simulated Stripe inside this process, with a random webhook secret made at start,
 *   reached through the same SDK and verified through the same webhook code; refused with
 *   NODE_ENV=production, where only real money may move.
 * Anything else, or neither a key nor a choice, refuses to start.
 */
export async function createPaymentProvider(
  env: Readonly<Record<string, string | undefined>>,
  log?: Logger,
): Promise<PaymentProvider> {
  const key = env.STRIPE_SECRET_KEY;
  const configuredSecret = env.STRIPE_WEBHOOK_SECRET;
  const choice = env.PAYMENT_PROVIDER || (key ? 'stripe' : undefined);
  if (choice !== 'stripe' && choice !== 'simulated') {
    throw new Error(
      choice === undefined
        ? 'No payment provider: set STRIPE_SECRET_KEY (and STRIPE_WEBHOOK_SECRET) for Stripe, or PAYMENT_PROVIDER=simulated for the local simulator'
        : `PAYMENT_PROVIDER must be "stripe" or "simulated", got "${choice}"`,
    );
  }
  if (choice === 'simulated' && env.NODE_ENV === 'production') {
    throw new Error(
      'PAYMENT_PROVIDER=simulated is refused with NODE_ENV=production: configure STRIPE_SECRET_KEY',
    );
  }
  if (choice === 'stripe') {
    if (!key) throw new Error('PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY');
    if (!configuredSecret) throw new Error('STRIPE_WEBHOOK_SECRET is required with STRIPE_SECRET_KEY');
    return {
      stripe: new Stripe(key, { maxNetworkRetries: 2, timeout: 20_000 }),
      webhookSecret: configuredSecret,
      kind: 'stripe',
      publishableKey: env.STRIPE_PUBLISHABLE_KEY || null,
      simulator: undefined,
      attachWebhookUrl: () => {},
      close: async () => {},
    };
  }
  const shared = env.STRIPE_SIMULATOR_URL;
  if (shared) {
    // One simulator for every replica (simulator-main.ts), as Stripe is one service for all of them:
    // it posts its webhooks to the public endpoint itself, so nothing is attached here.
    if (!configuredSecret)
      throw new Error('STRIPE_SIMULATOR_URL needs the STRIPE_WEBHOOK_SECRET it signs with');
    const url = new URL(shared);
    log?.warn({ url: shared }, 'PAYMENT_PROVIDER=simulated: payments go to the shared simulated Stripe');
    return {
      stripe: simulatedClient({
        sdkOptions: { host: url.hostname, port: Number(url.port), protocol: 'http' },
      }),
      webhookSecret: configuredSecret,
      kind: 'simulated',
      publishableKey: null,
      simulator: undefined,
      attachWebhookUrl: () => {},
      close: async () => {},
    };
  }
  const webhookSecret = configuredSecret || `whsec_dev_${randomBytes(24).toString('hex')}`;
  const simulator = await startSimulatedStripe({ webhookSecret, ...(log ? { log } : {}) });
  log?.warn({ port: simulator.port }, 'PAYMENT_PROVIDER=simulated: payments go to the simulated Stripe');
  return {
    stripe: simulatedClient(simulator),
    webhookSecret,
    kind: 'simulated',
    publishableKey: null,
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
