import { parseWallText, reinterpretUtcWallTime } from '@msa-sync/sql';
import { DataError } from '../../../data/data-error.js';
import { Decimal } from '../../../data/decimal.js';
import { DecimalType } from '../../../data/decimal-type.js';
import type { Schema } from '../../../data/schema.js';
import { SchemaBuilder } from '../../../data/schema-builder.js';
import { DateType, TimestampType, TimeType } from '../../../data/temporal-types.js';
import type { SourceColumnType } from './source-dialect.js';

/** Confluent's numeric.mapping values, and msa-sync's `string` (exact decimal text). */
export type NumericMapping = 'none' | 'precision_only' | 'best_fit' | 'best_fit_eager_double' | 'string';

export const NUMERIC_MAPPINGS: readonly NumericMapping[] = [
  'none',
  'precision_only',
  'best_fit',
  'best_fit_eager_double',
  'string',
];

/** msa-sync's default (Confluent's is `none`, which turns every DECIMAL into opaque bytes). */
export const DEFAULT_NUMERIC_MAPPING: NumericMapping = 'best_fit';

/** Significant decimal digits a float64 always carries exactly (text → double → text). */
const DOUBLE_EXACT_DIGITS = 15;

/** A column's Connect schema and the function from the driver's value to the Connect value. */
export interface ColumnMapping {
  schema: Schema;
  convert: (raw: unknown) => unknown;
}

export interface MappingOptions {
  numericMapping: NumericMapping;
  /** db.timezone: the zone of zone-less date/time text. */
  timeZone: string;
}

const MILLIS_PER_DAY = 86_400_000;

/**
 * The Connect schema and value converter for a column, as Confluent's `GenericDatabaseDialect`
 * maps JDBC types: optional iff the column is nullable; DECIMAL/NUMERIC by numeric.mapping
 * (msa-sync applies it to MariaDB DECIMAL as well, where Confluent's only ever sees NUMERIC).
 */
export function columnMapping(
  type: SourceColumnType,
  nullable: boolean,
  options: MappingOptions,
): ColumnMapping {
  const make = (builder: SchemaBuilder, convert: (raw: unknown) => unknown): ColumnMapping => {
    if (nullable) builder.optional();
    const schema = builder.build();
    return { schema, convert: (raw) => (raw === null || raw === undefined ? null : convert(raw)) };
  };
  switch (type.kind) {
    case 'boolean':
      return make(SchemaBuilder.bool(), toBoolean);
    case 'int8':
      return make(SchemaBuilder.int8(), (v) => toSmallInt(v, 8));
    case 'int16':
      return make(SchemaBuilder.int16(), (v) => toSmallInt(v, 16));
    case 'int32':
      return make(SchemaBuilder.int32(), (v) => toSmallInt(v, 32));
    case 'int64':
      return make(SchemaBuilder.int64(), toInt64);
    case 'float32':
      return make(SchemaBuilder.float32(), (v) => Math.fround(toFloat(v)));
    case 'float64':
      return make(SchemaBuilder.float64(), toFloat);
    case 'decimal':
      return decimalMapping(type.precision ?? 0, type.scale ?? 0, options.numericMapping, make);
    case 'unbounded-decimal':
      // No fixed scale fits every value (Confluent's Decimal with the driver's scale rounds them,
      // a float64 loses digits): exact text, unless best_fit_eager_double asks for doubles.
      return options.numericMapping === 'best_fit_eager_double'
        ? make(SchemaBuilder.float64(), toFloat)
        : make(SchemaBuilder.string(), toDecimalText);
    case 'string':
      return make(SchemaBuilder.string(), toText);
    case 'bytes':
      return make(SchemaBuilder.bytes(), toBytes);
    case 'date':
      return make(DateType.builder(), toDate);
    case 'time':
      return make(TimeType.builder(), toTime);
    case 'timestamp':
      return make(TimestampType.builder(), (v) => toTimestamp(v, options.timeZone));
    case 'timestamp-local-wall':
      return make(TimestampType.builder(), (v) =>
        v instanceof Date
          ? reinterpretUtcWallTime(new Date(localWallAsUtc(v)), options.timeZone)
          : toTimestamp(v, options.timeZone),
      );
    case 'timestamp-utc-wall':
      return make(TimestampType.builder(), (v) =>
        v instanceof Date ? reinterpretUtcWallTime(v, options.timeZone) : toTimestamp(v, options.timeZone),
      );
  }
}

function decimalMapping(
  precision: number,
  scale: number,
  mapping: NumericMapping,
  make: (builder: SchemaBuilder, convert: (raw: unknown) => unknown) => ColumnMapping,
): ColumnMapping {
  const integralOf = (digits: number): ColumnMapping => {
    if (digits > 9) return make(SchemaBuilder.int64(), toInt64);
    if (digits > 4) return make(SchemaBuilder.int32(), (v) => toSmallInt(v, 32));
    if (digits > 2) return make(SchemaBuilder.int16(), (v) => toSmallInt(v, 16));
    return make(SchemaBuilder.int8(), (v) => toSmallInt(v, 8));
  };
  const integral = () => integralOf(precision);
  if (mapping === 'string') return make(SchemaBuilder.string(), toDecimalText);
  if (mapping === 'precision_only' && scale === 0 && precision < 19) return integral();
  if (mapping === 'best_fit' || mapping === 'best_fit_eager_double') {
    // A negative scale (PostgreSQL NUMERIC(p,-s)) adds zeros: the integer has p - scale digits.
    if (scale < 1 && precision > 0 && precision - scale < 19) return integralOf(precision - scale);
    // Confluent takes float64 up to precision 18, where a double rounds (DECIMAL(18,2) has 18
    // significant digits, a double 15 to 17): best_fit only where the double is exact.
    if (
      scale > 0 &&
      ((precision > 0 && precision <= DOUBLE_EXACT_DIGITS) || mapping === 'best_fit_eager_double')
    ) {
      return make(SchemaBuilder.float64(), toFloat);
    }
  }
  return make(DecimalType.builder(scale), (v) => toDecimal(v, scale));
}

function describe(value: unknown): string {
  if (value instanceof Uint8Array) return `bytes[${value.length}]`;
  return `${typeof value} ${String(value)}`;
}

function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return Number(value) !== 0;
  if (value instanceof Uint8Array) return value.some((b) => b !== 0);
  if (typeof value === 'string') return /^(t|true|1|y|yes|on)$/i.test(value.trim());
  throw new DataError(`Cannot read ${describe(value)} as a boolean`);
}

function integerOf(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'string' && /^\s*[+-]?\d+(\.0*)?\s*$/.test(value))
    return BigInt(value.trim().split('.')[0] as string);
  if (value instanceof Uint8Array && value.length <= 8) {
    // BIT(n) arrives as big-endian bytes.
    let n = 0n;
    for (const b of value) n = (n << 8n) | BigInt(b);
    return n;
  }
  throw new DataError(`Cannot read ${describe(value)} as an integer`);
}

function toSmallInt(value: unknown, bits: 8 | 16 | 32): number {
  const n = integerOf(value);
  const limit = 1n << BigInt(bits - 1);
  if (n < -limit || n >= limit) throw new DataError(`Value ${n} does not fit an int${bits}`);
  return Number(n);
}

function toInt64(value: unknown): number | bigint {
  const n = integerOf(value);
  if (n < -(2n ** 63n) || n >= 2n ** 63n) throw new DataError(`Value ${n} does not fit an int64`);
  return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n;
}

function toFloat(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  if (typeof value === 'string' && /^(NaN|-?Infinity)$/.test(value)) return Number(value);
  throw new DataError(`Cannot read ${describe(value)} as a floating point number`);
}

function toDecimal(value: unknown, scale: number): Decimal {
  const text =
    typeof value === 'string' ? value.trim() : typeof value === 'bigint' ? value.toString() : undefined;
  let decimal: Decimal;
  if (text !== undefined) decimal = Decimal.fromString(text);
  else if (typeof value === 'number' && Number.isFinite(value)) decimal = Decimal.fromString(String(value));
  else throw new DataError(`Cannot read ${describe(value)} as a decimal`);
  return decimal.setScale(scale, 'HALF_UP');
}

/** The exact decimal text the driver gave (MariaDB and PostgreSQL send DECIMAL as text). */
function toDecimalText(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new DataError(`Cannot read ${describe(value)} as a decimal`);
}

function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  throw new DataError(`Cannot read ${describe(value)} as bytes`);
}

/** The clock fields a driver put into a local-time `Date`, read back as if they were UTC. */
function localWallAsUtc(date: Date): number {
  const wall = new Date(0);
  wall.setUTCFullYear(date.getFullYear(), date.getMonth(), date.getDate());
  wall.setUTCHours(date.getHours(), date.getMinutes(), date.getSeconds(), date.getMilliseconds());
  return wall.getTime();
}

/** A calendar date as Connect's Date wants it: midnight UTC of that day. */
function toDate(value: unknown): Date {
  // MariaDB's driver gives DATE as local midnight of the worker process: its local fields are the day.
  if (value instanceof Date)
    return new Date(Math.floor(localWallAsUtc(value) / MILLIS_PER_DAY) * MILLIS_PER_DAY);
  if (typeof value === 'number' || typeof value === 'bigint') {
    // JDBC-written SQLite keeps epoch ms.
    const ms = Number(value);
    return new Date(Math.floor(ms / MILLIS_PER_DAY) * MILLIS_PER_DAY);
  }
  if (typeof value === 'string') {
    const m = /^(-?\d{4,})-(\d{2})-(\d{2})/.exec(value.trim());
    if (!m) throw new DataError(`Cannot read ${describe(value)} as a date`);
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  }
  throw new DataError(`Cannot read ${describe(value)} as a date`);
}

/** A time of day as Connect's Time wants it: milliseconds since midnight, on 1970-01-01 UTC. */
function toTime(value: unknown): Date {
  if (value instanceof Date)
    return new Date(((value.getTime() % MILLIS_PER_DAY) + MILLIS_PER_DAY) % MILLIS_PER_DAY);
  if (typeof value === 'string') {
    const m = /^(-)?(\d{1,3}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?/.exec(value.trim());
    if (!m) throw new DataError(`Cannot read ${describe(value)} as a time of day`);
    const ms =
      (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0)) * 1000 +
      Math.floor(Number((m[5] ?? '').padEnd(3, '0').slice(0, 3)));
    const signed = m[1] ? -ms : ms;
    if (signed < 0 || signed >= MILLIS_PER_DAY) {
      throw new DataError(`Time ${value} is outside one day, which Connect's Time type cannot hold`);
    }
    return new Date(signed);
  }
  throw new DataError(`Cannot read ${describe(value)} as a time of day`);
}

function toTimestamp(value: unknown, timeZone: string): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string') {
    try {
      return new Date(parseWallText(value, timeZone).millis);
    } catch {
      throw new DataError(`Cannot read ${describe(value)} as a timestamp`);
    }
  }
  // Epoch milliseconds (how JDBC drivers store timestamps in SQLite).
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  throw new DataError(`Cannot read ${describe(value)} as a timestamp`);
}
