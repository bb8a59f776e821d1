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

export class SourceFile {
  readonly path: string;
  readonly text: string;
  readonly json: unknown;
  /** False when the YAML has syntax errors (json is then what could be read). */
  readonly wellFormed: boolean;
  private readonly root: Node | null;
  private readonly counter: LineCounter;

  constructor(path: string, text: string) {
    this.path = path;
    this.text = text;
    this.counter = new LineCounter();
    const doc = parseDocument(text, { lineCounter: this.counter, uniqueKeys: false });
    this.wellFormed = doc.errors.length === 0;
    this.root = (doc.contents as Node | null) ?? null;
    this.json = doc.toJS({ maxAliasCount: -1 });
  }

  /** Position of the deepest node reachable along `path` (the key, for a map entry). */
  position(path: readonly (string | number)[]): Position {
    let node: Node | null = this.root;
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
    const { line, col } = this.counter.linePos(best);
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
