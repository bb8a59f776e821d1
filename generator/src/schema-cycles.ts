/**
 * Recursive schemas as trees: @asyncapi/parser resolves a `$ref` cycle into a cyclic object
 * graph, which every later step (types, validators, compatibility, the lock) would walk forever.
 * `decycle` turns each schema that is reached again from inside itself into a definition under
 * the root's `$defs` and every edge to it into `{ $ref: '#/$defs/<Name>' }`, which ajv compiles
 * and the type printer prints as a named, recursive type.
 *
 *   Category = { properties: { children: { items: <Category itself> } } }   (cyclic)
 *   -> { $ref: '#/$defs/Category',
 *        $defs: { Category: { properties: { children: { items: { $ref: '#/$defs/Category' } } } } } }
 */
export const DEFS_PREFIX = '#/$defs/';

/** Keywords whose schemas apply to a part of the value (a property, an item), not the value itself. */
const DATA_KEYWORDS = new Set([
  'properties',
  'patternProperties',
  'additionalProperties',
  'items',
  'prefixItems',
  'additionalItems',
  'contains',
  'propertyNames',
  'unevaluatedProperties',
  'unevaluatedItems',
  'dependentSchemas',
]);

export function decycle(root: unknown): Record<string, unknown> {
  if (!root || typeof root !== 'object' || Array.isArray(root))
    return (root ?? {}) as Record<string, unknown>;
  // Pass 1: depth-first, the heads of back edges; every cycle contains one.
  const targets = new Set<object>();
  const onPath = new Set<object>();
  const done = new Set<object>();
  const find = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (onPath.has(node)) {
      targets.add(node);
      return;
    }
    if (done.has(node)) return;
    onPath.add(node);
    for (const v of Object.values(node)) find(v);
    onPath.delete(node);
    done.add(node);
  };
  find(root);
  if (targets.size === 0) return root as Record<string, unknown>;

  // Pass 2: copy as a tree, every reference to a target replaced by a $ref to its definition.
  const names = new Map<object, string>();
  const taken = new Set<string>();
  const defs: Record<string, unknown> = {};
  const nameOf = (node: object): string => {
    let name = names.get(node);
    if (name) return name;
    const wanted = (node as Record<string, unknown>)['x-kada-ref'];
    const base = (typeof wanted === 'string' ? wanted.replace(/[^A-Za-z0-9_.-]/g, '_') : '') || 'Recursive';
    name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
    taken.add(name);
    names.set(node, name);
    return name;
  };
  // A cycle that goes back to a schema without descending into the data (a subtype's allOf
  // naming its base, whose oneOf names the subtype) is not a recursive type but an infinite
  // regress on the same value: that reference stands for the base's own part (without its union).
  const expanding = new Set<object>();
  const copy = (
    node: unknown,
    asDefinition: boolean,
    path: { node: object; depth: number }[],
    depth: number,
  ): unknown => {
    if (!node || typeof node !== 'object') return node;
    if (!asDefinition && targets.has(node)) {
      if (path.some((p) => p.node === node && p.depth === depth)) {
        if (expanding.has(node)) return {};
        expanding.add(node);
        const {
          oneOf: _o,
          anyOf: _a,
          discriminator: _d,
          'x-kada-ref': _r,
          ...own
        } = node as Record<string, unknown>;
        const out = copy(own, true, [...path, { node, depth }], depth);
        expanding.delete(node);
        return out;
      }
      const name = nameOf(node);
      if (!(name in defs)) {
        defs[name] = null; // claimed before copying, so the body's own references stop here
        defs[name] = copy(node, true, [], 0);
      }
      return { $ref: `${DEFS_PREFIX}${name}` };
    }
    const here = [...path, { node, depth }];
    if (Array.isArray(node)) return node.map((v) => copy(v, false, here, depth));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node))
      out[k] = copy(v, false, here, DATA_KEYWORDS.has(k) ? depth + 1 : depth);
    return out;
  };
  const tree = copy(root, false, [], 0) as Record<string, unknown>;
  const sorted = Object.fromEntries(
    Object.keys(defs)
      .sort()
      .map((k) => [k, defs[k]]),
  );
  return { ...tree, $defs: sorted };
}
