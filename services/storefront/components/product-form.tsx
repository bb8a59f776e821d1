'use client';
import { type FormEvent, useState } from 'react';
import type { Product, Schemas } from '../lib/api.ts';

export type ProductFields = Schemas['CreateProductRequest'] & { active?: boolean };

/** Name, description, category, price (in the currency's units, sent as cents) and stock. */
export function ProductForm({
  product,
  submitLabel,
  busy,
  onSubmit,
}: {
  product?: Product;
  submitLabel: string;
  busy: boolean;
  onSubmit(fields: ProductFields): void;
}) {
  const [price, setPrice] = useState(product ? (product.price.amount / 100).toFixed(2) : '');
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    onSubmit({
      name: String(form.get('name')).trim(),
      description: String(form.get('description') ?? ''),
      category: String(form.get('category')).trim(),
      price: { amount: Math.round(Number(price) * 100), currency: String(form.get('currency') || 'USD') },
      stock: Number(form.get('stock')),
      ...(product ? { active: form.get('active') === 'on' } : {}),
    });
  }
  return (
    <form className="card stack" onSubmit={submit}>
      <label>
        Name
        <input name="name" required maxLength={200} defaultValue={product?.name} />
      </label>
      <label>
        Description
        <textarea name="description" maxLength={5000} rows={3} defaultValue={product?.description} />
      </label>
      <label>
        Category (lowercase words joined by -)
        <input name="category" required maxLength={100} defaultValue={product?.category} placeholder="tea" />
      </label>
      <div className="row">
        <label>
          Price
          <input
            name="price"
            inputMode="decimal"
            required
            value={price}
            onChange={(e) => setPrice(e.target.value)}
            pattern="[0-9]+(\.[0-9]{1,2})?"
            style={{ width: '8rem' }}
          />
        </label>
        <label>
          Currency
          <input
            name="currency"
            defaultValue={product?.price.currency ?? 'USD'}
            maxLength={3}
            style={{ width: '5rem' }}
          />
        </label>
        <label>
          Stock
          <input
            name="stock"
            type="number"
            min={0}
            required
            defaultValue={product?.stock ?? 10}
            style={{ width: '6rem' }}
          />
        </label>
      </div>
      {product ? (
        <label style={{ flexDirection: 'row', alignItems: 'center' }}>
          <input name="active" type="checkbox" defaultChecked={product.active} /> Listed in the shop
        </label>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : submitLabel}
      </button>
    </form>
  );
}
