import { describe, expect, it } from 'vitest';
import { Schemas } from './schemas.js';
import { DateType, TimestampType, TimeType } from './temporal-types.js';

describe('Timestamp', () => {
  it('is int64 milliseconds as a Date', () => {
    expect(TimestampType.SCHEMA).toMatchObject({
      type: 'int64',
      name: TimestampType.LOGICAL_NAME,
      version: 1,
    });
    expect(TimestampType.fromLogical(TimestampType.SCHEMA, new Date(1680643371000))).toBe(1680643371000);
    expect(TimestampType.toLogical(TimestampType.SCHEMA, -1).getTime()).toBe(-1);
    expect(TimestampType.toLogical(TimestampType.SCHEMA, 1680643371000n).toISOString()).toBe(
      '2023-04-04T21:22:51.000Z',
    );
    expect(() => TimestampType.toLogical(TimestampType.SCHEMA, 2n ** 62n)).toThrow('outside the range');
    expect(() => TimestampType.fromLogical(Schemas.INT64, new Date())).toThrow('the schema does not match');
  });
});

describe('Date', () => {
  it('is int32 days since the epoch as a Date at UTC midnight', () => {
    expect(DateType.SCHEMA).toMatchObject({ type: 'int32', name: DateType.LOGICAL_NAME, version: 1 });
    expect(DateType.fromLogical(DateType.SCHEMA, new Date(Date.UTC(2023, 3, 4)))).toBe(19451);
    expect(DateType.fromLogical(DateType.SCHEMA, new Date(Date.UTC(1969, 11, 31)))).toBe(-1);
    expect(DateType.toLogical(DateType.SCHEMA, 19451).toISOString()).toBe('2023-04-04T00:00:00.000Z');
    expect(() => DateType.fromLogical(DateType.SCHEMA, new Date(Date.UTC(2023, 3, 4, 1)))).toThrow(
      'should not have any time fields set to non-zero values',
    );
  });
});

describe('Time', () => {
  it('is int32 milliseconds of the day as a Date on 1970-01-01', () => {
    expect(TimeType.SCHEMA).toMatchObject({ type: 'int32', name: TimeType.LOGICAL_NAME, version: 1 });
    expect(TimeType.fromLogical(TimeType.SCHEMA, new Date(3_600_000))).toBe(3_600_000);
    expect(TimeType.toLogical(TimeType.SCHEMA, 86_399_999).toISOString()).toBe('1970-01-01T23:59:59.999Z');
    expect(() => TimeType.fromLogical(TimeType.SCHEMA, new Date(Date.UTC(1970, 0, 2, 1)))).toThrow(
      'should not have any date fields set to non-zero values',
    );
    expect(() => TimeType.toLogical(TimeType.SCHEMA, -1)).toThrow(
      'Time values must use number of milliseconds',
    );
  });
});
