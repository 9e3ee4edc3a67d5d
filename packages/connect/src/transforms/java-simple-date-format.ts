import { DataError } from '../data/data-error.js';
import { contentMessage, quotingContent } from '../errors/record-content.js';

/**
 * Java's `java.text.SimpleDateFormat` as a Connect worker on Java 17 runs it, for every pattern
 * letter Java knows: the `en_US` locale (what a JVM started with `-Duser.language=en
 * -Duser.country=US` uses: English names, weeks that start on Sunday with week 1 the week holding
 * January 1), a lenient `GregorianCalendar` with the Julian calendar before 1582-10-15, and the UTC
 * time zone. Formatting and parsing follow the JDK's rules letter for letter, including what they
 * do with odd input: lenient field overflow (`2020-02-30` is March 1), int overflow where Java
 * computes in ints, trailing text left unread, two-digit years placed within 80 years before and
 * 20 after now, the day of the week ignored when a day of the month is given.
 *
 * Pattern letters: `G y Y M L w W D d F E u a H k K h m s S z Z X` and quoted text. When parsing,
 * `z`/`Z` take `GMT`, `GMT±h:mm`, `±hhmm` and the UTC zone's names; other zone names (which Java
 * looks up in its time zone database, and then keeps formatting in that zone) throw a `DataError`
 * saying so.
 *
 * Callers: TimestampConverter and TimestampRouter (a configured pattern), Cast and `Values` (the
 * ISO-8601 patterns `Values` formats dates with and leniently parses header literals with).
 */
export class JavaSimpleDateFormat {
  readonly #pattern: string;
  readonly #tokens: readonly Token[];
  readonly #centuryStart: bigint;
  readonly #centuryStartYear: number;

  /**
   * Compiles `pattern` as `new SimpleDateFormat(pattern)` does, throwing
   * {@link InvalidDatePatternError} (Java's `IllegalArgumentException`) for a pattern Java refuses.
   * `now` fixes the two-digit-year window (Java: the time the format was made).
   */
  constructor(pattern: string, now: number = Date.now()) {
    this.#pattern = pattern;
    this.#tokens = compile(pattern);
    const centuryStart = eightyYearsBefore(now);
    this.#centuryStart = BigInt(centuryStart);
    this.#centuryStartYear = calendarFieldsUtc(centuryStart).year;
  }

  /** The pattern as given (`toPattern()`). */
  toPattern(): string {
    return this.#pattern;
  }

  /** `format(date)`: the date's fields in UTC laid out by the pattern (any Java long of millis). */
  format(date: Date | number | bigint): string {
    const fields = calendarFieldsUtc(date instanceof Date ? date.getTime() : date);
    let text = '';
    for (const token of this.#tokens) {
      text += token.kind === 'literal' ? token.text : formatField(token.letter, token.count, fields);
    }
    return text;
  }

  /**
   * `parse(text)`: the instant the text starts with, as the Java long of milliseconds since the
   * epoch (wrapping where Java's long arithmetic does), or `undefined` where Java throws
   * `ParseException`. Text after what the pattern reads is ignored. But for the empty pattern
   * (which reads nothing, so this fails) it is also what `parse(text, new ParsePosition(0))` gives.
   */
  parse(text: string): bigint | undefined {
    const calendar = new ParsedCalendar();
    let position = 0;
    let ambiguousYear = false;
    for (let i = 0; i < this.#tokens.length; i++) {
      const token = this.#tokens[i] as Token;
      if (token.kind === 'literal') {
        // Compared char by char (UTF-16 units), as Java does.
        for (let j = 0; j < token.text.length; j++) {
          if (position >= text.length || !charEquals(text[position] as string, token.text[j] as string))
            return undefined;
          position++;
        }
        continue;
      }
      const next = this.#tokens[i + 1];
      const obeyCount = next?.kind === 'field' && shouldObeyCount(next.letter, next.count);
      const field = this.#parseField(calendar, text, position, token.letter, token.count, obeyCount);
      if (field === undefined) return undefined;
      position = field.end;
      if (field.ambiguousYear !== undefined) ambiguousYear = field.ambiguousYear;
    }
    // DateFormat.parse(String) fails when nothing was read.
    if (position === 0) return undefined;
    let millis = calendar.timeInMillis();
    if (ambiguousYear && millis < this.#centuryStart) {
      calendar.addYears(100);
      millis = calendar.timeInMillis();
    }
    return millis;
  }

  /**
   * SimpleDateFormat.subParse: sets the field the text at `start` gives and returns where it ends
   * (with, for a year, whether it was the ambiguous two-digit year), or `undefined` for no match.
   */
  #parseField(
    calendar: ParsedCalendar,
    text: string,
    start: number,
    letter: string,
    count: number,
    obeyCount: boolean,
  ): { end: number; ambiguousYear?: boolean } | undefined {
    let position = start;
    // Spaces and tabs before a field are skipped (names are still matched from `start`, as in Java).
    for (;;) {
      if (position >= text.length) return undefined;
      const c = text[position];
      if (c !== ' ' && c !== '\t') break;
      position++;
    }
    const actualStart = position;
    const limit = obeyCount ? start + count : text.length;
    // Every numeric field fails when its fixed width runs past the text; name fields never obey it.
    if (obeyCount && limit > text.length && isNumericField(letter, count)) return undefined;
    const at = (end: number) => (end < 0 ? undefined : { end });

    switch (letter) {
      case 'G':
        return at(matchLongest(text, start, ERA_NAMES, (era) => calendar.set(ERA, era)));
      case 'y':
      case 'Y': {
        const number = parseDecimalFormatInteger(text, position, limit);
        if (!number) return undefined;
        let value = number.value;
        let ambiguousYear: boolean | undefined;
        if (
          count <= 2 &&
          number.end - actualStart === 2 &&
          isJavaDigit(text.charCodeAt(actualStart)) &&
          isJavaDigit(text.charCodeAt(actualStart + 1))
        ) {
          const ambiguousTwoDigitYear = this.#centuryStartYear % 100;
          ambiguousYear = value === ambiguousTwoDigitYear;
          value += Math.trunc(this.#centuryStartYear / 100) * 100 + (value < ambiguousTwoDigitYear ? 100 : 0);
        }
        calendar.set(letter === 'y' ? YEAR : WEEK_YEAR, value);
        return { end: number.end, ambiguousYear };
      }
      case 'M':
      case 'L':
        if (count >= 3)
          return at(matchLongest(text, start, MONTH_NAMES, (month) => calendar.set(MONTH, month)));
        break;
      case 'E': {
        const long = matchLongest(text, start, LONG_WEEKDAY_NAMES, (day) => calendar.set(DAY_OF_WEEK, day));
        if (long > 0) return { end: long };
        return at(matchLongest(text, start, SHORT_WEEKDAY_NAMES, (day) => calendar.set(DAY_OF_WEEK, day)));
      }
      case 'a':
        return at(matchLongest(text, start, AM_PM_NAMES, (amPm) => calendar.set(AM_PM, amPm)));
      case 'z':
      case 'Z':
        return at(parseZone(calendar, text, start, position));
      case 'X':
        return at(parseIsoZone(calendar, text, position, count));
    }

    const number = parseDecimalFormatInteger(text, position, limit);
    if (!number) return undefined;
    const value = number.value;
    switch (letter) {
      case 'M':
      case 'L':
        calendar.set(MONTH, (value - 1) | 0);
        break;
      case 'k':
        calendar.set(HOUR_OF_DAY, value === 24 ? 0 : value);
        break;
      case 'h':
        calendar.set(HOUR, value === 12 ? 0 : value);
        break;
      case 'u':
        calendar.set(DAY_OF_WEEK, isoToCalendarDayOfWeek(value));
        break;
      default:
        calendar.set(NUMERIC_FIELDS[letter] as number, value);
    }
    return { end: number.end };
  }
}

/**
 * Java's `IllegalArgumentException` from the `SimpleDateFormat` constructor, with its message
 * (`Illegal pattern character 'b'`, `Unterminated quote`, `invalid ISO 8601 format: length=4`).
 */
export class InvalidDatePatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IllegalArgumentException';
  }
}

// ---------------------------------------------------------------------------------------------
// Pattern compilation

type Token = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; count: number };

/** DateFormatSymbols.patternChars: every letter Java knows. */
const PATTERN_LETTERS = 'GyMdkHmsSEDFwWahKzZYuXL';

/** SimpleDateFormat.compile: fields and literal text, or Java's IllegalArgumentException. */
function compile(pattern: string): Token[] {
  const tokens: Token[] = [];
  let quoted: string | undefined;
  let letter = '';
  let count = 0;
  const flush = () => {
    if (count === 0) return;
    if (letter === 'X' && count >= 4)
      throw new InvalidDatePatternError(`invalid ISO 8601 format: length=${count}`);
    tokens.push({ kind: 'field', letter, count });
    letter = '';
    count = 0;
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        // Two quotes are one quote, inside or outside quoted text.
        i++;
        flush();
        if (quoted !== undefined) quoted += "'";
        else tokens.push({ kind: 'literal', text: "'" });
        continue;
      }
      if (quoted === undefined) {
        flush();
        quoted = '';
      } else {
        tokens.push({ kind: 'literal', text: quoted });
        quoted = undefined;
      }
      continue;
    }
    if (quoted !== undefined) {
      quoted += c;
      continue;
    }
    if (!isAsciiLetter(c)) {
      flush();
      tokens.push({ kind: 'literal', text: c });
      continue;
    }
    if (!PATTERN_LETTERS.includes(c)) throw new InvalidDatePatternError(`Illegal pattern character '${c}'`);
    if (count > 0 && letter !== c) flush();
    letter = c;
    count++;
  }
  if (quoted !== undefined) throw new InvalidDatePatternError('Unterminated quote');
  flush();
  return tokens;
}

function isAsciiLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/** SimpleDateFormat.shouldObeyCount: whether a field directly before this one reads exactly its width. */
function shouldObeyCount(letter: string, count: number): boolean {
  if (letter === 'M' || letter === 'L') return count <= 2;
  return 'ydkHmsSDFwWhKYu'.includes(letter);
}

/** Fields read as numbers (those that fail outright when a fixed width runs past the text). */
function isNumericField(letter: string, count: number): boolean {
  if (letter === 'M' || letter === 'L') return count <= 2;
  return 'yYdkHmsSDFwWhKu'.includes(letter);
}

// ---------------------------------------------------------------------------------------------
// Names (Java 17, en_US)

const MONTHS_LONG = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const MONTHS_SHORT = MONTHS_LONG.map((m) => m.slice(0, 3));
const WEEKDAYS_LONG = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const WEEKDAYS_SHORT = WEEKDAYS_LONG.map((d) => d.slice(0, 3));

type Names = readonly (readonly [string, number])[];

const MONTH_NAMES: Names = [
  ...MONTHS_LONG.map((m, i) => [m, i] as const),
  ...MONTHS_SHORT.map((m, i) => [m, i] as const),
];
/** Calendar.DAY_OF_WEEK values: SUNDAY = 1. */
const LONG_WEEKDAY_NAMES: Names = WEEKDAYS_LONG.map((d, i) => [d, i + 1] as const);
const SHORT_WEEKDAY_NAMES: Names = WEEKDAYS_SHORT.map((d, i) => [d, i + 1] as const);
/** The short and long names Java's parser takes (not the narrow ones). */
const AM_PM_NAMES: Names = [
  ['AM', 0],
  ['PM', 1],
];
const ERA_NAMES: Names = [
  ['Before Christ', 0],
  ['Anno Domini', 1],
  ['AD', 1],
  ['BC', 0],
];
/** The names of the format's zone (UTC) in the order Java tries them. */
const UTC_ZONE_NAMES = ['Coordinated Universal Time', 'UTC'];

function regionMatchesIgnoreCase(text: string, start: number, name: string): boolean {
  if (start < 0 || start + name.length > text.length) return false;
  for (let i = 0; i < name.length; i++) {
    const a = text[start + i] as string;
    const b = name[i] as string;
    if (a !== b && a.toUpperCase() !== b.toUpperCase() && a.toLowerCase() !== b.toLowerCase()) return false;
  }
  return true;
}

/** The longest name found at `start` (case-insensitive), as Java matches an unsorted name map. */
function matchLongest(text: string, start: number, names: Names, set: (value: number) => void): number {
  let best: readonly [string, number] | undefined;
  for (const entry of names) {
    if (entry[0].length > (best?.[0].length ?? 0) && regionMatchesIgnoreCase(text, start, entry[0]))
      best = entry;
  }
  if (!best) return -1;
  set(best[1]);
  return start + best[0].length;
}

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic (sun.util.calendar.Gregorian / JulianCalendar, GregorianCalendar's cutover)

const ONE_DAY = 86_400_000;
/** Fixed date (days from January 1, 1 Gregorian, that day being 1) of 1970-01-01. */
const EPOCH_OFFSET = 719_163;
/** Fixed date of 1582-10-15, the first Gregorian day. */
const GREGORIAN_CUTOVER_DATE = 577_736;
const GREGORIAN_CUTOVER_YEAR = 1582;

/** en_US week data: weeks start on Sunday (Calendar.SUNDAY = 1); the first week needs one day. */
const FIRST_DAY_OF_WEEK = 1;
const MINIMAL_DAYS_IN_FIRST_WEEK = 1;

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

function mod(a: number, b: number): number {
  return a - Math.floor(a / b) * b;
}

function isGregorianLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function isJulianLeapYear(year: number): boolean {
  return mod(year, 4) === 0;
}

/** Fixed date of a proleptic Gregorian date (year 0 is 1 BC; month 1-12). */
function gregorianFixedDate(year: number, month: number, day: number): number {
  const prev = year - 1;
  let days =
    day +
    365 * prev +
    floorDiv(prev, 4) -
    floorDiv(prev, 100) +
    floorDiv(prev, 400) +
    floorDiv(367 * month - 362, 12);
  if (month > 2) days -= isGregorianLeapYear(year) ? 1 : 2;
  return days;
}

/** Fixed date of a Julian date (year 0 is 1 BC; month 1-12). */
function julianFixedDate(year: number, month: number, day: number): number {
  let days = -2 + 365 * (year - 1) + day + floorDiv(year - 1, 4) + floorDiv(367 * month - 362, 12);
  if (month > 2) days -= isJulianLeapYear(year) ? 1 : 2;
  return days;
}

/** Fixed date of January 1 of a (normalized) year in the calendar GregorianCalendar uses for it. */
function january1(year: number): number {
  return year > GREGORIAN_CUTOVER_YEAR ? gregorianFixedDate(year, 1, 1) : julianFixedDate(year, 1, 1);
}

interface YearMonthDay {
  /** Normalized year: 0 is 1 BC, -1 is 2 BC. */
  year: number;
  /** 1-12. */
  month: number;
  day: number;
}

function gregorianDateOf(fixedDate: number): YearMonthDay {
  const d0 = fixedDate - 1;
  const n400 = floorDiv(d0, 146_097);
  const d1 = mod(d0, 146_097);
  const n100 = floorDiv(d1, 36_524);
  const d2 = mod(d1, 36_524);
  const n4 = floorDiv(d2, 1461);
  const d3 = mod(d2, 1461);
  const n1 = floorDiv(d3, 365);
  let year = 400 * n400 + 100 * n100 + 4 * n4 + n1;
  if (n100 !== 4 && n1 !== 4) year++;
  let priorDays = fixedDate - gregorianFixedDate(year, 1, 1);
  if (fixedDate >= gregorianFixedDate(year, 3, 1)) priorDays += isGregorianLeapYear(year) ? 1 : 2;
  const month = floorDiv(12 * priorDays + 373, 367);
  return { year, month, day: fixedDate - gregorianFixedDate(year, month, 1) + 1 };
}

function julianDateOf(fixedDate: number): YearMonthDay {
  const year = floorDiv(4 * (fixedDate + 1) + 1464, 1461);
  let priorDays = fixedDate - julianFixedDate(year, 1, 1);
  if (fixedDate >= julianFixedDate(year, 3, 1)) priorDays += isJulianLeapYear(year) ? 1 : 2;
  const month = floorDiv(12 * priorDays + 373, 367);
  return { year, month, day: fixedDate - julianFixedDate(year, month, 1) + 1 };
}

/** Calendar.DAY_OF_WEEK of a fixed date (fixed date 1 is a Monday). */
function dayOfWeekOf(fixedDate: number): number {
  return mod(fixedDate, 7) + 1;
}

/** The fixed date of the given day of the week on or before `fixedDate` (`dayOfWeek - 1` is an int). */
function dayOfWeekOnOrBefore(fixedDate: number, dayOfWeek: number): number {
  return fixedDate - mod(fixedDate - ((dayOfWeek - 1) | 0), 7);
}

/** `Calendar.add(YEAR, -80)` from `now`, in UTC (February 29 becomes February 28). */
function eightyYearsBefore(now: number): number {
  const date = new Date(now);
  const year = date.getUTCFullYear() - 80;
  const month = date.getUTCMonth() + 1;
  const day = month === 2 && date.getUTCDate() === 29 && !isGregorianLeapYear(year) ? 28 : date.getUTCDate();
  return (gregorianFixedDate(year, month, day) - EPOCH_OFFSET) * ONE_DAY + mod(now, ONE_DAY);
}

// ---------------------------------------------------------------------------------------------
// The fields of an instant (GregorianCalendar.computeFields in UTC)

/** The calendar fields `GregorianCalendar` (zone UTC, en_US weeks) computes for an instant. */
export interface JavaCalendarFields {
  /** 0 = BC, 1 = AD. */
  era: number;
  /** Year of the era (1 BC is 1). */
  year: number;
  /** 0-11. */
  month: number;
  dayOfMonth: number;
  dayOfYear: number;
  /** Which occurrence of its weekday in the month the day is (`F`): 1 for days 1-7. */
  dayOfWeekInMonth: number;
  /** Calendar.DAY_OF_WEEK: 1 = Sunday … 7 = Saturday. */
  dayOfWeek: number;
  /** Week of the year (`w`): weeks start on Sunday, week 1 holds January 1. */
  weekOfYear: number;
  /** Week of the month (`W`), same rules. */
  weekOfMonth: number;
  /** The year the week of the year belongs to (`Y`), as getWeekYear() gives it: 0 is 1 BC. */
  weekYear: number;
  hourOfDay: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** The fields of an instant, any Java long of milliseconds since the epoch. */
export function calendarFieldsUtc(millis: number | bigint): JavaCalendarFields {
  let days: number;
  let timeOfDay: number;
  if (typeof millis === 'bigint') {
    // Beyond 2^53 ms a double loses the time of day; the day count itself stays exact.
    const day = BigInt(ONE_DAY);
    const floorDays = millis / day - (millis % day < 0n ? 1n : 0n);
    days = Number(floorDays);
    timeOfDay = Number(millis - floorDays * day);
  } else {
    days = Math.floor(millis / ONE_DAY);
    timeOfDay = millis - days * ONE_DAY;
  }
  const fixedDate = days + EPOCH_OFFSET;
  const gregorian = fixedDate >= GREGORIAN_CUTOVER_DATE;
  const date = gregorian ? gregorianDateOf(fixedDate) : julianDateOf(fixedDate);
  let fixedDateJan1 = gregorian ? gregorianFixedDate(date.year, 1, 1) : julianFixedDate(date.year, 1, 1);
  let fixedDateMonth1 = fixedDate - date.day + 1;
  if (date.year === GREGORIAN_CUTOVER_YEAR) {
    // The cutover year starts on the Julian January 1; in October the gap sits inside the month.
    fixedDateJan1 = julianFixedDate(GREGORIAN_CUTOVER_YEAR, 1, 1);
    if (gregorian && date.month === 10) fixedDateMonth1 = julianFixedDate(GREGORIAN_CUTOVER_YEAR, 10, 1);
  }
  const dayOfYear = fixedDate - fixedDateJan1 + 1;
  const weekOfYear = weekOfYearOf(date.year, fixedDateJan1, fixedDate);
  return {
    era: date.year > 0 ? 1 : 0,
    year: date.year > 0 ? date.year : 1 - date.year,
    month: date.month - 1,
    dayOfMonth: date.day,
    dayOfYear,
    dayOfWeekInMonth: Math.trunc((fixedDate - fixedDateMonth1) / 7) + 1,
    dayOfWeek: dayOfWeekOf(fixedDate),
    weekOfYear,
    weekOfMonth: weekNumber(fixedDateMonth1, fixedDate),
    weekYear: weekYearOf(date, dayOfYear, weekOfYear),
    hourOfDay: Math.trunc(timeOfDay / 3_600_000),
    minute: Math.trunc(timeOfDay / 60_000) % 60,
    second: Math.trunc(timeOfDay / 1000) % 60,
    millisecond: timeOfDay % 1000,
  };
}

/** GregorianCalendar.getWeekNumber: the week of `fixedDate` in the period starting `fixedDay1`. */
function weekNumber(fixedDay1: number, fixedDate: number): number {
  let fixedDay1st = dayOfWeekOnOrBefore(fixedDay1 + 6, FIRST_DAY_OF_WEEK);
  if (fixedDay1st - fixedDay1 >= MINIMAL_DAYS_IN_FIRST_WEEK) fixedDay1st -= 7;
  return floorDiv(fixedDate - fixedDay1st, 7) + 1;
}

/** WEEK_OF_YEAR as GregorianCalendar.computeFields settles it. */
function weekOfYearOf(year: number, jan1: number, fixedDate: number): number {
  const week = weekNumber(jan1, fixedDate);
  if (week === 0) {
    // The last week of the previous year.
    return weekNumber(january1(year - 1), jan1 - 1);
  }
  // The cutover year has 355 days: its last days can be week 1 of the next year from week 51 on.
  if (week >= 52 || year === GREGORIAN_CUTOVER_YEAR) {
    const nextJan1 = january1(year + 1);
    const nextJan1st = dayOfWeekOnOrBefore(nextJan1 + 6, FIRST_DAY_OF_WEEK);
    if (nextJan1st - nextJan1 >= MINIMAL_DAYS_IN_FIRST_WEEK && fixedDate >= nextJan1st - 7) return 1;
  }
  return week;
}

/** GregorianCalendar.getWeekYear (a normalized year: 0 is 1 BC). */
function weekYearOf(date: YearMonthDay, dayOfYear: number, weekOfYear: number): number {
  const year = date.year;
  if (year > GREGORIAN_CUTOVER_YEAR + 1) {
    if (date.month === 1) return weekOfYear >= 52 ? year - 1 : year;
    return weekOfYear === 1 ? year + 1 : year;
  }
  // Java's general path, including its reading of year + 1 as a year of the BC era for BC dates.
  const isLeapYear = year > GREGORIAN_CUTOVER_YEAR ? isGregorianLeapYear(year) : isJulianLeapYear(year);
  const maxDayOfYear = year === GREGORIAN_CUTOVER_YEAR ? 355 : isLeapYear ? 366 : 365;
  if (dayOfYear > MINIMAL_DAYS_IN_FIRST_WEEK && dayOfYear < maxDayOfYear - 6) return year;
  const firstDayDelta = (jan1: number): number => mod(FIRST_DAY_OF_WEEK - dayOfWeekOf(jan1), 7);
  const minDayOfYear = 1 + firstDayDelta(january1(year));
  if (dayOfYear < minDayOfYear) return year;
  const nextYear = year <= 0 ? -year : year + 1;
  const next = firstDayDelta(january1(nextYear)) || 7;
  if (next >= MINIMAL_DAYS_IN_FIRST_WEEK && maxDayOfYear - dayOfYear + 1 <= 7 - next) return year + 1;
  return year;
}

// ---------------------------------------------------------------------------------------------
// Formatting

/**
 * SimpleDateFormat.zeroPaddingNumber: at least `minDigits` digits, a minus sign before negative
 * numbers, and only the last two digits when `lastTwo` (a two-letter `yy` or `YY`).
 */
function zeroPadded(value: number, minDigits: number, lastTwo = false): string {
  if (value < 0) return `-${zeroPadded(-value, minDigits, lastTwo)}`;
  return String(lastTwo ? value % 100 : value).padStart(minDigits, '0');
}

/** SimpleDateFormat.subFormat for one field. */
function formatField(letter: string, count: number, f: JavaCalendarFields): string {
  switch (letter) {
    case 'G':
      return f.era === 1 ? 'AD' : 'BC';
    case 'y':
      return zeroPadded(f.year, count === 2 ? 2 : count, count === 2);
    case 'Y':
      return zeroPadded(f.weekYear, count === 2 ? 2 : count, count === 2);
    case 'M':
    case 'L':
      if (count >= 4) return MONTHS_LONG[f.month] as string;
      if (count === 3) return MONTHS_SHORT[f.month] as string;
      return zeroPadded(f.month + 1, count);
    case 'w':
      return zeroPadded(f.weekOfYear, count);
    case 'W':
      return zeroPadded(f.weekOfMonth, count);
    case 'D':
      return zeroPadded(f.dayOfYear, count);
    case 'd':
      return zeroPadded(f.dayOfMonth, count);
    case 'F':
      return zeroPadded(f.dayOfWeekInMonth, count);
    case 'E':
      return (count >= 4 ? WEEKDAYS_LONG : WEEKDAYS_SHORT)[f.dayOfWeek - 1] as string;
    case 'u':
      return zeroPadded(f.dayOfWeek === 1 ? 7 : f.dayOfWeek - 1, count);
    case 'a':
      return f.hourOfDay < 12 ? 'AM' : 'PM';
    case 'H':
      return zeroPadded(f.hourOfDay, count);
    case 'k':
      return zeroPadded(f.hourOfDay === 0 ? 24 : f.hourOfDay, count);
    case 'K':
      return zeroPadded(f.hourOfDay % 12, count);
    case 'h':
      return zeroPadded(f.hourOfDay % 12 === 0 ? 12 : f.hourOfDay % 12, count);
    case 'm':
      return zeroPadded(f.minute, count);
    case 's':
      return zeroPadded(f.second, count);
    case 'S':
      return zeroPadded(f.millisecond, count);
    case 'z':
      return count >= 4 ? 'Coordinated Universal Time' : 'UTC';
    case 'Z':
      return '+0000';
    case 'X':
      return 'Z';
    default:
      // compile() lets no other letter through.
      throw new InvalidDatePatternError(`Illegal pattern character '${letter}'`);
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing: the calendar fields the text sets, resolved as a lenient GregorianCalendar does

const ERA = 0;
const YEAR = 1;
const MONTH = 2;
const WEEK_OF_YEAR = 3;
const WEEK_OF_MONTH = 4;
const DAY_OF_MONTH = 5;
const DAY_OF_YEAR = 6;
const DAY_OF_WEEK = 7;
const DAY_OF_WEEK_IN_MONTH = 8;
const AM_PM = 9;
const HOUR = 10;
const HOUR_OF_DAY = 11;
const MINUTE = 12;
const SECOND = 13;
const MILLISECOND = 14;
const ZONE_OFFSET = 15;
const DST_OFFSET = 16;
/** CalendarBuilder.WEEK_YEAR: the pseudo-field `Y` sets, which only parsing knows. */
const WEEK_YEAR = 17;
const FIELD_COUNT = 18;
const UNSET = 0;
const ONE_DAY_LONG = BigInt(ONE_DAY);

/** The field each plainly numeric letter sets. */
const NUMERIC_FIELDS: Readonly<Record<string, number>> = {
  w: WEEK_OF_YEAR,
  W: WEEK_OF_MONTH,
  D: DAY_OF_YEAR,
  d: DAY_OF_MONTH,
  F: DAY_OF_WEEK_IN_MONTH,
  H: HOUR_OF_DAY,
  K: HOUR,
  m: MINUTE,
  s: SECOND,
  S: MILLISECOND,
};

/** CalendarBuilder.toCalendarDayOfWeek: ISO 1 (Monday) … 7 (Sunday); other values kept. */
function isoToCalendarDayOfWeek(isoDay: number): number {
  if (isoDay <= 0 || isoDay > 7) return isoDay;
  return isoDay === 7 ? 1 : isoDay + 1;
}

function bit(field: number): number {
  return 1 << field;
}

function has(mask: number, field: number): boolean {
  return (mask & bit(field)) !== 0;
}

/**
 * The fields parsing sets, with Calendar's set-order stamps (0 = unset), as SimpleDateFormat's
 * CalendarBuilder holds them; {@link timeInMillis} establishes them on a cleared calendar.
 */
class ParsedCalendar {
  readonly #values: number[];
  readonly #stamps: number[];
  #nextStamp: number;

  constructor(source?: ParsedCalendar) {
    this.#values = source ? [...source.#values] : new Array<number>(FIELD_COUNT).fill(0);
    this.#stamps = source ? [...source.#stamps] : new Array<number>(FIELD_COUNT).fill(UNSET);
    this.#nextStamp = source ? source.#nextStamp : 2;
  }

  set(field: number, value: number): void {
    this.#values[field] = value;
    this.#stamps[field] = this.#nextStamp++;
  }

  /** CalendarBuilder.addYear: to the year and the week year, in int arithmetic. */
  addYears(years: number): void {
    this.#values[YEAR] = (this.#get(YEAR) + years) | 0;
    this.#values[WEEK_YEAR] = (this.#get(WEEK_YEAR) + years) | 0;
  }

  #isSet(field: number): boolean {
    return (this.#stamps[field] as number) !== UNSET;
  }

  #get(field: number): number {
    return this.#values[field] as number;
  }

  /**
   * CalendarBuilder.establish, then getTimeInMillis(): the Java long of milliseconds. A week
   * year (`Y`) set after any year goes through GregorianCalendar.setWeekDate: the date is the
   * given day of the given week of that week year, and the other fields keep the time of day.
   */
  timeInMillis(): bigint {
    const weekDate =
      this.#isSet(WEEK_YEAR) && (this.#stamps[WEEK_YEAR] as number) > (this.#stamps[YEAR] as number);
    if (!weekDate) return this.#computeTime().millis;

    let weekOfYear = this.#isSet(WEEK_OF_YEAR) ? this.#get(WEEK_OF_YEAR) : 1;
    let dayOfWeek = this.#isSet(DAY_OF_WEEK) ? this.#get(DAY_OF_WEEK) : FIRST_DAY_OF_WEEK;
    if (dayOfWeek < 1 || dayOfWeek > 7) {
      // Lenient: an out-of-range (ISO) day of the week moves into the next or previous weeks.
      if (dayOfWeek >= 8) {
        dayOfWeek--;
        weekOfYear = (weekOfYear + Math.trunc(dayOfWeek / 7)) | 0;
        dayOfWeek = (dayOfWeek % 7) + 1;
      } else {
        const weeks = Math.floor(-dayOfWeek / 7) + 1;
        dayOfWeek += 7 * weeks;
        weekOfYear = (weekOfYear - weeks) | 0;
      }
      dayOfWeek = isoToCalendarDayOfWeek(dayOfWeek);
    }

    // setWeekDate: in the era of the date the other fields give, the first day of week 1 of the
    // week year, then as many days on as the week and day of the week say.
    const firstWeek = new ParsedCalendar();
    firstWeek.set(ERA, calendarFieldsUtc(this.#computeTime().wall).era);
    firstWeek.set(YEAR, this.#get(WEEK_YEAR));
    firstWeek.set(WEEK_OF_YEAR, 1);
    firstWeek.set(DAY_OF_WEEK, FIRST_DAY_OF_WEEK);
    let days = dayOfWeek - FIRST_DAY_OF_WEEK;
    if (days < 0) days += 7;
    days = (days + Math.imul(7, (weekOfYear - 1) | 0)) | 0;
    const date = calendarFieldsUtc(
      BigInt.asIntN(64, firstWeek.#computeTime().wall + BigInt(days) * ONE_DAY_LONG),
    );
    const calendar = new ParsedCalendar(this);
    calendar.set(ERA, date.era);
    calendar.set(YEAR, date.year);
    calendar.set(MONTH, date.month);
    calendar.set(DAY_OF_MONTH, date.dayOfMonth);
    return calendar.#computeTime().millis;
  }

  /** Calendar.selectFields: a bit per field that takes part in the computation. */
  #selectFields(): number {
    const stamp = (field: number) => this.#stamps[field] as number;
    const aggregate = (a: number, b: number) => (a === UNSET || b === UNSET ? UNSET : Math.max(a, b));
    let mask = bit(YEAR);
    if (stamp(ERA) !== UNSET) mask |= bit(ERA);
    const dowStamp = stamp(DAY_OF_WEEK);
    const monthStamp = stamp(MONTH);
    let domStamp = stamp(DAY_OF_MONTH);
    let womStamp = aggregate(stamp(WEEK_OF_MONTH), dowStamp);
    let dowimStamp = aggregate(stamp(DAY_OF_WEEK_IN_MONTH), dowStamp);
    const doyStamp = stamp(DAY_OF_YEAR);
    let woyStamp = aggregate(stamp(WEEK_OF_YEAR), dowStamp);
    let bestStamp = Math.max(domStamp, womStamp, dowimStamp, doyStamp, woyStamp);
    if (bestStamp === UNSET) {
      womStamp = stamp(WEEK_OF_MONTH);
      dowimStamp = Math.max(stamp(DAY_OF_WEEK_IN_MONTH), dowStamp);
      woyStamp = stamp(WEEK_OF_YEAR);
      bestStamp = Math.max(womStamp, dowimStamp, woyStamp);
      if (bestStamp === UNSET) {
        domStamp = monthStamp;
        bestStamp = monthStamp;
      }
    }
    if (
      bestStamp === domStamp ||
      (bestStamp === womStamp && stamp(WEEK_OF_MONTH) >= stamp(WEEK_OF_YEAR)) ||
      (bestStamp === dowimStamp && stamp(DAY_OF_WEEK_IN_MONTH) >= stamp(WEEK_OF_YEAR))
    ) {
      mask |= bit(MONTH);
      if (bestStamp === domStamp) {
        mask |= bit(DAY_OF_MONTH);
      } else {
        if (dowStamp !== UNSET) mask |= bit(DAY_OF_WEEK);
        if (womStamp === dowimStamp) {
          mask |=
            stamp(WEEK_OF_MONTH) >= stamp(DAY_OF_WEEK_IN_MONTH)
              ? bit(WEEK_OF_MONTH)
              : bit(DAY_OF_WEEK_IN_MONTH);
        } else if (bestStamp === womStamp) {
          mask |= bit(WEEK_OF_MONTH);
        } else if (stamp(DAY_OF_WEEK_IN_MONTH) !== UNSET) {
          mask |= bit(DAY_OF_WEEK_IN_MONTH);
        }
      }
    } else if (bestStamp === doyStamp) {
      mask |= bit(DAY_OF_YEAR);
    } else {
      if (dowStamp !== UNSET) mask |= bit(DAY_OF_WEEK);
      mask |= bit(WEEK_OF_YEAR);
    }
    const hourOfDayStamp = stamp(HOUR_OF_DAY);
    const hourStamp = aggregate(stamp(HOUR), stamp(AM_PM));
    bestStamp = Math.max(hourStamp, hourOfDayStamp);
    if (bestStamp === UNSET) bestStamp = Math.max(stamp(HOUR), stamp(AM_PM));
    if (bestStamp !== UNSET) {
      if (bestStamp === hourOfDayStamp) {
        mask |= bit(HOUR_OF_DAY);
      } else {
        mask |= bit(HOUR);
        if (stamp(AM_PM) !== UNSET) mask |= bit(AM_PM);
      }
    }
    for (const field of [MINUTE, SECOND, MILLISECOND, ZONE_OFFSET, DST_OFFSET]) {
      if (stamp(field) !== UNSET) mask |= bit(field);
    }
    return mask;
  }

  /**
   * GregorianCalendar.computeTime (lenient, UTC zone unless the text gave an offset): the
   * instant, and the wall-clock time (the instant plus the parsed offset) whose fields Java
   * computes next. Both are Java longs.
   */
  #computeTime(): { millis: bigint; wall: bigint } {
    const mask = this.#selectFields();
    let year = this.#isSet(YEAR) ? this.#get(YEAR) : 1970;
    const era = this.#isSet(ERA) ? this.#get(ERA) : 1;
    if (era === 0) year = (1 - year) | 0;

    // A long in Java; at most about 2^52.8 here, so exact.
    let timeOfDay: number;
    if (has(mask, HOUR_OF_DAY)) {
      timeOfDay = this.#get(HOUR_OF_DAY);
    } else {
      timeOfDay = this.#get(HOUR);
      if (has(mask, AM_PM)) timeOfDay += 12 * this.#get(AM_PM);
    }
    timeOfDay =
      ((timeOfDay * 60 + this.#get(MINUTE)) * 60 + this.#get(SECOND)) * 1000 + this.#get(MILLISECOND);
    const fixedDate = floorDiv(timeOfDay, ONE_DAY);
    timeOfDay = mod(timeOfDay, ONE_DAY);

    const gregorianDays = () => fixedDate + this.#fixedDate(gregorianFixedDate, year, mask);
    const julianDays = () => fixedDate + this.#fixedDate(julianFixedDate, year, mask);
    let gfd: number;
    let jfd: number;
    let resolved: number | undefined;
    if (year > GREGORIAN_CUTOVER_YEAR) {
      gfd = gregorianDays();
      if (gfd >= GREGORIAN_CUTOVER_DATE) resolved = gfd;
      jfd = julianDays();
    } else if (year < GREGORIAN_CUTOVER_YEAR) {
      jfd = julianDays();
      if (jfd < GREGORIAN_CUTOVER_DATE) resolved = jfd;
      gfd = jfd;
    } else {
      jfd = julianDays();
      gfd = gregorianDays();
    }
    if (resolved === undefined) {
      // Counted from the start of the year: the Julian reading. Otherwise Gregorian from the
      // cutover on; a date in the missing days of October 1582 takes its Julian reading.
      if (has(mask, DAY_OF_YEAR) || has(mask, WEEK_OF_YEAR)) resolved = jfd;
      else if (gfd >= GREGORIAN_CUTOVER_DATE) resolved = gfd;
      else resolved = jfd;
    }
    const wall = BigInt(resolved - EPOCH_OFFSET) * ONE_DAY_LONG + BigInt(timeOfDay);
    let offset = 0;
    if (has(mask, ZONE_OFFSET)) offset += this.#get(ZONE_OFFSET);
    if (has(mask, DST_OFFSET)) offset += this.#get(DST_OFFSET);
    return { millis: BigInt.asIntN(64, wall - BigInt(offset)), wall: BigInt.asIntN(64, wall) };
  }

  /** GregorianCalendar.getFixedDate for one calendar system (int arithmetic where Java's is). */
  #fixedDate(
    fixedDateOf: (year: number, month: number, day: number) => number,
    yearIn: number,
    mask: number,
  ): number {
    let year = yearIn;
    let month = 0;
    if (has(mask, MONTH)) {
      month = this.#get(MONTH);
      if (month > 11) {
        year = (year + Math.trunc(month / 12)) | 0;
        month %= 12;
      } else if (month < 0) {
        year = (year + floorDiv(month, 12)) | 0;
        month = mod(month, 12);
      }
    }
    let fixedDate = fixedDateOf(year, month + 1, 1);
    if (has(mask, MONTH)) {
      if (has(mask, DAY_OF_MONTH)) {
        if (this.#isSet(DAY_OF_MONTH)) fixedDate += this.#get(DAY_OF_MONTH) - 1;
      } else if (has(mask, WEEK_OF_MONTH)) {
        let firstDayOfWeek = dayOfWeekOnOrBefore(fixedDate + 6, FIRST_DAY_OF_WEEK);
        if (firstDayOfWeek - fixedDate >= MINIMAL_DAYS_IN_FIRST_WEEK) firstDayOfWeek -= 7;
        if (has(mask, DAY_OF_WEEK))
          firstDayOfWeek = dayOfWeekOnOrBefore(firstDayOfWeek + 6, this.#get(DAY_OF_WEEK));
        fixedDate = firstDayOfWeek + Math.imul(7, (this.#get(WEEK_OF_MONTH) - 1) | 0);
      } else {
        const dayOfWeek = has(mask, DAY_OF_WEEK) ? this.#get(DAY_OF_WEEK) : FIRST_DAY_OF_WEEK;
        const dowim = has(mask, DAY_OF_WEEK_IN_MONTH) ? this.#get(DAY_OF_WEEK_IN_MONTH) : 1;
        if (dowim >= 0) {
          fixedDate = dayOfWeekOnOrBefore(fixedDate + Math.imul(7, dowim) - 1, dayOfWeek);
        } else {
          const monthLength =
            fixedDateOf(year + (month === 11 ? 1 : 0), ((month + 1) % 12) + 1, 1) - fixedDate;
          const lastDate = (monthLength + Math.imul(7, (dowim + 1) | 0)) | 0;
          fixedDate = dayOfWeekOnOrBefore(fixedDate + lastDate - 1, dayOfWeek);
        }
      }
    } else if (has(mask, DAY_OF_YEAR)) {
      fixedDate += this.#get(DAY_OF_YEAR) - 1;
    } else {
      let firstDayOfWeek = dayOfWeekOnOrBefore(fixedDate + 6, FIRST_DAY_OF_WEEK);
      if (firstDayOfWeek - fixedDate >= MINIMAL_DAYS_IN_FIRST_WEEK) firstDayOfWeek -= 7;
      if (has(mask, DAY_OF_WEEK)) {
        const dayOfWeek = this.#get(DAY_OF_WEEK);
        if (dayOfWeek !== FIRST_DAY_OF_WEEK)
          firstDayOfWeek = dayOfWeekOnOrBefore(firstDayOfWeek + 6, dayOfWeek);
      }
      // A long multiplication in Java, unlike the week of the month's.
      fixedDate = firstDayOfWeek + 7 * (this.#get(WEEK_OF_YEAR) - 1);
    }
    return fixedDate;
  }
}

/** SimpleDateFormat.charEquals (lenient): equal, or both Unicode space separators. */
function charEquals(a: string, b: string): boolean {
  return a === b || (SPACE_SEPARATOR.test(a) && SPACE_SEPARATOR.test(b));
}

const SPACE_SEPARATOR = /^\p{Zs}$/u;

/** `z`/`Z`: `GMT[±h:mm]`, `±hhmm`, or a zone name (only the UTC zone's names are known here). */
function parseZone(calendar: ParsedCalendar, text: string, start: number, position: number): number {
  let c = text[position] as string;
  let sign = c === '+' ? 1 : c === '-' ? -1 : 0;
  if (sign !== 0) return parseNumericZone(calendar, text, position + 1, sign, 0, false);
  if ((c === 'G' || c === 'g') && text.length - start >= 3 && regionMatchesIgnoreCase(text, start, 'GMT')) {
    let index = start + 3;
    if (index < text.length) {
      c = text[index] as string;
      sign = c === '+' ? 1 : c === '-' ? -1 : 0;
    }
    if (sign === 0) {
      calendar.set(ZONE_OFFSET, 0);
      calendar.set(DST_OFFSET, 0);
      return index;
    }
    index++;
    return parseNumericZone(calendar, text, index, sign, 0, true);
  }
  for (const name of UTC_ZONE_NAMES) {
    // The format's own zone: standard and daylight names are the same, so the zone decides (UTC).
    if (regionMatchesIgnoreCase(text, position, name)) return position + name.length;
  }
  if (looksLikeJavaZoneName(text, position)) {
    const message = contentMessage`Could not parse the time zone name at "${text.slice(position)}" in "${text}": only UTC, GMT, GMT+hh:mm and +hhmm offsets can be parsed here (Java would look the name up in its time zone database)`;
    throw quotingContent(new DataError(message.text), message);
  }
  return -1;
}

/**
 * Whether Java 17 would find a zone name at `position`: one of its English abbreviations, or a
 * long name (they all end in " Time"). Text that is neither fails to parse, as in Java.
 */
function looksLikeJavaZoneName(text: string, position: number): boolean {
  if (LONG_ZONE_NAME.test(text.slice(position))) return true;
  return JAVA_ZONE_ABBREVIATIONS.some((name) => regionMatchesIgnoreCase(text, position, name));
}

const LONG_ZONE_NAME = /^\p{L}[\p{L}'’.&() /-]* Time/iu;
/** The short zone names of Java 17's English zone strings. */
const JAVA_ZONE_ABBREVIATIONS: readonly string[] = (
  'ACDT ACST ACT ACWDT ACWST ADT AEDT AEST AFST AFT AKDT AKST ALMST ALMT AMST AMT ANAST ANAT AQTST ' +
  'AQTT ARST ART AST AWDT AWST AZOST AZOT AZST AZT BDST BDT BNST BNT BOST BOT BRST BRT BST BTST BTT ' +
  'CAST CAT CCST CCT CDT CEST CET CHADT CHAST CHOST CHOT CHUST CHUT CIST CKHST CKT CLST CLT COST ' +
  'COT CST CVST CVT CXST CXT ChDT ChST DAVST DAVT DDUST DDUT EASST EAST EAT ECST ECT EDT EEST EET ' +
  'EGST EGT EIST EST FJST FJT FKST FKT FNST FNT GALST GALT GAMST GAMT GDT GEST GET GFST GFT GHST ' +
  'GILST GILT GMT GST GYST GYT HADT HAST HDT HKST HKT HOVST HOVT HST ICST ICT IDT IOST IOT IRDT ' +
  'IRKST IRKT IRST IST JDT JST KDT KGST KGT KOSST KOST KRAST KRAT KST LHDT LHST LINST LINT MAGST ' +
  'MAGT MARST MART MAWST MAWT MDT MEST MET MHST MHT MMST MMT MSD MSK MST MUST MUT MVST MVT MYST MYT ' +
  'NCST NCT NDT NFST NFT NOVST NOVT NPST NPT NRST NRT NST NUST NUT NZDT NZST OMSST OMST ORAST ORAT ' +
  'PDT PEST PET PETST PETT PGST PGT PHOST PHOT PKST PKT PMDT PMST PONST PONT PST PWST PWT PYST PYT ' +
  'QOSST QOST QYZST QYZT REST RET ROTST ROTT SAKST SAKT SAMST SAMT SAST SBST SBT SCST SCT SDT SGST ' +
  'SGT SREDT SRET SRST SRT SST SYOST SYOT TAHST TAHT TFST TFT TJST TJT TKST TKT TLST TLT TMST TMT ' +
  'TOST TOT TRST TRT TVST TVT ULAST ULAT UTC UYST UYT UZST UZT VEST VET VLAST VLAT VOSST VOST VUST ' +
  'VUT WAKST WAKT WAST WAT WEST WET WFST WFT WGST WGT WIB WIST WIT WITA WSDT WSST XJDT XJT YAKST ' +
  'YAKT YEKST YEKT'
).split(' ');

/** `X`: `Z`, or `±hh`, `±hhmm`, `±hh:mm` by the count of letters. */
function parseIsoZone(calendar: ParsedCalendar, text: string, position: number, count: number): number {
  const c = text[position];
  if (c === 'Z') {
    calendar.set(ZONE_OFFSET, 0);
    calendar.set(DST_OFFSET, 0);
    return position + 1;
  }
  const sign = c === '+' ? 1 : c === '-' ? -1 : 0;
  if (sign === 0) return -1;
  return parseNumericZone(calendar, text, position + 1, sign, count, count === 3);
}

/** SimpleDateFormat.subParseNumericZone: `hh[[:]mm]`; count 0 is RFC 822 / GMT, 1-3 the X letters. */
function parseNumericZone(
  calendar: ParsedCalendar,
  text: string,
  start: number,
  sign: number,
  count: number,
  colon: boolean,
): number {
  let index = start;
  const next = (): number => (index < text.length ? text.charCodeAt(index++) : -1);
  const digit = (code: number): number => (code >= 48 && code <= 57 ? code - 48 : -1);
  let code = next();
  if (digit(code) < 0) return -1;
  let hours = digit(code);
  code = next();
  if (code < 0) return -1;
  if (digit(code) >= 0) {
    hours = hours * 10 + digit(code);
  } else {
    if (count > 0 || !colon) return -1;
    index--;
  }
  if (hours > 23) return -1;
  let minutes = 0;
  if (count !== 1) {
    code = next();
    if (colon) {
      if (code !== 58) return -1;
      code = next();
    }
    if (digit(code) < 0) return -1;
    minutes = digit(code);
    code = next();
    if (digit(code) < 0) return -1;
    minutes = minutes * 10 + digit(code);
    if (minutes > 59) return -1;
  }
  calendar.set(ZONE_OFFSET, (hours * 60 + minutes) * 60_000 * sign);
  calendar.set(DST_OFFSET, 0);
  return index;
}

// ---------------------------------------------------------------------------------------------
// Numbers: the integer DecimalFormat SimpleDateFormat reads fields with (Java 17, English)

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN_DIGITS = '9223372036854775808';

/**
 * `NumberFormat.getIntegerInstance()` without grouping, parsing at `start` and reading no further
 * than `limit`, then `Number.intValue()`: an optional `-`, digits (any Unicode decimal digits),
 * stopping at `.`; `NaN` reads as 0, `∞` as the int limit, and an exponent (`E`, `E-`) scales the
 * value. `undefined` when there is no number.
 */
function parseDecimalFormatInteger(
  text: string,
  start: number,
  limit: number,
): { value: number; end: number } | undefined {
  if (start + 3 <= limit && text.startsWith('NaN', start)) return { value: 0, end: start + 3 };
  let position = start;
  const negative = position < limit && text[position] === '-';
  if (negative) position++;
  if (position < limit && text[position] === '\u221e')
    return { value: negative ? INT_MIN : INT_MAX, end: position + 1 };

  let digits = '';
  let sawDigit = false;
  let exponent = 0;
  for (; position < limit; position++) {
    const digit = javaDigit(text.charCodeAt(position));
    if (digit >= 0) {
      sawDigit = true;
      // Leading zeros are not significant.
      if (digit > 0 || digits.length > 0) digits += String(digit);
    } else if (text[position] === 'E') {
      const parsed = parseExponent(text, position + 1, limit);
      if (parsed) {
        exponent = parsed.exponent;
        position = parsed.end;
      }
      break;
    } else {
      break;
    }
  }
  if (!sawDigit) return undefined;
  // DigitList.decimalAt is an int.
  return { value: intValueOf(digits, (digits.length + exponent) | 0, negative), end: position };
}

/** The exponent after `E`: `-` and digits, read as a long and narrowed to an int. */
function parseExponent(
  text: string,
  start: number,
  limit: number,
): { exponent: number; end: number } | undefined {
  let position = start;
  const negative = position < limit && text[position] === '-';
  if (negative) position++;
  let digits = '';
  let sawDigit = false;
  for (; position < limit; position++) {
    const digit = javaDigit(text.charCodeAt(position));
    if (digit < 0) break;
    sawDigit = true;
    if (digit > 0 || digits.length > 0) digits += String(digit);
  }
  if (!sawDigit) return undefined;
  if (!fitsInLong(digits, digits.length, !negative)) return undefined;
  const magnitude = BigInt(digits || '0');
  const exponent = Number(BigInt.asIntN(32, negative ? -magnitude : magnitude));
  return { exponent, end: position };
}

/** DigitList.fitsIntoLong for significant digits with the point after `decimalAt` of them. */
function fitsInLong(digitsIn: string, decimalAt: number, positive: boolean): boolean {
  const digits = digitsIn.replace(/0+$/, '');
  if (digits.length === 0) return true;
  if (decimalAt < digits.length || decimalAt > 19) return false;
  if (decimalAt < 19) return true;
  const padded = digits.padEnd(19, '0');
  if (padded < LONG_MIN_DIGITS) return true;
  if (padded > LONG_MIN_DIGITS) return false;
  return !positive;
}

/** The parsed number as Java's `Long.intValue()` or `Double.intValue()` gives it. */
function intValueOf(digitsIn: string, decimalAt: number, negative: boolean): number {
  const digits = digitsIn.replace(/0+$/, '');
  if (digits.length === 0) return 0;
  if (fitsInLong(digits, decimalAt, !negative)) {
    const magnitude = BigInt(digits + '0'.repeat(decimalAt - digits.length));
    return Number(BigInt.asIntN(32, negative ? -magnitude : magnitude));
  }
  const double = Number(`0.${digits}e${decimalAt}`);
  return javaDoubleToInt(negative ? -double : double);
}

/** Java's `(int) double`: NaN is 0, beyond the range is the nearest bound, else truncated. */
export function javaDoubleToInt(value: number): number {
  if (Number.isNaN(value)) return 0;
  if (value >= INT_MAX) return INT_MAX;
  if (value <= INT_MIN) return INT_MIN;
  return Math.trunc(value) | 0;
}

/** Java's `Character.isDigit(char)`: a Unicode decimal digit (a single UTF-16 unit). */
function isJavaDigit(code: number): boolean {
  return javaDigit(code) >= 0;
}

let digitTable: Int8Array | undefined;

/**
 * Java's `Character.digit(char, 10)`: 0-9 for a UTF-16 unit that is a Unicode decimal digit, -1
 * otherwise (`NaN`, past the end of a string, is -1 too). Decimal digits come in runs of ten
 * starting at zero, so a digit's value is its place in its run.
 */
export function javaDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (!(code >= 128 && code < 0x10000)) return -1;
  if (digitTable === undefined) {
    digitTable = new Int8Array(0x10000).fill(-1);
    const decimalDigit = /\p{Nd}/u;
    let run = 0;
    for (let c = 128; c < 0x10000; c++) {
      if (c < 0xd800 || c > 0xdfff) {
        if (decimalDigit.test(String.fromCharCode(c))) {
          digitTable[c] = run % 10;
          run++;
          continue;
        }
      }
      run = 0;
    }
  }
  return digitTable[code] as number;
}
