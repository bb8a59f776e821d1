/**
 * x-kada-event rules: the compatibility mode, open content and retirement date a message
 * declares are values the checks can read.
 *
 *   order.yaml  order.created message  x-kada-event: { deprecated: soon }
 *   -> specs/asyncapi/order.yaml:30:7 error deprecated-date x-kada-event.deprecated must be the date (YYYY-MM-DD) …
 */
import type { Diagnostic } from '../diagnostics.ts';
import { COMPATIBILITY_MODES, type ContractGraph, type MessageModel } from '../model.ts';
import { declaredAt } from './place.ts';

export const EVENT_EXTENSION_RULES = [
  {
    id: 'compatibility-mode',
    kind: 'document',
    description: `x-kada-event.compatibility is one of ${[...COMPATIBILITY_MODES].join(', ')} (default full).`,
  },
  {
    id: 'open-content',
    kind: 'document',
    description: 'x-kada-event.openContent is tolerant (default) or strict.',
  },
  {
    id: 'deprecated-date',
    kind: 'document',
    description:
      'x-kada-event.deprecated is a date, YYYY-MM-DD: the day from which the event may be removed.',
  },
] as const;

/** Every message the graph holds once: sends, receives, others and the replies only a request names. */
function messages(graph: ContractGraph): MessageModel[] {
  return graph.services.flatMap((s) => [
    ...s.sends,
    ...s.receives,
    ...s.other,
    ...s.rpc.flatMap((r) => (r.replyOperationId === null ? r.reply : [])),
  ]);
}

export function checkEventExtensions(graph: ContractGraph): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of messages(graph)) {
    const ext = m.eventExtension;
    // Positions only for diagnostics: finding one builds the YAML syntax tree of the file.
    const at = () => declaredAt(graph, m, ['channels', m.channelId, 'messages', m.messageId]);
    if (!COMPATIBILITY_MODES.has(m.compatibility)) {
      out.push({
        severity: 'error',
        code: 'compatibility-mode',
        message: `x-kada-event.compatibility must be one of ${[...COMPATIBILITY_MODES].join(', ')}; got "${m.compatibility}".`,
        ...at(),
      });
    }
    const openContent = ext.openContent ?? 'tolerant';
    if (openContent !== 'tolerant' && openContent !== 'strict') {
      out.push({
        severity: 'error',
        code: 'open-content',
        message: `x-kada-event.openContent must be "tolerant" (default: readers ignore unknown fields) or "strict" (adding a property to an open object breaks backward); got ${JSON.stringify(openContent)}.`,
        ...at(),
      });
    }
    if (ext.deprecated !== undefined && !(m.deprecated && /^\d{4}-\d{2}-\d{2}$/.test(m.deprecated))) {
      out.push({
        severity: 'error',
        code: 'deprecated-date',
        message: `x-kada-event.deprecated must be the date (YYYY-MM-DD) from which the event may be removed; got ${JSON.stringify(ext.deprecated)}.`,
        ...at(),
      });
    }
  }
  return out;
}
