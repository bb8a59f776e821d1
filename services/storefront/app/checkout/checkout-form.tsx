'use client';
import type { Stripe, StripeCardElement } from '@stripe/stripe-js';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Empty, Loading, NeedLogin, ProblemView } from '../../components/ui.tsx';
import { api, asProblem, formatMoney, type Problem, refreshSession } from '../../lib/api.ts';
import { pendingPayments, TEST_CARDS, testCardOf } from '../../lib/payment.ts';
import { useSession } from '../../lib/session.tsx';

export function CheckoutForm({ publishableKey }: { publishableKey: string | null }) {
  const { ready, user, cart, clearCart } = useSession();
  const router = useRouter();
  const [cardNumber, setCardNumber] = useState('4242 4242 4242 4242');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const idempotencyKey = useRef<string>('');
  const stripeRef = useRef<{ stripe: Stripe; card: StripeCardElement } | null>(null);
  const cardMount = useRef<HTMLDivElement>(null);

  useEffect(() => {
    idempotencyKey.current = crypto.randomUUID();
  }, []);

  // Stripe.js path (a publishable key is configured): mount Stripe's card element. Untested here (no network).
  useEffect(() => {
    if (!publishableKey || !cardMount.current) return;
    let cancelled = false;
    void import('@stripe/stripe-js').then(async ({ loadStripe }) => {
      const stripe = await loadStripe(publishableKey);
      if (!stripe || cancelled || !cardMount.current) return;
      const card = stripe.elements().create('card');
      card.mount(cardMount.current);
      stripeRef.current = { stripe, card };
    });
    return () => {
      cancelled = true;
    };
  }, [publishableKey]);

  if (!ready) return <Loading what="checkout" />;
  if (user?.role !== 'buyer') return <NeedLogin forRole="buyer" />;
  if (cart.length === 0)
    return (
      <Empty>
        <p>Nothing to check out.</p>
        <Link href="/">Browse the shop</Link>
      </Empty>
    );

  async function placeOrder(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    let paymentMethodId: string;
    if (publishableKey) {
      const s = stripeRef.current;
      if (!s) return setProblem({ type: 'about:blank', title: 'Stripe.js is not loaded yet', status: 503 });
      const created = await s.stripe.createPaymentMethod({ type: 'card', card: s.card });
      if (created.error || !created.paymentMethod)
        return setProblem({
          type: 'about:blank',
          title: 'Card refused',
          status: 400,
          detail: created.error?.message ?? 'Stripe did not accept the card.',
        });
      paymentMethodId = created.paymentMethod.id;
    } else {
      const card = testCardOf(cardNumber);
      if (!card)
        return setProblem({
          type: 'about:blank',
          title: 'Unknown test card',
          status: 400,
          detail: 'The simulated Stripe takes only the test cards listed below.',
        });
      paymentMethodId = card.paymentMethod;
    }
    setBusy(true);
    const { data, error, response } = await api.POST('/orders', {
      params: { header: { 'Idempotency-Key': idempotencyKey.current } },
      body: {
        items: cart.map((line) => ({ productId: line.productId, quantity: line.quantity })),
        paymentMethodId,
        confirmation: 'client',
      },
    });
    if (!data) {
      setBusy(false);
      // A fresh key for the next try: this one's answer was an error.
      idempotencyKey.current = crypto.randomUUID();
      return setProblem(asProblem(error, response));
    }
    pendingPayments.set(
      data.orderId,
      publishableKey && stripeRef.current
        ? { kind: 'stripe', ...stripeRef.current }
        : { kind: 'simulated', cardNumber },
    );
    clearCart();
    router.push(`/orders/${data.orderId}`);
  }

  const currency = cart[0]?.unitPrice.currency ?? 'USD';
  const total = cart.reduce((sum, line) => sum + line.unitPrice.amount * line.quantity, 0);
  return (
    <>
      <h1>Checkout</h1>
      <div className="card">
        {cart.map((line) => (
          <div key={line.productId} className="row" style={{ justifyContent: 'space-between' }}>
            <span>
              {line.quantity} × {line.name}
            </span>
            <span>
              {formatMoney({
                amount: line.unitPrice.amount * line.quantity,
                currency: line.unitPrice.currency,
              })}
            </span>
          </div>
        ))}
        <p className="price">Estimated total: {formatMoney({ amount: total, currency })}</p>
      </div>
      {!user.email_verified ? (
        <div className="problem">
          <strong>Verify your e-mail address first</strong>
          <p>
            Orders need a verified address. Open the link in the verification mail, then{' '}
            <button type="button" className="link" onClick={() => void refreshSession()}>
              check again
            </button>
            .
          </p>
        </div>
      ) : null}
      <form className="card stack" onSubmit={placeOrder}>
        <h2 style={{ margin: 0, fontSize: '1.1rem' }}>Card</h2>
        {publishableKey ? (
          <div ref={cardMount} className="stripe-card" />
        ) : (
          <>
            <label>
              Card number
              <input
                name="cardNumber"
                inputMode="numeric"
                autoComplete="off"
                value={cardNumber}
                onChange={(e) => setCardNumber(e.target.value)}
                pattern="[0-9 ]{12,23}"
                required
              />
            </label>
            <div className="row">
              <label>
                Expiry
                <input name="expiry" defaultValue="12/34" style={{ width: '6rem' }} />
              </label>
              <label>
                CVC
                <input name="cvc" defaultValue="123" style={{ width: '5rem' }} />
              </label>
            </div>
            <div className="testcards">
              Simulated Stripe (no real money). Test cards:
              <ul>
                {TEST_CARDS.map((card) => (
                  <li key={card.number}>
                    <button type="button" className="link" onClick={() => setCardNumber(card.number)}>
                      {card.number}
                    </button>{' '}
                    {card.outcome}
                  </li>
                ))}
              </ul>
            </div>
          </>
        )}
        <ProblemView problem={problem} />
        <button type="submit" disabled={busy}>
          {busy ? 'Placing the order…' : 'Place order and pay'}
        </button>
      </form>
    </>
  );
}
