/**
 * compareGraphs: every change from one contract graph (the specs at a git ref) to another (the
 * specs now): compareContracts' event and consumer changes, plus what only two whole graphs
 * show (an operation or a channel gone, a consumer that starts receiving what nobody sends).
 *
 *   before: stock receives order.created.v1 on channel "order.created"; after: the channel is gone
 *   -> [{ rule: 'channel-removed', breaking: true, event: 'order.created.v1', pointer: '#/channels/orderCreated', … }]
 */

import type { LockOverride } from '../lock/lockfile.ts';
import { snapshotEvents } from '../lock/lockfile.ts';
import type { ContractGraph, MessageModel } from '../model.ts';
import { acceptOverride, type ContractChange, compareContracts, sortChanges } from './changes.ts';
import { topicMatches } from './contracts.ts';
import { locate, type Place } from './place.ts';

/** Changes only two whole graphs show, in the same id space as CONTRACT_RULES. */
export const GRAPH_CHANGE_RULES = [
  {
    id: 'operation-removed',
    kind: 'contract',
    description:
      'An operation is gone; breaking when it was the only one sending an event whose removal is breaking (see event-removed).',
  },
  {
    id: 'channel-removed',
    kind: 'contract',
    description:
      'A channel is gone; breaking when a consumer still binds its address and nobody sends to it any more, or when it carried an event whose removal is breaking.',
  },
  {
    id: 'consumer-without-producer',
    kind: 'contract',
    description: 'A consumer starts receiving an event that nobody sends.',
  },
] as const;

interface Operation {
  readonly service: string;
  readonly m: MessageModel;
  readonly action: 'send' | 'receive' | 'other';
}

function operations(graph: ContractGraph): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const s of graph.services) {
    const all: [MessageModel, Operation['action']][] = [
      ...s.sends.map((m): [MessageModel, Operation['action']] => [m, 'send']),
      ...s.receives.map((m): [MessageModel, Operation['action']] => [m, 'receive']),
      ...s.other.map((m): [MessageModel, Operation['action']] => [m, 'other']),
    ];
    for (const [m, action] of all) {
      const id = `${s.id}\u0000${m.operationId}`;
      if (!out.has(id)) out.set(id, { service: s.id, m, action });
    }
  }
  return out;
}

function channels(graph: ContractGraph): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const op of operations(graph).values()) {
    const id = `${op.service}\u0000${op.m.routingKey}`;
    if (!out.has(id)) out.set(id, op);
  }
  return out;
}

/**
 * Every change from `before` (the specs at a ref) to `after` (the specs now). `oldPlace` turns a
 * place in `before` into what a reader sees (e.g. `origin/main:specs/asyncapi/order.yaml`).
 */
export interface GraphCompareOptions {
  /** `--lenient`: unprovable payload findings are warnings. */
  readonly lenient?: boolean;
  /** `--open-content strict` for every event. */
  readonly openContent?: 'tolerant' | 'strict';
  /** Today as YYYY-MM-DD, for deprecation dates. */
  readonly today?: string;
  /** Overrides recorded in the lock (`--allow-breaking`): a breaking change they name is accepted. */
  readonly overrides?: readonly LockOverride[];
}

export function compareGraphs(
  before: ContractGraph,
  after: ContractGraph,
  oldLabel: string,
  oldPlace: (p: Place) => Place,
  options: GraphCompareOptions = {},
): ContractChange[] {
  const old = snapshotEvents(before);
  const oldOp = (m: MessageModel) => oldPlace(locate(before, m.operationLocation, []));
  const overrides = options.overrides ?? [];
  const accepted = (event: string, rule: string) =>
    overrides.find((o) => o.event === event && o.rules.includes(rule))?.reason;
  const changes = compareContracts(old, after, {
    oldLabel: `the schema at ${oldLabel}`,
    transitive: false,
    accepted,
    ...(options.lenient ? { lenient: true } : {}),
    ...(options.openContent ? { openContent: options.openContent } : {}),
    ...(options.today ? { today: options.today } : {}),
    removedAt: (key, _was, consumer) => {
      const e = before.events.find((x) => x.key === key);
      const m = consumer ? e?.consumers.find((c) => c.service === consumer) : e?.producer;
      return m ? oldOp(m) : { file: oldLabel, line: 1, column: 1 };
    },
  });
  // an event whose removal is breaking makes its send operation's and channel's removal breaking
  const removalBreaks = new Set(
    changes.filter((c) => c.rule === 'event-removed' && c.breaking).map((c) => c.event),
  );
  const newOps = operations(after);
  for (const [id, op] of operations(before)) {
    if (newOps.has(id)) continue;
    const key = op.m.key;
    const breaking = op.action === 'send' && removalBreaks.has(key);
    changes.push({
      rule: 'operation-removed',
      breaking,
      event: key,
      pointer: `#/operations/${op.m.operationId}`,
      old: op.action,
      new: null,
      message: breaking
        ? `${op.service} no longer has operation ${op.m.operationId}, the only one sending ${key}, which is still published (see event-removed).`
        : `${op.service} no longer has operation ${op.m.operationId} (${op.action} ${key}).`,
      ...oldOp(op.m),
    });
  }
  const newChannels = channels(after);
  const producerKeys = after.events.filter((e) => e.producer).map((e) => e.routingKey);
  for (const [id, op] of channels(before)) {
    if (newChannels.has(id)) continue;
    const address = op.m.routingKey;
    const bound = after.services.some((s) =>
      s.receives.some((c) => !c.external && topicMatches(c.routingKey, address)),
    );
    const orphaned = bound && !producerKeys.some((k) => topicMatches(address, k) || k === address);
    const unpublished = op.action === 'send' && removalBreaks.has(op.m.key);
    const breaking = orphaned || unpublished;
    changes.push({
      rule: 'channel-removed',
      breaking,
      event: op.m.key,
      pointer: `#/channels/${op.m.channelId}`,
      old: address,
      new: null,
      message: orphaned
        ? `${op.service} no longer declares channel "${address}", a consumer still binds it and nobody else publishes to it.`
        : unpublished
          ? `${op.service} no longer declares channel "${address}", on which it published ${op.m.key} (see event-removed).`
          : `${op.service} no longer declares channel "${address}".`,
      ...oldPlace(
        locate(before, { absPath: op.m.operationLocation.absPath, pointer: [] }, [
          'channels',
          op.m.channelId,
        ]),
      ),
    });
  }
  for (const e of after.events) {
    if (e.producer || old.has(e.key)) continue;
    for (const c of e.consumers) {
      if (c.external) continue;
      if (before.events.find((x) => x.key === e.key)?.consumers.some((x) => x.service === c.service))
        continue;
      changes.push({
        rule: 'consumer-without-producer',
        breaking: true,
        event: e.key,
        pointer: `#/operations/${c.operationId}`,
        old: null,
        new: c.policy.queue,
        message: `${c.service} starts receiving ${e.key}, which no document sends: its queue would stay empty. Add the send operation to the producer's document first, or mark the operation x-kada-external: true.`,
        ...locate(after, c.operationLocation, []),
      });
    }
  }
  return sortChanges(changes.map((c) => acceptOverride(c, accepted)));
}
