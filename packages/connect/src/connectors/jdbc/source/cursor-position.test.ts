import { addMillis, formatWallText, parseWallText } from '@msa-sync/sql';
import { describe, expect, it } from 'vitest';
import { SentWindow } from './sent-window.js';
import { offsetOf, positionOf } from './source-offsets.js';

describe('timestamp cursor text', () => {
  it('keeps microseconds through the offset shape Confluent writes', () => {
    const instant = parseWallText('2023-04-04 21:22:51.123456', 'UTC');
    expect(instant).toEqual({ millis: 1680643371123, nanos: 123456000 });
    expect(formatWallText(instant, 'UTC', 6)).toBe('2023-04-04 21:22:51.123456');
    expect(formatWallText(instant, 'UTC', 3)).toBe('2023-04-04 21:22:51.123');
    // Key order as Java's HashMap iterates them in Confluent's offset.
    expect(JSON.stringify(offsetOf({ timestamp: instant, incrementing: 7 }))).toBe(
      '{"timestamp_nanos":123456000,"incrementing":7,"timestamp":1680643371123}',
    );
    expect(JSON.stringify(offsetOf({ incrementing: 7 }))).toBe('{"incrementing":7}');
    expect(positionOf({ timestamp: 1680643371123, timestamp_nanos: 123456000, incrementing: 7 })).toEqual({
      timestamp: instant,
      incrementing: 7,
    });
  });

  it('reads and writes wall time in db.timezone, across a DST change', () => {
    const seoul = parseWallText('2023-04-05 06:22:51', 'Asia/Seoul');
    expect(seoul.millis).toBe(1680643371000);
    expect(formatWallText(seoul, 'Asia/Seoul', 0)).toBe('2023-04-05 06:22:51');
    const summer = parseWallText('2024-07-01 12:00:00.5', 'America/New_York');
    expect(new Date(summer.millis).toISOString()).toBe('2024-07-01T16:00:00.500Z');
    const winter = parseWallText('2024-01-01 12:00:00', 'America/New_York');
    expect(new Date(winter.millis).toISOString()).toBe('2024-01-01T17:00:00.000Z');
    expect(formatWallText(addMillis(summer, -1), 'America/New_York', 6)).toBe('2024-07-01 12:00:00.499000');
    expect(parseWallText('2024-01-01T10:00:00Z', 'Asia/Seoul').millis).toBe(Date.UTC(2024, 0, 1, 10));
    expect(parseWallText('2024-01-01 10:00:00+09:00', 'UTC').millis).toBe(Date.UTC(2024, 0, 1, 1));
  });
});

describe('look-back memory', () => {
  it('remembers sent rows with their timestamp and raises the floor past what it forgets', () => {
    const window = new SentWindow(2);
    window.add('[1]', '2024-01-01 00:00:01', 1);
    window.add('[2]', '2024-01-01 00:00:02', 2);
    expect(window.wasSent('[1]', '2024-01-01 00:00:01')).toBe(true);
    expect(window.wasSent('[1]', '2024-01-01 00:00:09')).toBe(false);
    window.add('[3]', '2024-01-01 00:00:03', 3);
    expect(window.size).toBe(2);
    expect(window.floor).toEqual({ ts: '2024-01-01 00:00:01', id: 1 });
    window.prune('2024-01-01 00:00:03');
    expect(window.size).toBe(1);
    expect(window.floor).toBeUndefined();
  });
});
