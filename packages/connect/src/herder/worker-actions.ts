import type { Logger } from 'pino';
import type { ConnectorStateInfo, ConnectorType, RestartRequest, TargetState } from '../entities.js';
import type { ClusterConfigState } from '../storage/cluster-config-state.js';
import type { Status } from '../storage/status-backing-store.js';
import type { Worker } from '../worker/worker.js';
import { stateInfo } from './herder-support.js';

/** Herder reactions that act on what this worker runs, the same in either mode. */

/** Restarts what the request names among the connector and tasks running on this worker. */
export async function restartOnWorker(
  worker: Worker,
  state: ClusterConfigState,
  request: RestartRequest,
  log: Logger,
): Promise<void> {
  const config = state.connectorConfigs.get(request.connector);
  if (!config) return;
  const target = state.targetStates.get(request.connector) ?? 'STARTED';
  const failed = (s: string | undefined) => s === 'FAILED';
  if (worker.ownsConnector(request.connector)) {
    if (!request.onlyFailed || failed(worker.connectorState(request.connector))) {
      log.info({ connector: request.connector }, 'restarting connector');
      await worker.stopConnector(request.connector);
      await worker.startConnector(request.connector, config, target);
    }
  }
  if (!request.includeTasks) return;
  const taskConnectorConfig = state.taskConnectorConfig(request.connector) ?? config;
  for (const { connector, task } of worker.taskIds()) {
    if (connector !== request.connector) continue;
    if (request.onlyFailed && !failed(worker.taskState(connector, task))) continue;
    const taskConfig = state.taskConfigs.get(connector)?.[task];
    await worker.stopTask(connector, task);
    if (taskConfig) await worker.startTask(connector, task, taskConfig, taskConnectorConfig, target);
  }
}

/**
 * New task configs with the same task count cause no rebalance: restart the tasks running here
 * with old configs, as Connect's herder does when it reads a task config commit. `config` is the
 * connector config the task configs came from (ClusterConfigState.taskConnectorConfig).
 */
export async function restartChangedTasks(
  worker: Worker,
  name: string,
  taskConfigs: Record<string, string>[],
  config: Record<string, string>,
  target: TargetState,
  log: Logger,
): Promise<void> {
  for (const { connector, task } of worker.taskIds()) {
    const taskConfig = taskConfigs[task];
    if (connector !== name || !taskConfig) continue;
    if (!worker.taskConfigChanged(name, task, taskConfig, config)) continue;
    log.info({ connector: name, task }, 'task config changed: restarting task');
    await worker.stopTask(name, task);
    await worker.startTask(name, task, taskConfig, config, target);
  }
}

/** `GET /connectors/{name}/status` from what the status store holds. */
export function connectorStateInfo(
  name: string,
  type: ConnectorType,
  connector: Status | undefined,
  tasks: Map<number, Status>,
  taskCount: number,
  workerId: string,
): ConnectorStateInfo {
  return {
    name,
    connector: stateInfo(connector, workerId),
    tasks: Array.from({ length: taskCount }, (_, id) => ({ id, ...stateInfo(tasks.get(id), workerId) })),
    type,
  };
}
