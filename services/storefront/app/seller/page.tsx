'use client';
import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import { RevenueChart } from '../../components/revenue-chart.tsx';
import { Empty, Loading, NeedLogin, ProblemView, StatusBadge } from '../../components/ui.tsx';
import { api, asProblem, formatMoney, type Problem, type Schemas } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';

interface Dashboard {
  orders: Schemas['DashboardOrderPage'];
  revenue: Schemas['RevenueReport'];
  signups: Schemas['SignupReport'];
}

/** The seller's dashboard: orders with their products, revenue per day (chart), sign-ups per day. */
export default function SellerDashboard() {
  const { ready, user } = useSession();
  const [dash, setDash] = useState<Dashboard | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  const load = useCallback(async () => {
    const [orders, revenue, signups] = await Promise.all([
      api.GET('/dashboard/orders', { params: { query: { limit: 20 } } }),
      api.GET('/dashboard/revenue', { params: { query: { currency: 'USD' } } }),
      api.GET('/dashboard/signups', {}),
    ]);
    if (!orders.data || !revenue.data || !signups.data) {
      const failed = [orders, revenue, signups].find((r) => !r.data);
      setProblem(asProblem(failed?.error, failed?.response));
      return;
    }
    setProblem(null);
    setDash({ orders: orders.data, revenue: revenue.data, signups: signups.data });
  }, []);

  useEffect(() => {
    if (!ready || user?.role !== 'seller') return;
    void load();
    // The read models follow events: refresh every few seconds.
    const timer = setInterval(() => void load(), 5000);
    return () => clearInterval(timer);
  }, [ready, user, load]);

  if (!ready) return <Loading what="the dashboard" />;
  if (user?.role !== 'seller') return <NeedLogin forRole="seller" />;
  if (!dash) return problem ? <ProblemView problem={problem} /> : <Loading what="the dashboard" />;
  const paid = dash.revenue.days.reduce((n, d) => n + d.orders, 0);
  const net = dash.revenue.days.reduce((n, d) => n + d.net.amount, 0);
  const signups = dash.signups.days.reduce((n, d) => n + d.buyers + d.sellers, 0);
  return (
    <>
      <h1>Dashboard</h1>
      <ProblemView problem={problem} />
      <div className="stats">
        <div className="stat">
          <span className="muted">Paid orders (30 days)</span>
          <strong data-testid="paid-orders">{paid}</strong>
        </div>
        <div className="stat">
          <span className="muted">Net revenue</span>
          <strong data-testid="net-revenue">
            {formatMoney({ amount: net, currency: dash.revenue.currency })}
          </strong>
        </div>
        <div className="stat">
          <span className="muted">Sign-ups (30 days)</span>
          <strong data-testid="signups">{signups}</strong>
        </div>
      </div>
      <h2>Revenue per day</h2>
      <RevenueChart report={dash.revenue} />
      <h2>Orders</h2>
      {dash.orders.items.length === 0 ? (
        <Empty>
          <p>No orders with your products yet.</p>
          <Link href="/seller/products">List a product</Link>
        </Empty>
      ) : (
        <div className="table-wrap">
          <table data-testid="seller-orders">
            <thead>
              <tr>
                <th>Placed</th>
                <th>Status</th>
                <th>Lines</th>
                <th>Your total</th>
              </tr>
            </thead>
            <tbody>
              {dash.orders.items.map((o) => (
                <tr key={o.orderId}>
                  <td>{new Date(o.createdAt).toLocaleString()}</td>
                  <td>
                    <StatusBadge status={o.status} />
                  </td>
                  <td>{o.itemCount}</td>
                  <td>{formatMoney(o.sellerTotal)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Sign-ups per day</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Day</th>
              <th>Buyers</th>
              <th>Sellers</th>
              <th>Deleted</th>
            </tr>
          </thead>
          <tbody>
            {dash.signups.days
              .filter((d) => d.buyers + d.sellers + d.deleted > 0)
              .map((d) => (
                <tr key={d.date}>
                  <td>{d.date}</td>
                  <td>{d.buyers}</td>
                  <td>{d.sellers}</td>
                  <td>{d.deleted}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
