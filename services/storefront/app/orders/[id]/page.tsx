'use client';
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { Loading, NeedLogin, ProblemView, StatusBadge } from '../../../components/ui.tsx';
import { api, asProblem, formatMoney, type Order, type Problem, type Schemas } from '../../../lib/api.ts';
import {
  clientSecretOf,
  confirmSimulated,
  confirmWithStripe,
  type PendingPayment,
  pendingPayments,
  TEST_CARDS,
} from '../../../lib/payment.ts';
import { useSession } from '../../../lib/session.tsx';

const REASONS: Record<string, string> = {
  PAYMENT_FAILED: 'the payment failed',
  OUT_OF_STOCK: 'not enough stock',
  CANCELLED_BY_USER: 'cancelled',
  PAYMENT_TIMEOUT: 'the payment was not completed in time',
};

/**
 * One order, live: polls GET /orders/{orderId} through the gateway every second until the saga ends
 * (PENDING_PAYMENT -> PAID, or FAILED with its reason), and meanwhile confirms the PaymentIntent with
 * the card given at checkout (or asks for one, after a reload).
 */
export default function OrderPage() {
  const { id } = useParams<{ id: string }>();
  const { ready, user } = useSession();
  const [order, setOrder] = useState<Order | null>(null);
  const [payment, setPayment] = useState<Schemas['Payment'] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [secret, setSecret] = useState<Schemas['PaymentClientSecret'] | null>(null);
  const [step, setStep] = useState<'waiting' | 'confirming' | 'confirmed' | 'declined' | 'needs-card'>(
    'waiting',
  );
  const [declined, setDeclined] = useState<string | null>(null);
  const [cardNumber, setCardNumber] = useState('4242 4242 4242 4242');
  const confirming = useRef(false);

  const ended = order !== null && order.status !== 'PENDING_PAYMENT';

  // Poll the order until it ends.
  useEffect(() => {
    if (!ready || !user) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      const { data, error, response } = await api.GET('/orders/{orderId}', {
        params: { path: { orderId: id } },
      });
      if (stop) return;
      if (data) {
        setOrder(data);
        setProblem(null);
        if (data.status !== 'PENDING_PAYMENT') {
          const pay = await api.GET('/payments/{orderId}', { params: { path: { orderId: id } } });
          if (!stop && pay.data) setPayment(pay.data);
          return;
        }
      } else if (response.status !== 429) {
        setProblem(asProblem(error, response));
        if (response.status === 404 || response.status === 401) return;
      }
      timer = setTimeout(poll, 1000);
    };
    void poll();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [id, ready, user]);

  // While the order waits for its payment: fetch the client secret once the PaymentIntent exists.
  useEffect(() => {
    if (!order || ended || secret) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const attempt = async () => {
      const result = await clientSecretOf(id);
      if (stop) return;
      if ('secret' in result) return setSecret(result.secret);
      if ('problem' in result) {
        // An order paid with a saved payment method needs nothing from the browser.
        if (!/server-confirmation/.test(result.problem.type ?? '')) setProblem(result.problem);
        return;
      }
      timer = setTimeout(attempt, 800);
    };
    void attempt();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [id, order, ended, secret]);

  const confirm = useCallback(
    async (pending: PendingPayment, s: Schemas['PaymentClientSecret']) => {
      setStep('confirming');
      const result =
        pending.kind === 'simulated'
          ? await confirmSimulated(id, s.clientSecret, pending.cardNumber)
          : await confirmWithStripe(pending.stripe, s.clientSecret);
      if ('problem' in result) {
        setProblem(result.problem);
        setStep('needs-card');
        confirming.current = false;
        return;
      }
      setStep(result.outcome === 'succeeded' ? 'confirmed' : 'declined');
      setDeclined(result.message);
    },
    [id],
  );

  // Confirm with the card from checkout, once.
  useEffect(() => {
    if (!secret || ended || confirming.current) return;
    const pending = pendingPayments.get(id);
    if (!pending) {
      setStep('needs-card');
      return;
    }
    confirming.current = true;
    pendingPayments.delete(id);
    void confirm(pending, secret);
  }, [id, secret, ended, confirm]);

  async function payWithCard(event: FormEvent) {
    event.preventDefault();
    if (!secret || confirming.current) return;
    if (secret.provider === 'stripe') {
      const { loadStripe } = await import('@stripe/stripe-js');
      const stripe = secret.publishableKey ? await loadStripe(secret.publishableKey) : null;
      if (!stripe)
        return setProblem({ type: 'about:blank', title: 'Stripe.js could not be loaded', status: 503 });
      confirming.current = true;
      const result = await confirmWithStripe(stripe, secret.clientSecret);
      setStep(result.outcome === 'succeeded' ? 'confirmed' : 'declined');
      setDeclined(result.message);
      return;
    }
    confirming.current = true;
    setProblem(null);
    await confirm({ kind: 'simulated', cardNumber }, secret);
  }

  if (!ready) return <Loading what="the order" />;
  if (!user) return <NeedLogin />;
  if (!order) return problem ? <ProblemView problem={problem} /> : <Loading what="the order" />;
  return (
    <>
      <h1>
        Order <small className="muted">…{order.orderId.slice(-12)}</small>
      </h1>
      <div className="card" data-testid="order">
        <p className="row">
          Status: <StatusBadge status={order.status} />
          {order.status === 'PENDING_PAYMENT' ? <span className="muted">updates live…</span> : null}
        </p>
        {order.status === 'FAILED' ? (
          <div className="problem" data-testid="failure">
            <strong>
              Order failed:{' '}
              {order.failureReason ? (REASONS[order.failureReason] ?? order.failureReason) : 'unknown reason'}
            </strong>
            {order.failureReason ? <p>Reason: {order.failureReason}</p> : null}
            {payment?.message ? (
              <p>
                {payment.message}
                {payment.declineCode ? ` (${payment.declineCode})` : ''}
              </p>
            ) : null}
          </div>
        ) : null}
        {order.status === 'PAID' ? <div className="notice">Paid. Thank you for your order!</div> : null}
        {!ended && step === 'confirming' ? <p className="loading">Confirming the payment…</p> : null}
        {!ended && step === 'confirmed' ? (
          <p className="muted">Payment confirmed; waiting for Stripe's webhook…</p>
        ) : null}
        {!ended && step === 'declined' ? (
          <div className="problem">
            <strong>Card declined</strong>
            <p>{declined ?? 'Your card was declined.'}</p>
          </div>
        ) : null}
        {!ended && step === 'waiting' && !secret ? <p className="loading">Reserving stock…</p> : null}
        <ProblemView problem={problem} />
        <div className="table-wrap">
          <table>
            <tbody>
              {order.items.map((line) => (
                <tr key={line.productId}>
                  <td>{line.name}</td>
                  <td>
                    {line.quantity} × {formatMoney(line.unitPrice)}
                  </td>
                  <td>{formatMoney(line.lineTotal)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="price">Total: {formatMoney(order.total)}</p>
        <p className="muted">Placed {new Date(order.createdAt).toLocaleString()}</p>
      </div>
      {!ended && step === 'needs-card' && secret ? (
        <form className="card stack" onSubmit={payWithCard}>
          <h2 style={{ margin: 0, fontSize: '1.1rem' }}>Pay for this order</h2>
          {secret.provider === 'simulated' ? (
            <>
              <label>
                Card number
                <input
                  value={cardNumber}
                  onChange={(e) => setCardNumber(e.target.value)}
                  pattern="[0-9 ]{12,23}"
                />
              </label>
              <p className="testcards">
                Test cards: {TEST_CARDS.map((c) => `${c.number} (${c.outcome})`).join(', ')}
              </p>
            </>
          ) : (
            <p className="muted">Confirms with Stripe using the card given at checkout.</p>
          )}
          <button type="submit">Pay {formatMoney(order.total)}</button>
        </form>
      ) : null}
      <Link href="/orders">All my orders</Link>
    </>
  );
}
