/**
 * What the checkout load runs share (`bench-checkout.ts`, `chaos.ts`): verified accounts, placing an
 * order through the gateway, and the stock balance check.
 */
import { randomUUID } from 'node:crypto';
import { createGatewayClient } from '@kada/contracts/openapi/gateway.client.ts';
import { type Http, until, verifyFromMail } from './demo.ts';

/** Registers an account, confirms its address from the dev mail outbox (ordering and listing need it), logs in; its bearer token. */
export async function verifiedAccount(
  http: Http,
  mailDir: string,
  role: 'buyer' | 'seller',
  label = 'load',
): Promise<string> {
  const email = `${label}-${role}-${randomUUID().slice(0, 8)}@example.com`;
  const password = `pw-${randomUUID()}`;
  await http.ok('POST', '/auth/register', { email, password, name: `${label} ${role}`, role });
  await verifyFromMail(createGatewayClient(http.base), mailDir, email, 60_000);
  return (await http.ok('POST', '/auth/login', { email, password })).accessToken as string;
}

/**
 * POST /orders for one unit of `product`; 422 (the order service has not heard of the product yet)
 * is waited out. Returns the order id.
 */
export async function placeOrder(
  http: Http,
  buyer: string,
  product: string,
  options: { paymentMethodId?: string; idempotencyKey?: string; timeoutMs?: number } = {},
): Promise<string> {
  const r = await until('the order service to know the product', options.timeoutMs ?? 60_000, async () => {
    const x = await http.call(
      'POST',
      '/orders',
      {
        items: [{ productId: product, quantity: 1 }],
        paymentMethodId: options.paymentMethodId ?? 'pm_card_visa',
      },
      buyer,
      options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {},
    );
    if (x.status === 202 || x.status === 200) return x;
    if (x.status !== 422) throw new HttpStatusError('POST /orders', x.status, x.json);
    return undefined;
  });
  return r.json.orderId as string;
}

export class HttpStatusError extends Error {
  readonly status: number;
  constructor(what: string, status: number, body: unknown) {
    super(`${what} -> ${status} ${JSON.stringify(body)}`);
    this.status = status;
  }
}

/**
 * Stock balances per product: nothing left reserved, sold = the paid units, available = initial -
 * sold. Waits up to `timeoutMs` for stock to settle (it commits on order.paid asynchronously);
 * returns what is still off (empty when balanced).
 */
export async function stockIssues(
  query: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>,
  initial: ReadonlyMap<string, number>,
  paidPerProduct: ReadonlyMap<string, number>,
  timeoutMs = 30_000,
): Promise<string[]> {
  const issues: string[] = [];
  await until('stock to settle', timeoutMs, async () => {
    issues.length = 0;
    for (const [product, start] of initial) {
      const rows = await query('select available, reserved, sold from stock_levels where product_id = $1', [
        product,
      ]);
      const row = rows[0];
      const sold = paidPerProduct.get(product) ?? 0;
      if (
        !row ||
        Number(row.reserved) !== 0 ||
        Number(row.sold) !== sold ||
        Number(row.available) !== start - sold
      )
        issues.push(`${product}: ${JSON.stringify(row)} expected sold=${sold} of ${start}`);
    }
    return issues.length === 0 ? true : undefined;
  }).catch(() => undefined);
  return issues;
}
