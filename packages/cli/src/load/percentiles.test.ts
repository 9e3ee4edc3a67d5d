import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './percentiles.js';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('picks the sample at or above the quantile', () => {
    expect(percentile(hundred, 0.5)).toBe(50);
    expect(percentile(hundred, 0.95)).toBe(95);
    expect(percentile(hundred, 0.99)).toBe(99);
    expect(percentile(hundred, 1)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
  });

  it('handles one sample and none', () => {
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBe(0);
  });
});

describe('summarize', () => {
  it('sorts unsorted samples and reports p50/p95/p99/max/count', () => {
    const samples = [5, 1, 9, 3, 7, 2, 8, 4, 6, 10];
    expect(summarize(samples)).toEqual({ p50: 5, p95: 10, p99: 10, max: 10, count: 10 });
    expect(samples[0]).toBe(5);
  });

  it('summarizes an empty run as zeros', () => {
    expect(summarize([])).toEqual({ p50: 0, p95: 0, p99: 0, max: 0, count: 0 });
  });
});
