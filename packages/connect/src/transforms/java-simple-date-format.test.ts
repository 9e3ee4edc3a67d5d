import { describe, expect, it } from 'vitest';
import { DataError } from '../data/data-error.js';
import {
  calendarFieldsUtc,
  InvalidDatePatternError,
  JavaSimpleDateFormat,
  javaDigit,
} from './java-simple-date-format.js';
import { errorOf } from './test-records.js';

// Expected results were produced by java.text.SimpleDateFormat on Java 17 (en_US, UTC).

/** A fixed "now" so two-digit years are placed in 1946-06-15 … 2046-06-14, as Java would today. */
const NOW = Date.UTC(2026, 5, 15);
const format = (pattern: string, millis: number) => new JavaSimpleDateFormat(pattern, NOW).format(millis);
/** The parsed Java long as a number (every expected value here is a safe integer), or undefined. */
const parse = (pattern: string, text: string) => {
  const millis = new JavaSimpleDateFormat(pattern, NOW).parse(text);
  return millis === undefined ? undefined : Number(millis);
};

describe('JavaSimpleDateFormat.format', () => {
  it.each([
    ["yyyy-MM-dd'T'HH:mm:ss.SSSXXX", 1700000000123, '2023-11-14T22:13:20.123Z'],
    ['EEE, d MMM yyyy HH:mm:ss Z', 1700000000123, 'Tue, 14 Nov 2023 22:13:20 +0000'],
    [
      'EEEE MMMM dd yy hh:mm a z zzzz',
      1700000000123,
      'Tuesday November 14 23 10:13 PM UTC Coordinated Universal Time',
    ],
    ['G yyyy-MM-dd', -62135596800001, 'AD 0001-01-02'],
    ['yyyy-MM-dd D F u k K', -12219292800000, '1582-10-15 278 1 5 24 0'],
    // The day before the Gregorian calendar starts is the Julian 4 October 1582.
    ['yyyy-MM-dd', -12219292800001, '1582-10-04'],
    ["'It''s' h 'o''clock'", 0, "It's 12 o'clock"],
    ['yyyyy.MMMMM.dd GGG hh:mm aaa', 1000000000000, '02001.September.09 AD 01:46 AM'],
    ['y yy yyy', -62104060800000, '2 02 002'],
    ['yyyyMMdd', 1700000000123, '20231114'],
    ['yyyy-MM-dd HH:mm:ss.SSS', 1700000000123, '2023-11-14 22:13:20.123'],
    [
      'EEE EEEE MMM MMMM a G z zzzz Z X',
      1700000000123,
      'Tue Tuesday Nov November PM AD UTC Coordinated Universal Time +0000 Z',
    ],
    ['D F u k K h', 1700000000123, '318 2 2 22 10 10'],
    ['yy y yyyyy S SSSS', -62170329600000, '02 2 00002 0 0000'],
    ["''yyyy'' 'o''clock' é", 0, "'1970' o'clock é"],
    // The Julian calendar before 1582-10-15, and that year's odd day numbering.
    ['yyyy-MM-dd D F', -12219292800000, '1582-10-15 278 1'],
    ['G yyyy-MM-dd', -62198755200000, 'BC 0002-01-03'],
    ['kk hh a', 0, '24 12 AM'],
    ['yyyy-MM-dd HH', -1, '1969-12-31 23'],
    // Weeks as en_US counts them: they start on Sunday, week 1 holds January 1.
    ['YYYY-ww', 1704164645678, '2024-01'],
    ['YYYY-ww W', 1703980800000, '2024-01 6'],
    ['YYYY ww', 1609459200000, '2021 01'],
    ['YYYY ww W', -62199014400000, '-0002 01 5'],
    ['yy YY', -62199014400000, '03 -02'],
    ['yyyy DDD ww u', 1704164645678, '2024 002 01 2'],
    // The 355-day cutover year: its last days are already week 1 of 1583.
    ['yyyy-MM-dd YYYY ww W', -12213043200000, '1582-12-26 1583 01 5'],
  ])('%s of %d is %s', (pattern, millis, expected) => {
    expect(format(pattern, millis)).toBe(expected);
  });

  it('formats any long, beyond the range of a JavaScript Date', () => {
    expect(new JavaSimpleDateFormat('yyyy-MM-dd HH:mm:ss', NOW).format(-1277713160712749056n)).toBe(
      '40486318-02-16 11:47:30',
    );
  });
});

describe('JavaSimpleDateFormat.parse', () => {
  it.each([
    // Lenient calendar: days and months overflow into the next ones.
    ['yyyy-MM-dd', '2020-02-30', 1583020800000],
    ['yyyy-MM-dd', '2020-13-01', 1609459200000],
    ['yyyy-MM-dd HH:mm:ss', '2020-01-01 25:61:61', 1577930521000],
    // Adjacent numeric fields read exactly their width.
    ['yyyyMMddHHmmss', '20240102030405', 1704164645000],
    // Text after the pattern is ignored; spaces before a number are skipped.
    ['yyyy-MM-dd', '2024-01-02 trailing text', 1704153600000],
    ['yyyy-MM-dd', '  2024-01-02', 1704153600000],
    ['yyyy-MM-dd', '2024-01-02T', 1704153600000],
    ['yyyy-MM-dd', '-2024-01-02', -126039888000000],
    ['dd MMM yyyy', '05 September 2021', 1630800000000],
    ['EEE, d MMM yyyy HH:mm:ss Z', 'Tue, 14 Nov 2023 22:13:20 +0130', 1699994600000],
    ["yyyy-MM-dd'T'HH:mm:ssXXX", '2023-11-14T22:13:20-05:00', 1700018000000],
    ["yyyy-MM-dd'T'HH:mm:ssX", '2023-11-14T22:13:20Z', 1700000000000],
    ['yyyy-MM-dd HH:mm z', '2023-11-14 22:13 GMT+5:30', 1699980180000],
    ['yyyy-MM-dd HH:mm z', '2023-11-14 22:13 UTC', 1699999980000],
    ['yyyy-MM-dd HH:mm z', '2023-11-14 22:13 gmt', 1699999980000],
    ['MM/dd/yy', '01/02/03', 1041465600000],
    ['MM/dd/yy', '01/02/2003', 1041465600000],
    ['MM/dd/yy', '01/02/3', -62072611200000],
    ['hh:mm a', '12:30 AM', 1800000],
    ['hh:mm a', '12:30 pm', 45000000],
    // A day of the week without a day of the month: its first occurrence in January 1970.
    ['EEE HH:mm', 'Wed 10:00', 554400000],
    ['G yyyy', 'BC 44', -63524304000000],
    // Any Unicode decimal digits are digits.
    ['yyyy-MM-dd', '١٤٤٠-٠١-٠٢', -16724361600000],
    ['yyyy-DDD', '2024-366', 1735603200000],
    // Week-based fields (en_US weeks): a week year (Y) with its week and day of the week.
    ['YYYY-ww-u', '2024-01-1', 1704067200000],
    ['YYYY-ww-u', '2021-01-5', 1609459200000],
    ['YYYY ww E', '2021 01 Fri', 1609459200000],
    ['YYYYwwu', '2024105', 1709856000000],
    ['G YYYY ww', 'BC 0044 10', -63518860800000],
    ['YYYY', '1583', -12213072000000],
    ['YYYY ww', '1582 52', -12212467200000],
    // An ISO day of the week out of range moves into the next or the previous week.
    ["YYYY-ww-u'T'HH:mm", '2024-10-8T25:00', 1710205200000],
    ['YYYY-ww-u', '2024-10-0', 1708819200000],
    // The week year counts only when set after the calendar year.
    ['yyyy YYYY ww', '1999 2024 10', 1709424000000],
    ['YYYY yyyy ww', '2024 1999 10', 920160000000],
    // Without a week year: the week of the year, or of the month, with the day of the week.
    ['yyyy DDD ww u', '2024 002 01 2', 1704153600000],
    ['yyyy DDD ww u', '2024 002 10 2', 1709596800000],
    ['yyyy-MM W u', '2024-02 3 5', 1708041600000],
    // Java's int arithmetic: Integer.MIN_VALUE as a day of the week.
    ['u W', '-2147483648 4', 1555200000],
  ])('%s reads %s as %d', (pattern, text, expected) => {
    expect(parse(pattern, text)).toBe(expected);
  });

  it.each([
    ['yyyy-MM-dd', '2024/01/02'],
    // "Sep" matches, then "t" is not the space the pattern wants.
    ['dd MMM yyyy', '05 sept 2021'],
    ['yyyy-MM-dd', ''],
  ])('%s does not read %j', (pattern, text) => {
    expect(parse(pattern, text)).toBeUndefined();
  });

  it('places two-digit years within 80 years before and 20 after now', () => {
    expect(parse('MM/dd/yy', '01/01/46')).toBe(2398377600000);
    expect(parse('MM/dd/yy', '12/31/46')).toBe(-725932800000);
    expect(parse('MM/dd/yy', '06/15/45')).toBe(2381097600000);
    expect(parse('MM/dd/yy', '06/15/47')).toBe(-711590400000);
    expect(parse('MM/dd/yy', '01/01/99')).toBe(915148800000);
    expect(parse('MM/dd/yy', '01/01/00')).toBe(946684800000);
    expect(parse('YY ww u', '46 52 1')).toBe(-726624000000);
    expect(parse('YY ww u', '46 20 1')).toBe(2409868800000);
  });

  it("gives the exact Java long, wrapping where Java's long arithmetic does", () => {
    const parseLong = (pattern: string, text: string) => new JavaSimpleDateFormat(pattern, NOW).parse(text);
    expect(parseLong('yyyy-MM-dd', '1E9-01-01')).toBe(-5336598314638303232n);
    expect(parseLong("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", '2147483647-01-01T00:00:00.000Z')).toBe(
      -6019000092841406464n,
    );
    expect(parseLong('MM/dd/yy', '-2147483648/01/70')).toBe(5647336530739200000n);
    // DigitList's decimal point position is an int too: 1E2147483647 overflows to 0.
    expect(parseLong('yyyy-MM-dd', '1E2147483647-01-01')).toBe(-62167392000000n);
  });

  it('refuses to guess zone names it cannot resolve', () => {
    expect(() => parse('yyyy-MM-dd HH:mm z', '2023-11-14 22:13 PST')).toThrow(DataError);
    expect(() => parse('yyyy-MM-dd HH:mm z', '2023-11-14 22:13 Pacific Standard Time')).toThrow(
      /only UTC, GMT, GMT\+hh:mm and \+hhmm offsets/,
    );
    // Not a zone name at all: an ordinary parse failure.
    expect(parse('yyyy-MM-dd HH:mm z', '2023-11-14 22:13 12')).toBeUndefined();
  });
});

describe('JavaSimpleDateFormat patterns', () => {
  it.each([
    ["yyyy-MM-dd'", 'Unterminated quote'],
    ['yyyy-MM-ddTHH', "Illegal pattern character 'T'"],
    ['XXXX', 'invalid ISO 8601 format: length=4'],
    ['yyyy-bb', "Illegal pattern character 'b'"],
    ["'abc", 'Unterminated quote'],
  ])('%s is refused as Java refuses it', (pattern, message) => {
    expect(() => new JavaSimpleDateFormat(pattern)).toThrow(InvalidDatePatternError);
    expect(() => new JavaSimpleDateFormat(pattern)).toThrow(message);
    expect(errorOf(() => new JavaSimpleDateFormat(pattern)).name).toBe('IllegalArgumentException');
  });

  it.each(['GyMdkHmsSEDFwWahKzZYuXL', 'YYYY', 'yyyy ww', 'W'])(
    'takes every letter Java knows: %s',
    (pattern) => {
      expect(() => new JavaSimpleDateFormat(pattern)).not.toThrow();
    },
  );

  it('keeps the pattern as given', () => {
    expect(new JavaSimpleDateFormat(" yyyy 'x' ").toPattern()).toBe(" yyyy 'x' ");
  });
});

describe('calendarFieldsUtc', () => {
  it('gives the fields of an instant', () => {
    expect(calendarFieldsUtc(1700000000123)).toEqual({
      era: 1,
      year: 2023,
      month: 10,
      dayOfMonth: 14,
      dayOfYear: 318,
      dayOfWeekInMonth: 2,
      dayOfWeek: 3,
      weekOfYear: 46,
      weekOfMonth: 3,
      weekYear: 2023,
      hourOfDay: 22,
      minute: 13,
      second: 20,
      millisecond: 123,
    });
  });
});

describe("Values' ISO-8601 patterns, parsed leniently", () => {
  const formats = {
    date: new JavaSimpleDateFormat('yyyy-MM-dd'),
    time: new JavaSimpleDateFormat("HH:mm:ss.SSS'Z'"),
    timestamp: new JavaSimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"),
  };
  const cases: [text: string, date: bigint | null, time: bigint | null, timestamp: bigint | null][] = [
    ['2020-01-01', 1577836800000n, null, null],
    ['12:00:00.000Z', null, 43200000n, null],
    ['2020-01-01T12:00:00.000Z', 1577836800000n, null, 1577880000000n],
    // lenient: fields overflow into the next
    ['2020-02-30', 1583020800000n, null, null],
    ['2020-13-45', 1613260800000n, null, null],
    ['25:61:61.1001Z', null, 93722001n, null],
    // text after the pattern is ignored; spaces before numbers are skipped
    ['2020-1-1xx', 1577836800000n, null, null],
    ['2020- 1- 2', 1577923200000n, null, null],
    // DecimalFormat reads exponents, NaN (0) and negative numbers
    ['1E3-01-011', -30608928000000n, null, null],
    ['NaN-01-01', -62167392000000n, null, null],
    ['-100-01-01', -65323152000000n, null, null],
    // Julian before the cut-over; the missing days of October 1582 read as Julian
    ['1582-10-04', -12219379200000n, null, null],
    ['1582-10-10', -12218860800000n, null, null],
    ['1582-10-15', -12219292800000n, null, null],
    ['x020-01-01', null, null, null],
    ['2020/01/01', null, null, null],
  ];
  for (const [text, date, time, timestamp] of cases) {
    it(`parses ${JSON.stringify(text)} as SimpleDateFormat.parse(text, pos) does`, () => {
      expect(formats.date.parse(text) ?? null).toBe(date);
      expect(formats.time.parse(text) ?? null).toBe(time);
      expect(formats.timestamp.parse(text) ?? null).toBe(timestamp);
    });
  }
});

describe('javaDigit', () => {
  it('knows ASCII and other Unicode decimal digits, as Character.digit does', () => {
    expect(javaDigit('7'.charCodeAt(0))).toBe(7);
    expect(javaDigit('٣'.charCodeAt(0))).toBe(3);
    expect(javaDigit('９'.charCodeAt(0))).toBe(9);
    expect(javaDigit('a'.charCodeAt(0))).toBe(-1);
    expect(javaDigit('Ⅻ'.charCodeAt(0))).toBe(-1);
  });
});
