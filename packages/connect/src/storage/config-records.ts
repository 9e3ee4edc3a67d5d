import type { TargetState } from '../entities.js';

/**
 * The records of the config topic, keyed and shaped as Apache Kafka Connect writes them
 * (schemaless JSON values), so an operator reading `connect-configs` sees what they know.
 */
export type ConfigRecord =
  | { kind: 'connector'; connector: string; properties: Record<string, string> | null }
  | { kind: 'task'; connector: string; task: number; properties: Record<string, string> }
  | { kind: 'commit'; connector: string; tasks: number }
  | { kind: 'target-state'; connector: string; state: TargetState | null }
  | { kind: 'restart'; connector: string; includeTasks: boolean; onlyFailed: boolean }
  /**
   * Apache's task count record (KIP-618): the number of tasks of the connector's latest task
   * generation whose zombies were fenced. Written after each fencing round of an exactly-once
   * source; a commit record after it means the next round is due.
   */
  | { kind: 'task-count'; connector: string; taskCount: number };

const TASK_KEY = /^task-(.+)-(\d+)$/;

export function configRecordKey(record: ConfigRecord): string {
  switch (record.kind) {
    case 'connector':
      return `connector-${record.connector}`;
    case 'task':
      return `task-${record.connector}-${record.task}`;
    case 'commit':
      return `commit-${record.connector}`;
    case 'target-state':
      return `target-state-${record.connector}`;
    case 'restart':
      return `restart-connector-${record.connector}`;
    case 'task-count':
      return `tasks-fencing-${record.connector}`;
  }
}

export function configRecordValue(record: ConfigRecord): string | null {
  switch (record.kind) {
    case 'connector':
      return record.properties === null ? null : JSON.stringify({ properties: record.properties });
    case 'task':
      return JSON.stringify({ properties: record.properties });
    case 'commit':
      return JSON.stringify({ tasks: record.tasks });
    case 'target-state':
      // Connect 3.5+ writes STOPPED as state.v2 and PAUSED in `state` for older readers.
      return record.state === null
        ? null
        : JSON.stringify({
            state: record.state === 'STOPPED' ? 'PAUSED' : record.state,
            'state.v2': record.state,
          });
    case 'restart':
      return JSON.stringify({ 'include-tasks': record.includeTasks, 'only-failed': record.onlyFailed });
    case 'task-count':
      return JSON.stringify({ 'task-count': record.taskCount });
  }
}

/** Parses one config-topic record; unknown keys (session keys) yield undefined. */
export function parseConfigRecord(key: string, value: string | undefined): ConfigRecord | undefined {
  const body = value === undefined ? undefined : (JSON.parse(value) as Record<string, unknown>);
  if (key.startsWith('connector-')) {
    return {
      kind: 'connector',
      connector: key.slice('connector-'.length),
      properties: body ? (body.properties as Record<string, string>) : null,
    };
  }
  if (key.startsWith('target-state-')) {
    const state = body ? ((body['state.v2'] ?? body.state) as TargetState) : null;
    return { kind: 'target-state', connector: key.slice('target-state-'.length), state };
  }
  if (key.startsWith('commit-') && body) {
    return { kind: 'commit', connector: key.slice('commit-'.length), tasks: Number(body.tasks) };
  }
  if (key.startsWith('restart-connector-') && body) {
    return {
      kind: 'restart',
      connector: key.slice('restart-connector-'.length),
      includeTasks: body['include-tasks'] === true,
      onlyFailed: body['only-failed'] === true,
    };
  }
  if (key.startsWith('tasks-fencing-') && body) {
    const taskCount = body['task-count'];
    // A count that is not one would fence nothing: unreadable, so the round is run again.
    if (!Number.isInteger(taskCount) || (taskCount as number) < 0)
      throw new Error(`task count record of ${key} without a task count: ${JSON.stringify(taskCount)}`);
    return {
      kind: 'task-count',
      connector: key.slice('tasks-fencing-'.length),
      taskCount: taskCount as number,
    };
  }
  const task = TASK_KEY.exec(key);
  if (task && body) {
    return {
      kind: 'task',
      connector: task[1] as string,
      task: Number(task[2]),
      properties: body.properties as Record<string, string>,
    };
  }
  return undefined;
}
