import {
  type ColumnDataType,
  type CreateTableBuilder,
  type Expression,
  type Kysely,
  MssqlAdapter,
  sql,
} from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * A column as one line of DDL: its type, then any of `primary key`, `not null`, `unique`, `default <integer>`.
 * The types every service uses, on SQLite, PostgreSQL and SQL Server alike; `longtext` is `nvarchar(max)` on
 * SQL Server (which cannot hold more than 8000 bytes in a varchar) and `text` elsewhere.
 *
 *   'varchar(64) primary key'    'integer not null default 0'    'varchar(254) not null unique'
 */
export type ColumnSpec = `${ColumnType}` | `${ColumnType} ${string}`;
type ColumnType = `varchar(${number})` | 'integer' | 'bigint' | 'text' | 'longtext';

/** One table: its columns in order, a composite primary key (constraint `<table>_pk`), its indexes by name. */
export interface TableSpec {
  readonly columns: Readonly<Record<string, ColumnSpec>>;
  readonly primaryKey?: readonly string[];
  readonly indexes?: Readonly<Record<string, readonly string[]>>;
}

/**
 * A migration that creates the tables in the given order, each followed by its indexes, and whose `down`
 * drops them in reverse. The same builder calls a hand-written migration would make:
 *
 *   createTables({ erased_users: { columns: { user_id: 'varchar(64) primary key', erased_at: 'varchar(32) not null' } } })
 *   -> create table "erased_users" ("user_id" varchar(64) primary key, "erased_at" varchar(32) not null)
 */
export function createTables(tables: Readonly<Record<string, TableSpec>>): Required<Migration> {
  const names = Object.keys(tables);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const name of names) await createTable(db, name, tables[name] as TableSpec);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const name of [...names].reverse()) await db.schema.dropTable(name).execute();
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: a database of any schema, as Kysely's Migration has it
async function createTable(db: Kysely<any>, name: string, table: TableSpec): Promise<void> {
  const mssql = db.getExecutor().adapter instanceof MssqlAdapter;
  let builder: CreateTableBuilder<string, string> = db.schema.createTable(name);
  for (const [column, spec] of Object.entries(table.columns)) {
    const { type, primaryKey, notNull, unique, defaultTo } = parseColumn(column, spec);
    const dataType: ColumnDataType | Expression<unknown> =
      type === 'longtext' ? (mssql ? sql`nvarchar(max)` : 'text') : type;
    builder = builder.addColumn(column, dataType, (col) => {
      let def = primaryKey ? col.primaryKey() : col;
      if (notNull) def = def.notNull();
      if (unique) def = def.unique();
      return defaultTo === undefined ? def : def.defaultTo(defaultTo);
    });
  }
  if (table.primaryKey) builder = builder.addPrimaryKeyConstraint(`${name}_pk`, [...table.primaryKey]);
  await builder.execute();
  for (const [index, columns] of Object.entries(table.indexes ?? {})) {
    await db.schema
      .createIndex(index)
      .on(name)
      .columns([...columns])
      .execute();
  }
}

interface ParsedColumn {
  type: ColumnDataType | 'longtext';
  primaryKey: boolean;
  notNull: boolean;
  unique: boolean;
  defaultTo?: number;
}

const MODIFIER = /^(primary key|not null|unique|default (-?\d+))(?: |$)/;

/** 'integer not null default 0' -> { type: 'integer', notNull: true, defaultTo: 0 }; anything else throws. */
function parseColumn(column: string, spec: string): ParsedColumn {
  const space = spec.indexOf(' ');
  const type = (space < 0 ? spec : spec.slice(0, space)) as ParsedColumn['type'];
  const parsed: ParsedColumn = { type, primaryKey: false, notNull: false, unique: false };
  let rest = space < 0 ? '' : spec.slice(space + 1);
  while (rest !== '') {
    const match = MODIFIER.exec(rest);
    if (!match) throw new Error(`column ${column}: cannot read "${rest}" in "${spec}"`);
    const [whole, modifier, value] = match;
    if (modifier === 'primary key') parsed.primaryKey = true;
    else if (modifier === 'not null') parsed.notNull = true;
    else if (modifier === 'unique') parsed.unique = true;
    else parsed.defaultTo = Number(value);
    rest = rest.slice(whole.length);
  }
  return parsed;
}
