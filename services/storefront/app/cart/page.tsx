'use client';
import Link from 'next/link';
import { Empty, Loading } from '../../components/ui.tsx';
import { formatMoney } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';

export default function CartPage() {
  const { ready, cart, setQuantity } = useSession();
  if (!ready) return <Loading what="your cart" />;
  if (cart.length === 0)
    return (
      <>
        <h1>Cart</h1>
        <Empty>
          <p>Your cart is empty.</p>
          <Link href="/">Browse the shop</Link>
        </Empty>
      </>
    );
  const currency = cart[0]?.unitPrice.currency ?? 'USD';
  const total = cart.reduce((sum, line) => sum + line.unitPrice.amount * line.quantity, 0);
  return (
    <>
      <h1>Cart</h1>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Product</th>
              <th>Price</th>
              <th>Quantity</th>
              <th>Total</th>
            </tr>
          </thead>
          <tbody>
            {cart.map((line) => (
              <tr key={line.productId}>
                <td>
                  <Link href={`/products/${line.productId}`}>{line.name}</Link>
                </td>
                <td>{formatMoney(line.unitPrice)}</td>
                <td>
                  <input
                    type="number"
                    min={0}
                    max={1000}
                    aria-label={`Quantity of ${line.name}`}
                    value={line.quantity}
                    onChange={(e) => setQuantity(line.productId, Math.min(1000, Number(e.target.value) || 0))}
                    style={{ width: '5rem' }}
                  />
                </td>
                <td>
                  {formatMoney({
                    amount: line.unitPrice.amount * line.quantity,
                    currency: line.unitPrice.currency,
                  })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="price">Estimated total: {formatMoney({ amount: total, currency })}</p>
      <p className="muted">The order service prices the order from its own price list when you place it.</p>
      <Link href="/checkout" className="button">
        Checkout
      </Link>
    </>
  );
}
