/**
 * The tolerant reader: consumers ignore properties they do not know. Producers publish against
 * their closed schema (a typo in a publisher fails at once), but what a consumer validates, and
 * what the compatibility check assumes a deployed reader accepts, is the same schema with every
 * `additionalProperties: false` lifted. That is what makes "add an optional field" safe under
 * `full`, as in protobuf and Avro, while a new *required* field or a removed one still breaks.
 *
 *   { type: 'object', additionalProperties: false, properties: { id: {...} } }
 *   -> { type: 'object', properties: { id: {...} } }
 */
export function tolerantReader<T>(schema: T): T {
  const seen = new Map<object, unknown>();
  const open = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(open);
    if (!v || typeof v !== 'object') return v;
    const hit = seen.get(v);
    if (hit) return hit;
    const out: Record<string, unknown> = {};
    seen.set(v, out);
    for (const [k, x] of Object.entries(v)) {
      if (k === 'additionalProperties' && x === false) continue;
      out[k] = open(x);
    }
    return out;
  };
  return open(schema) as T;
}
