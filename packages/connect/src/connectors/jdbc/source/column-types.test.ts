import type { ColumnDescription } from '@msa-sync/sql';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../../data/decimal.js';
import { columnMapping, type NumericMapping } from './column-types.js';
import { type SourceDialect, sourceDialectFor } from './source-dialect.js';

const mariadbSourceDialect = sourceDialectFor('mariadb');
const postgresSourceDialect = sourceDialectFor('postgres');
const sqliteSourceDialect = sourceDialectFor('sqlite');

function column(
  typeName: string,
  declaredType = typeName,
  extra: Partial<ColumnDescription> = {},
): ColumnDescription {
  return {
    name: 'c',
    typeName,
    declaredType,
    nullable: true,
    defaultValue: undefined,
    autoIncrement: false,
    precision: undefined,
    scale: undefined,
    length: undefined,
    ...extra,
  };
}

function schemaOf(dialect: SourceDialect, c: ColumnDescription, numericMapping: NumericMapping = 'none') {
  const type = dialect.columnType(c);
  if (!type) return undefined;
  const { schema } = columnMapping(type, c.nullable, { numericMapping, timeZone: 'UTC' });
  return {
    type: schema.type,
    name: schema.name,
    optional: schema.optional,
    scale: schema.parameters?.get('scale'),
  };
}

describe('source column types', () => {
  it('MariaDB types map as Confluent maps their JDBC types', () => {
    const m = mariadbSourceDialect;
    expect(schemaOf(m, column('int', 'int(11)', { nullable: false }))).toEqual({
      type: 'int32',
      optional: false,
    });
    expect(schemaOf(m, column('int', 'int(10) unsigned'))).toMatchObject({ type: 'int64', optional: true });
    expect(schemaOf(m, column('tinyint', 'tinyint(1)'))).toMatchObject({ type: 'int8' });
    expect(schemaOf(m, column('tinyint', 'tinyint(3) unsigned'))).toMatchObject({ type: 'int16' });
    expect(schemaOf(m, column('smallint'))).toMatchObject({ type: 'int16' });
    expect(schemaOf(m, column('bigint'))).toMatchObject({ type: 'int64' });
    expect(schemaOf(m, column('float'))).toMatchObject({ type: 'float32' });
    expect(schemaOf(m, column('double'))).toMatchObject({ type: 'float64' });
    expect(schemaOf(m, column('varchar', 'varchar(20)'))).toMatchObject({ type: 'string' });
    expect(schemaOf(m, column('longtext'))).toMatchObject({ type: 'string' });
    expect(schemaOf(m, column('blob'))).toMatchObject({ type: 'bytes' });
    expect(schemaOf(m, column('datetime'))).toEqual({
      type: 'int64',
      name: 'org.apache.kafka.connect.data.Timestamp',
      optional: true,
    });
    expect(schemaOf(m, column('date'))).toMatchObject({
      type: 'int32',
      name: 'org.apache.kafka.connect.data.Date',
    });
    expect(schemaOf(m, column('time'))).toMatchObject({
      type: 'int32',
      name: 'org.apache.kafka.connect.data.Time',
    });
    expect(schemaOf(m, column('geometry'))).toBeUndefined();
  });

  it('DECIMAL by numeric.mapping, for MariaDB DECIMAL as for PostgreSQL NUMERIC', () => {
    for (const d of [mariadbSourceDialect, postgresSourceDialect]) {
      const name = d === mariadbSourceDialect ? 'decimal' : 'numeric';
      const money = column(name, `${name}(10,2)`, { precision: 10, scale: 2 });
      const count = column(name, `${name}(9,0)`, { precision: 9, scale: 0 });
      const huge = column(name, `${name}(30,0)`, { precision: 30, scale: 0 });
      expect(schemaOf(d, money)).toEqual({
        type: 'bytes',
        name: 'org.apache.kafka.connect.data.Decimal',
        optional: true,
        scale: '2',
      });
      expect(schemaOf(d, money, 'best_fit')).toMatchObject({ type: 'float64' });
      expect(schemaOf(d, count, 'best_fit')).toMatchObject({ type: 'int32' });
      expect(schemaOf(d, count, 'precision_only')).toMatchObject({ type: 'int32' });
      expect(schemaOf(d, money, 'precision_only')).toMatchObject({ type: 'bytes', scale: '2' });
      expect(schemaOf(d, huge, 'best_fit')).toMatchObject({ type: 'bytes', scale: '0' });
      expect(schemaOf(d, column(name, name, { precision: 4, scale: 0 }), 'best_fit')).toMatchObject({
        type: 'int16',
      });
      expect(schemaOf(d, column(name, name, { precision: 2, scale: 0 }), 'best_fit')).toMatchObject({
        type: 'int8',
      });
      expect(schemaOf(d, column(name, name, { precision: 18, scale: 0 }), 'best_fit')).toMatchObject({
        type: 'int64',
      });
    }
    // Unbounded PostgreSQL numeric: exact text (never a rounding Decimal, nor a lossy double unless asked).
    expect(schemaOf(postgresSourceDialect, column('numeric'))).toMatchObject({ type: 'string' });
    expect(schemaOf(postgresSourceDialect, column('numeric'), 'best_fit')).toMatchObject({ type: 'string' });
    expect(schemaOf(postgresSourceDialect, column('numeric'), 'best_fit_eager_double')).toMatchObject({
      type: 'float64',
    });
  });

  it('best_fit never rounds: a double only up to 15 digits, a Decimal beyond; string keeps the text', () => {
    for (const d of [mariadbSourceDialect, postgresSourceDialect]) {
      const name = d === mariadbSourceDialect ? 'decimal' : 'numeric';
      const wide = column(name, `${name}(18,2)`, { precision: 18, scale: 2 });
      // Confluent maps this to float64, where 9999999999999999.99 becomes 10000000000000000.
      expect(schemaOf(d, wide, 'best_fit')).toMatchObject({ type: 'bytes', scale: '2' });
      expect(schemaOf(d, column(name, name, { precision: 15, scale: 4 }), 'best_fit')).toMatchObject({
        type: 'float64',
      });
      expect(schemaOf(d, wide, 'string')).toMatchObject({ type: 'string', optional: true });
      expect(schemaOf(d, column(name, name, { precision: 9, scale: 0 }), 'string')).toMatchObject({
        type: 'string',
      });
    }
    // NUMERIC(5,-3) holds up to 99999000: 8 digits, an int32.
    expect(
      schemaOf(postgresSourceDialect, column('numeric', 'numeric', { precision: 5, scale: -3 }), 'best_fit'),
    ).toMatchObject({ type: 'int32' });
    expect(
      schemaOf(postgresSourceDialect, column('numeric', 'numeric', { precision: 17, scale: -3 }), 'best_fit'),
    ).toMatchObject({ type: 'bytes', scale: '-3' });
    const convert = (raw: unknown, precision: number, scale: number, mapping: NumericMapping) =>
      columnMapping({ kind: 'decimal', precision, scale }, true, {
        numericMapping: mapping,
        timeZone: 'UTC',
      }).convert(raw);
    expect(convert('9999999999999999.99', 18, 2, 'best_fit')).toEqual(new Decimal(999999999999999999n, 2));
    expect(convert('12.30', 10, 2, 'string')).toBe('12.30');
    expect(convert('-0.000001', 30, 6, 'string')).toBe('-0.000001');
    expect(convert('99999000', 5, -3, 'best_fit')).toBe(99999000);
    expect(
      columnMapping({ kind: 'unbounded-decimal' }, false, {
        numericMapping: 'best_fit',
        timeZone: 'UTC',
      }).convert('123456789012345678901234567890.000000000000000000001'),
    ).toBe('123456789012345678901234567890.000000000000000000001');
  });

  it('PostgreSQL and SQLite names', () => {
    const p = postgresSourceDialect;
    expect(schemaOf(p, column('boolean'))).toMatchObject({ type: 'boolean' });
    expect(schemaOf(p, column('integer'))).toMatchObject({ type: 'int32' });
    expect(schemaOf(p, column('real'))).toMatchObject({ type: 'float32' });
    expect(schemaOf(p, column('jsonb'))).toMatchObject({ type: 'string' });
    expect(schemaOf(p, column('uuid'))).toMatchObject({ type: 'string' });
    expect(schemaOf(p, column('bytea'))).toMatchObject({ type: 'bytes' });
    expect(schemaOf(p, column('timestamp with time zone'))).toMatchObject({
      name: 'org.apache.kafka.connect.data.Timestamp',
    });
    expect(schemaOf(p, column('_int4'))).toBeUndefined();
    const s = sqliteSourceDialect;
    expect(schemaOf(s, column('integer', 'integer', { nullable: false }))).toEqual({
      type: 'int32',
      optional: false,
    });
    expect(schemaOf(s, column('bigint'))).toMatchObject({ type: 'int64' });
    expect(schemaOf(s, column('real'))).toMatchObject({ type: 'float64' });
    expect(schemaOf(s, column('datetime'))).toMatchObject({
      name: 'org.apache.kafka.connect.data.Timestamp',
    });
    expect(schemaOf(s, column('varchar', 'varchar(20)'))).toMatchObject({ type: 'string' });
  });

  it('converts driver values into Connect values', () => {
    const convert = (
      kind: Parameters<typeof columnMapping>[0],
      raw: unknown,
      numericMapping: NumericMapping = 'none',
      timeZone = 'UTC',
    ) => columnMapping(kind, true, { numericMapping, timeZone }).convert(raw);
    expect(convert({ kind: 'decimal', precision: 10, scale: 2 }, '12.5')).toEqual(new Decimal(1250n, 2));
    expect(convert({ kind: 'decimal', precision: 10, scale: 2 }, '12.5', 'best_fit')).toBe(12.5);
    expect(convert({ kind: 'decimal', precision: 5, scale: 0 }, '-7', 'best_fit')).toBe(-7);
    expect(convert({ kind: 'int64' }, 9007199254740993n)).toBe(9007199254740993n);
    expect(convert({ kind: 'int64' }, 42n)).toBe(42);
    expect(convert({ kind: 'int32' }, 7n)).toBe(7);
    expect(() => convert({ kind: 'int8' }, 300)).toThrow(/does not fit an int8/);
    expect(convert({ kind: 'boolean' }, 1n)).toBe(true);
    expect(convert({ kind: 'boolean' }, 't')).toBe(true);
    expect(convert({ kind: 'time' }, '10:11:12.5')).toEqual(new Date(36_672_500));
    expect(() => convert({ kind: 'time' }, '30:00:00')).toThrow(/outside one day/);
    expect(convert({ kind: 'date' }, '2024-04-05')).toEqual(new Date(Date.UTC(2024, 3, 5)));
    expect(convert({ kind: 'date' }, new Date(Date.UTC(2024, 3, 5)))).toEqual(new Date(Date.UTC(2024, 3, 5)));
    // SQLite keeps datetimes as text in db.timezone.
    expect(convert({ kind: 'timestamp' }, '2023-04-04 21:22:51')).toEqual(new Date(1680643371000));
    expect(convert({ kind: 'timestamp' }, '2023-04-05 06:22:51', 'none', 'Asia/Seoul')).toEqual(
      new Date(1680643371000),
    );
    // A zone-less PostgreSQL timestamp the driver read as UTC, moved into db.timezone.
    expect(
      convert({ kind: 'timestamp-utc-wall' }, new Date('2023-04-05T06:22:51Z'), 'none', 'Asia/Seoul'),
    ).toEqual(new Date(1680643371000));
    expect(convert({ kind: 'string' }, { a: 1 })).toBe('{"a":1}');
    // MariaDB's driver builds local-time Dates: the worker's own zone must not shift the instant.
    const processZone = process.env.TZ;
    try {
      for (const zone of ['Asia/Kolkata', 'America/Los_Angeles', 'UTC']) {
        process.env.TZ = zone;
        const local = new Date(2024, 3, 5, 12, 0, 0, 123);
        expect(convert({ kind: 'timestamp-local-wall' }, local, 'none', 'Asia/Seoul')).toEqual(
          new Date(Date.UTC(2024, 3, 5, 3, 0, 0, 123)),
        );
        expect(convert({ kind: 'date' }, new Date(2024, 3, 5))).toEqual(new Date(Date.UTC(2024, 3, 5)));
      }
    } finally {
      if (processZone === undefined) delete process.env.TZ;
      else process.env.TZ = processZone;
    }
    expect(convert({ kind: 'string' }, null)).toBeNull();
    expect(convert({ kind: 'bytes' }, Buffer.from('hi'))).toEqual(Buffer.from('hi'));
  });
});
