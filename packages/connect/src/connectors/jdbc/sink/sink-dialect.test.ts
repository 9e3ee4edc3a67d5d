import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../data/decimal.js';
import {
  DateType,
  DecimalType,
  SchemaBuilder,
  Schemas,
  TimestampType,
  TimeType,
} from '../../../data/index.js';
import type { SinkColumn } from './fields-metadata.js';
import { sinkDialectFor } from './sink-dialects.js';

const mariadbSinkDialect = sinkDialectFor('mariadb');
const postgresSinkDialect = sinkDialectFor('postgres');
const sqliteSinkDialect = sinkDialectFor('sqlite');

const col = (name: string, schema = Schemas.STRING, isPrimaryKey = false): SinkColumn => ({
  name,
  schema,
  isPrimaryKey,
});

describe('column types per dialect', () => {
  const cases: [string, SinkColumn, string, string, string][] = [
    ['int8', col('a', Schemas.INT8), 'TINYINT', 'SMALLINT', 'INTEGER'],
    ['int16', col('a', Schemas.INT16), 'SMALLINT', 'SMALLINT', 'INTEGER'],
    ['int32', col('a', Schemas.INT32), 'INT', 'INT', 'INTEGER'],
    ['int64', col('a', Schemas.INT64), 'BIGINT', 'BIGINT', 'INTEGER'],
    ['float32', col('a', Schemas.FLOAT32), 'FLOAT', 'REAL', 'REAL'],
    ['float64', col('a', Schemas.FLOAT64), 'DOUBLE', 'DOUBLE PRECISION', 'REAL'],
    ['boolean', col('a', Schemas.BOOLEAN), 'TINYINT', 'BOOLEAN', 'INTEGER'],
    ['string', col('a', Schemas.STRING), 'TEXT', 'TEXT', 'TEXT'],
    ['string key', col('a', Schemas.STRING, true), 'VARCHAR(256)', 'TEXT', 'TEXT'],
    ['bytes', col('a', Schemas.BYTES), 'BLOB', 'BYTEA', 'BLOB'],
    ['bytes key', col('a', Schemas.BYTES, true), 'VARBINARY(1024)', 'BYTEA', 'BLOB'],
    ['decimal', col('a', DecimalType.schema(2)), 'DECIMAL(65,2)', 'NUMERIC', 'NUMERIC'],
    ['date', col('a', DateType.SCHEMA), 'DATE', 'DATE', 'DATE'],
    ['time', col('a', TimeType.SCHEMA), 'TIME(3)', 'TIME(3)', 'TIME'],
    ['timestamp', col('a', TimestampType.SCHEMA), 'DATETIME(3)', 'TIMESTAMP(3)', 'DATETIME'],
  ];
  it.each(cases)('%s', (_name, column, mariadb, postgres, sqlite) => {
    expect(mariadbSinkDialect.sqlType(column)).toBe(mariadb);
    expect(postgresSinkDialect.sqlType(column)).toBe(postgres);
    expect(sqliteSinkDialect.sqlType(column)).toBe(sqlite);
  });

  it('refuses structured types with the field name', () => {
    const nested = col('address', SchemaBuilder.struct().field('x', Schemas.INT32).build());
    expect(() => mariadbSinkDialect.sqlType(nested)).toThrow(/STRUCT field 'address'/);
  });
});

describe('statements', () => {
  const hostile = 'x`"; DROP TABLE t; --';
  const table = { table: hostile };

  it('quotes hostile names in CREATE TABLE and keeps the key', () => {
    const columns = [col('id', Schemas.INT32, true), col(hostile, Schemas.OPTIONAL_STRING)];
    expect(mariadbSinkDialect.createTable({ catalog: 'db', table: hostile }, columns)).toBe(
      'CREATE TABLE IF NOT EXISTS `db`.`x``"; DROP TABLE t; --` (\n' +
        '  `id` INT NOT NULL,\n  `x``"; DROP TABLE t; --` TEXT NULL,\n  PRIMARY KEY(`id`)\n)',
    );
    expect(postgresSinkDialect.createTable(table, columns)).toBe(
      'CREATE TABLE IF NOT EXISTS "x`""; DROP TABLE t; --" (\n' +
        '  "id" INT NOT NULL,\n  "x`""; DROP TABLE t; --" TEXT NULL,\n  PRIMARY KEY("id")\n)',
    );
  });

  it('builds multi-row inserts with each dialect placeholders', () => {
    expect(mariadbSinkDialect.insert({ table: 't' }, ['a', 'b'], 2)).toBe(
      'INSERT INTO `t`(`a`,`b`) VALUES (?,?),(?,?)',
    );
    expect(postgresSinkDialect.insert({ table: 't' }, ['a', 'b'], 2)).toBe(
      'INSERT INTO "t"("a","b") VALUES ($1,$2),($3,$4)',
    );
  });

  it('builds upserts per dialect', () => {
    expect(mariadbSinkDialect.upsert({ table: 't' }, ['id'], ['n'], 1)).toBe(
      'INSERT INTO `t`(`id`,`n`) VALUES (?,?) ON DUPLICATE KEY UPDATE `n`=VALUES(`n`)',
    );
    expect(mariadbSinkDialect.upsert({ table: 't' }, ['id'], [], 1)).toBe(
      'INSERT INTO `t`(`id`) VALUES (?) ON DUPLICATE KEY UPDATE `id`=VALUES(`id`)',
    );
    expect(postgresSinkDialect.upsert({ table: 't' }, ['a', 'b'], ['n'], 2)).toBe(
      'INSERT INTO "t"("a","b","n") VALUES ($1,$2,$3),($4,$5,$6) ON CONFLICT ("a","b") DO UPDATE SET "n"=EXCLUDED."n"',
    );
    expect(postgresSinkDialect.upsert({ table: 't' }, ['a'], [], 1)).toBe(
      'INSERT INTO "t"("a") VALUES ($1) ON CONFLICT ("a") DO NOTHING',
    );
    expect(sqliteSinkDialect.upsert({ table: 't' }, ['a'], ['n'], 1)).toBe(
      'INSERT INTO "t"("a","n") VALUES (?,?) ON CONFLICT ("a") DO UPDATE SET "n"=excluded."n"',
    );
  });

  it('builds updates and deletes', () => {
    expect(postgresSinkDialect.update({ table: 't' }, ['k1', 'k2'], ['a', 'b'])).toBe(
      'UPDATE "t" SET "a"=$1,"b"=$2 WHERE "k1"=$3 AND "k2"=$4',
    );
    expect(mariadbSinkDialect.deleteRows({ table: 't' }, ['k'], 3)).toBe(
      'DELETE FROM `t` WHERE `k` IN (?,?,?)',
    );
    expect(postgresSinkDialect.deleteRows({ table: 't' }, ['a', 'b'], 2)).toBe(
      'DELETE FROM "t" WHERE ("a","b") IN (($1,$2),($3,$4))',
    );
  });

  it('adds columns in one ALTER, or one per statement on SQLite', () => {
    const columns = [
      col('a', Schemas.OPTIONAL_INT32),
      col('b', SchemaBuilder.string().defaultValue("it's").build()),
    ];
    expect(mariadbSinkDialect.addColumns({ table: 't' }, columns)).toEqual([
      "ALTER TABLE `t` ADD COLUMN `a` INT NULL, ADD COLUMN `b` TEXT NOT NULL DEFAULT 'it''s'",
    ]);
    expect(sqliteSinkDialect.addColumns({ table: 't' }, columns)).toEqual([
      'ALTER TABLE "t" ADD COLUMN "a" INTEGER NULL',
      `ALTER TABLE "t" ADD COLUMN "b" TEXT NOT NULL DEFAULT 'it''s'`,
    ]);
  });

  it('writes default literals that cannot escape their quotes', () => {
    const s = SchemaBuilder.string().build();
    expect(mariadbSinkDialect.literal(s, "a\\'; DROP TABLE t; --")).toBe("'a\\\\''; DROP TABLE t; --'");
    expect(postgresSinkDialect.literal(s, "a\\'")).toBe("'a\\'''");
    expect(postgresSinkDialect.literal(Schemas.BOOLEAN, true)).toBe('TRUE');
    expect(sqliteSinkDialect.literal(Schemas.BOOLEAN, true)).toBe('1');
    expect(mariadbSinkDialect.literal(Schemas.BYTES, Buffer.from([1, 255]))).toBe("X'01ff'");
    expect(postgresSinkDialect.literal(Schemas.BYTES, Buffer.from([1, 255]))).toBe("'\\x01ff'::bytea");
    expect(mariadbSinkDialect.literal(DecimalType.schema(2), new Decimal(-12345n, 2))).toBe('-123.45');
    expect(mariadbSinkDialect.literal(Schemas.FLOAT64, Number.NaN)).toBeUndefined();
    expect(mariadbSinkDialect.literal(TimestampType.SCHEMA, new Date(1680643371000))).toBe(
      "'2023-04-04 21:22:51.000'",
    );
  });

  it('maps table.name.format parts to tables per dialect', () => {
    expect(mariadbSinkDialect.tableId(['t'], 'mydb')).toEqual({ catalog: 'mydb', table: 't' });
    expect(mariadbSinkDialect.tableId(['other', 't'], 'mydb')).toEqual({ catalog: 'other', table: 't' });
    expect(postgresSinkDialect.tableId(['s', 't'])).toEqual({ schema: 's', table: 't' });
    expect(sqliteSinkDialect.tableId(['t'])).toEqual({ table: 't' });
    expect(postgresSinkDialect.foldIdentifier('MyTable')).toBe('mytable');
    expect(mariadbSinkDialect.foldIdentifier('MyTable')).toBe('MyTable');
  });
});

describe('bound values', () => {
  it('binds temporal values as zone-less text in db.timezone, decimals as exact text', () => {
    const at = new Date(Date.UTC(2023, 3, 4, 21, 22, 51, 7));
    expect(mariadbSinkDialect.binder(TimestampType.SCHEMA, 'UTC')(at)).toBe('2023-04-04 21:22:51.007');
    expect(mariadbSinkDialect.binder(TimestampType.SCHEMA, 'Asia/Seoul')(at)).toBe('2023-04-05 06:22:51.007');
    expect(mariadbSinkDialect.binder(TimestampType.SCHEMA, '-02:30')(at)).toBe('2023-04-04 18:52:51.007');
    expect(postgresSinkDialect.binder(DateType.SCHEMA, 'Asia/Seoul')(new Date(Date.UTC(2023, 3, 4)))).toBe(
      '2023-04-04',
    );
    expect(postgresSinkDialect.binder(TimeType.SCHEMA, 'UTC')(new Date(3_723_004))).toBe('01:02:03.004');
    expect(postgresSinkDialect.binder(DecimalType.schema(3), 'UTC')(new Decimal(1n, 3))).toBe('0.001');
    expect(() => postgresSinkDialect.binder(Schemas.FLOAT64, 'UTC')(Number.POSITIVE_INFINITY)).toThrow(
      /cannot be written/,
    );
    const bytes = new Uint8Array([1, 2, 3]);
    expect(Buffer.isBuffer(sqliteSinkDialect.binder(Schemas.BYTES, 'UTC')(bytes))).toBe(true);
  });
});

describe('write errors and conflict handling', () => {
  it('calls constraint, length and type failures data errors; connection and syntax errors not', () => {
    expect(postgresSinkDialect.isDataError({ code: '23505', message: 'duplicate key' })).toBe(true);
    expect(postgresSinkDialect.isDataError({ code: '22001', message: 'value too long' })).toBe(true);
    expect(postgresSinkDialect.isDataError({ code: '42601', message: 'syntax error' })).toBe(false);
    expect(postgresSinkDialect.isDataError({ code: 'ECONNRESET', message: 'reset' })).toBe(false);
    expect(mariadbSinkDialect.isDataError({ errno: 1406, sqlState: '22001', message: 'too long' })).toBe(
      true,
    );
    expect(mariadbSinkDialect.isDataError({ errno: 1366, sqlState: 'HY000', message: 'wrong value' })).toBe(
      true,
    );
    expect(mariadbSinkDialect.isDataError({ errno: 4025, sqlState: '23000', message: 'CHECK' })).toBe(true);
    expect(mariadbSinkDialect.isDataError({ errno: 1213, sqlState: '40001', message: 'deadlock' })).toBe(
      false,
    );
    expect(mariadbSinkDialect.isDataError({ errno: 1146, sqlState: '42S02', message: 'no table' })).toBe(
      false,
    );
    expect(sqliteSinkDialect.isDataError({ code: 'SQLITE_CONSTRAINT_NOTNULL', message: 'NOT NULL' })).toBe(
      true,
    );
    expect(sqliteSinkDialect.isDataError({ code: 'SQLITE_BUSY', message: 'busy' })).toBe(false);
  });

  it('insert.ignore skips primary key duplicates only: never INSERT IGNORE', () => {
    const t = { table: 't' };
    expect(postgresSinkDialect.insertIgnore(t, ['id'], ['v'], 2)).toBe(
      'INSERT INTO "t"("id","v") VALUES ($1,$2),($3,$4) ON CONFLICT ("id") DO NOTHING',
    );
    expect(sqliteSinkDialect.insertIgnore(t, ['id'], ['v'], 1)).toBe(
      'INSERT INTO "t"("id","v") VALUES (?,?) ON CONFLICT ("id") DO NOTHING',
    );
    expect(mariadbSinkDialect.insertIgnore(t, ['a', 'b'], ['v'], 1)).toBe(
      'INSERT INTO `t`(`a`,`b`,`v`) VALUES (?,?,?) ON DUPLICATE KEY UPDATE `a`=`a`',
    );
  });
});
