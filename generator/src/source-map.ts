/**
 * Maps a JSON pointer inside a YAML file to its line and column, so that every diagnostic
 * can point at the spec text a person edits.
 *
 *   lineOf('order.yaml', ['components', 'schemas', 'OrderCreatedV1']) -> { line: 31, column: 5 }
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** What reading a YAML/JSON text gives, without the syntax tree (see SourceFile, parsedYaml). */
export interface ParsedYaml {
  readonly json: unknown;
  readonly wellFormed: boolean;
}

export class SourceFile {
  readonly path: string;
  readonly text: string;
  readonly json: unknown;
  /** False when the YAML has syntax errors (json is then what could be read). */
  readonly wellFormed: boolean;
  private tree: { readonly root: Node | null; readonly counter: LineCounter } | null = null;

  /**
   * `parsed`: the json of this very text from a cache; the syntax tree, which only positions need,
   * is then built on the first call of position().
   */
  constructor(path: string, text: string, parsed?: ParsedYaml) {
    this.path = path;
    this.text = text;
    if (parsed) {
      this.json = parsed.json;
      this.wellFormed = parsed.wellFormed;
      return;
    }
    const tree = this.syntaxTree();
    this.json = tree.doc.toJS({ maxAliasCount: -1 });
    this.wellFormed = tree.doc.errors.length === 0;
  }

  private syntaxTree() {
    const counter = new LineCounter();
    const doc = parseDocument(this.text, { lineCounter: counter, uniqueKeys: false });
    this.tree = { root: (doc.contents as Node | null) ?? null, counter };
    return { doc, ...this.tree };
  }

  /**
   * The json and well-formedness to cache, or null when JSON cannot hold the value exactly
   * (.nan, .inf, a key that is not a string…): such a file is always read from its text.
   */
  cacheable(): ParsedYaml | null {
    const exact = (v: unknown): boolean => {
      if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
      if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
      if (Array.isArray(v)) return v.every(exact);
      if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype)
        return Object.values(v as object).every(exact);
      return false;
    };
    return exact(this.json) ? { json: this.json, wellFormed: this.wellFormed } : null;
  }

  /** Position of the deepest node reachable along `path` (the key, for a map entry). */
  position(path: readonly (string | number)[]): Position {
    const { root, counter } = this.tree ?? this.syntaxTree();
    let node: Node | null = root;
    let best = node?.range ? node.range[0] : 0;
    for (const seg of path) {
      if (!node) break;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        const key = pair.key as Node;
        if (key.range) best = key.range[0];
        node = (pair.value as Node | null) ?? null;
      } else if (isSeq(node)) {
        const item = node.items[Number(seg)] as Node | undefined;
        if (!item) break;
        if (item.range) best = item.range[0];
        node = item;
      } else break;
    }
    const { line, col } = counter.linePos(best);
    return { line, column: col };
  }
}

/** Splits "#/components/schemas/A~1B" into ['components', 'schemas', 'A/B']. */
export function parsePointer(pointer: string): string[] {
  const p = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (p === '' || p === '/') return [];
  return p
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
