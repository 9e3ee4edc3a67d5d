import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ColumnDescription } from './database-dialect.js';
import {
  confluentDialectClassNames,
  dialectFor,
  dialectForClass,
  isConnectionLost,
  isDatabaseUnavailable,
} from './index.js';
import { parseJdbcUrl } from './jdbc-url.js';
import { MariaDbDialect } from './mariadb/mariadb-dialect.js';
import { PostgresDialect } from './postgres/postgres-dialect.js';
import type { SqlClient } from './sql-client.js';
import { SqliteDialect } from './sqlite/sqlite-dialect.js';

const mariadb = dialectFor('mariadb');
const postgres = dialectFor('postgres');
const sqlite = dialectFor('sqlite');

function column(typeName: string, extra: Partial<ColumnDescription> = {}): ColumnDescription {
  return {
    name: 'c',
    typeName,
    declaredType: typeName,
    nullable: true,
    defaultValue: undefined,
    autoIncrement: false,
    precision: undefined,
    scale: undefined,
    length: undefined,
    ...extra,
  };
}

/** A client that fails the test if the dialect talks to the database at all. */
const silentClient = new Proxy({} as SqlClient, {
  get: () => () => {
    throw new Error('no statement expected');
  },
});

describe('choosing a dialect', () => {
  it('takes the dialect from the JDBC URL, MySQL URLs served by MariaDB', () => {
    expect(dialectFor(parseJdbcUrl('jdbc:mysql://h/db').dialect)).toBeInstanceOf(MariaDbDialect);
    expect(dialectFor(parseJdbcUrl('jdbc:mariadb://h/db').dialect)).toBeInstanceOf(MariaDbDialect);
    expect(dialectFor(parseJdbcUrl('jdbc:postgresql://h/db').dialect)).toBeInstanceOf(PostgresDialect);
    expect(dialectFor(parseJdbcUrl('jdbc:sqlite:x.db').dialect)).toBeInstanceOf(SqliteDialect);
  });

  it("maps Confluent's dialect class names and nothing else", () => {
    expect(dialectForClass('MySqlDatabaseDialect')).toBe(mariadb);
    expect(dialectForClass('PostgreSqlDatabaseDialect')).toBe(postgres);
    expect(dialectForClass('SqliteDatabaseDialect')).toBe(sqlite);
    expect(dialectForClass('OracleDatabaseDialect')).toBeUndefined();
    expect(confluentDialectClassNames).toEqual([
      'MySqlDatabaseDialect',
      'MariaDbDatabaseDialect',
      'PostgreSqlDatabaseDialect',
      'SqliteDatabaseDialect',
    ]);
  });
});

describe("the services' vocabulary", () => {
  it('names column types and defaults per database', () => {
    expect([mariadb, postgres, sqlite].map((d) => d.varcharType(20))).toEqual([
      'VARCHAR(20)',
      'VARCHAR(20)',
      'TEXT',
    ]);
    expect([mariadb, postgres, sqlite].map((d) => d.intType)).toEqual(['INT', 'INTEGER', 'INTEGER']);
    expect([mariadb, postgres, sqlite].map((d) => d.timestampType)).toEqual([
      'DATETIME(3)',
      'TIMESTAMPTZ(3)',
      'TEXT',
    ]);
    expect(sqlite.nowDefault).toBe("DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
    expect(mariadb.tableOptions).toBe(' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4');
    expect(postgres.tableOptions).toBe('');
  });

  it('upserts keep the given column order, so parameters follow it', () => {
    expect(postgres.upsert({ table: 't' }, ['v', 'id'], ['id'], 1)).toBe(
      'INSERT INTO "t"("v","id") VALUES ($1,$2) ON CONFLICT ("id") DO UPDATE SET "v"=EXCLUDED."v"',
    );
  });
});

describe('transactions and servers', () => {
  it('locks rows read for update where another process could write them', () => {
    expect(mariadb.lockRowsClause).toBe(' FOR UPDATE');
    expect(postgres.lockRowsClause).toBe(' FOR UPDATE');
    expect(sqlite.lockRowsClause).toBe('');
  });

  it('ends idle transactions on servers only', () => {
    expect(mariadb.idleTransactionTimeoutSql(10)).toBe('SET SESSION idle_transaction_timeout = 10');
    expect(postgres.idleTransactionTimeoutSql(10)).toBe('SET idle_in_transaction_session_timeout = 10000');
    expect(sqlite.idleTransactionTimeoutSql(10)).toBeUndefined();
  });

  it('knows a missing database by its error code', () => {
    expect(mariadb.isUnknownDatabase({ errno: 1049 })).toBe(true);
    expect(mariadb.isUnknownDatabase({ errno: 1045 })).toBe(false);
    expect(postgres.isUnknownDatabase({ code: '3D000' })).toBe(true);
    expect(postgres.isUnknownDatabase({ code: '28P01' })).toBe(false);
    expect(sqlite.isUnknownDatabase({ code: 'SQLITE_CANTOPEN' })).toBe(false);
    expect([mariadb.embedded, postgres.embedded, sqlite.embedded]).toEqual([false, false, true]);
  });

  it('knows a duplicate key by its error code', () => {
    expect(mariadb.isUniqueViolation({ errno: 1062, sqlState: '23000' })).toBe(true);
    expect(mariadb.isUniqueViolation({ errno: 1048, sqlState: '23000' })).toBe(false);
    expect(postgres.isUniqueViolation({ code: '23505' })).toBe(true);
    expect(postgres.isUniqueViolation({ code: '23502' })).toBe(false);
    expect(sqlite.isUniqueViolation({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' })).toBe(true);
    expect(sqlite.isUniqueViolation({ code: 'SQLITE_CONSTRAINT_NOTNULL' })).toBe(false);
  });

  it('tells a database that is away from one that refused the statement', () => {
    expect(isDatabaseUnavailable({ code: 'ECONNREFUSED' })).toBe(true);
    expect(isDatabaseUnavailable({ code: '57P01' })).toBe(true);
    expect(isDatabaseUnavailable({ code: '23505' })).toBe(false);
    expect(isConnectionLost({ code: '08006' })).toBe(true);
    expect(isConnectionLost(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionLost({ code: '42P01', message: 'relation "t" does not exist' })).toBe(false);
  });
});

describe('SQLite connection check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'msa-sql-dialect-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a file it could create, without creating it', async () => {
    const file = join(dir, 'sub', 'shop.db');
    expect(await sqlite.connectionProblem(parseJdbcUrl(`jdbc:sqlite:${file}`), {})).toBeUndefined();
    expect(existsSync(join(dir, 'sub'))).toBe(false);
  });

  it('accepts an in-memory database', async () => {
    expect(await sqlite.connectionProblem(parseJdbcUrl('jdbc:sqlite::memory:'), {})).toBeUndefined();
  });
});

describe('widening columns', () => {
  it('changes only the type on PostgreSQL and never on SQLite', async () => {
    const c = column('integer', { name: 'n' });
    expect(await postgres.widenColumnSql(silentClient, { schema: 's', table: 't' }, c, 'BIGINT')).toBe(
      'ALTER TABLE "s"."t" ALTER COLUMN "n" TYPE BIGINT',
    );
    expect(sqlite.widensColumns).toBe(false);
    expect(await sqlite.widenColumnSql(silentClient, { table: 't' }, c, 'BIGINT')).toBeUndefined();
  });
});

describe("the schemaless shaper's type table", () => {
  it('gives integer ranges, unsigned ones from zero', () => {
    expect(mariadb.columnValueType(column('tinyint', { declaredType: 'tinyint(3) unsigned' }))).toEqual({
      kind: 'integer',
      min: 0n,
      max: 255n,
      flag: false,
    });
    expect(postgres.columnValueType(column('integer'))).toEqual({
      kind: 'integer',
      min: -(2n ** 31n),
      max: 2n ** 31n - 1n,
      flag: false,
    });
    expect(mariadb.columnValueType(column('tinyint', { declaredType: 'tinyint(1)' }))).toMatchObject({
      flag: true,
    });
  });

  it('sorts the other families', () => {
    expect(postgres.columnValueType(column('double precision'))).toEqual({ kind: 'float' });
    expect(postgres.columnValueType(column('numeric'))).toEqual({ kind: 'decimal' });
    expect(postgres.columnValueType(column('jsonb'))).toEqual({ kind: 'json' });
    expect(postgres.columnValueType(column('bytea'))).toEqual({ kind: 'bytes' });
    expect(postgres.columnValueType(column('timestamp with time zone'))).toEqual({
      kind: 'timestamp',
      zoned: true,
    });
    expect(mariadb.columnValueType(column('datetime'))).toEqual({ kind: 'timestamp', zoned: false });
    expect(mariadb.columnValueType(column('date'))).toEqual({ kind: 'date' });
  });

  it('bounds text where the database enforces a length, not in SQLite', () => {
    const varchar = column('varchar', { length: 5 });
    expect(mariadb.columnValueType(varchar)).toEqual({ kind: 'string', maxLength: 5 });
    expect(sqlite.columnValueType(varchar)).toEqual({ kind: 'string', maxLength: undefined });
    expect(postgres.columnValueType(column('text'))).toEqual({ kind: 'string', maxLength: undefined });
  });
});
