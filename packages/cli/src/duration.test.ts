import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads milliseconds, seconds, minutes, hours and bare seconds', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('15')).toBe(15_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('0')).toBe(0);
  });

  it('refuses what is not a duration', () => {
    for (const bad of ['', 's', '-1s', '10 minutes', '1d', 'abc', '1e3']) {
      expect(() => parseDuration(bad), bad).toThrow(/not a duration/);
    }
  });
});
