/**
 * Where a diagnostic points: a line and column in a spec file, found from the graph's
 * locations (following `$ref`s to the text that declares a node) or from a pointer into the
 * document that declares a message.
 *
 *   locate(graph, stockView.schemaLocation, ['properties', 'total'])
 *   -> { file: 'specs/asyncapi/common/order.yaml', line: 31, column: 9 }   (after its $ref)
 */
import {
  type ContractGraph,
  followRef,
  type JsonSchema,
  type MessageModel,
  type SchemaLocation,
} from '../model.ts';
import { parsePointer } from '../source-map.ts';

export interface Place {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** The text at `base` then `segs`, following each `$ref` on the way. */
export function locate(graph: ContractGraph, base: SchemaLocation, segs: readonly string[]): Place {
  const sourceOf = (abs: string) => graph.sources.get(abs);
  let loc = base;
  for (const seg of segs) {
    loc = followRef(sourceOf, loc);
    loc = { absPath: loc.absPath, pointer: [...loc.pointer, seg] };
  }
  const src = graph.sources.get(loc.absPath);
  if (!src) return { file: loc.absPath, line: 1, column: 1 };
  const pos = src.position(loc.pointer);
  return { file: src.path, line: pos.line, column: pos.column };
}

/** `segs` in the document that declares `m`, as written there (no `$ref` followed). */
export function declaredAt(graph: ContractGraph, m: MessageModel, segs: readonly string[]): Place {
  return inFile(graph, m.file, m.operationLocation.absPath, segs);
}

/** `segs` in the document `file` (shown) at `absPath`, as written there. */
export function inFile(graph: ContractGraph, file: string, absPath: string, segs: readonly string[]): Place {
  const pos = graph.sources.get(absPath)?.position(segs) ?? { line: 1, column: 1 };
  return { file, line: pos.line, column: pos.column };
}

/** '/items/*\/unitPrice' in the data -> ['properties','items','items','properties','unitPrice'] in `schema`. */
export function dataPointerToSchemaPath(schema: JsonSchema, dataPointer: string): string[] {
  const out: string[] = [];
  let node: JsonSchema | undefined = schema;
  for (const seg of parsePointer(dataPointer)) {
    if (!node) break;
    if (seg === '*' || /^\d+$/.test(seg)) {
      out.push('items');
      node = node.items as JsonSchema | undefined;
    } else {
      out.push('properties', seg);
      node = (node.properties as Record<string, JsonSchema> | undefined)?.[seg];
    }
  }
  return out;
}
