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
});
