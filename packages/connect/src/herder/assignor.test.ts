import { describe, expect, it } from 'vitest';
import { assignCooperative, assignWork, type MemberInfo, type TaskId, type WorkSet } from './assignor.js';

const members = (n: number, owned: WorkSet[] = []): MemberInfo[] =>
  Array.from({ length: n }, (_, i) => ({
    memberId: `m${i}`,
    workerId: `127.0.0.1:${8083 + i}`,
    url: `http://x:${i}`,
    owned: owned[i] ?? { connectors: [], tasks: [] },
  }));

const tasksOf = (counts: Record<string, number>): TaskId[] =>
  Object.entries(counts).flatMap(([connector, n]) =>
    Array.from({ length: n }, (_, task) => ({ connector, task })),
  );
const key = (t: TaskId) => `${t.connector}-${t.task}`;

describe('assignWork (eager)', () => {
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

/**
 * Runs rebalances the way members do: each reports what it ran after the previous round (minus
 * what was revoked, which it stopped), until a round revokes nothing. Checks on every round that
 * nothing is given to a member while another one still runs it.
 */
function settle(
  ids: string[],
  start: Map<string, WorkSet>,
  connectors: string[],
  counts: Map<string, number>,
): { rounds: Map<string, WorkSet>[]; final: Map<string, WorkSet> } {
  let owned = start;
  const rounds: Map<string, WorkSet>[] = [];
  for (let round = 0; round < 10; round++) {
    const input = ids.map((id, i) => ({
      memberId: id,
      workerId: `w${i}`,
      url: '',
      owned: owned.get(id) ?? { connectors: [], tasks: [] },
    }));
    const result = assignCooperative(input, connectors, counts);
    const next = new Map<string, WorkSet>();
    for (const id of ids) {
      const share = result.get(id) as WorkSet & { revoked: WorkSet };
      const before = owned.get(id) ?? { connectors: [], tasks: [] };
      // Anything newly given to this member was run by nobody as the members joined.
      for (const c of share.connectors) {
        if (!before.connectors.includes(c)) {
          for (const other of ids) expect(owned.get(other)?.connectors ?? []).not.toContain(c);
        }
      }
      for (const t of share.tasks) {
        if (!before.tasks.some((b) => key(b) === key(t))) {
          for (const other of ids) expect((owned.get(other)?.tasks ?? []).map(key)).not.toContain(key(t));
        }
      }
      next.set(id, { connectors: share.connectors, tasks: share.tasks });
    }
    rounds.push(next);
    owned = next;
    const revokedAny = [...result.values()].some(
      (s) => s.revoked.connectors.length + s.revoked.tasks.length > 0,
    );
    if (!revokedAny) return { rounds, final: next };
  }
  throw new Error('did not settle within 10 rounds');
}

function spread(final: Map<string, WorkSet>, kind: 'connectors' | 'tasks'): number {
  const loads = [...final.values()].map((w) => w[kind].length);
  return Math.max(...loads) - Math.min(...loads);
}

function owners(final: Map<string, WorkSet>): Map<string, string> {
  const result = new Map<string, string>();
  for (const [id, w] of final) {
    for (const c of w.connectors) result.set(`connector ${c}`, id);
    for (const t of w.tasks) result.set(`task ${key(t)}`, id);
  }
  return result;
}

describe('assignCooperative', () => {
  const counts = new Map([
    ['a', 3],
    ['b', 2],
    ['c', 4],
  ]);
  const ids = ['m0', 'm1', 'm2'];
  const fresh = () => settle(ids, new Map(), ['a', 'b', 'c'], counts).final;

  it('starts balanced: connectors and tasks within one, every item once', () => {
    const final = fresh();
    expect(spread(final, 'connectors')).toBeLessThanOrEqual(1);
    expect(spread(final, 'tasks')).toBeLessThanOrEqual(1);
    expect(owners(final).size).toBe(3 + 9);
    const all = [...final.values()].flatMap((w) => w.tasks.map(key));
    expect(new Set(all).size).toBe(all.length);
  });

  it('adding a connector moves nothing else, in one round', () => {
    const before = fresh();
    const moreCounts = new Map([...counts, ['d', 2]]);
    const { rounds, final } = settle(ids, before, ['a', 'b', 'c', 'd'], moreCounts);
    expect(rounds).toHaveLength(1);
    const was = owners(before);
    for (const [item, owner] of owners(final)) {
      if (was.has(item)) expect(owner, item).toBe(was.get(item));
    }
    expect(spread(final, 'tasks')).toBeLessThanOrEqual(1);
    expect(spread(final, 'connectors')).toBeLessThanOrEqual(1);
  });

  it('removing a connector or reconfiguring its task count moves nothing of the others', () => {
    const before = fresh();
    const was = owners(before);
    const removed = settle(ids, before, ['a', 'c'], new Map([...counts].filter(([n]) => n !== 'b'))).final;
    for (const [item, owner] of owners(removed)) {
      if (!item.includes(' c')) continue;
      expect(owner, item).toBe(was.get(item));
    }
    expect(owners(removed).size).toBe(2 + 7);
    const fewer = settle(ids, before, ['a', 'b', 'c'], new Map([...counts, ['b', 1]])).final;
    for (const [item, owner] of owners(fewer)) {
      if (item.startsWith('task a-') || item.startsWith('task c-') || item.startsWith('connector')) {
        expect(owner, item).toBe(was.get(item));
      }
    }
    expect([...owners(fewer).keys()]).not.toContain('task b-1');
  });

  it('a worker that leaves: only its items move, to the others, at once', () => {
    const before = fresh();
    const was = owners(before);
    const { rounds, final } = settle(['m0', 'm2'], before, ['a', 'b', 'c'], counts);
    expect(rounds).toHaveLength(1);
    for (const [item, owner] of owners(final)) {
      if (was.get(item) !== 'm1') expect(owner, item).toBe(was.get(item));
    }
    expect(owners(final).size).toBe(3 + 9);
    expect(spread(final, 'tasks')).toBeLessThanOrEqual(1);
  });

  it('a worker that joins gets its share through revocation first, then assignment', () => {
    const lone = settle(['m0'], new Map(), ['a', 'b', 'c'], counts).final;
    const input = ['m0', 'm1'].map((id, i) => ({
      memberId: id,
      workerId: `w${i}`,
      url: '',
      owned: lone.get(id) ?? { connectors: [], tasks: [] },
    }));
    const first = assignCooperative(input, ['a', 'b', 'c'], counts);
    // Round one: m0 gives up work, nobody is given it yet.
    expect(first.get('m0')?.revoked.tasks.length).toBe(4);
    expect(first.get('m0')?.revoked.connectors.length).toBe(1);
    expect(first.get('m1')).toEqual({ connectors: [], tasks: [], revoked: { connectors: [], tasks: [] } });
    const { rounds, final } = settle(['m0', 'm1'], lone, ['a', 'b', 'c'], counts);
    expect(rounds).toHaveLength(2);
    expect(final.get('m1')?.tasks.length).toBe(4);
    expect(final.get('m0')?.tasks.length).toBe(5);
    // m0 kept what it was not asked to give up.
    const kept = final.get('m0')?.tasks.map(key) ?? [];
    expect(kept.every((t) => lone.get('m0')?.tasks.map(key).includes(t))).toBe(true);
  });

  it('work two members claim is taken from both and handed out at the next round', () => {
    const claimed = { connectors: ['a'], tasks: [{ connector: 'a', task: 0 }] };
    const result = assignCooperative(members(2, [claimed, claimed]), ['a'], new Map([['a', 1]]));
    for (const id of ['m0', 'm1']) {
      expect(result.get(id)).toEqual({ connectors: [], tasks: [], revoked: claimed });
    }
  });

  it('drops deleted work without revoking it, and does not depend on member order', () => {
    const owned = [
      { connectors: ['gone', 'a'], tasks: tasksOf({ gone: 2, a: 1 }) },
      { connectors: [], tasks: [] },
    ];
    const forward = assignCooperative(
      members(2, owned),
      ['a', 'b'],
      new Map([
        ['a', 1],
        ['b', 1],
      ]),
    );
    const backward = assignCooperative(
      members(2, owned).reverse(),
      ['b', 'a'],
      new Map([
        ['b', 1],
        ['a', 1],
      ]),
    );
    expect(forward).toEqual(backward);
    expect(forward.get('m0')).toEqual({
      connectors: ['a'],
      tasks: [{ connector: 'a', task: 0 }],
      revoked: { connectors: [], tasks: [] },
    });
    expect(forward.get('m1')).toEqual({
      connectors: ['b'],
      tasks: [{ connector: 'b', task: 0 }],
      revoked: { connectors: [], tasks: [] },
    });
  });

  it('assigns nothing when there are no members', () => {
    expect(assignCooperative([], ['a'], new Map([['a', 1]])).size).toBe(0);
  });
});
