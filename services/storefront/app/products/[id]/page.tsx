'use client';
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { Loading, ProblemView } from '../../../components/ui.tsx';
import { api, asProblem, formatMoney, type Problem, type Product } from '../../../lib/api.ts';
import { useSession } from '../../../lib/session.tsx';

export default function ProductPage() {
  const { id } = useParams<{ id: string }>();
  const { addToCart, user } = useSession();
  const [product, setProduct] = useState<Product | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState(false);

  useEffect(() => {
    void api
      .GET('/products/{productId}', { params: { path: { productId: id } } })
      .then(({ data, error, response }) => {
        if (data) setProduct(data);
        else setProblem(asProblem(error, response));
      });
  }, [id]);

  if (problem) return <ProblemView problem={problem} />;
  if (!product) return <Loading what="the product" />;
  return (
    <div className="card">
      <h1>{product.name}</h1>
      <p className="price">{formatMoney(product.price)}</p>
      <p className="muted">
        {product.category} · {product.stock > 0 ? `${product.stock} in stock` : 'Out of stock'}
        {product.active ? '' : ' · no longer listed'}
      </p>
      {product.description ? <p style={{ whiteSpace: 'pre-wrap' }}>{product.description}</p> : null}
      {user?.role === 'seller' ? (
        <p className="muted">Sellers cannot buy; log in as a buyer to order.</p>
      ) : (
        <div className="row">
          <label>
            Quantity
            <input
              type="number"
              min={1}
              max={1000}
              value={quantity}
              onChange={(e) => setQuantity(Math.max(1, Math.min(1000, Number(e.target.value) || 1)))}
              style={{ width: '6rem' }}
            />
          </label>
          <button
            type="button"
            disabled={!product.active}
            onClick={() => {
              addToCart(product, quantity);
              setAdded(true);
            }}
          >
            Add to cart
          </button>
          {added ? (
            <span className="notice">
              Added. <Link href="/cart">Go to the cart</Link>
            </span>
          ) : null}
        </div>
      )}
    </div>
  );
}
