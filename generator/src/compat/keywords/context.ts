/**
 * What every keyword comparator receives: the writer and reader nodes with their derived facts,
 * and a context to report findings and to compare child schemas. Comparators never import the
 * engine that drives them; they recurse through `ctx.visit`, so the table stays flat.
 *
 *   const bounds: Comparator = { family: 'bounds', keywords: ['minLength', …], rules: [...], check(ctx, node) { … } };
 */
import type { Finding, RuleId } from '../rules.ts';
import { accepts, type JsonType, type SchemaObject, subject } from '../schema.ts';

export interface ReadableOptions {
  /** How messages name the writer side, e.g. 'old schema' or 'producer orders'. */
  writerLabel?: string;
  /** How messages name the reader side. */
  readerLabel?: string;
  /**
   * Schema-registry reading: an open writer object (additionalProperties true, absent or `{}`)
   * may send any undeclared property, so a reader that declares a new property breaks.
   */
  strictOpenContent?: boolean;
  /**
   * The reader ignores properties it does not know: its `additionalProperties: false` and
   * `unevaluatedProperties: false` are lifted (the writer's are kept: a closed writer sends no
   * extras). What deployed consumers validate; see compat/tolerant.ts.
   */
  tolerantReader?: boolean;
}

export interface Context {
  readonly opts: Required<ReadableOptions>;
  readonly out: Finding[];
  /** Compares a writer child schema with a reader child schema, reporting into this context. */
  visit(writer: unknown, reader: unknown, ptr: string, sptr: string): void;
  /** The breaking findings a comparison would give, without reporting them. */
  probe(writer: unknown, reader: unknown, ptr: string, sptr: string): Finding[];
}

/** One writer/reader pair of schema nodes, with what the driver already derived. */
export interface Node {
  /** The writer, allOf merged and one oneOf/anyOf branch chosen. */
  readonly ws: SchemaObject;
  /** The reader without allOf/oneOf/anyOf (the driver handles those). */
  readonly rs: SchemaObject;
  /** The reader as written, allOf included (to know which properties it evaluates). */
  readonly rsFull: SchemaObject;
  readonly ptr: string;
  readonly sptr: string;
  /** Effective writer/reader types; undefined = any. */
  readonly wt: Set<JsonType> | undefined;
  readonly rt: Set<JsonType> | undefined;
  /** The writer's values when it can send only finitely many (const, enum, boolean/null). */
  readonly values: unknown[] | undefined;
  /** Does the writer send values of type `t` that the reader's `type` accepts? */
  shared(t: JsonType): boolean;
  /** The writer sends integers but no other numbers. */
  readonly integerOnly: boolean;
}

/**
 * A keyword family: the reader keywords it judges, the rule ids it may report, and the check.
 * A reader keyword that no comparator lists is reported `unprovable` when it differs.
 */
export interface Comparator {
  readonly family: string;
  readonly keywords: readonly string[];
  readonly rules: readonly RuleId[];
  check(ctx: Context, node: Node): void;
}

export function report(
  ctx: Context,
  rule: RuleId,
  pointer: string,
  schemaPointer: string,
  writer: unknown,
  reader: unknown,
  text: string,
): void {
  ctx.out.push({
    rule,
    severity: 'breaking',
    pointer,
    schemaPointer,
    writer,
    reader,
    message: `${subject(pointer)}: ${text}`,
  });
}

/**
 * The engine cannot decide this keyword: the finding names the keyword and its place. It is
 * breaking in every mode unless the run is lenient (compareVersions turns it into a warning).
 */
export function unprovable(
  ctx: Context,
  keyword: string,
  pointer: string,
  schemaPointer: string,
  writer: unknown,
  reader: unknown,
  why: string,
): void {
  const { writerLabel: W, readerLabel: R } = ctx.opts;
  report(
    ctx,
    'unprovable',
    pointer,
    schemaPointer,
    writer,
    reader,
    `cannot prove that ${R}'s '${keyword}' accepts every value of ${W}: ${why}.`,
  );
}

export function writerAccepts(node: Node, t: JsonType): boolean {
  return node.wt === undefined || accepts(node.wt, t) || (t === 'integer' && node.wt.has('number'));
}
