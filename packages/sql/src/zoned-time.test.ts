import { describe, expect, it } from 'vitest';
import {
  formatClockMillis,
  formatClockMillisWithOffset,
  formatWallText,
  instantOfDate,
  parseWallText,
} from './zoned-time.js';

describe('clock text of the sink (shared with the source)', () => {
  it('writes the clock in the zone, and the offset that makes it one instant', () => {
    const seoulNoon = new Date(Date.UTC(2024, 3, 5, 3, 0, 0, 123));
    expect(formatClockMillis(seoulNoon, 'Asia/Seoul')).toBe('2024-04-05 12:00:00.123');
    expect(formatClockMillisWithOffset(seoulNoon, 'Asia/Seoul')).toBe('2024-04-05 12:00:00.123+09:00');
    expect(formatClockMillisWithOffset(seoulNoon, 'UTC')).toBe('2024-04-05 03:00:00.123+00:00');
    expect(formatClockMillisWithOffset(seoulNoon, '-03:30')).toBe('2024-04-04 23:30:00.123-03:30');
    // 01:30 twice in New York on 2024-11-03: the offset tells them apart.
    const first = new Date(Date.UTC(2024, 10, 3, 5, 30));
    const second = new Date(Date.UTC(2024, 10, 3, 6, 30));
    expect(formatClockMillisWithOffset(first, 'America/New_York')).toBe('2024-11-03 01:30:00.000-04:00');
    expect(formatClockMillisWithOffset(second, 'America/New_York')).toBe('2024-11-03 01:30:00.000-05:00');
    expect(parseWallText(formatClockMillisWithOffset(second, 'America/New_York'), 'UTC').millis).toBe(
      second.getTime(),
    );
  });

  it('agrees with the source formatter, around DST changes and outside years 0..9999', () => {
    const zones = ['UTC', 'Asia/Seoul', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', '+05:45'];
    const start = Date.UTC(2024, 2, 9, 0, 0, 0, 7);
    for (const zone of zones) {
      for (let i = 0; i < 2000; i++) {
        const date = new Date(start + i * 7_919_000);
        expect(formatClockMillis(date, zone)).toBe(formatWallText(instantOfDate(date), zone, 3));
      }
    }
    const ancient = new Date(Date.UTC(-50, 0, 1, 12));
    expect(formatClockMillis(ancient, 'UTC')).toBe('-0050-01-01 12:00:00.000');
  });

  it('writes what toISOString writes, from year 0 to 9999, before 1970 and across days', () => {
    const iso = (ms: number) => {
      const text = new Date(ms).toISOString();
      return `${text.slice(0, 10)} ${text.slice(11, 23)}`;
    };
    const instants = [
      Date.parse('0000-01-01T00:00:00.000Z'),
      Date.parse('9999-12-31T23:59:59.999Z'),
      Date.parse('1969-12-31T23:59:59.999Z'),
      Date.parse('1970-01-01T00:00:00.000Z'),
      -1,
    ];
    for (let i = 0; i < 5000; i++) instants.push(Date.UTC(1890, 0, 1) + i * 49_999_999_997);
    for (const ms of instants) expect(formatClockMillis(new Date(ms), 'UTC')).toBe(iso(ms));
    // Past year 9999 in the zone: the source formatter's text.
    const late = new Date(Date.parse('9999-12-31T23:00:00.000Z'));
    expect(formatClockMillis(late, '+05:00')).toBe(formatWallText(instantOfDate(late), '+05:00', 3));
    expect(() => formatClockMillis(new Date(Number.NaN), 'UTC')).toThrow(RangeError);
  });
});
