/**
 * The keyword table: one comparator per family. Adding a keyword is adding it to a family (or a
 * new row here) with its rule ids; a reader keyword that no row lists is reported `unprovable`
 * when it differs from the writer's.
 */
import { arrays } from './arrays.ts';
import { bounds } from './bounds.ts';
import { combinators } from './combinators.ts';
import type { Comparator } from './context.ts';
import { formats } from './formats.ts';
import { objects } from './objects.ts';
import { types } from './types.ts';
import { values } from './values.ts';

export type { Comparator, Context, Node, ReadableOptions } from './context.ts';
export { report, unprovable } from './context.ts';

export const COMPARATORS: readonly Comparator[] = [
  types,
  values,
  formats,
  bounds,
  arrays,
  objects,
  combinators,
];

/** Validation keywords the engine knows; those not in a comparator are unprovable when they differ. */
export const VALIDATION_KEYWORDS: readonly string[] = [
  ...COMPARATORS.flatMap((c) => c.keywords),
  'unevaluatedItems',
  '$ref',
  '$dynamicRef',
  '$recursiveRef',
  'contentSchema',
];

export const JUDGED_KEYWORDS: ReadonlySet<string> = new Set(COMPARATORS.flatMap((c) => c.keywords));
