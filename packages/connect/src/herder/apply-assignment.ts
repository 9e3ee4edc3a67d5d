import type { Logger } from 'pino';
import type { TargetState } from '../entities.js';
import type { TaskId, WorkSet } from './assignor.js';

/** What applying an assignment needs of the worker (Worker implements it; tests fake it). */
export interface AssignableWorker {
  connectorNames(): string[];
  taskIds(): TaskId[];
  connectorConfig(name: string): Record<string, string> | undefined;
  taskConfigChanged(
    name: string,
    task: number,
    taskConfig: Record<string, string>,
    connectorConfig: Record<string, string>,
  ): boolean;
  startConnector(name: string, config: Record<string, string>, target: TargetState): Promise<void>;
  stopConnector(name: string): Promise<void>;
  startTask(
    name: string,
    task: number,
    taskConfig: Record<string, string>,
    connectorConfig: Record<string, string>,
    target: TargetState,
  ): Promise<void>;
  stopTask(name: string, task: number): Promise<void>;
}

/** The config topic's view the worker starts work from. */
export interface AssignableConfigs {
  connectorConfigs: ReadonlyMap<string, Record<string, string>>;
  taskConfigs: ReadonlyMap<string, Record<string, string>[]>;
  /** The connector config a connector's task configs came from (tasks run with it). */
  taskConnectorConfig(name: string): Record<string, string> | undefined;
  targetStates: ReadonlyMap<string, TargetState>;
}

/**
 * Makes the worker run exactly `assignment`, as a difference from what it runs: stops what is no
 * longer its own (revoked, deleted, or everything after a revoke-all), starts what is new, and
 * leaves the rest running unless its config changed meanwhile. Stops finish before anything
 * starts and before the caller rejoins, so the next owner of revoked work starts it only after it
 * stopped here.
 */
export async function applyAssignment(
  worker: AssignableWorker,
  assignment: WorkSet,
  state: AssignableConfigs,
  log: Logger,
): Promise<void> {
  const connectors = new Set(assignment.connectors);
  const tasks = new Set(assignment.tasks.map(taskKey));
  await Promise.all(
    worker
      .taskIds()
      .filter((t) => !tasks.has(taskKey(t)))
      .map(({ connector, task }) => worker.stopTask(connector, task)),
  );
  await Promise.all(
    worker
      .connectorNames()
      .filter((name) => !connectors.has(name))
      .map((name) => worker.stopConnector(name)),
  );
  for (const name of assignment.connectors) {
    const config = state.connectorConfigs.get(name);
    if (!config) continue;
    const running = worker.connectorConfig(name);
    if (running && JSON.stringify(running) === JSON.stringify(config)) continue;
    // Kept here, but its config changed while it ran (a change this worker had not applied yet).
    if (running) await worker.stopConnector(name);
    await worker.startConnector(name, config, state.targetStates.get(name) ?? 'STARTED');
  }
  const runningTasks = new Set(worker.taskIds().map(taskKey));
  for (const { connector, task } of assignment.tasks) {
    const taskConfig = state.taskConfigs.get(connector)?.[task];
    const connectorConfig = state.taskConnectorConfig(connector);
    if (!taskConfig || !connectorConfig) continue;
    if (runningTasks.has(taskKey({ connector, task }))) {
      if (!worker.taskConfigChanged(connector, task, taskConfig, connectorConfig)) continue;
      log.info({ connector, task }, 'task config changed: restarting task');
      await worker.stopTask(connector, task);
    }
    await worker.startTask(
      connector,
      task,
      taskConfig,
      connectorConfig,
      state.targetStates.get(connector) ?? 'STARTED',
    );
  }
}

function taskKey(t: TaskId): string {
  return `${t.connector}\u0000${t.task}`;
}
