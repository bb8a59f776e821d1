/**
 * check: every judgement of the contracts, one file per rule family, each rule with an id that
 * `kada-gen rules` lists. The model builds the graph and reports only what it cannot build;
 * these read the graph.
 *
 *   document rules (before any code is emitted):  event-extension.ts  consumer-policy.ts  ownership.ts
 *   producer/consumer drift and examples:         contracts.ts  examples.ts  http.ts
 *   an earlier state (lock, git ref) against now: changes.ts  graph-changes.ts  (lock/check.ts applies them)
 */
import { RULES } from '../compat/rules.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { LOCK_RULES } from '../lock/check.ts';
import type { ContractGraph } from '../model.ts';
import { CONTRACT_RULES } from './changes.ts';
import { CONSUMER_POLICY_RULES, checkConsumerPolicies } from './consumer-policy.ts';
import { DRIFT_RULES } from './contracts.ts';
import { checkEventExtensions, EVENT_EXTENSION_RULES } from './event-extension.ts';
import { EXAMPLE_RULES } from './examples.ts';
import { GRAPH_CHANGE_RULES } from './graph-changes.ts';
import { HTTP_RULES } from './http.ts';
import { checkOwnership, OWNERSHIP_RULES } from './ownership.ts';

/**
 * What the documents declare, judged before any code is emitted: x-kada-event, x-kada-consumer,
 * and who owns what across documents. Every finding is an error.
 */
export function checkDocuments(graph: ContractGraph): Diagnostic[] {
  return [...checkEventExtensions(graph), ...checkConsumerPolicies(graph), ...checkOwnership(graph)];
}

export interface RuleInfo {
  readonly id: string;
  readonly kind: string;
  readonly description: string;
}

/** Every rule id the CLI can report, as `kada-gen rules` lists them: payload rules first. */
export function allRules(): RuleInfo[] {
  return [
    ...RULES,
    ...CONTRACT_RULES,
    ...GRAPH_CHANGE_RULES,
    ...LOCK_RULES,
    ...EVENT_EXTENSION_RULES,
    ...CONSUMER_POLICY_RULES,
    ...OWNERSHIP_RULES,
    ...DRIFT_RULES,
    ...EXAMPLE_RULES,
    ...HTTP_RULES,
  ].map((r) => ({ id: r.id, kind: r.kind, description: r.description }));
}
