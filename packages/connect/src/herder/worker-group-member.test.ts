import { describe, expect, it } from 'vitest';
import { mustStopAll } from './worker-group-member.js';

describe('mustStopAll', () => {
  it('eager: every rebalance stops everything', () => {
    expect(mustStopAll('eager', 'rejoin')).toBe(true);
    expect(mustStopAll('eager', 27)).toBe(true);
  });

  it('cooperative: a rebalance the member is part of keeps its work', () => {
    expect(mustStopAll('cooperative', 'rejoin')).toBe(false);
    expect(mustStopAll('cooperative', 27)).toBe(false); // REBALANCE_IN_PROGRESS
  });

  it('cooperative: losing membership stops everything', () => {
    expect(mustStopAll('cooperative', 25)).toBe(true); // UNKNOWN_MEMBER_ID: evicted
    expect(mustStopAll('cooperative', 22)).toBe(true); // ILLEGAL_GENERATION
    expect(mustStopAll('cooperative', 16)).toBe(true); // NOT_COORDINATOR
    expect(mustStopAll('cooperative', -1)).toBe(true); // connection lost
  });
});
