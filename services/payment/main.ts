import { registerPaymentConsumers } from '@kada/contracts/services/payment/index.ts';
import { createLogger } from '@kada/runtime';
import { startService } from '@kada/service-kit';
import { migrations } from './db/migrations.ts';
import type { PaymentDatabase } from './db/schema.ts';
import { createPaymentHandlers } from './handlers/index.ts';
import { paymentRoutes } from './http/routes.ts';
import { createPaymentProvider } from './stripe/provider.ts';

const log = createLogger('payment');
// Real Stripe with STRIPE_SECRET_KEY, the simulated one only with PAYMENT_PROVIDER=simulated (see provider.ts).
const provider = await createPaymentProvider(process.env, log);

const service = await startService<PaymentDatabase>({
  name: 'payment',
  logger: log,
  migrations,
  consumers: (rt) => registerPaymentConsumers(rt, createPaymentHandlers(provider.stripe)),
  routes: (app, ctx) => paymentRoutes(app, ctx, provider),
});
// The simulated Stripe posts its signed events to our own webhook, as Stripe would.
provider.attachWebhookUrl(`http://127.0.0.1:${service.port}/webhooks/stripe`);
