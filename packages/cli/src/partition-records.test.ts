import { describe, expect, it } from 'vitest';
import { startOffset } from './partition-records.js';

describe('startOffset', () => {
  it('reads the last n, an offset or a time, always inside the log', () => {
    expect(startOffset({ last: 20 }, 0n, 100n)).toBe(80n);
    expect(startOffset({ last: 20 }, 90n, 100n)).toBe(90n);
    expect(startOffset({ offset: 42n }, 10n, 100n)).toBe(42n);
    expect(startOffset({ offset: 5n }, 10n, 100n)).toBe(10n);
    expect(startOffset({ offset: 500n }, 10n, 100n)).toBe(100n);
    // The first record at or after the time; none (-1) means the end.
    expect(startOffset({ timestamp: 1_700_000_000_000n }, 0n, 100n, 37n)).toBe(37n);
    expect(startOffset({ timestamp: 1_700_000_000_000n }, 0n, 100n, -1n)).toBe(100n);
  });
});
