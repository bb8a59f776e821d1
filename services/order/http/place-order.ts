import type { components } from '@kada/contracts/openapi/order.ts';
import type { OrderPublisher } from '@kada/contracts/services/order/index.ts';
import { HttpError, PROBLEM_BASE, uuidv7 } from '@kada/service-kit';
import type { Kysely, Transaction } from 'kysely';
import type { OrderDatabase } from '../db/schema.ts';

type CreateOrderRequest = components['schemas']['CreateOrderRequest'];
/**
 * The body of POST /orders, as order.yaml's CreateOrderRequest types it, except that `confirmation` may be
 * absent: openapi-typescript types a member with a `default` as present, but validation applies no defaults.
 */
export type PlaceOrderRequest = Omit<CreateOrderRequest, 'confirmation'> & {
  confirmation?: CreateOrderRequest['confirmation'];
};

export interface PlacedOrder {
  orderId: string;
  status: 'PENDING_PAYMENT';
  /** True when an earlier request with the same Idempotency-Key already placed it. */
  replayed: boolean;
}

const MAX_QUANTITY = 1000;

/**
 * Places an order, in the caller's transaction: prices every line from order's own catalogue (the
 * client sends product ids and quantities only), stores the order PENDING_PAYMENT with its lines and
 * writes order.created to the outbox. Unknown or delisted products and mixed currencies are 422.
 */
export async function placeOrder(
  tx: Transaction<OrderDatabase>,
  publish: OrderPublisher,
  userId: string,
  request: PlaceOrderRequest,
  idempotencyKey?: string,
): Promise<PlacedOrder> {
  if (idempotencyKey !== undefined) {
    const earlier = await findIdempotentOrder(tx, userId, idempotencyKey);
    if (earlier) return { orderId: earlier, status: 'PENDING_PAYMENT', replayed: true };
  }

  const wanted = mergeLines(request.items);
  const products = new Map(
    (
      await tx
        .selectFrom('catalogue')
        .selectAll()
        .where(
          'product_id',
          'in',
          wanted.map((line) => line.productId),
        )
        .execute()
    ).map((row) => [row.product_id, row]),
  );
  const unavailable = wanted
    .filter((line) => products.get(line.productId)?.active !== 1)
    .map((l) => l.productId);
  if (unavailable.length > 0) {
    throw new HttpError(
      422,
      'Product not available',
      `${unavailable.length === 1 ? 'A product is' : `${unavailable.length} products are`} unknown or no longer listed.`,
      { type: `${PROBLEM_BASE}product-unavailable`, productIds: unavailable },
    );
  }

  const lines = wanted.map((line, index) => {
    const product = products.get(line.productId);
    if (!product) throw new Error('unreachable: product checked above');
    const unit = Number(product.price_amount);
    return {
      lineNo: index + 1,
      productId: line.productId,
      sellerId: product.seller_id,
      name: product.name,
      quantity: line.quantity,
      unitPrice: { amount: unit, currency: product.price_currency },
      lineTotal: { amount: unit * line.quantity, currency: product.price_currency },
    };
  });
  const currencies = [...new Set(lines.map((line) => line.unitPrice.currency))];
  const [currency] = currencies;
  if (currencies.length !== 1 || currency === undefined) {
    throw new HttpError(
      422,
      'Mixed currencies',
      `An order is paid in one currency; these products are priced in ${currencies.join(', ')}.`,
      { type: `${PROBLEM_BASE}mixed-currencies`, currencies },
    );
  }
  const total = { amount: lines.reduce((sum, line) => sum + line.lineTotal.amount, 0), currency };
  if (!Number.isSafeInteger(total.amount)) {
    throw new HttpError(422, 'Order too large', 'The order total is larger than can be charged.');
  }

  const orderId = uuidv7();
  const now = new Date().toISOString();
  await tx
    .insertInto('orders')
    .values({
      order_id: orderId,
      user_id: userId,
      status: 'PENDING_PAYMENT',
      total_amount: total.amount,
      total_currency: total.currency,
      payment_method_id: request.paymentMethodId,
      payment_intent_id: null,
      failure_reason: null,
      failure_detail: null,
      created_at: now,
      updated_at: now,
      erased_at: null,
    })
    .execute();
  await tx
    .insertInto('order_lines')
    .values(
      lines.map((line) => ({
        order_id: orderId,
        line_no: line.lineNo,
        product_id: line.productId,
        seller_id: line.sellerId,
        name: line.name,
        quantity: line.quantity,
        unit_amount: line.unitPrice.amount,
        currency: line.unitPrice.currency,
        line_amount: line.lineTotal.amount,
      })),
    )
    .execute();
  if (idempotencyKey !== undefined) {
    await tx
      .insertInto('order_requests')
      .values({ user_id: userId, idempotency_key: idempotencyKey, order_id: orderId, created_at: now })
      .execute();
  }
  await publish.orderCreatedV1(
    {
      orderId,
      userId,
      items: lines.map(({ lineNo: _lineNo, ...line }) => line),
      total,
      paymentMethodId: request.paymentMethodId,
      ...(request.confirmation === 'client' ? { confirmation: 'client' as const } : {}),
      createdAt: now,
    },
    { orderingKey: orderId },
  );
  return { orderId, status: 'PENDING_PAYMENT', replayed: false };
}

export async function findIdempotentOrder(
  db: Kysely<OrderDatabase>,
  userId: string,
  idempotencyKey: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('order_requests')
    .select('order_id')
    .where('user_id', '=', userId)
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  return row?.order_id;
}

/** One line per product: the same product twice is one line with the quantities added. */
function mergeLines(items: PlaceOrderRequest['items']): Array<{ productId: string; quantity: number }> {
  const merged = new Map<string, number>();
  for (const item of items) merged.set(item.productId, (merged.get(item.productId) ?? 0) + item.quantity);
  const lines = [...merged].map(([productId, quantity]) => ({ productId, quantity }));
  const tooMany = lines.filter((line) => line.quantity > MAX_QUANTITY);
  if (tooMany.length > 0) {
    throw new HttpError(
      422,
      'Quantity too large',
      `At most ${MAX_QUANTITY} units of one product per order.`,
      {
        productIds: tooMany.map((line) => line.productId),
      },
    );
  }
  return lines;
}
