'use client';
import Link from 'next/link';
import { useParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { type ProductFields, ProductForm } from '../../../../components/product-form.tsx';
import { Loading, NeedLogin, ProblemView } from '../../../../components/ui.tsx';
import { api, asProblem, type Problem, type Product } from '../../../../lib/api.ts';
import { useSession } from '../../../../lib/session.tsx';

export default function EditProduct() {
  const { id } = useParams<{ id: string }>();
  const { ready, user } = useSession();
  const [product, setProduct] = useState<Product | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void api
      .GET('/products/{productId}', { params: { path: { productId: id } } })
      .then(({ data, error, response }) => {
        if (data) setProduct(data);
        else setProblem(asProblem(error, response));
      });
  }, [id]);

  async function save(fields: ProductFields) {
    setBusy(true);
    setSaved(false);
    setProblem(null);
    const { data, error, response } = await api.PATCH('/products/{productId}', {
      params: { path: { productId: id } },
      body: fields,
    });
    setBusy(false);
    if (!data) return setProblem(asProblem(error, response));
    setProduct(data);
    setSaved(true);
  }

  if (!ready) return <Loading what="the product" />;
  if (user?.role !== 'seller') return <NeedLogin forRole="seller" />;
  return (
    <>
      <h1>Edit product</h1>
      <ProblemView problem={problem} />
      {saved ? <div className="notice">Saved.</div> : null}
      {product ? (
        <ProductForm
          key={product.updatedAt}
          product={product}
          submitLabel="Save"
          busy={busy}
          onSubmit={(f) => void save(f)}
        />
      ) : problem ? null : (
        <Loading what="the product" />
      )}
      <Link href="/seller/products">Back to my products</Link>
    </>
  );
}
