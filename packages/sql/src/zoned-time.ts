/**
 * Wall-clock text in a time zone (db.timezone) and instants, both ways, for the source and the
 * sink alike: the source's timestamp cursor is the database's own `YYYY-MM-DD HH:MM:SS.ffffff`
 * text with sub-millisecond digits kept (the offset stores it as Connect's `timestamp` epoch ms +
 * `timestamp_nanos`, as `java.sql.Timestamp.getNanos`); the sink writes Connect timestamps as the
 * clock in db.timezone shows them, with the offset when the column stores an instant.
 */

export interface PreciseInstant {
  /** Epoch milliseconds, sub-millisecond digits cut off (Java's `Timestamp.getTime`). */
  millis: number;
  /** Nanoseconds within the second, 0..999,999,999 (Java's `Timestamp.getNanos`). */
  nanos: number;
}

const WALL_TEXT =
  /^(-?\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      era: 'short',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Whether `zone` names a time zone this runtime knows (IANA names, `UTC`, fixed offsets). */
export function isKnownTimeZone(zone: string): boolean {
  if (isUtc(zone) || fixedOffsetMinutes(zone) !== undefined) return true;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

function isUtc(zone: string): boolean {
  return /^(UTC|GMT|Z|Etc\/UTC|Etc\/GMT|UCT|Universal|Zulu)$/i.test(zone);
}

function fixedOffsetMinutes(zone: string): number | undefined {
  const m = /^(?:UTC|GMT)?([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === '-' ? -minutes : minutes;
}

/** Zone offsets by quarter hour of UTC time: every zone changes its offset on a quarter hour. */
const QUARTER_HOUR_MS = 900_000;
const offsetCache = new Map<string, Map<number, number>>();
const OFFSET_CACHE_LIMIT = 4096;

/** Offset of `zone` from UTC at the instant `epochMs`, in minutes. */
export function zoneOffsetMinutes(zone: string, epochMs: number): number {
  if (isUtc(zone)) return 0;
  const fixed = fixedOffsetMinutes(zone);
  if (fixed !== undefined) return fixed;
  // The sink formats every timestamp it writes: Intl's formatToParts per value is its cost.
  const quarter = Math.floor(epochMs / QUARTER_HOUR_MS);
  let cache = offsetCache.get(zone);
  if (!cache) {
    cache = new Map();
    offsetCache.set(zone, cache);
  }
  const cached = cache.get(quarter);
  if (cached !== undefined) return cached;
  const offset = computeOffsetMinutes(zone, quarter * QUARTER_HOUR_MS);
  if (cache.size >= OFFSET_CACHE_LIMIT) cache.clear();
  cache.set(quarter, offset);
  return offset;
}

function computeOffsetMinutes(zone: string, epochMs: number): number {
  const parts = formatterFor(zone).formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  let year = get('year');
  if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
  const asUtc = Date.UTC(year, get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
}

/** Epoch ms of a wall-clock time in `zone` (the earlier instant when the clock repeats). */
function wallToEpoch(wallAsUtcMs: number, zone: string): number {
  let guess = wallAsUtcMs - zoneOffsetMinutes(zone, wallAsUtcMs) * 60_000;
  // Twice: the offset at the guess may differ from the offset at the wall time near a DST change.
  guess = wallAsUtcMs - zoneOffsetMinutes(zone, guess) * 60_000;
  return guess;
}

/**
 * The instant a timestamp text names: `2024-04-05 06:42:51.123456`, `2024-04-05T06:42:51Z`,
 * `2024-04-05`. Text with an offset or `Z` is absolute; text without one is wall time in `zone`.
 */
export function parseWallText(text: string, zone: string): PreciseInstant {
  const m = WALL_TEXT.exec(text.trim());
  if (!m) throw new Error(`Not a timestamp: ${JSON.stringify(text)}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', offset] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const setYear = new Date(wall);
  // Date.UTC maps years 0..99 to 1900..1999.
  if (Number(y) >= 0 && Number(y) < 100) setYear.setUTCFullYear(Number(y));
  const wallMs = setYear.getTime();
  let seconds: number;
  if (offset === undefined) seconds = wallToEpoch(wallMs, zone);
  else if (offset === 'Z') seconds = wallMs;
  else {
    const minutes = fixedOffsetMinutes(offset) ?? 0;
    seconds = wallMs - minutes * 60_000;
  }
  const nanos = fraction === '' ? 0 : Number(fraction.padEnd(9, '0'));
  return { millis: seconds + Math.floor(nanos / 1_000_000), nanos };
}

/** `YYYY-MM-DD HH:MM:SS.fff…` of an instant as the clock in `zone` shows it, `digits` fraction digits. */
export function formatWallText(instant: PreciseInstant, zone: string, digits: number): string {
  const seconds = Math.floor(instant.millis / 1000) * 1000;
  const wall = new Date(seconds + zoneOffsetMinutes(zone, seconds) * 60_000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const year = wall.getUTCFullYear();
  const text =
    `${year < 0 ? '-' : ''}${pad(Math.abs(year), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())} ` +
    `${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}`;
  if (digits <= 0) return text;
  return `${text}.${String(instant.nanos).padStart(9, '0').slice(0, digits)}`;
}

/** The instant of a `Date` (millisecond precision). */
export function instantOfDate(date: Date): PreciseInstant {
  const millis = date.getTime();
  const ms = ((millis % 1000) + 1000) % 1000;
  return { millis, nanos: ms * 1_000_000 };
}

/** `instant` moved by `deltaMs` milliseconds, sub-millisecond digits kept. */
export function addMillis(instant: PreciseInstant, deltaMs: number): PreciseInstant {
  const millis = instant.millis + deltaMs;
  const subMilli = instant.nanos % 1_000_000;
  const ms = ((millis % 1000) + 1000) % 1000;
  return { millis, nanos: ms * 1_000_000 + subMilli };
}

/**
 * A wall-clock `Date` read as UTC (what a driver gives for a zone-less timestamp when it assumes
 * UTC) moved to the instant that wall time names in `zone`.
 */
export function reinterpretUtcWallTime(date: Date, zone: string): Date {
  if (isUtc(zone)) return date;
  return new Date(wallToEpoch(date.getTime(), zone));
}

const DAY_MS = 86_400_000;
/** The wall-clock range toISOString writes with a four-digit year (0000-01-01 to 9999-12-31). */
const FOUR_DIGIT_YEARS = {
  from: Date.parse('0000-01-01T00:00:00.000Z'),
  to: Date.parse('9999-12-31T23:59:59.999Z'),
};
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
/** The day text last formatted: a sink's timestamps are mostly of the same day. */
let lastDay = { day: Number.NaN, text: '' };

/** `YYYY-MM-DD HH:MM:SS.mmm` of a `Date` as the clock in `zone` shows it (no zone in the text). */
export function formatClockMillis(date: Date, zone: string): string {
  const millis = date.getTime();
  const wall = millis + zoneOffsetMinutes(zone, millis) * 60_000;
  // An invalid Date throws toISOString's RangeError, as it always did.
  if (Number.isNaN(wall)) return new Date(wall).toISOString();
  // toISOString writes other years as ±YYYYYY.
  if (wall < FOUR_DIGIT_YEARS.from || wall > FOUR_DIGIT_YEARS.to)
    return formatWallText(instantOfDate(date), zone, 3);
  // The sink formats every timestamp it writes: the date part once per day, the clock from digits.
  const day = Math.floor(wall / DAY_MS);
  if (day !== lastDay.day) lastDay = { day, text: `${new Date(day * DAY_MS).toISOString().slice(0, 10)} ` };
  let rest = wall - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${lastDay.text}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[rest - seconds * 1000]}`;
}

/**
 * `YYYY-MM-DD HH:MM:SS.mmm+hh:mm`: the clock in `zone` and its offset at that instant, so the text
 * names one instant even in the hour a DST change repeats, whatever zone reads it.
 */
export function formatClockMillisWithOffset(date: Date, zone: string): string {
  const minutes = zoneOffsetMinutes(zone, date.getTime());
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${formatClockMillis(date, zone)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
