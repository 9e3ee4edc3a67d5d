import { describe, expect, it } from 'vitest';
import { assignWork } from './assignor.js';

const members = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    memberId: `m${i}`,
    workerId: `127.0.0.1:${8083 + i}`,
    url: `http://x:${i}`,
  }));

describe('assignWork', () => {
  it('gives everything to a lone worker', () => {
    const result = assignWork(
      members(1),
      ['b', 'a'],
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
    expect(result.get('m0')).toEqual({
      connectors: ['a', 'b'],
      tasks: [
        { connector: 'a', task: 0 },
        { connector: 'a', task: 1 },
        { connector: 'b', task: 0 },
      ],
    });
  });

  it('balances connectors and tasks within one of each other, whatever the member order', () => {
    const counts = new Map([
      ['a', 3],
      ['b', 2],
      ['c', 2],
    ]);
    const forward = assignWork(members(3), ['a', 'b', 'c'], counts);
    const backward = assignWork(members(3).reverse(), ['c', 'b', 'a'], counts);
    expect(forward).toEqual(backward);
    const taskTotals = [...forward.values()].map((a) => a.tasks.length);
    expect(Math.max(...taskTotals) - Math.min(...taskTotals)).toBeLessThanOrEqual(1);
    expect(taskTotals.reduce((x, y) => x + y)).toBe(7);
    const all = [...forward.values()].flatMap((a) => a.tasks.map((t) => `${t.connector}-${t.task}`));
    expect(new Set(all).size).toBe(7);
  });

  it('assigns nothing when there are no members', () => {
    expect(assignWork([], ['a'], new Map([['a', 1]])).size).toBe(0);
  });
});
