/**
 * check: drift between producers and consumers, completeness, routing, and examples.
 *
 *   order.yaml sends order.created.v1 with `total` optional;
 *   stock.yaml receives it with a view that requires `total`
 *   -> error drift:required-missing at specs/asyncapi/stock.yaml:<line of total>
 *      "stock's view of order.created.v1 requires /total, which order may omit (specs/asyncapi/order.yaml:…)"
 */

import { checkReadable } from '../compat/readable.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { ContractGraph, MessageModel } from '../model.ts';
import { parsePointer } from '../source-map.ts';
import { dataPointerToSchemaPath, locate } from './place.ts';

export const DRIFT_RULES = [
  {
    id: 'no-consumer',
    kind: 'drift',
    description: 'A warning: an event is sent but no document here receives it.',
  },
  {
    id: 'no-producer',
    kind: 'drift',
    description:
      'With --strict: a receive operation whose event no document sends (mark it x-kada-external: true when it comes from outside these specs).',
  },
  {
    id: 'external-producer',
    kind: 'drift',
    description:
      'Without --strict, a warning: a receive operation whose event no document here sends is taken as produced outside these specs, so its drift is not checked.',
  },
  {
    id: 'routing-exchange',
    kind: 'drift',
    description: 'A consumer binds an event on another exchange than the one its producer publishes to.',
  },
  {
    id: 'routing-unbound',
    kind: 'drift',
    description:
      "A consumer's binding key (with * and #) does not match the routing key its producer publishes with.",
  },
  {
    id: 'drift-envelope',
    kind: 'drift',
    description:
      'A consumer expects an event inside the shared envelope and its producer sends it without (or the reverse).',
  },
  {
    id: 'drift:<rule>',
    kind: 'drift',
    description:
      "A consumer's view of an event is not satisfied by its producer's schema; <rule> is the payload rule that breaks (see the payload rules above), read tolerant: a view may leave out what it does not use.",
  },
] as const;

function opLocation(graph: ContractGraph, m: MessageModel) {
  return locate(graph, m.operationLocation, []);
}

export interface CheckOptions {
  /**
   * A receive whose producer is in none of the documents is an error (this repository's own specs,
   * where every producer is present); without it, a warning: the producer is another team's.
   */
  readonly strict?: boolean;
}

export function checkContracts(graph: ContractGraph, opts: CheckOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of graph.events) {
    const p = e.producer;
    if (p && e.consumers.length === 0) {
      out.push({
        severity: 'warning',
        code: 'no-consumer',
        message: `${p.service} sends ${e.key} but no document receives it.`,
        ...opLocation(graph, p),
      });
    }
    for (const c of e.consumers) {
      // Positions only for diagnostics: finding one builds the YAML syntax tree of the file.
      const at = () => opLocation(graph, c);
      if (!p) {
        if (!c.external) {
          out.push(
            opts.strict
              ? {
                  severity: 'error',
                  code: 'no-producer',
                  message: `${c.service} receives ${e.key} (${c.file}) but no document sends it. Add a send operation to the producer's document, or mark the receive operation x-kada-external: true if it comes from outside these specs.`,
                  ...at(),
                }
              : {
                  severity: 'warning',
                  code: 'external-producer',
                  message: `${c.service} receives ${e.key} (${c.file}) but no document here sends it: taken as produced outside these specs, so drift against its producer is not checked. Add the producer's document to the folder to check it, or mark the operation x-kada-external: true to silence this (--strict makes this an error).`,
                  ...at(),
                },
          );
        }
        continue;
      }
      const related = () => [{ ...opLocation(graph, p), note: `${p.service} sends ${e.key} here` }];
      if (c.exchange !== p.exchange) {
        out.push({
          severity: 'error',
          code: 'routing-exchange',
          message: `${c.service} binds ${e.key} on exchange "${c.exchange}" but ${p.service} (${p.file}) publishes it to "${p.exchange}".`,
          ...at(),
          related: related(),
        });
      }
      if (!topicMatches(c.routingKey, p.routingKey)) {
        out.push({
          severity: 'error',
          code: 'routing-unbound',
          message: `${c.service} (${c.file}) binds "${c.routingKey}" for ${e.key}, which does not match the routing key "${p.routingKey}" that ${p.service} (${p.file}) publishes: no binding matches, the messages would never arrive.`,
          ...at(),
          related: related(),
        });
      }
      if (c.envelope !== p.envelope) {
        out.push({
          severity: 'error',
          code: 'drift-envelope',
          message: `${c.service} (${c.file}) expects ${e.key} ${c.envelope ? 'inside' : 'without'} the envelope, but ${p.service} (${p.file}) sends it ${p.envelope ? 'inside' : 'without'} it.`,
          ...at(),
          related: related(),
        });
      }
      for (const f of checkReadable(p.schema, c.schema)) {
        if (f.severity !== 'breaking') continue;
        const where = locate(graph, c.schemaLocation, parsePointer(f.schemaPointer));
        const prodWhere = locate(graph, p.schemaLocation, dataPointerToSchemaPath(p.schema, f.pointer));
        out.push({
          severity: 'error',
          code: `drift:${f.rule}`,
          message: `${c.service}'s view of ${e.key} (${c.file}) is not satisfied by its producer ${p.service} (${p.file}) at field ${f.pointer || '/'}: ${f.message}`,
          ...where,
          related: [{ ...prodWhere, note: `${p.service}'s schema for ${f.pointer || '/'}` }],
        });
      }
    }
  }
  return out;
}

/** AMQP topic matching: `*` one word, `#` zero or more words. */
export function topicMatches(pattern: string, key: string): boolean {
  const p = pattern.split('.');
  const k = key.split('.');
  const go = (i: number, j: number): boolean => {
    if (i === p.length) return j === k.length;
    if (p[i] === '#') return go(i + 1, j) || (j < k.length && go(i, j + 1));
    if (j === k.length) return false;
    return (p[i] === '*' || p[i] === k[j]) && go(i + 1, j + 1);
  };
  return go(0, 0);
}
