import { type Compilable, CompiledQuery, type QueryResult } from 'kysely';

/** What runs a compiled statement: a Kysely instance or a transaction. */
export interface QueryRunner {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

const SENTINEL = '\u0000kada:';

/**
 * A statement compiled once, run many times with new values: Kysely's builder and compiler cost
 * more CPU than the round trip itself for the per-message statements (inbox claim, outbox insert).
 * `build` gets a sentinel for each named value; the compiled parameters are mapped back to names,
 * so the SQL text comes from the same query builder as the uncompiled path.
 */
export function precompile<K extends string>(
  names: readonly K[],
  build: (values: Record<K, never>) => Compilable,
): (db: QueryRunner, values: Record<K, unknown>) => Promise<QueryResult<unknown>> {
  const sentinels = Object.fromEntries(names.map((name) => [name, `${SENTINEL}${name}`])) as Record<K, never>;
  const compiled = build(sentinels).compile();
  const slots = compiled.parameters.map((parameter) =>
    typeof parameter === 'string' && parameter.startsWith(SENTINEL)
      ? { name: parameter.slice(SENTINEL.length) as K }
      : { value: parameter },
  );
  return (db, values) =>
    db.executeQuery(
      CompiledQuery.raw(
        compiled.sql,
        slots.map((slot) => ('name' in slot ? values[slot.name as K] : slot.value)),
      ),
    );
}
