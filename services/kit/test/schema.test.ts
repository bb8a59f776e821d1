/** createTables: a column line of DDL becomes the Kysely builder calls a hand-written migration makes. */
import {
  DummyDriver,
  Kysely,
  MssqlAdapter,
  MssqlIntrospector,
  MssqlQueryCompiler,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { type ColumnSpec, createTables, type TableSpec } from '../index.ts';

/** The SQL a migration step runs, compiled for PostgreSQL or SQL Server (nothing is executed). */
async function sqlOf(
  step: (db: Kysely<unknown>) => Promise<void>,
  dialect: 'postgres' | 'mssql',
): Promise<string[]> {
  const seen: string[] = [];
  const db = new Kysely<unknown>({
    dialect: {
      createAdapter: () => (dialect === 'postgres' ? new PostgresAdapter() : new MssqlAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (k) =>
        dialect === 'postgres' ? new PostgresIntrospector(k) : new MssqlIntrospector(k),
      createQueryCompiler: () =>
        dialect === 'postgres' ? new PostgresQueryCompiler() : new MssqlQueryCompiler(),
    },
    log: (event) => {
      seen.push(event.query.sql);
    },
  });
  await step(db);
  return seen;
}

const columnCases: Array<{ given: ColumnSpec; want: string; mssql?: string }> = [
  { given: 'varchar(64) primary key', want: '"c" varchar(64) primary key' },
  { given: 'varchar(32)', want: '"c" varchar(32)' },
  { given: 'bigint not null', want: '"c" bigint not null' },
  { given: 'varchar(254) not null unique', want: '"c" varchar(254) not null unique' },
  { given: 'integer not null default 0', want: '"c" integer default 0 not null' },
  { given: 'integer default -1', want: '"c" integer default -1' },
  { given: 'text', want: '"c" text' },
  { given: 'longtext not null', want: '"c" text not null', mssql: '"c" nvarchar(max) not null' },
];

describe('createTables', () => {
  for (const { given, want, mssql } of columnCases) {
    it(`reads '${given}'`, async () => {
      const { up } = createTables({ t: { columns: { c: given } } });
      expect(await sqlOf(up, 'postgres')).toEqual([`create table "t" (${want})`]);
      expect(await sqlOf(up, 'mssql')).toEqual([`create table "t" (${mssql ?? want})`]);
    });
  }

  it('creates tables in order, each with its composite key and indexes, and drops them in reverse', async () => {
    const tables: Record<string, TableSpec> = {
      a: { columns: { id: 'varchar(8) primary key' }, indexes: { a_one: ['id'] } },
      b: {
        columns: { x: 'integer not null', y: 'integer not null' },
        primaryKey: ['x', 'y'],
        indexes: { b_y: ['y', 'x'], b_x: ['x'] },
      },
    };
    const { up, down } = createTables(tables);
    expect(await sqlOf(up, 'postgres')).toEqual([
      'create table "a" ("id" varchar(8) primary key)',
      'create index "a_one" on "a" ("id")',
      'create table "b" ("x" integer not null, "y" integer not null, constraint "b_pk" primary key ("x", "y"))',
      'create index "b_y" on "b" ("y", "x")',
      'create index "b_x" on "b" ("x")',
    ]);
    expect(await sqlOf(down, 'postgres')).toEqual(['drop table "b"', 'drop table "a"']);
  });

  const unreadable: ColumnSpec[] = [
    'integer nullable',
    'integer not  null',
    'integer default',
    'integer primary',
  ];
  for (const given of unreadable) {
    it(`refuses '${given}'`, async () => {
      const { up } = createTables({ t: { columns: { c: given } } });
      await expect(sqlOf(up, 'postgres')).rejects.toThrow(/column c: cannot read/);
    });
  }
});
