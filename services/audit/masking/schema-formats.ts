import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

/**
 * Where each event carries an email address according to its contract: for every channel of the
 * AsyncAPI documents, the paths of the payload fields with JSON Schema `format: email`
 * (`$ref`s followed across files; `*` stands for any array item).
 *
 * e.g. user.registered.v1 -> [['email']]
 */
export type EmailPaths = ReadonlyMap<string, readonly (readonly string[])[]>;

export const DEFAULT_SPECS_DIR = fileURLToPath(new URL('../../../specs/asyncapi/', import.meta.url));

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads the AsyncAPI documents of `dir`; an absent directory gives an empty map (name rules still apply). */
export function loadEmailPaths(dir: string = DEFAULT_SPECS_DIR): EmailPaths {
  const out = new Map<string, string[][]>();
  if (!existsSync(dir)) return out;
  const docs = new Map<string, unknown>();
  const load = (file: string): unknown => {
    if (!docs.has(file)) docs.set(file, parseYaml(readFileSync(file, 'utf8')));
    return docs.get(file);
  };
  /** Follows a `$ref` (relative file and/or JSON pointer) from `file`; returns the target and its file. */
  const deref = (node: unknown, file: string, depth = 0): { node: unknown; file: string } => {
    if (!isNode(node) || typeof node.$ref !== 'string' || depth > 20) return { node, file };
    const [target = '', pointer = ''] = node.$ref.split('#');
    const targetFile = target === '' ? file : resolve(dirname(file), target);
    let value = load(targetFile);
    for (const part of pointer.split('/').filter(Boolean)) {
      const key = part.replaceAll('~1', '/').replaceAll('~0', '~');
      value = isNode(value) ? value[key] : undefined;
    }
    return deref(value, targetFile, depth + 1);
  };
  const walk = (
    schema: unknown,
    file: string,
    path: string[],
    found: string[][],
    seen: Set<unknown>,
  ): void => {
    const { node, file: at } = deref(schema, file);
    if (!isNode(node) || seen.has(node)) return;
    const inner = new Set(seen).add(node);
    if (node.format === 'email') found.push(path);
    if (isNode(node.properties)) {
      for (const [key, child] of Object.entries(node.properties))
        walk(child, at, [...path, key], found, inner);
    }
    if (node.items !== undefined) walk(node.items, at, [...path, '*'], found, inner);
    for (const keyword of ['oneOf', 'anyOf', 'allOf']) {
      const branches = node[keyword];
      if (Array.isArray(branches)) for (const branch of branches) walk(branch, at, path, found, inner);
    }
  };

  for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))) {
    const file = join(dir, name);
    const doc = load(file);
    const channels = isNode(doc) && isNode(doc.channels) ? doc.channels : {};
    for (const channel of Object.values(channels)) {
      if (!isNode(channel) || typeof channel.address !== 'string' || !isNode(channel.messages)) continue;
      for (const message of Object.values(channel.messages)) {
        const resolved = deref(message, file);
        if (!isNode(resolved.node)) continue;
        const found: string[][] = [];
        walk(resolved.node.payload, resolved.file, [], found, new Set());
        const paths = out.get(channel.address) ?? [];
        for (const path of found) {
          if (!paths.some((p) => p.join('.') === path.join('.'))) paths.push(path);
        }
        out.set(channel.address, paths);
      }
    }
  }
  return out;
}
