import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { TargetState } from '../entities.js';
import { type AssignableWorker, applyAssignment } from './apply-assignment.js';

/** Records every start and stop; runs nothing. */
function fakeWorker() {
  const connectors = new Map<string, Record<string, string>>();
  const tasks = new Map<
    string,
    { taskConfig: Record<string, string>; connectorConfig: Record<string, string> }
  >();
  const events: string[] = [];
  const worker: AssignableWorker = {
    connectorNames: () => [...connectors.keys()],
    taskIds: () =>
      [...tasks.keys()].map((k) => {
        const [connector, task] = k.split('/') as [string, string];
        return { connector, task: Number(task) };
      }),
    connectorConfig: (name) => connectors.get(name),
    taskConfigChanged: (name, task, taskConfig, connectorConfig) => {
      const t = tasks.get(`${name}/${task}`);
      return (
        t !== undefined &&
        (JSON.stringify(t.taskConfig) !== JSON.stringify(taskConfig) ||
          JSON.stringify(t.connectorConfig) !== JSON.stringify(connectorConfig))
      );
    },
    startConnector: async (name, config) => {
      events.push(`start ${name}`);
      connectors.set(name, config);
    },
    stopConnector: async (name) => {
      events.push(`stop ${name}`);
      connectors.delete(name);
    },
    startTask: async (name, task, taskConfig, connectorConfig) => {
      events.push(`start ${name}-${task}`);
      tasks.set(`${name}/${task}`, { taskConfig, connectorConfig });
    },
    stopTask: async (name, task) => {
      events.push(`stop ${name}-${task}`);
      tasks.delete(`${name}/${task}`);
    },
  };
  return { worker, events };
}

const log = pino({ level: 'silent' });

function configs(
  spec: Record<
    string,
    { config?: Record<string, string>; applied?: Record<string, string>; tasks: number; tag?: string }
  >,
) {
  return {
    connectorConfigs: new Map(
      Object.entries(spec).map(([n, s]) => [n, s.config ?? { 'connector.class': n }]),
    ),
    // The task configs came from `applied` when given (the connector config changed since).
    taskConnectorConfig: (name: string) => {
      const s = spec[name];
      return s && (s.applied ?? s.config ?? { 'connector.class': name });
    },
    taskConfigs: new Map(
      Object.entries(spec).map(([n, s]) => [
        n,
        Array.from({ length: s.tasks }, (_, i) => ({ task: `${n}-${i}`, tag: s.tag ?? '' })),
      ]),
    ),
    targetStates: new Map<string, TargetState>(),
  };
}

describe('applyAssignment', () => {
  it('starts only what is new and stops only what is no longer assigned', async () => {
    const { worker, events } = fakeWorker();
    const state = configs({ a: { tasks: 2 }, b: { tasks: 1 } });
    await applyAssignment(
      worker,
      {
        connectors: ['a'],
        tasks: [
          { connector: 'a', task: 0 },
          { connector: 'a', task: 1 },
        ],
      },
      state,
      log,
    );
    expect(events.splice(0)).toEqual(['start a', 'start a-0', 'start a-1']);

    // b added here; a-1 revoked (moving to another worker).
    await applyAssignment(
      worker,
      {
        connectors: ['a', 'b'],
        tasks: [
          { connector: 'a', task: 0 },
          { connector: 'b', task: 0 },
        ],
      },
      state,
      log,
    );
    expect(events.splice(0)).toEqual(['stop a-1', 'start b', 'start b-0']);

    // b deleted: its connector and task stop, a's keep running.
    const withoutB = configs({ a: { tasks: 2 } });
    await applyAssignment(worker, { connectors: ['a'], tasks: [{ connector: 'a', task: 0 }] }, withoutB, log);
    expect(events.splice(0)).toEqual(['stop b-0', 'stop b']);
  });

  it('stops everything before starting anything', async () => {
    const { worker, events } = fakeWorker();
    const state = configs({ a: { tasks: 1 }, b: { tasks: 1 } });
    await applyAssignment(worker, { connectors: ['a'], tasks: [{ connector: 'a', task: 0 }] }, state, log);
    events.length = 0;
    await applyAssignment(worker, { connectors: ['b'], tasks: [{ connector: 'b', task: 0 }] }, state, log);
    expect(events).toEqual(['stop a-0', 'stop a', 'start b', 'start b-0']);
  });

  it('restarts a kept connector or task only when its own config changed', async () => {
    const { worker, events } = fakeWorker();
    const assignment = {
      connectors: ['a', 'b'],
      tasks: [
        { connector: 'a', task: 0 },
        { connector: 'b', task: 0 },
      ],
    };
    await applyAssignment(worker, assignment, configs({ a: { tasks: 1 }, b: { tasks: 1 } }), log);
    events.length = 0;
    const changed = configs({
      a: { tasks: 1 },
      b: { tasks: 1, config: { 'connector.class': 'b', 'batch.size': '7' }, tag: 'new' },
    });
    await applyAssignment(worker, assignment, changed, log);
    expect(events).toEqual(['stop b', 'start b', 'stop b-0', 'start b-0']);
    events.length = 0;
    await applyAssignment(worker, assignment, changed, log);
    expect(events).toEqual([]);
  });

  it('restarts a task once for a connector config change: when its new task configs arrive', async () => {
    const { worker, events } = fakeWorker();
    const assignment = { connectors: ['b'], tasks: [{ connector: 'b', task: 0 }] };
    const old = { 'connector.class': 'b' };
    await applyAssignment(worker, assignment, configs({ b: { tasks: 1 } }), log);
    events.length = 0;
    const changed = { 'connector.class': 'b', 'batch.size': '7' };
    // The new connector config is stored; its task configs are not written yet.
    await applyAssignment(
      worker,
      assignment,
      configs({ b: { tasks: 1, config: changed, applied: old } }),
      log,
    );
    expect(events).toEqual(['stop b', 'start b']);
    events.length = 0;
    // They are (the same task configs here): now the task restarts, with the new connector config.
    await applyAssignment(worker, assignment, configs({ b: { tasks: 1, config: changed } }), log);
    expect(events).toEqual(['stop b-0', 'start b-0']);
  });

  it('skips a task whose config is not known yet instead of failing', async () => {
    const { worker, events } = fakeWorker();
    await applyAssignment(
      worker,
      { connectors: [], tasks: [{ connector: 'x', task: 0 }] },
      configs({ a: { tasks: 1 } }),
      log,
    );
    expect(events).toEqual([]);
  });
});
