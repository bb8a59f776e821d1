/**
 * A small spec set built in the test, so each case states the contract it changes:
 * `shop` sends order.created in the given major versions; each consumer document receives one.
 *
 *   fixtureSpecs({ versions: [1, 2], consumers: [{ service: 'legacy', version: 1 }, { service: 'modern', version: 2 }] })
 *   -> { 'shop.yaml': …, 'legacy.yaml': …, 'modern.yaml': …, 'common/envelope.yaml': … }
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';

const here = dirname(new URL(import.meta.url).pathname);
export const REPO = resolve(here, '../../..');
export const CLI = join(REPO, 'generator/src/cli.ts');
export const CACHE_DIR = join(REPO, 'node_modules/.cache/kada-gen');

export const V1_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['orderId', 'total'],
  properties: {
    orderId: { type: 'string', minLength: 1 },
    total: { type: 'integer', minimum: 0, description: 'Minor units.' },
  },
};

/** v1 with `total` an amount and a currency. */
export const V2_SCHEMA = {
  ...V1_SCHEMA,
  properties: {
    orderId: { type: 'string', minLength: 1 },
    total: {
      type: 'object',
      additionalProperties: false,
      required: ['amount', 'currency'],
      properties: {
        amount: { type: 'integer', minimum: 0 },
        currency: { type: 'string', pattern: '^[A-Z]{3}$' },
      },
    },
  },
};

export interface FixtureConsumer {
  readonly service: string;
  readonly version: number;
  readonly queue?: string;
  readonly deadLetter?: boolean;
  readonly maxRetries?: number;
  /** Routing key the consumer binds (default: the event's). */
  readonly address?: string;
  /** A view declared in the consumer's own document instead of a $ref to shop.yaml. */
  readonly view?: unknown;
}

export interface FixtureOptions {
  readonly exchange?: string;
  readonly versions?: readonly number[];
  readonly schemas?: Readonly<Record<number, unknown>>;
  readonly mode?: string;
  /** Routing key of each version (default order.created.v<N>). */
  readonly addresses?: Readonly<Record<number, string>>;
  readonly consumers?: readonly FixtureConsumer[];
  /** false: messages travel without the shared envelope. */
  readonly envelope?: boolean;
  /** Service id of the producing document (default shop). */
  readonly producer?: string;
  /** x-kada-event.deprecated of each version. */
  readonly deprecated?: Readonly<Record<number, string>>;
  /** Event name of each version (default order.created). */
  readonly eventTypes?: Readonly<Record<number, string>>;
  /** The messages' contentType (default: none, i.e. application/json). */
  readonly contentType?: string;
  /** The exchange type (default topic). */
  readonly exchangeType?: string;
  /** x-kada-event.openContent of every version. */
  readonly openContent?: string;
}

const amqp = (exchange: string, type = 'topic') => ({
  amqp: { is: 'routingKey', exchange: { name: exchange, type, durable: true } },
});

export function fixtureSpecs(o: FixtureOptions = {}): Record<string, string> {
  const exchange = o.exchange ?? 'domain.events';
  const versions = o.versions ?? [1];
  const schemaOf = (v: number) => o.schemas?.[v] ?? (v === 1 ? V1_SCHEMA : V2_SCHEMA);
  const shop = {
    asyncapi: '3.0.0',
    info: { title: 'Shop', version: '1.0.0', 'x-kada-service': o.producer ?? 'shop' },
    channels: Object.fromEntries(
      versions.map((v) => [
        `orderCreatedV${v}`,
        {
          address: o.addresses?.[v] ?? `order.created.v${v}`,
          messages: { [`OrderCreatedV${v}`]: { $ref: `#/components/messages/OrderCreatedV${v}` } },
          bindings: amqp(exchange, o.exchangeType),
        },
      ]),
    ),
    operations: Object.fromEntries(
      versions.map((v) => [
        `sendOrderCreatedV${v}`,
        {
          action: 'send',
          channel: { $ref: `#/channels/orderCreatedV${v}` },
          messages: [{ $ref: `#/channels/orderCreatedV${v}/messages/OrderCreatedV${v}` }],
        },
      ]),
    ),
    components: {
      messages: Object.fromEntries(
        versions.map((v) => [
          `OrderCreatedV${v}`,
          {
            name: 'order.created',
            title: `Order created v${v}`,
            ...(o.envelope === false
              ? {}
              : { traits: [{ $ref: './common/envelope.yaml#/components/messageTraits/Envelope' }] }),
            ...(o.contentType ? { contentType: o.contentType } : {}),
            'x-kada-event': {
              type: o.eventTypes?.[v] ?? 'order.created',
              version: v,
              compatibility: o.mode ?? 'full',
              ...(o.deprecated?.[v] ? { deprecated: o.deprecated[v] } : {}),
              ...(o.openContent ? { openContent: o.openContent } : {}),
            },
            payload: { $ref: `#/components/schemas/OrderCreatedV${v}` },
          },
        ]),
      ),
      schemas: Object.fromEntries(versions.map((v) => [`OrderCreatedV${v}`, schemaOf(v)])),
    },
  };
  const files: Record<string, string> = {
    'shop.yaml': stringify(shop),
    'common/envelope.yaml': readFileSync(
      join(REPO, 'generator/test/fixtures/shop/common/envelope.yaml'),
      'utf8',
    ),
  };
  for (const c of o.consumers ?? []) {
    const v = c.version;
    const doc = {
      asyncapi: '3.0.0',
      info: { title: c.service, version: '1.0.0', 'x-kada-service': c.service },
      channels: {
        [`orderCreatedV${v}`]: {
          address: c.address ?? o.addresses?.[v] ?? `order.created.v${v}`,
          messages: {
            [`OrderCreatedV${v}`]: c.view
              ? {
                  name: 'order.created',
                  traits: [{ $ref: './common/envelope.yaml#/components/messageTraits/Envelope' }],
                  'x-kada-event': { type: 'order.created', version: v },
                  payload: c.view,
                }
              : { $ref: `./shop.yaml#/components/messages/OrderCreatedV${v}` },
          },
          bindings: amqp(exchange),
        },
      },
      operations: {
        [`receiveOrderCreatedV${v}`]: {
          action: 'receive',
          channel: { $ref: `#/channels/orderCreatedV${v}` },
          messages: [{ $ref: `#/channels/orderCreatedV${v}/messages/OrderCreatedV${v}` }],
          'x-kada-consumer': {
            queue: c.queue ?? c.service,
            maxRetries: c.maxRetries ?? 3,
            deadLetter: c.deadLetter ?? true,
            backoff: { initialMs: 100, multiplier: 2, maxMs: 1000 },
          },
        },
      },
    };
    files[`${c.service}.yaml`] = stringify(doc);
  }
  return files;
}

/** Writes a spec set into `dir`, replacing what was there. */
export function writeSpecs(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/** 1-based line of the first line of `file` that contains `needle`. */
export function lineOf(file: string, needle: string): number {
  const i = readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`${needle} not in ${file}`);
  return i + 1;
}

/** Replaces `from` (which must occur exactly once) by `to` in a file. */
export function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0)
    throw new Error(`expected exactly one ${JSON.stringify(from)} in ${file}`);
  writeFileSync(file, text.slice(0, at) + to + text.slice(at + from.length));
}

export function copyRealSpecs(to: string): string {
  cpSync(join(REPO, 'specs'), join(to, 'specs'), { recursive: true });
  return join(to, 'specs');
}

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs kada-gen as a child process, the way `pnpm generate` does. */
export function runCli(args: readonly string[], cwd: string = REPO): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
