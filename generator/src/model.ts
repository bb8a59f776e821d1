/**
 * model: one contract graph built from every loaded document. Every later step (checks,
 * emitters, docs) reads only this graph.
 *
 *   order.yaml  send    order.created.v1  ──┐
 *   stock.yaml  receive order.created.v1  ──┴─> events['order.created.v1'] =
 *        { producer: order (canonical schema), consumers: [stock (its view)] }
 */
import { basename, dirname, extname, resolve } from 'node:path';
import type {
  AsyncAPIDocumentInterface,
  ChannelInterface,
  MessageInterface,
  OperationInterface,
} from '@asyncapi/parser';
import type { ConsumerPolicy } from '@kada/runtime';
import { retryDelayMs } from '@kada/runtime/topology';
import { readConsumerPolicy } from './consumer-policy.ts';
import type { Diagnostic } from './diagnostics.ts';
import type { LoadedAsyncApi, LoadedSpecs } from './load.ts';
import { type AmqpChannelModel, readAmqpChannel, replyPairs } from './model-amqp.ts';
import { decycle } from './schema-cycles.ts';
import { parsePointer, type SourceFile } from './source-map.ts';

export type JsonSchema = Record<string, unknown>;
export type Compatibility =
  | 'backward'
  | 'forward'
  | 'full'
  | 'backward-transitive'
  | 'forward-transitive'
  | 'full-transitive';

export interface SchemaLocation {
  /** Absolute path of the file that holds the schema text. */
  readonly absPath: string;
  readonly pointer: readonly string[];
}

export interface ConsumerPolicyModel {
  readonly queue: string;
  readonly queueType: 'quorum' | 'classic';
  readonly prefetch: number;
  readonly concurrency: number;
  readonly maxRetries: number;
  readonly backoff: { readonly initialMs: number; readonly multiplier: number; readonly maxMs: number };
  readonly deliveryLimit: number;
  readonly deadLetter: boolean;
  readonly priority?: number;
  readonly orderingKey?: string;
  /** RabbitMQ's single active consumer: one consumer of the queue at a time, so strict queue order across replicas. */
  readonly singleActiveConsumer?: true;
}

/** One message as one document declares it (a producer's canonical schema or a consumer's view). */
export interface MessageModel {
  readonly service: string;
  readonly file: string;
  readonly operationId: string;
  readonly channelId: string;
  readonly messageId: string;
  readonly name: string;
  readonly title?: string;
  readonly summary?: string;
  readonly description?: string;
  /** 'order.created' */
  readonly eventType: string;
  readonly version: number;
  /** 'order.created.v1' */
  readonly key: string;
  readonly routingKey: string;
  readonly exchange: string;
  readonly exchangeType: string;
  /** true when the channel has an AMQP binding: publishers and consumers are emitted. */
  readonly amqp: boolean;
  /** The channel's AMQP binding, or its defaults (model-amqp.ts). */
  readonly amqpChannel: AmqpChannelModel;
  /** The message's correlationId location, e.g. '$message.header#/correlation_id'. */
  readonly correlationIdLocation?: string;
  /** true when the message travels in the shared envelope (the Envelope trait). */
  readonly envelope: boolean;
  readonly envelopeSchema: JsonSchema | null;
  readonly compatibility: Compatibility;
  /**
   * The message's content type (its own, else the document's defaultContentType, else JSON); anything
   * not JSON is a raw payload (Buffer) in the plain AMQP client.
   */
  readonly contentType: string;
  /**
   * `x-kada-event.deprecated: <YYYY-MM-DD>`: the producer announces the version's retirement; once
   * a release has recorded it (lock or git ref) and the date has passed, removing it is safe.
   */
  readonly deprecated?: string;
  /** `x-kada-event.openContent`: how the compatibility check reads open objects (see `kada-gen rules`). */
  readonly openContent: 'tolerant' | 'strict';
  /** x-kada-event as the message declares it (check/event-extension.ts judges it). */
  readonly eventExtension: Readonly<Record<string, unknown>>;
  /** The payload (the envelope's `data`), all $refs resolved. */
  readonly schema: JsonSchema;
  readonly schemaLocation: SchemaLocation;
  /** Where the operation is declared, for diagnostics. */
  readonly operationLocation: SchemaLocation;
  readonly examples: readonly {
    name?: string;
    summary?: string;
    payload: unknown;
    location: SchemaLocation;
  }[];
}

export interface ConsumerModel extends MessageModel {
  /** The policy x-kada-consumer asks for, with a default for each value out of range. */
  readonly policy: ConsumerPolicyModel;
  /** x-kada-consumer as the operation declares it (check/consumer-policy.ts judges it). */
  readonly consumerExtension?: Readonly<Record<string, unknown>>;
  /** Declared `x-kada-external: true`: produced outside this set of specs. */
  readonly external: boolean;
}

export interface QueueModel {
  readonly name: string;
  readonly service: string;
  readonly policy: ConsumerPolicyModel;
  readonly consumers: readonly ConsumerModel[];
}

export interface ServiceModel {
  readonly id: string;
  readonly title: string;
  readonly version: string;
  readonly description: string;
  readonly file: string;
  readonly absPath: string;
  readonly sends: readonly MessageModel[];
  readonly receives: readonly ConsumerModel[];
  readonly queues: readonly QueueModel[];
  /** Events sent or received on channels with no AMQP binding: types and validators only. */
  readonly other: readonly MessageModel[];
  /** Request/reply operations (operation `reply`, or the replyTo pattern), for the plain AMQP client. */
  readonly rpc: readonly RpcModel[];
}

export interface RpcModel {
  /** The request operation: a send (this document is the client) or a receive (the server). */
  readonly operationId: string;
  readonly role: 'client' | 'server';
  readonly request: readonly MessageModel[];
  readonly reply: readonly MessageModel[];
  /** The operation that is the reply leg, when the reply is an operation of its own (replyTo pattern). */
  readonly replyOperationId: string | null;
}

export interface EventModel {
  readonly key: string;
  readonly eventType: string;
  readonly version: number;
  readonly routingKey: string;
  readonly exchange: string;
  readonly producer: MessageModel | null;
  readonly consumers: readonly ConsumerModel[];
}

export interface HttpApiModel {
  readonly service: string;
  readonly file: string;
  readonly absPath: string;
  readonly title: string;
  readonly json: Record<string, unknown>;
}

export interface ContractGraph {
  readonly services: readonly ServiceModel[];
  readonly events: readonly EventModel[];
  readonly http: readonly HttpApiModel[];
  readonly exchanges: readonly { name: string; type: string; durable: boolean }[];
  /** Read access to the spec texts, for diagnostics that point at lines. */
  readonly sources: Map<string, SourceFile>;
  /** Documents left out because another document has their service id (check/ownership.ts reports them). */
  readonly unread: readonly UnreadDocument[];
}

export interface UnreadDocument {
  readonly service: string;
  readonly file: string;
  readonly absPath: string;
  /** The file of the document read with this service id. */
  readonly sameIdAs: string;
}

/** The spec's consumer policy in the runtime's shape (what generated code passes to rt.consume). */
export function runtimePolicy(p: ConsumerPolicyModel): ConsumerPolicy {
  return {
    queue: p.queue,
    queueType: p.queueType,
    prefetch: p.prefetch,
    concurrency: p.concurrency,
    retry: {
      maxRetries: p.maxRetries,
      initialDelayMs: p.backoff.initialMs,
      multiplier: p.backoff.multiplier,
      maxDelayMs: p.backoff.maxMs,
    },
    deliveryLimit: p.deliveryLimit,
    deadLetter: p.deadLetter,
    ...(p.priority !== undefined ? { maxPriority: p.priority } : {}),
    ...(p.singleActiveConsumer ? { singleActiveConsumer: true } : {}),
  };
}

/** The wait before each retry, as the runtime computes it for the delay queues' TTLs. */
export function retryDelays(p: ConsumerPolicyModel): number[] {
  const policy = runtimePolicy(p);
  return Array.from({ length: p.maxRetries }, (_, i) => retryDelayMs(policy.retry, i + 1));
}

export const DEFAULT_EXCHANGE = 'domain.events';
/** The values x-kada-event.compatibility may take. */
export const COMPATIBILITY_MODES: ReadonlySet<string> = new Set([
  'backward',
  'forward',
  'full',
  'backward-transitive',
  'forward-transitive',
  'full-transitive',
]);

/**
 * Removes the parser's bookkeeping keys (x-parser-*) from a resolved schema, deeply; a named
 * component schema keeps its name as `x-kada-ref` (types are named after it, and the
 * compatibility check reports a changed $ref target).
 *
 * `resolve` answers a `$ref` the parser left in place: @asyncapi/parser leaves a recursive
 * schema's inner `{ $ref: '#/components/schemas/Node' }` unresolved when the message has traits
 * (its circular-reference pass loses the path once traits are merged), so the reference is
 * followed here, into the same cyclic object graph a bare payload gets (`decycle` then names it).
 */
export function cleanSchema(
  value: unknown,
  seen = new Map<object, unknown>(),
  resolve?: (ref: string) => unknown,
): unknown {
  if (Array.isArray(value)) return value.map((v) => cleanSchema(v, seen, resolve));
  if (value && typeof value === 'object') {
    const hit = seen.get(value);
    if (hit) return hit;
    const ref = (value as { $ref?: unknown }).$ref;
    const target = resolve && typeof ref === 'string' ? resolve(ref) : undefined;
    if (target && typeof target === 'object') {
      const out = cleanSchema(target, seen, resolve);
      seen.set(value, out);
      return out;
    }
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const [k, v] of Object.entries(value)) {
      if (k === 'x-parser-schema-id' && typeof v === 'string' && !v.startsWith('<')) {
        out['x-kada-ref'] = v;
        continue;
      }
      if (k.startsWith('x-parser-')) continue;
      out[k] = cleanSchema(v, seen, resolve);
    }
    return out;
  }
  return value;
}

/**
 * A local `#/a/b` reference looked up in a parsed document's JSON (undefined when it is not there).
 * The fragment is percent-decoded, then read as a JSON pointer (RFC 6901, section 6).
 */
function localRef(documentJson: unknown): (ref: string) => unknown {
  return (ref) => {
    if (!ref.startsWith('#/')) return undefined;
    let node: unknown = documentJson;
    for (const key of parsePointer(decodeURIComponent(ref))) {
      if (!node || typeof node !== 'object') return undefined;
      node = (node as Record<string, unknown>)[key];
    }
    return node;
  };
}

/**
 * A document's service id: `info.x-kada-service`; else, when several documents share a file
 * name (`orders/asyncapi.yaml`, `billing/asyncapi.yaml`), the folder name; else the file name.
 */
function serviceIdOf(doc: AsyncAPIDocumentInterface, file: string, sharedNames: ReadonlySet<string>): string {
  const ext = doc.info().extensions().get('x-kada-service')?.value();
  if (typeof ext === 'string' && ext) return ext;
  const name = basename(file, extname(file));
  return sharedNames.has(basename(file)) ? basename(dirname(resolve(file))) : name;
}

interface Ctx {
  readonly loaded: LoadedAsyncApi;
  readonly service: string;
  readonly diagnostics: Diagnostic[];
  readonly sourceOf: (abs: string) => SourceFile | undefined;
  /** Addresses that channels of this document use on more than one exchange. */
  readonly sharedAddresses?: ReadonlySet<string>;
}

function diag(
  ctx: Ctx,
  severity: Diagnostic['severity'],
  code: string,
  message: string,
  path: readonly string[],
): void {
  const pos = ctx.loaded.source.position(path);
  ctx.diagnostics.push({
    severity,
    code,
    message,
    file: ctx.loaded.file,
    line: pos.line,
    column: pos.column,
  });
}

/** Follows `$ref`s in the raw YAML to find where a node's text really is. */
export function followRef(
  sourceOf: (abs: string) => SourceFile | undefined,
  loc: SchemaLocation,
  depth = 0,
): SchemaLocation {
  const src = sourceOf(loc.absPath);
  if (!src || depth > 16) return loc;
  let node: unknown = src.json;
  for (const seg of loc.pointer) {
    if (node && typeof node === 'object') node = (node as Record<string, unknown>)[seg];
    else return loc;
  }
  const ref = node && typeof node === 'object' ? (node as Record<string, unknown>).$ref : undefined;
  if (typeof ref !== 'string') return loc;
  const [filePart, frag = ''] = ref.split('#');
  const absPath = filePart ? resolve(dirname(loc.absPath), filePart) : loc.absPath;
  return followRef(sourceOf, { absPath, pointer: parsePointer(frag) }, depth + 1);
}

function channelKey(doc: AsyncAPIDocumentInterface, channel: ChannelInterface): string {
  for (const c of doc.channels().all()) if (c === channel || c.id() === channel.id()) return c.id();
  return channel.id();
}

function messageKeyIn(channel: ChannelInterface, message: MessageInterface): string {
  for (const m of channel.messages().all()) if (m.id() === message.id()) return m.id();
  return message.id();
}

function readPolicy(op: OperationInterface, defaultQueue: string): ConsumerPolicyModel {
  return readConsumerPolicy(consumerExtensionOf(op), defaultQueue).policy;
}

/** x-kada-consumer as the operation declares it (check/consumer-policy.ts judges it). */
function consumerExtensionOf(op: OperationInterface): Record<string, unknown> | undefined {
  return op.extensions().get('x-kada-consumer')?.value() as Record<string, unknown> | undefined;
}

/** true when every server of the document speaks AMQP: its channels default to AMQP (see model-amqp.ts). */
function amqpDocument(doc: AsyncAPIDocumentInterface): boolean {
  const servers = doc.servers().all();
  return servers.length > 0 && servers.every((s) => /^amqps?$/i.test(s.protocol()));
}

function buildMessages(ctx: Ctx, op: OperationInterface, asReply = false): MessageModel[] {
  const doc = ctx.loaded.document;
  const out: MessageModel[] = [];
  const opPath = ['operations', String(op.id())];
  const reply = asReply ? op.reply() : undefined;
  const channels = op.channels().all();
  const channel = reply?.channel() ?? channels[0];
  if (!channel) {
    diag(ctx, 'error', 'operation-channel', `operation "${op.id()}" has no channel.`, opPath);
    return out;
  }
  const chKey = channelKey(doc, channel);
  const address = channel.address() ?? chKey;
  const amqpBinding = channel.bindings().get('amqp');
  // An AMQP document's channels without bindings still carry AMQP messages, with the defaults.
  const amqp = Boolean(amqpBinding) || (channel.bindings().length === 0 && amqpDocument(doc));
  const amqpChannel = readAmqpChannel(channel, chKey);
  const exchange = amqpChannel.exchange?.name ?? '';
  const exchangeType = amqpChannel.exchange?.type ?? 'direct';
  const routingKey = amqpChannel.queue?.name ?? address;
  const opMessages = reply ? reply.messages().all() : op.messages().all();
  const messages = opMessages.length > 0 ? opMessages : channel.messages().all();
  for (const msg of messages) {
    const mKey = messageKeyIn(channel, msg);
    const ext = (msg.extensions().get('x-kada-event')?.value() ?? {}) as Record<string, unknown>;
    const m = /^(.+)\.v(\d+)$/.exec(address);
    // Several messages on one channel are several events: each is named after its message (the
    // name travels as the AMQP `type` property, which consumers dispatch on).
    const baseType =
      typeof ext.type === 'string'
        ? ext.type
        : messages.length > 1
          ? (msg.name() ?? mKey)
          : m
            ? (m[1] as string)
            : /^[\w-]+(\.[\w-]+)*$/.test(address)
              ? address
              : (msg.name() ?? mKey);
    // The same routing key on two exchanges is two channels, so two events: the exchange tells them apart.
    const eventType =
      typeof ext.type !== 'string' && ctx.sharedAddresses?.has(address) && exchange
        ? `${exchange}.${baseType}`
        : baseType;
    const version = typeof ext.version === 'number' ? ext.version : m ? Number(m[2]) : 1;
    const compatibility = (
      typeof ext.compatibility === 'string' ? ext.compatibility : 'full'
    ) as Compatibility;
    const msgPath = ['channels', chKey, 'messages', mKey];
    // an unquoted YAML date may arrive as a Date
    const deprecated =
      ext.deprecated instanceof Date
        ? ext.deprecated.toISOString().slice(0, 10)
        : typeof ext.deprecated === 'string'
          ? ext.deprecated
          : undefined;
    const envelopeExt = msg.extensions().get('x-kada-envelope')?.value();
    const payload = msg.payload();
    const schema = decycle(
      payload ? cleanSchema(payload.json(), new Map(), localRef(ctx.loaded.document.json())) : {},
    ) as JsonSchema;
    const msgLoc = followRef(ctx.sourceOf, { absPath: ctx.loaded.absPath, pointer: msgPath });
    const schemaLoc = followRef(ctx.sourceOf, {
      absPath: msgLoc.absPath,
      pointer: [...msgLoc.pointer, 'payload'],
    });
    const examples = msg
      .examples()
      .all()
      .map((e, i) => ({
        ...(e.name() ? { name: e.name() as string } : {}),
        ...(e.summary() ? { summary: e.summary() as string } : {}),
        payload: cleanSchema(e.payload()),
        location: { absPath: msgLoc.absPath, pointer: [...msgLoc.pointer, 'examples', String(i)] },
      }))
      .filter((e) => e.payload !== undefined);
    out.push({
      service: ctx.service,
      file: ctx.loaded.file,
      operationId: String(op.id()),
      channelId: chKey,
      messageId: mKey,
      name: msg.name() ?? mKey,
      ...(msg.title() ? { title: msg.title() as string } : {}),
      ...(msg.summary() ? { summary: msg.summary() as string } : {}),
      ...(msg.description() ? { description: msg.description() as string } : {}),
      eventType,
      version,
      key: `${eventType}.v${version}`,
      routingKey,
      exchange,
      exchangeType,
      amqp,
      amqpChannel,
      ...(msg.correlationId()?.location()
        ? { correlationIdLocation: msg.correlationId()?.location() as string }
        : {}),
      envelope: envelopeExt !== undefined,
      envelopeSchema: envelopeExt === undefined ? null : (cleanSchema(envelopeExt) as JsonSchema),
      compatibility,
      contentType: msg.contentType() ?? 'application/json',
      ...(deprecated ? { deprecated } : {}),
      openContent: ext.openContent === 'strict' ? 'strict' : 'tolerant',
      eventExtension: ext,
      schema,
      schemaLocation: schemaLoc,
      operationLocation: { absPath: ctx.loaded.absPath, pointer: opPath },
      examples,
    });
  }
  return out;
}

export function buildModel(specs: LoadedSpecs): { graph: ContractGraph; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const sourceOf = (abs: string): SourceFile | undefined => specs.sources.get(abs);
  const services: ServiceModel[] = [];
  const seenIds = new Map<string, string>();
  const unread: UnreadDocument[] = [];
  const fileNames = new Map<string, number>();
  for (const l of specs.asyncapi) fileNames.set(basename(l.file), (fileNames.get(basename(l.file)) ?? 0) + 1);
  const sharedNames = new Set([...fileNames].filter(([, n]) => n > 1).map(([name]) => name));
  for (const loaded of [...specs.asyncapi].sort((a, b) => a.file.localeCompare(b.file))) {
    const doc = loaded.document;
    const id = serviceIdOf(doc, loaded.file, sharedNames);
    const exchangesOf = new Map<string, Set<string>>();
    for (const ch of doc.channels().all()) {
      const a = readAmqpChannel(ch, ch.id());
      if (a.exchange)
        exchangesOf.set(a.address, (exchangesOf.get(a.address) ?? new Set()).add(a.exchange.name));
    }
    const sharedAddresses = new Set([...exchangesOf].filter(([, xs]) => xs.size > 1).map(([a]) => a));
    const ctx: Ctx = { loaded, service: id, diagnostics, sourceOf, sharedAddresses };
    const first = seenIds.get(id);
    if (first) {
      unread.push({ service: id, file: loaded.file, absPath: loaded.absPath, sameIdAs: first });
      continue;
    }
    seenIds.set(id, loaded.file);
    const sends: MessageModel[] = [];
    const receives: ConsumerModel[] = [];
    const other: MessageModel[] = [];
    const byOperation = new Map<string, MessageModel[]>();
    for (const op of doc.operations().all()) {
      let msgs: MessageModel[];
      try {
        msgs = buildMessages(ctx, op);
      } catch (err) {
        // A shape the model does not know must not end in a stack trace: name it and skip it.
        diag(
          ctx,
          'error',
          'internal-error',
          `kada-gen could not read operation "${op.id()}": ${(err as Error).message}. This is a kada-gen bug; as a workaround remove or simplify this operation's channel and messages, and report it with this document.`,
          ['operations', String(op.id())],
        );
        continue;
      }
      byOperation.set(String(op.id()), msgs);
      const chan = op.channels().all()[0];
      const binding = (chan?.bindings().get('amqp')?.value() ?? {}) as Record<string, unknown>;
      const bq = binding.is === 'queue' ? ((binding.queue ?? {}) as Record<string, unknown>).name : undefined;
      for (const m of msgs) {
        if (!m.amqp) {
          other.push(m);
          continue;
        }
        if (op.action() === 'send') sends.push(m);
        else {
          const policy = readPolicy(op, typeof bq === 'string' ? bq : id);
          const declared = consumerExtensionOf(op);
          receives.push({
            ...m,
            policy,
            ...(declared !== undefined ? { consumerExtension: declared } : {}),
            external: op.extensions().get('x-kada-external')?.value() === true,
          });
        }
      }
    }
    const rpc: RpcModel[] = [];
    const ops = doc.operations().all();
    const pairs = replyPairs(ops, (op) => {
      const first = byOperation.get(String(op.id()))?.[0];
      return first?.amqp ? first.amqpChannel : null;
    });
    for (const [requestId, replyId] of [...pairs].sort((a, b) => a[0].localeCompare(b[0]))) {
      const op = ops.find((o) => String(o.id()) === requestId);
      const request = byOperation.get(requestId) ?? [];
      if (!op || !request[0]?.amqp) continue;
      const reply = replyId === 'reply' ? buildMessages(ctx, op, true) : (byOperation.get(replyId) ?? []);
      if (reply.length === 0) continue;
      rpc.push({
        operationId: requestId,
        role: op.action() === 'send' ? 'client' : 'server',
        request,
        reply,
        replyOperationId: replyId === 'reply' ? null : replyId,
      });
    }
    const queues = new Map<string, ConsumerModel[]>();
    for (const r of receives) queues.set(r.policy.queue, [...(queues.get(r.policy.queue) ?? []), r]);
    const queueModels: QueueModel[] = [];
    for (const [name, consumers] of [...queues].sort((a, b) => a[0].localeCompare(b[0]))) {
      const first = consumers[0] as ConsumerModel;
      queueModels.push({ name, service: id, policy: first.policy, consumers });
    }
    const info = doc.info();
    services.push({
      id,
      title: info.title(),
      version: info.version(),
      description: info.description() ?? '',
      file: loaded.file,
      absPath: loaded.absPath,
      sends,
      receives,
      queues: queueModels,
      other,
      rpc,
    });
  }

  const events = new Map<string, { producer: MessageModel | null; consumers: ConsumerModel[] }>();
  const entry = (key: string) => {
    let e = events.get(key);
    if (!e) {
      e = { producer: null, consumers: [] };
      events.set(key, e);
    }
    return e;
  };
  for (const s of services) {
    for (const m of s.sends) {
      // A second sender is not the producer: check/ownership.ts reports it (event-owner).
      const e = entry(m.key);
      if (!e.producer) e.producer = m;
    }
    for (const c of s.receives) entry(c.key).consumers.push(c);
  }
  const eventModels: EventModel[] = [...events]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([key, e]) => {
      const ref = e.producer ?? (e.consumers[0] as MessageModel);
      return {
        key,
        eventType: ref.eventType,
        version: ref.version,
        routingKey: ref.routingKey,
        exchange: ref.exchange,
        producer: e.producer,
        consumers: e.consumers,
      };
    });

  const exchanges = new Map<string, { name: string; type: string; durable: boolean }>();
  for (const s of services) {
    for (const m of [...s.sends, ...s.receives]) {
      // '' is the default exchange (`is: queue`): it always exists and cannot be declared.
      if (m.exchange === '') continue;
      exchanges.set(m.exchange, { name: m.exchange, type: m.exchangeType, durable: true });
    }
  }

  const http: HttpApiModel[] = specs.openapi
    .map((o) => {
      const info = (o.json.info ?? {}) as Record<string, unknown>;
      const svc =
        typeof info['x-kada-service'] === 'string'
          ? (info['x-kada-service'] as string)
          : basename(o.file, extname(o.file));
      return {
        service: svc,
        file: o.file,
        absPath: o.absPath,
        title: String(info.title ?? svc),
        json: o.json,
      };
    })
    .sort((a, b) => a.service.localeCompare(b.service));

  return {
    graph: {
      services,
      events: eventModels,
      http,
      exchanges: [...exchanges.values()].sort((a, b) => a.name.localeCompare(b.name)),
      sources: specs.sources,
      unread,
    },
    diagnostics,
  };
}
