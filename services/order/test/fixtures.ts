// The product events the order service keeps its catalogue from, as its tests send them.

/** product.created's data as the product service sends it: a product of this seller at this price. */
export function productCreated(productId: string, sellerId: string, amount: number, currency = 'USD') {
  return {
    productId,
    sellerId,
    name: `Product ${productId.slice(0, 4)}`,
    description: '',
    category: 'handicrafts',
    price: { amount, currency },
    stock: 10,
    createdAt: '2025-06-01T10:00:00.000Z',
  };
}

/** product.updated's data: the product at a new price (or delisted) as of `updatedAt`. */
export function productUpdated(
  productId: string,
  sellerId: string,
  amount: number,
  updatedAt: string,
  active = true,
) {
  return {
    productId,
    sellerId,
    name: `Product ${productId.slice(0, 4)}`,
    category: 'handicrafts',
    price: { amount, currency: 'USD' },
    stock: 10,
    active,
    updatedAt,
  };
}
