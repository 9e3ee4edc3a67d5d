import { formatClockMillis, formatClockMillisWithOffset } from '@msa-sync/sql';
import { Decimal, type Schema } from '../../../data/index.js';

/** Turns one Connect value into what the driver binds for its column. */
export type ValueBinder = (value: unknown) => unknown;

/**
 * The common conversions: numbers and strings as they are, bytes as Buffers, decimals as exact
 * text, Timestamp as zone-less `YYYY-MM-DD HH:MM:SS.mmm` in db.timezone, Date as `YYYY-MM-DD`
 * and Time as `HH:MM:SS.mmm` (both as calendar/clock values, no zone). Dialects adjust this.
 */
export function defaultBinder(schema: Schema, timeZone: string): ValueBinder {
  switch (schema.logical) {
    case 'timestamp': {
      const format = timestampFormatter(timeZone);
      return (v) => (v instanceof Date ? format(v) : v);
    }
    case 'date':
      return (v) => (v instanceof Date ? isoUtc(v).slice(0, 10) : v);
    case 'time':
      return (v) => (v instanceof Date ? isoUtc(v).slice(11, 23) : v);
    case 'decimal':
      return (v) => (v instanceof Decimal ? v.toPlainString() : v);
    default:
      break;
  }
  switch (schema.type) {
    case 'bytes':
      return (v) =>
        v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.length) : v;
    case 'float32':
    case 'float64':
      return (v) => {
        if (typeof v === 'number' && !Number.isFinite(v)) {
          throw new TypeError(`${v} cannot be written to a database column`);
        }
        return v;
      };
    default:
      return identityBinder;
  }
}

/** The binder of values the driver takes as they are. */
export const identityBinder: ValueBinder = (v) => v;

function isoUtc(date: Date): string {
  return date.toISOString();
}

/** `YYYY-MM-DD HH:MM:SS.mmm` of an instant as the clock in `timeZone` shows it. */
export function timestampFormatter(timeZone: string): (date: Date) => string {
  return (date) => formatClockMillis(date, timeZone);
}

/**
 * Timestamp as the clock in db.timezone with its offset (`…+09:00`), for databases that take
 * the offset into a zone-aware column (PostgreSQL `timestamptz`: the stored instant is right
 * whatever the session TimeZone) and drop it for a zone-less one (the clock time stays).
 */
export function offsetTimestampBinder(schema: Schema, timeZone: string): ValueBinder | undefined {
  if (schema.logical !== 'timestamp') return undefined;
  return (v) => (v instanceof Date ? formatClockMillisWithOffset(v, timeZone) : v);
}
