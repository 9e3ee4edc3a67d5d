import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './rate-limit.js';

describe('TokenBuckets', () => {
  it('allows a burst, then one attempt per refill, each key on its own', () => {
    const buckets = new TokenBuckets({ burst: 3, perMinute: 6 });
    const t = 1_000_000;
    expect([1, 2, 3].map(() => buckets.take('a', t).ok)).toEqual([true, true, true]);
    // 6 a minute: the next token comes 10 s later.
    expect(buckets.take('a', t)).toEqual({ ok: false, retryAfterSeconds: 10 });
    expect(buckets.take('b', t).ok).toBe(true);
    expect(buckets.take('a', t + 5_000)).toEqual({ ok: false, retryAfterSeconds: 5 });
    expect(buckets.take('a', t + 10_000).ok).toBe(true);
    expect(buckets.take('a', t + 10_000).ok).toBe(false);
    // A long pause refills to the burst, never beyond.
    const later = t + 3_600_000;
    expect([1, 2, 3, 4].map(() => buckets.take('a', later).ok)).toEqual([true, true, true, false]);
  });
});
