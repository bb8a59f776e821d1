/**
 * compareContracts: every difference between an earlier state of the contracts (the lock, or
 * the specs at a git ref, both as LockedEvent facts) and the current contract graph, each with
 * a rule id, breaking or safe, the old and new value, and the spec line to look at.
 *
 *   locked order.created.v1 { quantity: integer }, specs now say { quantity: string }, mode full
 *   -> [{ rule: 'type-mismatch', breaking: true, event: 'order.created.v1', pointer: '/items/*\/quantity',
 *         old: ['integer'], new: ['string'], direction: 'both', file: 'specs/asyncapi/order.yaml', line: 212, … }]
 *
 * Payload rules are the compat engine's (RULES); the rest are CONTRACT_RULES. Payloads are
 * compared under the mode the current spec declares.
 */

import {
  type Comparison,
  compareTransitive,
  compareVersions,
  type Mode,
  type VersionFinding,
} from '../compat/modes.ts';
import { normalizeSchema } from '../compat/normalize.ts';
import { type LockedEvent, schemaHash } from '../lock/lockfile.ts';
import type { ConsumerModel, ContractGraph, MessageModel } from '../model.ts';
import { parsePointer } from '../source-map.ts';
import { dataPointerToSchemaPath, locate, type Place } from './place.ts';

export type { Place };

/** Rules beyond payload schemas, in the same id space as the compat engine's RULES. */
export const CONTRACT_RULES = [
  {
    id: 'event-removed',
    kind: 'contract',
    description:
      'A published event version is no longer sent (send operation removed, or its channel address/event name changed): breaking even with no consumer in the folder, since consumers may live in other repositories, unless it was retired (x-kada-event.deprecated: <date> recorded in an earlier release and the date passed) or accepted with --allow-breaking.',
  },
  {
    id: 'event-deprecated',
    kind: 'contract',
    description:
      'An event version is marked x-kada-event.deprecated: <date> (safe; it may be removed after that date).',
  },
  { id: 'event-added', kind: 'contract', description: 'A new event version is sent (safe).' },
  {
    id: 'routing-key-changed',
    kind: 'contract',
    description: 'The routing key (channel address) of an event, or of a consumer binding, changed.',
  },
  {
    id: 'exchange-changed',
    kind: 'contract',
    description: 'The exchange (name or type) an event is published to, or bound from, changed.',
  },
  {
    id: 'content-type-changed',
    kind: 'contract',
    description: "The message's content type changed: readers decode the body by it.",
  },
  {
    id: 'queue-changed',
    kind: 'contract',
    description: "A consumer's queue name changed: messages in the old queue are stranded.",
  },
  {
    id: 'envelope-changed',
    kind: 'contract',
    description: 'An event moved into or out of the shared envelope.',
  },
  {
    id: 'dead-letter-removed',
    kind: 'contract',
    description: 'A consumer policy drops messages: deadLetter went from true to false.',
  },
  {
    id: 'consumer-policy-changed',
    kind: 'contract',
    description: 'A consumer policy changed without dropping messages (e.g. fewer retries, safe).',
  },
  {
    id: 'consumer-added',
    kind: 'contract',
    description: 'A consumer starts receiving an event that is sent (safe).',
  },
  { id: 'consumer-removed', kind: 'contract', description: 'A consumer stops receiving an event (safe).' },
  {
    id: 'producer-changed',
    kind: 'contract',
    description: 'Another document now sends the event (safe; ownership moved).',
  },
  {
    id: 'compatibility-changed',
    kind: 'contract',
    description: "The event's declared compatibility mode changed (safe; the new mode applies).",
  },
] as const;

export interface ContractChange extends Place {
  readonly rule: string;
  readonly breaking: boolean;
  readonly event: string;
  /** Into the payload data ('/items/*\/sku') for payload rules; into the spec ('#/channels/…') otherwise. */
  readonly pointer: string;
  readonly old: unknown;
  readonly new: unknown;
  readonly message: string;
  /** Lenient runs: an `unprovable` payload finding, reported as a warning instead of breaking. */
  readonly warning?: boolean;
  /** Payload rules: which readers break (backward: new readers of old messages; forward: old readers of new). */
  readonly direction?: 'backward' | 'forward' | 'both';
}

export interface CompareOptions {
  /** How messages name the earlier state: 'the locked schema', 'HEAD~1'. */
  readonly oldLabel: string;
  /** Compare `-transitive` modes against the recorded history too (the lock has it, a git ref not). */
  readonly transitive: boolean;
  /** Where something that is gone was declared. */
  readonly removedAt: (event: string, old: LockedEvent, consumer?: string) => Place;
  /** `--lenient`: unprovable payload findings are warnings, not breaking. */
  readonly lenient?: boolean;
  /** `--open-content strict` for the whole run (else each message's x-kada-event.openContent). */
  readonly openContent?: 'tolerant' | 'strict';
  /** Today as YYYY-MM-DD (tests pin it); a deprecated event may be removed from its date on. */
  readonly today?: string;
  /** A breaking change accepted by an override recorded in the lock: its reason, else undefined. */
  readonly accepted?: (event: string, rule: string) => string | undefined;
}

const pointerOf = (segs: readonly string[]): string =>
  `#/${segs.map((s) => s.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;

/** A place inside the document that declares `m` (channels and operations are in that document). */
function inDocument(graph: ContractGraph, m: MessageModel, segs: readonly string[]): Place {
  return locate(graph, { absPath: m.operationLocation.absPath, pointer: [] }, segs);
}

/**
 * A change of what `m`'s document declares at `segs` (a channel's address or binding, a message's
 * content type or envelope), breaking unless it says otherwise; it points at `at` (default `segs`)
 * where `segs` may be a default that is not written.
 */
function declaredChange(
  graph: ContractGraph,
  m: MessageModel,
  segs: readonly string[],
  change: Pick<ContractChange, 'rule' | 'event' | 'old' | 'new' | 'message'> & { breaking?: boolean },
  at: readonly string[] = segs,
): ContractChange {
  return { breaking: true, ...change, pointer: pointerOf(segs), ...inDocument(graph, m, at) };
}

/** 'full-transitive' -> 'full'. */
export function baseMode(mode: string): Mode {
  return mode.replace(/-transitive$/, '') as Mode;
}

/** Compares payload schemas; merges the two directions of `full` into one change per fact. */
function payloadChanges(
  graph: ContractGraph,
  key: string,
  old: LockedEvent,
  p: MessageModel,
  opts: CompareOptions,
): ContractChange[] {
  const next = normalizeSchema(p.schema);
  if (schemaHash(next) === old.sha256) return [];
  const mode = p.compatibility;
  const labels = {
    oldLabel: opts.oldLabel,
    newLabel: 'the new schema',
    strictOpenContent: (opts.openContent ?? p.openContent) === 'strict',
    lenient: opts.lenient ?? false,
    // deployed readers ignore unknown properties; a closed writer still sends none
    tolerantReader: true,
  };
  const result: Comparison =
    opts.transitive && mode.endsWith('-transitive')
      ? compareTransitive([...old.history, old.schema], next, mode, labels)
      : compareVersions(old.schema, next, baseMode(mode), labels);
  const at = (segs: readonly string[]): Place => locate(graph, p.schemaLocation, segs);
  const byData = (f: VersionFinding): Place => at(dataPointerToSchemaPath(p.schema, f.pointer));
  const merged = new Map<string, ContractChange>();
  for (const f of result.breaking) {
    const backward = f.direction === 'backward';
    const oldValue = backward ? f.writer : f.reader;
    const newValue = backward ? f.reader : f.writer;
    const id = `${f.rule}\u0000${f.pointer}\u0000${JSON.stringify(oldValue)}\u0000${JSON.stringify(newValue)}`;
    const seen = merged.get(id);
    if (seen) {
      if (seen.direction !== f.direction) merged.set(id, { ...seen, direction: 'both' });
      continue;
    }
    const place = backward ? at(parsePointer(f.schemaPointer)) : byData(f);
    const dir = f.direction === 'both' ? 'both' : f.direction;
    merged.set(id, {
      rule: f.rule,
      breaking: true,
      event: key,
      pointer: f.pointer,
      old: oldValue,
      new: newValue,
      message: f.message,
      direction: dir,
      ...place,
    });
  }
  const out = [...merged.values()];
  for (const f of result.warnings) {
    const backward = f.direction === 'backward';
    out.push({
      rule: f.rule,
      breaking: false,
      warning: true,
      event: key,
      pointer: f.pointer,
      old: backward ? f.writer : f.reader,
      new: backward ? f.reader : f.writer,
      message: `${f.message} (a warning under --lenient)`,
      direction: f.direction,
      ...(backward ? at(parsePointer(f.schemaPointer)) : byData(f)),
    });
  }
  for (const f of result.safe) {
    out.push({
      rule: f.rule,
      breaking: false,
      event: key,
      pointer: f.pointer,
      old: f.writer,
      new: f.reader,
      message: f.message,
      direction: f.direction,
      ...byData(f),
    });
  }
  return out;
}

function consumerChanges(
  graph: ContractGraph,
  key: string,
  old: LockedEvent,
  now: readonly ConsumerModel[],
  opts: CompareOptions,
): ContractChange[] {
  const out: ContractChange[] = [];
  const byService = new Map(now.map((c) => [c.service, c]));
  for (const [service, was] of Object.entries(old.consumers)) {
    const c = byService.get(service);
    if (!c) {
      out.push({
        rule: 'consumer-removed',
        breaking: false,
        event: key,
        pointer: '',
        old: was.queue,
        new: null,
        message: `${service} no longer receives ${key}.`,
        ...opts.removedAt(key, old, service),
      });
      continue;
    }
    const policyAt = (k: string) => ({
      pointer: pointerOf(['operations', c.operationId, 'x-kada-consumer', k]),
      ...locate(graph, c.operationLocation, ['x-kada-consumer', k]),
    });
    if (was.queue !== c.policy.queue) {
      out.push({
        rule: 'queue-changed',
        breaking: true,
        event: key,
        old: was.queue,
        new: c.policy.queue,
        message: `${service} now receives ${key} on queue "${c.policy.queue}" instead of "${was.queue}": messages waiting in "${was.queue}" (and its DLQ) are stranded. Keep the queue name, or drain the old queue before the switch.`,
        ...policyAt('queue'),
      });
    }
    if (was.routingKey !== c.routingKey) {
      out.push(
        declaredChange(graph, c, ['channels', c.channelId, 'address'], {
          rule: 'routing-key-changed',
          event: key,
          old: was.routingKey,
          new: c.routingKey,
          message: `${service} now binds ${key} with "${c.routingKey}" instead of "${was.routingKey}".`,
        }),
      );
    }
    if (was.exchange !== c.exchange) {
      out.push(
        declaredChange(graph, c, ['channels', c.channelId, 'bindings', 'amqp', 'exchange', 'name'], {
          rule: 'exchange-changed',
          event: key,
          old: was.exchange,
          new: c.exchange,
          message: `${service} now binds ${key} on exchange "${c.exchange}" instead of "${was.exchange}".`,
        }),
      );
    }
    if (was.deadLetter && !c.policy.deadLetter) {
      out.push({
        rule: 'dead-letter-removed',
        breaking: true,
        event: key,
        old: true,
        new: false,
        message: `${service}'s queue "${c.policy.queue}" no longer dead-letters: a message that fails every retry would be dropped. Keep deadLetter: true.`,
        ...policyAt('deadLetter'),
      });
    } else if (!was.deadLetter && c.policy.deadLetter) {
      out.push({
        rule: 'consumer-policy-changed',
        breaking: false,
        event: key,
        old: false,
        new: true,
        message: `${service}'s queue "${c.policy.queue}" now dead-letters.`,
        ...policyAt('deadLetter'),
      });
    }
    if (was.maxRetries !== c.policy.maxRetries) {
      out.push({
        rule: 'consumer-policy-changed',
        breaking: false,
        event: key,
        old: was.maxRetries,
        new: c.policy.maxRetries,
        message: `${service} retries ${key} ${c.policy.maxRetries} times instead of ${was.maxRetries}${c.policy.deadLetter ? '; exhausted messages still go to the DLQ' : ''}.`,
        ...policyAt('maxRetries'),
      });
    }
  }
  for (const c of now) {
    if (old.consumers[c.service]) continue;
    out.push({
      rule: 'consumer-added',
      breaking: false,
      event: key,
      pointer: pointerOf(['operations', c.operationId]),
      old: null,
      new: c.policy.queue,
      message: `${c.service} starts receiving ${key} on queue "${c.policy.queue}".`,
      ...locate(graph, c.operationLocation, []),
    });
  }
  return out;
}

export function compareContracts(
  old: ReadonlyMap<string, LockedEvent>,
  graph: ContractGraph,
  opts: CompareOptions,
): ContractChange[] {
  const out: ContractChange[] = [];
  const events = new Map(graph.events.map((e) => [e.key, e]));
  for (const [key, was] of [...old].sort((a, b) => a[0].localeCompare(b[0]))) {
    const e = events.get(key);
    const p = e?.producer ?? null;
    if (!e || !p) {
      const receivers = (e?.consumers ?? []).filter((c) => !c.external);
      if (receivers.length === 0) {
        const today = opts.today ?? new Date().toISOString().slice(0, 10);
        const retired = was.deprecated !== undefined && was.deprecated <= today;
        const why = retired
          ? `${key} is retired: ${was.producer} no longer sends it, it was deprecated from ${was.deprecated} and no consumer here receives it.`
          : `${was.producer} (${was.file}) no longer sends ${key} (its send operation is gone, or its channel address or event name changed). A published event is a promise to consumers this folder may not contain (other teams, other repositories). ${
              was.deprecated
                ? `It is deprecated from ${was.deprecated}; remove it on or after that date.`
                : `Retire it first: mark it x-kada-event: { deprecated: <YYYY-MM-DD> } in a release, and remove it from that date on.`
            } Or accept the break on purpose: pnpm generate --allow-breaking ${key} --reason "<why>".`;
        out.push({
          rule: 'event-removed',
          breaking: !retired,
          event: key,
          pointer: '',
          old: was.producer,
          new: null,
          message: why,
          ...opts.removedAt(key, was),
        });
      }
      for (const c of receivers) {
        out.push({
          rule: 'event-removed',
          breaking: true,
          event: key,
          pointer: pointerOf(['operations', c.operationId]),
          old: was.producer,
          new: null,
          message: `${was.producer} (${was.file}) no longer sends ${key}, but ${c.service} still receives it here. Keep sending ${key} until no consumer receives it (move ${c.service} to the next version first), then remove it.`,
          ...locate(graph, c.operationLocation, []),
        });
      }
      continue;
    }
    const messageSegs = ['channels', p.channelId, 'messages', p.messageId];
    if (was.producer !== p.service) {
      out.push({
        rule: 'producer-changed',
        breaking: false,
        event: key,
        pointer: pointerOf(['operations', p.operationId]),
        old: was.producer,
        new: p.service,
        message: `${key} is now sent by ${p.service} instead of ${was.producer}.`,
        ...locate(graph, p.operationLocation, []),
      });
    }
    if (was.routingKey !== p.routingKey) {
      out.push(
        declaredChange(graph, p, ['channels', p.channelId, 'address'], {
          rule: 'routing-key-changed',
          event: key,
          old: was.routingKey,
          new: p.routingKey,
          message: `${p.service} now publishes ${key} with routing key "${p.routingKey}" instead of "${was.routingKey}": existing bindings on "${was.routingKey}" stop receiving it.`,
        }),
      );
    }
    if (was.exchange !== p.exchange) {
      out.push(
        declaredChange(graph, p, ['channels', p.channelId, 'bindings', 'amqp', 'exchange', 'name'], {
          rule: 'exchange-changed',
          event: key,
          old: was.exchange,
          new: p.exchange,
          message: `${p.service} now publishes ${key} to exchange "${p.exchange}" instead of "${was.exchange}": queues bound on "${was.exchange}" stop receiving it.`,
        }),
      );
    }
    if (was.exchangeType !== undefined && was.exchangeType !== p.exchangeType) {
      out.push(
        declaredChange(graph, p, ['channels', p.channelId, 'bindings', 'amqp', 'exchange', 'type'], {
          rule: 'exchange-changed',
          event: key,
          old: was.exchangeType,
          new: p.exchangeType,
          message: `${p.service} now publishes ${key} to a ${p.exchangeType} exchange instead of a ${was.exchangeType} one: existing bindings route differently (and redeclaring the exchange with another type fails).`,
        }),
      );
    }
    if (was.contentType !== undefined && was.contentType !== p.contentType) {
      out.push(
        declaredChange(
          graph,
          p,
          [...messageSegs, 'contentType'],
          {
            rule: 'content-type-changed',
            event: key,
            old: was.contentType,
            new: p.contentType,
            message: `${key} is now sent as ${p.contentType} instead of ${was.contentType}: readers decode the body by its content type.`,
          },
          messageSegs,
        ),
      );
    }
    if (p.deprecated !== undefined && was.deprecated !== p.deprecated) {
      out.push(
        declaredChange(
          graph,
          p,
          [...messageSegs, 'x-kada-event', 'deprecated'],
          {
            rule: 'event-deprecated',
            breaking: false,
            event: key,
            old: was.deprecated ?? null,
            new: p.deprecated,
            message: `${key} is deprecated from ${p.deprecated}: it may be removed on or after that date once this is released.`,
          },
          messageSegs,
        ),
      );
    }
    if (was.envelope !== p.envelope) {
      out.push(
        declaredChange(graph, p, messageSegs, {
          rule: 'envelope-changed',
          event: key,
          old: was.envelope,
          new: p.envelope,
          message: `${key} is now sent ${p.envelope ? 'inside' : 'without'} the shared envelope: readers of the other form reject it.`,
        }),
      );
    }
    if (was.compatibility !== p.compatibility) {
      out.push({
        rule: 'compatibility-changed',
        breaking: false,
        event: key,
        pointer: '',
        old: was.compatibility,
        new: p.compatibility,
        message: `${key} now declares compatibility ${p.compatibility} (was ${was.compatibility}).`,
        ...locate(graph, p.schemaLocation, []),
      });
    }
    out.push(...payloadChanges(graph, key, was, p, opts));
    out.push(...consumerChanges(graph, key, was, e.consumers, opts));
  }
  for (const e of graph.events) {
    if (!e.producer || old.has(e.key)) continue;
    const p = e.producer;
    out.push({
      rule: 'event-added',
      breaking: false,
      event: e.key,
      pointer: pointerOf(['operations', p.operationId]),
      old: null,
      new: p.service,
      message: `${p.service} sends a new event ${e.key}.`,
      ...locate(graph, p.operationLocation, []),
    });
  }
  return opts.accepted ? out.map((c) => acceptOverride(c, opts.accepted)) : out;
}

/** A breaking change that an override in the lock accepted is reported safe, with its reason. */
export function acceptOverride(c: ContractChange, accepted: CompareOptions['accepted']): ContractChange {
  const reason = c.breaking ? accepted?.(c.event, c.rule) : undefined;
  if (reason === undefined) return c;
  return {
    ...c,
    breaking: false,
    message: `${c.message} Accepted by the override recorded in the lock ("${reason}").`,
  };
}

/** Stable order: breaking first, then by file, line, rule. */
export function sortChanges(changes: readonly ContractChange[]): ContractChange[] {
  return [...changes].sort(
    (a, b) =>
      Number(b.breaking) - Number(a.breaking) ||
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      a.rule.localeCompare(b.rule) ||
      a.event.localeCompare(b.event) ||
      a.pointer.localeCompare(b.pointer),
  );
}

/** A value as a change report shows it: JSON, or `absent`. */
export function showValue(v: unknown): string {
  if (v === undefined || v === null) return 'absent';
  return typeof v === 'string' ? v : JSON.stringify(v);
}
