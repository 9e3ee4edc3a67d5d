import { describe, expect, it } from 'vitest';
import { ClusterConfigState } from './cluster-config-state.js';
import {
  type ConfigRecord,
  configRecordKey,
  configRecordValue,
  parseConfigRecord,
} from './config-records.js';

function applyAll(state: ClusterConfigState, records: ConfigRecord[]): void {
  for (const record of records) {
    // Through the wire format, as a worker reads the config topic.
    const value = configRecordValue(record);
    const parsed = parseConfigRecord(configRecordKey(record), value ?? undefined);
    if (parsed) state.apply(parsed, state.offset);
  }
}

const taskSet = (connector: string, tasks: number): ConfigRecord[] => [
  ...Array.from(
    { length: tasks },
    (_, task): ConfigRecord => ({
      kind: 'task',
      connector,
      task,
      properties: { task: String(task) },
    }),
  ),
  { kind: 'commit', connector, tasks },
];

describe('task count records (tasks-fencing-<connector>)', () => {
  it('are written and read in the shape Apache Connect uses', () => {
    const record: ConfigRecord = { kind: 'task-count', connector: 'src-1', taskCount: 3 };
    expect(configRecordKey(record)).toBe('tasks-fencing-src-1');
    expect(configRecordValue(record)).toBe('{"task-count":3}');
    expect(parseConfigRecord('tasks-fencing-src-1', '{"task-count":3}')).toEqual(record);
    // Not a task config of a connector named "s".
    expect(parseConfigRecord('tasks-fencing-s-1', '{"task-count":2}')?.kind).toBe('task-count');
    // A record without a count is unreadable (the store skips it and the round runs again).
    expect(() => parseConfigRecord('tasks-fencing-c', '{"task-count":"2"}')).toThrow('without a task count');
    expect(() => parseConfigRecord('tasks-fencing-c', '{}')).toThrow('without a task count');
  });

  it('leave a committed task set pending until its round records it, generation by generation', () => {
    const state = new ClusterConfigState();
    applyAll(state, [{ kind: 'connector', connector: 'c', properties: { 'connector.class': 'X' } }]);
    expect(state.pendingFencing('c')).toBe(false);
    expect(state.taskConfigGeneration('c')).toBe(0);

    applyAll(state, taskSet('c', 2));
    expect(state.pendingFencing('c')).toBe(true);
    expect(state.taskCountRecord('c')).toBeUndefined();
    expect(state.taskConfigGeneration('c')).toBe(1);

    applyAll(state, [{ kind: 'task-count', connector: 'c', taskCount: 2 }]);
    expect(state.pendingFencing('c')).toBe(false);
    expect(state.taskCountRecord('c')).toBe(2);

    applyAll(state, taskSet('c', 1));
    expect(state.pendingFencing('c')).toBe(true);
    expect(state.taskConfigGeneration('c')).toBe(2);
    // The last fenced generation's count stays until the next round.
    expect(state.taskCountRecord('c')).toBe(2);
  });

  it('do not count an incomplete task set as a generation', () => {
    const state = new ClusterConfigState();
    applyAll(state, [{ kind: 'connector', connector: 'c', properties: {} }, ...taskSet('c', 1)]);
    applyAll(state, [{ kind: 'task-count', connector: 'c', taskCount: 1 }]);
    // A commit of 3 tasks with only task 0 and 2 written: Connect keeps the previous set.
    applyAll(state, [
      { kind: 'task', connector: 'c', task: 2, properties: {} },
      { kind: 'commit', connector: 'c', tasks: 3 },
    ]);
    expect(state.taskConfigGeneration('c')).toBe(1);
    expect(state.pendingFencing('c')).toBe(false);
  });

  it('are forgotten with the connector', () => {
    const state = new ClusterConfigState();
    applyAll(state, [{ kind: 'connector', connector: 'c', properties: {} }, ...taskSet('c', 2)]);
    applyAll(state, [{ kind: 'task-count', connector: 'c', taskCount: 2 }, ...taskSet('c', 1)]);
    applyAll(state, [{ kind: 'connector', connector: 'c', properties: null }]);
    expect(state.pendingFencing('c')).toBe(false);
    expect(state.taskCountRecord('c')).toBeUndefined();
    expect(state.taskConfigGeneration('c')).toBe(0);
  });
});
