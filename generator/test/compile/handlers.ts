/**
 * Compile-time checks of the emitted code, run by `pnpm typecheck`: each `@ts-expect-error`
 * below must see an error, so if the generated types stopped catching the mistake, the
 * typecheck would fail ("unused @ts-expect-error").
 */
import type { OrderCreatedV1 } from '../../../generated/events.ts';
import type { createOrderPublisher } from '../../../generated/services/order/index.ts';
import type { StockHandlers } from '../../../generated/services/stock/index.ts';

type Handler = StockHandlers['orderCreatedV1'];
const noop: Handler = async () => {};

// A missing handler does not compile.
// @ts-expect-error orderPaidV1 and the others are missing
export const missing: StockHandlers = { orderCreatedV1: noop };

// A misspelled handler does not compile.
export const misspelled: Pick<StockHandlers, 'orderCreatedV1'> = {
  orderCreatedV1: noop,
  // @ts-expect-error no such event
  orderCreatedV2: noop,
};

// A handler reads only what its own view promises: stock's view of order.created has no paymentMethodId.
export const readsUnpromised: Handler = async (event) => {
  // @ts-expect-error paymentMethodId is not in stock's view
  void event.data.paymentMethodId;
  void event.data.items[0]?.quantity;
};

// The publisher takes exactly the producer's payload.
export function publishWrong(p: ReturnType<typeof createOrderPublisher>, good: OrderCreatedV1): void {
  void p.orderCreatedV1(good);
  // @ts-expect-error amounts are integers in minor units inside Money, not strings
  void p.orderCreatedV1({ ...good, total: { amount: '12.50', currency: 'EUR' } });
}
