'use client';
import Link from 'next/link';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Empty, Loading, ProblemView } from '../components/ui.tsx';
import { api, asProblem, formatMoney, type Problem, type Product } from '../lib/api.ts';

/** Browse and search the catalogue (GET /products: newest first, a page at a time). */
export default function ShopPage() {
  const [query, setQuery] = useState('');
  const [category, setCategory] = useState('');
  const [items, setItems] = useState<Product[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async (q: string, cat: string, after: string | null) => {
    setBusy(true);
    setProblem(null);
    const { data, error, response } = await api.GET('/products', {
      params: {
        query: {
          limit: 24,
          ...(q ? { q } : {}),
          ...(cat ? { category: cat } : {}),
          ...(after ? { cursor: after } : {}),
        },
      },
    });
    setBusy(false);
    if (!data) {
      setProblem(asProblem(error, response));
      setItems((prev) => prev ?? []);
      return;
    }
    setItems((prev) => (after && prev ? [...prev, ...data.items] : data.items));
    setCursor(data.nextCursor);
  }, []);

  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    const q = params.get('q') ?? '';
    const cat = params.get('category') ?? '';
    setQuery(q);
    setCategory(cat);
    void load(q, cat, null);
  }, [load]);

  function search(event: FormEvent) {
    event.preventDefault();
    const params = new URLSearchParams();
    if (query) params.set('q', query);
    if (category) params.set('category', category);
    window.history.replaceState(null, '', params.size ? `/?${params}` : '/');
    void load(query, category, null);
  }

  return (
    <>
      <h1>Shop</h1>
      <form className="row card" onSubmit={search}>
        <input
          type="search"
          name="q"
          placeholder="Search products"
          aria-label="Search products"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          maxLength={200}
          style={{ flex: '1 1 12rem' }}
        />
        <input
          name="category"
          placeholder="Category (slug)"
          aria-label="Category"
          value={category}
          onChange={(e) => setCategory(e.target.value)}
          maxLength={100}
          style={{ flex: '0 1 10rem' }}
        />
        <button type="submit" disabled={busy}>
          Search
        </button>
      </form>
      <ProblemView problem={problem} />
      {items === null ? (
        <Loading what="products" />
      ) : items.length === 0 ? (
        <Empty>
          <p>No products {query || category ? 'match your search' : 'yet'}.</p>
        </Empty>
      ) : (
        <div className="grid" data-testid="products">
          {items.map((p) => (
            <div className="card" key={p.productId} data-testid="product-card">
              <Link href={`/products/${p.productId}`}>
                <strong>{p.name}</strong>
              </Link>
              <span className="muted">{p.category}</span>
              <span className="price">{formatMoney(p.price)}</span>
              <span className="muted">{p.stock > 0 ? `${p.stock} in stock` : 'Out of stock'}</span>
            </div>
          ))}
        </div>
      )}
      {cursor ? (
        <p>
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => void load(query, category, cursor)}
          >
            More products
          </button>
        </p>
      ) : null}
    </>
  );
}
