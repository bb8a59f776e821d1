'use client';
import Link from 'next/link';
import { useCallback, useEffect, useState } from 'react';
import { type ProductFields, ProductForm } from '../../../components/product-form.tsx';
import { Empty, Loading, NeedLogin, ProblemView } from '../../../components/ui.tsx';
import { api, asProblem, formatMoney, type Problem, type Product } from '../../../lib/api.ts';
import { useSession } from '../../../lib/session.tsx';

/** The seller's listed products (GET /products?sellerId=…) and a form to list a new one. */
export default function SellerProducts() {
  const { ready, user } = useSession();
  const [items, setItems] = useState<Product[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [created, setCreated] = useState<Product | null>(null);
  const [busy, setBusy] = useState(false);
  const [formKey, setFormKey] = useState(0);

  const load = useCallback(async (sellerId: string) => {
    const { data, error, response } = await api.GET('/products', {
      params: { query: { sellerId, limit: 100 } },
    });
    if (data) setItems(data.items);
    else {
      setProblem(asProblem(error, response));
      setItems((prev) => prev ?? []);
    }
  }, []);

  useEffect(() => {
    if (ready && user?.role === 'seller') void load(user.sub);
  }, [ready, user, load]);

  async function create(fields: ProductFields) {
    if (!user) return;
    setBusy(true);
    setProblem(null);
    const { data, error, response } = await api.POST('/products', { body: fields });
    setBusy(false);
    if (!data) return setProblem(asProblem(error, response));
    setCreated(data);
    setFormKey((k) => k + 1);
    setItems((prev) => [data, ...(prev ?? []).filter((p) => p.productId !== data.productId)]);
  }

  if (!ready) return <Loading what="your products" />;
  if (user?.role !== 'seller') return <NeedLogin forRole="seller" />;
  return (
    <>
      <h1>My products</h1>
      {items === null ? (
        <Loading what="your products" />
      ) : items.length === 0 ? (
        <Empty>
          <p>You have no listed products yet. Add one below.</p>
        </Empty>
      ) : (
        <div className="table-wrap">
          <table data-testid="seller-products">
            <thead>
              <tr>
                <th>Name</th>
                <th>Price</th>
                <th>Stock</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.productId}>
                  <td>
                    <Link href={`/products/${p.productId}`}>{p.name}</Link>
                  </td>
                  <td>{formatMoney(p.price)}</td>
                  <td>{p.stock}</td>
                  <td>
                    <Link href={`/seller/products/${p.productId}`}>Edit</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Add a product</h2>
      {!user.email_verified ? (
        <p className="muted">
          Listing products needs a verified e-mail address (log in again after verifying).
        </p>
      ) : null}
      {created ? (
        <div className="notice" data-testid="product-created">
          Listed <Link href={`/products/${created.productId}`}>{created.name}</Link>.
        </div>
      ) : null}
      <ProblemView problem={problem} />
      <ProductForm key={formKey} submitLabel="Add product" busy={busy} onSubmit={(f) => void create(f)} />
    </>
  );
}
