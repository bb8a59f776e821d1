/**
 * The JSON Schema compatibility engine: pure functions over resolved payload schemas.
 *
 *   compareVersions(oldSchema, newSchema, 'full')  // → { breaking: VersionFinding[], safe: VersionFinding[] }
 *   checkReadable(producerSchema, consumerView)    // drift: → Finding[]
 */
export { describeChanges } from './diff.ts';
export type { CompareOptions, Comparison, Direction, Mode, TransitiveMode, VersionFinding } from './modes.ts';
export { compareTransitive, compareVersions, MODES } from './modes.ts';
export { normalizeSchema } from './normalize.ts';
export type { ReadableOptions } from './readable.ts';
export { checkReadable } from './readable.ts';
export type { Finding, RuleId, RuleKind, Severity } from './rules.ts';
export { RULES } from './rules.ts';
