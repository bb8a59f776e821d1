/**
 * The stable rule ids of the compatibility engine, each with a one-line description.
 *
 * Two kinds share one id space: `readability` rules are emitted by `checkReadable` (a value
 * valid under the writer schema may be rejected by the reader), `change` rules by
 * `describeChanges` (a structural difference between an old and a new schema, later classified
 * breaking or safe). `ref-changed` is both.
 *
 *   RULES.find((r) => r.id === 'required-missing')
 *   // → { id: 'required-missing', kind: 'readability',
 *   //     description: 'The reader requires a property the writer may omit.' }
 */

export const RULES = [
  // readability: emitted by checkReadable
  {
    id: 'required-missing',
    kind: 'readability',
    description: 'The reader requires a property the writer may omit.',
  },
  {
    id: 'property-rejected',
    kind: 'readability',
    description: 'The writer may send a property that the closed reader object does not declare.',
  },
  {
    id: 'additional-properties-narrowed',
    kind: 'readability',
    description:
      "The writer's undeclared (map) properties are rejected by the reader's additionalProperties.",
  },
  {
    id: 'type-mismatch',
    kind: 'readability',
    description: 'The writer allows a type the reader does not accept.',
  },
  {
    id: 'null-rejected',
    kind: 'readability',
    description: 'The writer allows null and the reader does not.',
  },
  {
    id: 'enum-mismatch',
    kind: 'readability',
    description: "The writer allows values missing from the reader's enum.",
  },
  {
    id: 'const-mismatch',
    kind: 'readability',
    description: "The writer does not guarantee the reader's const value.",
  },
  {
    id: 'format-mismatch',
    kind: 'readability',
    description: 'The reader asserts a format the writer does not guarantee.',
  },
  {
    id: 'string-length-narrowed',
    kind: 'readability',
    description: "The reader's minLength or maxLength is tighter than the writer's.",
  },
  {
    id: 'pattern-mismatch',
    kind: 'readability',
    description: 'The reader has a pattern the writer does not share (compatibility cannot be proven).',
  },
  {
    id: 'number-range-narrowed',
    kind: 'readability',
    description: "The reader's minimum, maximum or exclusive bounds are tighter than the writer's.",
  },
  {
    id: 'multiple-of-mismatch',
    kind: 'readability',
    description: "The writer's numbers are not all multiples of the reader's multipleOf.",
  },
  {
    id: 'array-length-narrowed',
    kind: 'readability',
    description: "The reader's minItems or maxItems is tighter than the writer's.",
  },
  {
    id: 'unique-items-added',
    kind: 'readability',
    description: 'The reader requires unique items, the writer does not.',
  },
  {
    id: 'composition-mismatch',
    kind: 'readability',
    description: 'A writer value (or oneOf/anyOf branch) fits no branch of the reader oneOf/anyOf.',
  },
  {
    id: 'property-count-narrowed',
    kind: 'readability',
    description:
      "The reader's minProperties or maxProperties is tighter than the properties the writer sends.",
  },
  {
    id: 'property-name-rejected',
    kind: 'readability',
    description: "The writer may send a key that the reader's propertyNames rejects.",
  },
  {
    id: 'dependency-unmet',
    kind: 'readability',
    description:
      'The reader adds a dependentRequired/dependentSchemas/dependencies condition the writer does not guarantee.',
  },
  {
    id: 'additional-items-narrowed',
    kind: 'readability',
    description: "The writer may send more array items than the reader's tuple (prefixItems/items) allows.",
  },
  {
    id: 'contains-narrowed',
    kind: 'readability',
    description: "The writer does not guarantee the reader's contains with minContains/maxContains.",
  },
  {
    id: 'not-mismatch',
    kind: 'readability',
    description: "The writer may send a value that the reader's `not` rejects.",
  },
  {
    id: 'unprovable',
    kind: 'readability',
    description:
      'The engine cannot decide whether the reader accepts every writer value for this keyword (named in the message): breaking, or a warning with --lenient.',
  },
  // both
  {
    id: 'ref-changed',
    kind: 'both',
    description: 'The $ref target changed; breaking only if the resolved schemas are incompatible.',
  },
  // change: emitted by describeChanges (old → new)
  {
    id: 'property-added',
    kind: 'change',
    description: 'The new schema declares a property the old one did not.',
  },
  { id: 'property-removed', kind: 'change', description: 'The new schema no longer declares a property.' },
  { id: 'required-added', kind: 'change', description: 'A property became required.' },
  { id: 'required-removed', kind: 'change', description: 'A property is no longer required.' },
  {
    id: 'type-changed',
    kind: 'change',
    description: 'The non-null type set changed (widened, narrowed or replaced).',
  },
  { id: 'nullable-added', kind: 'change', description: 'null became allowed.' },
  { id: 'nullable-removed', kind: 'change', description: 'null is no longer allowed.' },
  {
    id: 'enum-value-added',
    kind: 'change',
    description: 'Enum values were added (or the enum was dropped).',
  },
  {
    id: 'enum-value-removed',
    kind: 'change',
    description: 'Enum values were removed (or an enum was introduced).',
  },
  { id: 'const-changed', kind: 'change', description: 'The const value was added, removed or changed.' },
  { id: 'format-changed', kind: 'change', description: 'The format was added, removed or changed.' },
  { id: 'string-length-changed', kind: 'change', description: 'minLength or maxLength changed.' },
  { id: 'pattern-changed', kind: 'change', description: 'The pattern was added, removed or changed.' },
  {
    id: 'number-range-changed',
    kind: 'change',
    description: 'minimum, maximum or an exclusive bound changed.',
  },
  { id: 'multiple-of-changed', kind: 'change', description: 'multipleOf changed.' },
  { id: 'array-length-changed', kind: 'change', description: 'minItems or maxItems changed.' },
  { id: 'unique-items-changed', kind: 'change', description: 'uniqueItems changed.' },
  {
    id: 'additional-properties-changed',
    kind: 'change',
    description: 'additionalProperties changed between open, closed and a schema.',
  },
  { id: 'composition-member-added', kind: 'change', description: 'A oneOf/anyOf member was added.' },
  { id: 'composition-member-removed', kind: 'change', description: 'A oneOf/anyOf member was removed.' },
  {
    id: 'keyword-changed',
    kind: 'change',
    description: 'Another validation keyword changed (not, patternProperties, oneOf introduced, …).',
  },
] as const;

export type RuleId = (typeof RULES)[number]['id'];
export type RuleKind = (typeof RULES)[number]['kind'];
/** `warning`: an unprovable finding in a lenient run. */
export type Severity = 'breaking' | 'warning' | 'info';

export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** JSON pointer into the data; array items and map values are written `*`: `/items/*\/price`. */
  pointer: string;
  /**
   * JSON pointer into the reader schema (checkReadable), or into the new schema (describeChanges;
   * the old schema for removals).
   */
  schemaPointer: string;
  /** The writer-side value of the schema fact (describeChanges: the old value). */
  writer: unknown;
  /** The reader-side value of the schema fact (describeChanges: the new value). */
  reader: unknown;
  /** One human sentence naming the field. */
  message: string;
}
