/**
 * The simulated Stripe as a process of its own, shared by every replica of the payment service, as
 * Stripe itself would be: an intent created through one replica can be read or confirmed through
 * another, and its webhooks go on being delivered when the replica that created it dies. Started by
 * the platform launcher when payment runs as several replicas; replicas reach it through
 * STRIPE_SIMULATOR_URL.
 *
 * Environment: STRIPE_SIMULATOR_PORT (required), STRIPE_WEBHOOK_SECRET (required: the replicas verify
 * with it), STRIPE_SIMULATOR_WEBHOOK_URL (where events are POSTed: the public /webhooks/stripe).
 */
import { createLogger } from '@kada/runtime';
import { startSimulatedStripe } from './simulator.ts';

const log = createLogger('stripe-simulator');
const port = Number(process.env.STRIPE_SIMULATOR_PORT);
const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET;
const webhookUrl = process.env.STRIPE_SIMULATOR_WEBHOOK_URL;
if (process.env.NODE_ENV === 'production')
  throw new Error('the Stripe simulator never runs with NODE_ENV=production');
if (!Number.isInteger(port) || port <= 0) throw new Error('STRIPE_SIMULATOR_PORT must be a port number');
if (!webhookSecret) throw new Error('STRIPE_WEBHOOK_SECRET is required');

const simulator = await startSimulatedStripe({
  webhookSecret,
  port,
  log,
  ...(webhookUrl ? { webhookUrl } : {}),
});
log.warn({ port: simulator.port, webhookUrl }, 'simulated Stripe listening (development and tests only)');

const stop = async (): Promise<void> => {
  await simulator.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
