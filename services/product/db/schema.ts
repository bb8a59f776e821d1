/**
 * The product service's table. Money is integer minor units + ISO 4217 code (bigint comes back
 * as a string from PostgreSQL: read it with Number()); timestamps ISO 8601 text; booleans 0/1.
 */
export interface ProductsTable {
  product_id: string;
  seller_id: string;
  name: string;
  description: string;
  /** Category slug, e.g. handicrafts. */
  category: string;
  price_amount: number | string;
  price_currency: string;
  /** Units the seller declares available. */
  stock: number;
  active: number;
  created_at: string;
  updated_at: string;
}

export interface ProductDatabase {
  products: ProductsTable;
}
