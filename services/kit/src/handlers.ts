/**
 * One shape for handlers: each file exports a typed constant, and a service's handlers/index.ts
 * gathers them in an object checked against the generated interface. A handler that needs more than
 * its context (a Stripe client, delivery providers) takes it as a third argument, typed by
 * `HandlersWithDeps`, and `withDeps` binds it once in main.ts:
 *
 *   export const stockReservedV1: PaymentHandlersWithDeps['stockReservedV1'] = async (event, ctx, { stripe }) => …
 *   registerPaymentConsumers(rt, withDeps<PaymentHandlers<PaymentDatabase>, PaymentDeps>(paymentHandlers, { stripe }))
 */
// biome-ignore lint/suspicious/noExplicitAny: any handler's event and context, for the mapped type below
type AnyHandler = (event: any, ctx: any) => Promise<void>;

/** The generated handlers interface `H`, each handler also given the service's dependencies `D`. */
export type HandlersWithDeps<H extends { [K in keyof H]: AnyHandler }, D> = {
  [K in keyof H]: (event: Parameters<H[K]>[0], ctx: Parameters<H[K]>[1], deps: D) => Promise<void>;
};

/** The handlers of the generated interface, with `deps` bound. */
export function withDeps<H extends { [K in keyof H]: AnyHandler }, D>(
  handlers: HandlersWithDeps<H, D>,
  deps: D,
): H {
  const bound: Partial<Record<keyof H, AnyHandler>> = {};
  for (const name of Object.keys(handlers) as Array<keyof H>) {
    const handler = handlers[name];
    bound[name] = (event, ctx) => handler(event, ctx, deps);
  }
  return bound as H;
}
