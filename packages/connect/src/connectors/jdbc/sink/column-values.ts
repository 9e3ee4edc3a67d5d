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

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD HH:MM:SS.mmm` of an instant as the clock in `timeZone` shows it. */
export function timestampFormatter(timeZone: string): (date: Date) => string {
  const fixed = fixedOffsetMinutes(timeZone);
  if (fixed !== undefined) {
    return (date) => {
      const iso = new Date(date.getTime() + fixed * 60_000).toISOString();
      return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
    };
  }
  let formatter = zoneFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    zoneFormatters.set(timeZone, formatter);
  }
  const f = formatter;
  return (date) => {
    const parts: Record<string, string> = {};
    for (const part of f.formatToParts(date)) parts[part.type] = part.value;
    const ms = String(((date.getTime() % 1000) + 1000) % 1000).padStart(3, '0');
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}.${ms}`;
  };
}

/** Minutes east of UTC for UTC itself and `+hh:mm` offsets; undefined for zones with rules. */
function fixedOffsetMinutes(timeZone: string): number | undefined {
  if (/^(UTC|GMT|Z|Etc\/UTC|Etc\/GMT|UCT|Universal|Zulu)$/i.test(timeZone)) return 0;
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(timeZone);
  if (!m) return undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}
