import { DataError } from './data-error.js';
import type { Int64 } from './int64.js';
import { DATE_LOGICAL_NAME, TIME_LOGICAL_NAME, TIMESTAMP_LOGICAL_NAME } from './logical-type-names.js';
import type { Schema } from './schema.js';
import { SchemaBuilder } from './schema-builder.js';

const MILLIS_PER_DAY = 86_400_000;
/** The range of a JavaScript `Date`: ±10^8 days around the epoch. */
const MAX_DATE_MILLIS = 8.64e15;

/**
 * Timestamp: an int64 of milliseconds since the epoch, held as a `Date`
 * (`org.apache.kafka.connect.data.Timestamp`).
 */
export const TimestampType = Object.freeze({
  LOGICAL_NAME: TIMESTAMP_LOGICAL_NAME,
  builder: (): SchemaBuilder => SchemaBuilder.int64().name(TIMESTAMP_LOGICAL_NAME).version(1),
  SCHEMA: SchemaBuilder.int64().name(TIMESTAMP_LOGICAL_NAME).version(1).build(),
  OPTIONAL_SCHEMA: SchemaBuilder.int64().name(TIMESTAMP_LOGICAL_NAME).version(1).optional().build(),
  fromLogical(schema: Schema, value: Date): number {
    checkName(schema, TIMESTAMP_LOGICAL_NAME, 'Timestamp');
    return millisOf(value);
  },
  toLogical(schema: Schema, millis: Int64): Date {
    checkName(schema, TIMESTAMP_LOGICAL_NAME, 'Timestamp');
    const ms = Number(millis);
    if (!(Math.abs(ms) <= MAX_DATE_MILLIS)) {
      throw new DataError(`Timestamp ${String(millis)} ms is outside the range of a JavaScript Date`);
    }
    return new Date(ms);
  },
});

/**
 * Date: an int32 count of days since the epoch, held as a `Date` at UTC midnight
 * (`org.apache.kafka.connect.data.Date`).
 */
export const DateType = Object.freeze({
  LOGICAL_NAME: DATE_LOGICAL_NAME,
  builder: (): SchemaBuilder => SchemaBuilder.int32().name(DATE_LOGICAL_NAME).version(1),
  SCHEMA: SchemaBuilder.int32().name(DATE_LOGICAL_NAME).version(1).build(),
  OPTIONAL_SCHEMA: SchemaBuilder.int32().name(DATE_LOGICAL_NAME).version(1).optional().build(),
  fromLogical(schema: Schema, value: Date): number {
    checkName(schema, DATE_LOGICAL_NAME, 'Date');
    const ms = millisOf(value);
    if (ms % MILLIS_PER_DAY !== 0) {
      throw new DataError('Kafka Connect Date type should not have any time fields set to non-zero values.');
    }
    return ms / MILLIS_PER_DAY;
  },
  toLogical(schema: Schema, days: number): Date {
    checkName(schema, DATE_LOGICAL_NAME, 'Date');
    const ms = days * MILLIS_PER_DAY;
    if (!(Math.abs(ms) <= MAX_DATE_MILLIS)) {
      throw new DataError(`Date ${days} days is outside the range of a JavaScript Date`);
    }
    return new Date(ms);
  },
});

/**
 * Time: an int32 of milliseconds since midnight, held as a `Date` on 1970-01-01 UTC
 * (`org.apache.kafka.connect.data.Time`).
 */
export const TimeType = Object.freeze({
  LOGICAL_NAME: TIME_LOGICAL_NAME,
  builder: (): SchemaBuilder => SchemaBuilder.int32().name(TIME_LOGICAL_NAME).version(1),
  SCHEMA: SchemaBuilder.int32().name(TIME_LOGICAL_NAME).version(1).build(),
  OPTIONAL_SCHEMA: SchemaBuilder.int32().name(TIME_LOGICAL_NAME).version(1).optional().build(),
  fromLogical(schema: Schema, value: Date): number {
    checkName(schema, TIME_LOGICAL_NAME, 'Time');
    const ms = millisOf(value);
    if (ms < 0 || ms > MILLIS_PER_DAY) {
      throw new DataError('Kafka Connect Time type should not have any date fields set to non-zero values.');
    }
    return ms;
  },
  toLogical(schema: Schema, millis: number): Date {
    checkName(schema, TIME_LOGICAL_NAME, 'Time');
    if (millis < 0 || millis > MILLIS_PER_DAY) {
      throw new DataError(
        'Time values must use number of milliseconds greater than 0 and less than 86400000',
      );
    }
    return new Date(millis);
  },
});

function checkName(schema: Schema, logicalName: string, what: string): void {
  if (schema.name !== logicalName) {
    throw new DataError(`Requested conversion of ${what} object but the schema does not match.`);
  }
}

function millisOf(value: Date): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new DataError('Invalid Date value');
  return ms;
}
