/** A product as a seller lists it (POST /products body), shared by the product tests. */
export const sarong = {
  name: 'Batik sarong',
  description: 'Hand-dyed cotton batik sarong from Kandy.',
  category: 'handicrafts',
  price: { amount: 2499, currency: 'USD' },
  stock: 40,
};
