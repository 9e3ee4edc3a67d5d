import { describe, expect, it } from 'vitest';
import { ClusterConfigState } from '../storage/cluster-config-state.js';
import type { ConfigRecord } from '../storage/config-records.js';
import { awaitFencingRound, type FencingRoundDeps, runFencingRound } from './fencing-round.js';

/** A config state with `previous` fenced tasks (undefined: no round yet) and a new set of `next`. */
function stateWith(previous: number | undefined, next: number): ClusterConfigState {
  const state = new ClusterConfigState();
  const records: ConfigRecord[] = [{ kind: 'connector', connector: 'c', properties: {} }];
  const commit = (tasks: number) => {
    for (let task = 0; task < tasks; task++)
      records.push({ kind: 'task', connector: 'c', task, properties: {} });
    records.push({ kind: 'commit', connector: 'c', tasks });
  };
  if (previous !== undefined) {
    commit(previous);
    records.push({ kind: 'task-count', connector: 'c', taskCount: previous });
  }
  commit(next);
  for (const r of records) state.apply(r, state.offset);
  return state;
}

function deps(state: ClusterConfigState) {
  const fenced: number[][] = [];
  const recorded: number[] = [];
  let refreshes = 0;
  const d: FencingRoundDeps = {
    state,
    refresh: async () => {
      refreshes++;
    },
    fence: async (tasks) => {
      fenced.push(tasks);
    },
    putTaskCountRecord: async (count) => {
      recorded.push(count);
      state.apply({ kind: 'task-count', connector: 'c', taskCount: count }, state.offset);
    },
  };
  return { d, fenced, recorded, refreshes: () => refreshes };
}

describe('runFencingRound (the leader, after new task configs of an exactly-once source)', () => {
  it('fences every task of the previous generation, then records the new count', async () => {
    const { d, fenced, recorded } = deps(stateWith(3, 2));
    expect(await runFencingRound(d, 'c')).toBe('fenced');
    expect(fenced).toEqual([[0, 1, 2]]);
    expect(recorded).toEqual([2]);
  });

  it('fences the previous generation when the task count grows too', async () => {
    const { d, fenced, recorded } = deps(stateWith(1, 4));
    expect(await runFencingRound(d, 'c')).toBe('fenced');
    expect(fenced).toEqual([[0]]);
    expect(recorded).toEqual([4]);
  });

  it('only records the count for a first generation or one task after one task', async () => {
    for (const [previous, next] of [
      [undefined, 2],
      [1, 1],
    ] as const) {
      const { d, fenced, recorded } = deps(stateWith(previous, next));
      expect(await runFencingRound(d, 'c')).toBe('recorded');
      expect(fenced).toEqual([]);
      expect(recorded).toEqual([next]);
    }
  });

  it('does nothing once the round is recorded (read to the end first)', async () => {
    const state = stateWith(2, 1);
    const { d, fenced, recorded, refreshes } = deps(state);
    await runFencingRound(d, 'c');
    expect(await runFencingRound(d, 'c')).toBe('not-pending');
    expect(fenced).toHaveLength(1);
    expect(recorded).toEqual([1]);
    expect(refreshes()).toBe(2);
  });

  it('writes no record when fencing fails, so the round runs again', async () => {
    const state = stateWith(2, 1);
    const { d, recorded } = deps(state);
    d.fence = async () => {
      throw new Error('coordinator not available');
    };
    await expect(runFencingRound(d, 'c')).rejects.toThrow('coordinator not available');
    expect(recorded).toEqual([]);
    expect(state.pendingFencing('c')).toBe(true);
  });
});

describe('awaitFencingRound (a task of the new generation, before its producer)', () => {
  it('returns once the round is recorded', async () => {
    const state = stateWith(2, 1);
    setTimeout(() => state.apply({ kind: 'task-count', connector: 'c', taskCount: 1 }, state.offset), 30);
    const started = Date.now();
    await awaitFencingRound(state, 'c', { signal: new AbortController().signal, timeoutMs: 5000, pollMs: 5 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(20);
    expect(state.pendingFencing('c')).toBe(false);
  });

  it('ends when the task is stopped, and after its timeout with a message that says why', async () => {
    const state = stateWith(2, 1);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 20);
    await expect(
      awaitFencingRound(state, 'c', { signal: abort.signal, timeoutMs: 5000, pollMs: 5 }),
    ).rejects.toThrow(/abort/i);
    await expect(
      awaitFencingRound(state, 'c', { signal: new AbortController().signal, timeoutMs: 30, pollMs: 5 }),
    ).rejects.toThrow('The zombie fencing round of connector c did not finish within 30 ms');
  });
});
