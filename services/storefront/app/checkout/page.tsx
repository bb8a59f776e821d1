import { CheckoutForm } from './checkout-form.tsx';

export const dynamic = 'force-dynamic';

/** With STRIPE_PUBLISHABLE_KEY the card form is Stripe.js's; without it, the simulator's stand-in. */
export default function CheckoutPage() {
  return <CheckoutForm publishableKey={process.env.STRIPE_PUBLISHABLE_KEY || null} />;
}
