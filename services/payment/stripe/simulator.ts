import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import Stripe from 'stripe';

/**
 * A simulated Stripe: a small local HTTP server that speaks just enough of Stripe's API for the
 * official SDK (pointed at it with `host`/`port`/`protocol: 'http'`), and then drives the SAME
 * signed-webhook path as real Stripe: it POSTs Stripe-shaped events, signed with the webhook
 * secret, to the service's own /webhooks/stripe.
 *
 * Outcomes follow Stripe's test payment methods and card numbers: pm_card_visa (4242…) and the
 * other plain test cards succeed; pm_card_chargeDeclined (4000000000000002) declines with
 * card_declined/generic_decline, pm_card_chargeDeclinedInsufficientFunds (4000000000009995) with
 * insufficient_funds, and so on. Like Stripe, a declined `confirm: true` answers 402 with a
 * card_error carrying the PaymentIntent, and sends payment_intent.payment_failed.
 *
 * Endpoints: POST /v1/payment_intents, GET /v1/payment_intents (a page of `limit` ≤ 100 after
 * `starting_after`, oldest first here), GET /v1/payment_intents/:id, POST /v1/payment_intents/:id/confirm,
 * POST /v1/payment_intents/:id/cancel, POST /v1/refunds. Idempotency-Key replays the first answer, as Stripe does.
 */

/** A request as the simulator saw it (tests assert on what the SDK really sent). */
export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  params: Record<string, unknown>;
}

export interface SimulatedStripeOptions {
  webhookSecret: string;
  /** Where to POST events; deliveries wait until one is set (see `setWebhookUrl`). */
  webhookUrl?: string;
  log?: Logger;
  /** Delay before the first delivery of an event (default 20 ms), like Stripe's asynchronous webhooks. */
  webhookDelayMs?: number;
  /** Deliveries of one event before giving up (default 8, backoff doubling from 200 ms). */
  maxDeliveryAttempts?: number;
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
}

export interface SimulatedStripe {
  readonly host: string;
  readonly port: number;
  /** SDK options that point `new Stripe(key, options)` at this server. */
  readonly sdkOptions: { host: string; port: number; protocol: 'http' };
  readonly requests: RecordedRequest[];
  /** Every event generated, delivered or not. */
  readonly events: Stripe.Event[];
  setWebhookUrl(url: string): void;
  /** Resolves when no webhook delivery is pending. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

interface Outcome {
  /** null: the card is charged. */
  decline: { code: string; declineCode: string | null; message: string } | null;
}

const DECLINES: Record<string, Outcome['decline']> = {
  generic_decline: {
    code: 'card_declined',
    declineCode: 'generic_decline',
    message: 'Your card was declined.',
  },
  insufficient_funds: {
    code: 'card_declined',
    declineCode: 'insufficient_funds',
    message: 'Your card has insufficient funds.',
  },
  lost_card: { code: 'card_declined', declineCode: 'lost_card', message: 'Your card was declined.' },
  stolen_card: { code: 'card_declined', declineCode: 'stolen_card', message: 'Your card was declined.' },
  expired_card: { code: 'expired_card', declineCode: 'expired_card', message: 'Your card has expired.' },
  incorrect_cvc: {
    code: 'incorrect_cvc',
    declineCode: 'incorrect_cvc',
    message: "Your card's security code is incorrect.",
  },
  processing_error: {
    code: 'processing_error',
    declineCode: null,
    message: 'An error occurred while processing your card. Try again in a little bit.',
  },
};

/** Stripe's test PaymentMethods. */
const PAYMENT_METHODS: Record<string, Outcome['decline']> = {
  pm_card_visa: null,
  pm_card_visa_debit: null,
  pm_card_mastercard: null,
  pm_card_mastercard_debit: null,
  pm_card_amex: null,
  pm_card_discover: null,
  pm_card_jcb: null,
  pm_card_unionpay: null,
  pm_card_chargeDeclined: DECLINES.generic_decline ?? null,
  pm_card_chargeDeclinedInsufficientFunds: DECLINES.insufficient_funds ?? null,
  pm_card_chargeDeclinedLostCard: DECLINES.lost_card ?? null,
  pm_card_chargeDeclinedStolenCard: DECLINES.stolen_card ?? null,
  pm_card_chargeDeclinedExpiredCard: DECLINES.expired_card ?? null,
  pm_card_chargeDeclinedIncorrectCvc: DECLINES.incorrect_cvc ?? null,
  pm_card_chargeDeclinedProcessingError: DECLINES.processing_error ?? null,
};

/** Stripe's test card numbers (payment_method_data[card][number]). */
const CARD_NUMBERS: Record<string, Outcome['decline']> = {
  '4242424242424242': null,
  '4000056655665556': null,
  '5555555555554444': null,
  '4000000000000002': DECLINES.generic_decline ?? null,
  '4000000000009995': DECLINES.insufficient_funds ?? null,
  '4000000000009987': DECLINES.lost_card ?? null,
  '4000000000009979': DECLINES.stolen_card ?? null,
  '4000000000000069': DECLINES.expired_card ?? null,
  '4000000000000127': DECLINES.incorrect_cvc ?? null,
  '4000000000000119': DECLINES.processing_error ?? null,
};

class ApiError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;

  constructor(status: number, body: Record<string, unknown>) {
    super(String(body.message ?? 'error'));
    this.status = status;
    this.body = body;
  }
}

function id(prefix: string): string {
  return `${prefix}_sim${randomBytes(12).toString('hex')}`;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export async function startSimulatedStripe(options: SimulatedStripeOptions): Promise<SimulatedStripe> {
  const log = options.log;
  const requests: RecordedRequest[] = [];
  const events: Stripe.Event[] = [];
  const intents = new Map<string, Record<string, unknown>>();
  const replies = new Map<string, { status: number; body: unknown }>();
  const waiting: Array<() => void> = [];
  let webhookUrl = options.webhookUrl;
  let pendingDeliveries = 0;
  const heldEvents: Stripe.Event[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  const settle = (): void => {
    if (pendingDeliveries === 0 && heldEvents.length === 0)
      for (const resolve of waiting.splice(0)) resolve();
  };

  function emit(type: string, object: Record<string, unknown>, idempotencyKey: string | undefined): void {
    const event = {
      id: id('evt'),
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: nowSeconds(),
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: id('req'), idempotency_key: idempotencyKey ?? null },
      type,
    } as unknown as Stripe.Event;
    events.push(event);
    if (webhookUrl === undefined) heldEvents.push(event);
    else schedule(event, 1, options.webhookDelayMs ?? 20);
  }

  function schedule(event: Stripe.Event, attempt: number, delayMs: number): void {
    pendingDeliveries += 1;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void deliver(event, attempt).finally(() => {
        pendingDeliveries -= 1;
        settle();
      });
    }, delayMs);
    timers.add(timer);
  }

  async function deliver(event: Stripe.Event, attempt: number): Promise<void> {
    if (closed || webhookUrl === undefined) return;
    const payload = JSON.stringify(event, null, 2);
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: options.webhookSecret });
    let failure: string;
    try {
      const res = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
        body: payload,
      });
      await res.arrayBuffer();
      if (res.ok) return;
      failure = `HTTP ${res.status}`;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    const max = options.maxDeliveryAttempts ?? 8;
    if (closed) return;
    if (attempt >= max) {
      log?.error(
        { stripeEvent: event.id, type: event.type, failure },
        'simulated Stripe gave up delivering a webhook',
      );
      return;
    }
    log?.warn(
      { stripeEvent: event.id, type: event.type, failure, attempt },
      'webhook delivery failed; retrying',
    );
    schedule(event, attempt + 1, 200 * 2 ** (attempt - 1));
  }

  function outcomeOf(params: Record<string, unknown>): Outcome {
    const data = params.payment_method_data as { card?: { number?: string } } | undefined;
    const number = data?.card?.number?.replace(/\s/g, '');
    if (number !== undefined) {
      if (number in CARD_NUMBERS) return { decline: CARD_NUMBERS[number] ?? null };
      throw invalidRequest(
        'incorrect_number',
        'Your card number is incorrect.',
        'payment_method_data[card][number]',
      );
    }
    const pm = params.payment_method;
    if (typeof pm !== 'string') {
      throw invalidRequest(
        'parameter_missing',
        'You must provide a payment_method to confirm this PaymentIntent.',
        'payment_method',
      );
    }
    if (pm in PAYMENT_METHODS) return { decline: PAYMENT_METHODS[pm] ?? null };
    throw invalidRequest('resource_missing', `No such PaymentMethod: '${pm}'`, 'payment_method');
  }

  function createIntent(params: Record<string, unknown>, idempotencyKey: string | undefined) {
    const amount = Number(params.amount);
    if (!Number.isInteger(amount) || amount < 1)
      throw invalidRequest('parameter_invalid_integer', 'Invalid integer', 'amount');
    const currency = String(params.currency ?? '').toLowerCase();
    if (!/^[a-z]{3}$/.test(currency))
      throw invalidRequest('parameter_missing', 'Missing required param: currency.', 'currency');
    const confirm = params.confirm === 'true';
    const outcome = confirm ? outcomeOf(params) : { decline: null };
    const pm = typeof params.payment_method === 'string' ? params.payment_method : id('pm');
    const intent: Record<string, unknown> = {
      id: id('pi'),
      object: 'payment_intent',
      amount,
      amount_capturable: 0,
      amount_received: 0,
      canceled_at: null,
      cancellation_reason: null,
      capture_method: 'automatic',
      client_secret: `${id('pi')}_secret_${randomBytes(8).toString('hex')}`,
      confirmation_method: 'automatic',
      created: nowSeconds(),
      currency,
      last_payment_error: null,
      latest_charge: null,
      livemode: false,
      metadata: (params.metadata as Record<string, string> | undefined) ?? {},
      payment_method: pm,
      payment_method_types: ['card'],
      status: 'requires_confirmation',
    };
    intents.set(intent.id as string, intent);
    if (!confirm) return { status: 200, body: intent };
    return charge(intent, outcome, idempotencyKey);
  }

  /**
   * POST /v1/payment_intents/:id/confirm: what Stripe.js's confirmCardPayment does in the browser.
   * The card comes from payment_method_data (a test card number) or payment_method, else the one the
   * intent was created with.
   */
  function confirmIntent(
    intentId: string,
    params: Record<string, unknown>,
    idempotencyKey: string | undefined,
  ) {
    const intent = intentOr404(intentId);
    if (intent.status !== 'requires_confirmation' && intent.status !== 'requires_payment_method') {
      throw invalidRequest(
        'payment_intent_unexpected_state',
        `This PaymentIntent's status is ${String(intent.status)}; it cannot be confirmed.`,
        undefined,
      );
    }
    const outcome = outcomeOf(
      params.payment_method_data === undefined && params.payment_method === undefined
        ? { ...params, payment_method: intent.payment_method }
        : params,
    );
    if (typeof params.payment_method === 'string') intent.payment_method = params.payment_method;
    return charge(intent, outcome, idempotencyKey);
  }

  /** Charges a confirmed intent: succeeded, or declined (402 card_error); the webhook follows either way. */
  function charge(intent: Record<string, unknown>, outcome: Outcome, idempotencyKey: string | undefined) {
    const amount = Number(intent.amount);
    const pm = String(intent.payment_method);
    if (outcome.decline === null) {
      intent.status = 'succeeded';
      intent.amount_received = amount;
      intent.latest_charge = id('ch');
      emit('payment_intent.succeeded', intent, idempotencyKey);
      return { status: 200, body: intent };
    }
    const { code, declineCode, message } = outcome.decline;
    const charge = id('ch');
    intent.status = 'requires_payment_method';
    intent.latest_charge = charge;
    intent.last_payment_error = {
      type: 'card_error',
      code,
      ...(declineCode ? { decline_code: declineCode } : {}),
      message,
      charge,
      payment_method: { id: pm, object: 'payment_method', type: 'card' },
    };
    emit('payment_intent.payment_failed', intent, idempotencyKey);
    return {
      status: 402,
      body: {
        error: {
          type: 'card_error',
          code,
          ...(declineCode ? { decline_code: declineCode } : {}),
          message,
          charge,
          payment_intent: intent,
          request_log_url: 'http://127.0.0.1/simulated',
        },
      },
    };
  }

  function intentOr404(intentId: string): Record<string, unknown> {
    const intent = intents.get(intentId);
    if (!intent)
      throw new ApiError(
        404,
        invalidBody('resource_missing', `No such payment_intent: '${intentId}'`, 'intent'),
      );
    return intent;
  }

  function cancelIntent(
    intentId: string,
    params: Record<string, unknown>,
    idempotencyKey: string | undefined,
  ) {
    const intent = intentOr404(intentId);
    if (intent.status === 'succeeded' || intent.status === 'canceled') {
      throw invalidRequest(
        'payment_intent_unexpected_state',
        `You cannot cancel this PaymentIntent because it has a status of ${String(intent.status)}.`,
        undefined,
      );
    }
    intent.status = 'canceled';
    intent.canceled_at = nowSeconds();
    intent.cancellation_reason = params.cancellation_reason ?? null;
    emit('payment_intent.canceled', intent, idempotencyKey);
    return { status: 200, body: intent };
  }

  function refund(params: Record<string, unknown>, idempotencyKey: string | undefined) {
    const intent = intentOr404(String(params.payment_intent ?? ''));
    if (intent.status !== 'succeeded') {
      throw invalidRequest(
        'charge_not_refundable',
        'This PaymentIntent has no successful charge to refund.',
        undefined,
      );
    }
    const amount = params.amount === undefined ? Number(intent.amount) : Number(params.amount);
    const charge = {
      id: intent.latest_charge,
      object: 'charge',
      amount: intent.amount,
      amount_captured: intent.amount,
      amount_refunded: amount,
      captured: true,
      created: intent.created,
      currency: intent.currency,
      metadata: intent.metadata,
      paid: true,
      payment_intent: intent.id,
      refunded: amount >= Number(intent.amount),
      status: 'succeeded',
    };
    emit('charge.refunded', charge, idempotencyKey);
    return {
      status: 200,
      body: {
        id: id('re'),
        object: 'refund',
        amount,
        charge: intent.latest_charge,
        created: nowSeconds(),
        currency: intent.currency,
        metadata: {},
        payment_intent: intent.id,
        reason: params.reason ?? null,
        status: 'succeeded',
      },
    };
  }

  /** Stripe's list object; a page of at most 100 (the fault test counts charges per order with it). */
  function listIntents(params: Record<string, unknown>) {
    const limit = Math.min(100, Math.max(1, Number(params.limit ?? 10) || 10));
    const all = [...intents.values()];
    const after = typeof params.starting_after === 'string' ? params.starting_after : undefined;
    const from = after === undefined ? 0 : all.findIndex((i) => i.id === after) + 1;
    const data = all.slice(from, from + limit);
    return { object: 'list', url: '/v1/payment_intents', has_more: from + limit < all.length, data };
  }

  function route(method: string, path: string, params: Record<string, unknown>, key: string | undefined) {
    if (method === 'POST' && path === '/v1/payment_intents') return createIntent(params, key);
    if (method === 'POST' && path === '/v1/refunds') return refund(params, key);
    if (method === 'GET' && path === '/v1/payment_intents') return { status: 200, body: listIntents(params) };
    const confirm = /^\/v1\/payment_intents\/([^/]+)\/confirm$/.exec(path);
    if (method === 'POST' && confirm?.[1]) return confirmIntent(confirm[1], params, key);
    const cancel = /^\/v1\/payment_intents\/([^/]+)\/cancel$/.exec(path);
    if (method === 'POST' && cancel?.[1]) return cancelIntent(cancel[1], params, key);
    const get = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
    if (method === 'GET' && get?.[1]) return { status: 200, body: intentOr404(get[1]) };
    throw new ApiError(
      404,
      invalidBody('resource_missing', `Unrecognized request URL (${method}: ${path}).`, undefined),
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    const params = parseForm(req.method === 'GET' ? url.searchParams.toString() : raw);
    const idempotencyKey = header(req, 'idempotency-key');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, idempotencyKey, params });
    const send = (status: number, body: unknown, replayed = false): void => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'request-id': id('req'),
        'stripe-version': Stripe.API_VERSION,
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
      });
      res.end(JSON.stringify(body));
    };
    if (!/^Bearer sk_(test|live)_/.test(header(req, 'authorization') ?? '')) {
      send(401, invalidBody(undefined, 'Invalid API Key provided.', undefined, 'invalid_request_error'));
      return;
    }
    const replayKey =
      idempotencyKey === undefined ? undefined : `${req.method} ${url.pathname} ${idempotencyKey}`;
    const earlier = replayKey === undefined ? undefined : replies.get(replayKey);
    if (earlier) {
      send(earlier.status, earlier.body, true);
      return;
    }
    let reply: { status: number; body: unknown };
    try {
      reply = route(req.method ?? 'GET', url.pathname, params, idempotencyKey);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      reply = { status: error.status, body: error.body };
    }
    if (replayKey !== undefined) replies.set(replayKey, reply);
    send(reply.status, reply.body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log?.error({ err: error }, 'simulated Stripe failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'api_error', message: 'simulated Stripe failed' } }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    sdkOptions: { host: '127.0.0.1', port, protocol: 'http' },
    requests,
    events,
    setWebhookUrl(url: string) {
      webhookUrl = url;
      for (const event of heldEvents.splice(0)) schedule(event, 1, options.webhookDelayMs ?? 20);
    },
    idle() {
      if (pendingDeliveries === 0 && heldEvents.length === 0) return Promise.resolve();
      return new Promise((resolve) => waiting.push(resolve));
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      pendingDeliveries = 0;
      heldEvents.length = 0;
      settle();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function invalidBody(
  code: string | undefined,
  message: string,
  param: string | undefined,
  type = 'invalid_request_error',
): Record<string, unknown> {
  return { error: { type, ...(code ? { code } : {}), message, ...(param ? { param } : {}) } };
}

function invalidRequest(code: string, message: string, param: string | undefined): ApiError {
  return new ApiError(400, invalidBody(code, message, param));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Keys that would reach Object.prototype (or a constructor) instead of a plain member. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Stripe's form encoding: `metadata[orderId]=…`, `payment_method_types[0]=card`,
 * `payment_method_data[card][number]=…` become nested objects and arrays. A pair whose key names
 * `__proto__`, `constructor` or `prototype` at any depth is dropped (prototype pollution).
 */
export function parseForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.split(/[[\]]+/).filter((part) => part !== '');
    if (path.some((part) => UNSAFE_KEYS.has(part))) continue;
    let node = root;
    for (const [index, part] of path.entries()) {
      if (index === path.length - 1) {
        node[part] = value;
        break;
      }
      if (!Object.hasOwn(node, part)) node[part] = /^\d+$/.test(path[index + 1] ?? '') ? [] : {};
      const child = node[part];
      // `a=1&a[b]=2`: the scalar stays; the nested pair has nowhere to go.
      if (typeof child !== 'object' || child === null) break;
      node = child as Record<string, unknown>;
    }
  }
  return root;
}
