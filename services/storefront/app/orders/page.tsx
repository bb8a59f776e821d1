'use client';
import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import { Empty, Loading, NeedLogin, ProblemView, StatusBadge } from '../../components/ui.tsx';
import { api, asProblem, formatMoney, type Problem, type Schemas } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';

export default function OrdersPage() {
  const { ready, user } = useSession();
  const [orders, setOrders] = useState<Schemas['OrderSummary'][] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  const load = useCallback(async (after: string | null) => {
    const { data, error, response } = await api.GET('/orders', {
      params: { query: { limit: 20, ...(after ? { cursor: after } : {}) } },
    });
    if (!data) {
      setProblem(asProblem(error, response));
      setOrders((prev) => prev ?? []);
      return;
    }
    setOrders((prev) => (after && prev ? [...prev, ...data.items] : data.items));
    setCursor(data.nextCursor);
  }, []);

  useEffect(() => {
    if (ready && user) void load(null);
  }, [ready, user, load]);

  if (!ready) return <Loading what="your orders" />;
  if (!user) return <NeedLogin />;
  return (
    <>
      <h1>My orders</h1>
      <ProblemView problem={problem} />
      {orders === null ? (
        <Loading what="your orders" />
      ) : orders.length === 0 ? (
        <Empty>
          <p>No orders yet.</p>
          <Link href="/">Browse the shop</Link>
        </Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Placed</th>
                <th>Status</th>
                <th>Items</th>
                <th>Total</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <tr key={o.orderId}>
                  <td>
                    <Link href={`/orders/${o.orderId}`}>{new Date(o.createdAt).toLocaleString()}</Link>
                  </td>
                  <td>
                    <StatusBadge status={o.status} />
                  </td>
                  <td>{o.itemCount}</td>
                  <td>{formatMoney(o.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor ? (
        <button type="button" className="secondary" onClick={() => void load(cursor)}>
          More orders
        </button>
      ) : null}
    </>
  );
}
