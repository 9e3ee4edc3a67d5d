import { describe, expect, it } from 'vitest';
import { StatementBatcher } from './statement-batcher.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('StatementBatcher', () => {
  it('runs the items of one turn as one statement', async () => {
    const runs: number[][] = [];
    const batcher = new StatementBatcher<number>(async (items) => {
      runs.push(items);
    }, 100);
    await Promise.all([batcher.add(1), batcher.add(2), batcher.add(3)]);
    expect(runs).toEqual([[1, 2, 3]]);
  });

  it('gathers what arrives while a statement is out into the next one, one out at a time', async () => {
    const runs: number[][] = [];
    const gates = [deferred(), deferred()];
    let out = 0;
    let mostOut = 0;
    const batcher = new StatementBatcher<number>(async (items) => {
      out += 1;
      mostOut = Math.max(mostOut, out);
      runs.push(items);
      await gates[runs.length - 1]?.promise;
      out -= 1;
    }, 100);
    const first = batcher.add(1);
    await new Promise((r) => setImmediate(r));
    expect(runs).toEqual([[1]]);
    const later = [batcher.add(2), batcher.add(3)];
    await new Promise((r) => setTimeout(r, 5));
    expect(runs).toEqual([[1]]);
    gates[0]?.resolve();
    await first;
    await new Promise((r) => setImmediate(r));
    expect(runs).toEqual([[1], [2, 3]]);
    gates[1]?.resolve();
    await Promise.all(later);
    expect(mostOut).toBe(1);
  });

  it('splits at maxItems', async () => {
    const runs: number[][] = [];
    const batcher = new StatementBatcher<number>(async (items) => {
      runs.push(items);
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add(n)));
    expect(runs).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('fails every item of a failed statement, and goes on with the next', async () => {
    let calls = 0;
    const batcher = new StatementBatcher<string>(async () => {
      calls += 1;
      if (calls === 1) throw new Error('connection lost');
    }, 10);
    const failed = await Promise.allSettled([batcher.add('a'), batcher.add('b')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((failed[0] as PromiseRejectedResult).reason.message).toBe('connection lost');
    await expect(batcher.add('c')).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });

  it('refuses a batch size below one', () => {
    expect(() => new StatementBatcher(async () => {}, 0)).toThrow(RangeError);
  });
});
