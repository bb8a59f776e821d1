/**
 * Cross-document rules: one document per service id, one document sends an event version.
 *
 *   shop.yaml and warehouse.yaml both send order.created.v1
 *   -> specs/asyncapi/warehouse.yaml:12:3 error event-owner event order.created.v1 is sent by both shop (shop.yaml) and warehouse; …
 */
import type { Diagnostic } from '../diagnostics.ts';
import type { ContractGraph } from '../model.ts';
import { declaredAt, inFile } from './place.ts';

export const OWNERSHIP_RULES = [
  {
    id: 'event-owner',
    kind: 'document',
    description:
      'One document sends an event version: a second document with a send operation for it is an error.',
  },
  {
    id: 'service-duplicate',
    kind: 'document',
    description:
      'One document per service id (info.x-kada-service, else the file or folder name): a second document with the same id is an error and is not read.',
  },
] as const;

export function checkOwnership(graph: ContractGraph): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const u of graph.unread) {
    out.push({
      severity: 'error',
      code: 'service-duplicate',
      message: `service id "${u.service}" is used by both ${u.sameIdAs} and ${u.file}; give one of them another id with info.x-kada-service (e.g. x-kada-service: ${u.service}-2 in ${u.file}), or rename one file.`,
      ...inFile(graph, u.file, u.absPath, ['info']),
    });
  }
  const producers = new Map(graph.events.map((e) => [e.key, e.producer]));
  for (const s of graph.services) {
    for (const m of s.sends) {
      const owner = producers.get(m.key);
      if (!owner || owner.service === s.id) continue;
      out.push({
        severity: 'error',
        code: 'event-owner',
        message: `event ${m.key} is sent by both ${owner.service} (${owner.file}) and ${s.id}; one document must own an event.`,
        ...declaredAt(graph, m, m.operationLocation.pointer),
      });
    }
  }
  return out;
}
