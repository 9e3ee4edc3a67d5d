import type { TargetState } from '../entities.js';
import { ClusterConfigState } from './cluster-config-state.js';
import type { ConfigRecord } from './config-records.js';
import type { ConfigBackingStore, ConfigStoreListener } from './config-store.js';

/**
 * Connector configs, task configs and target states of a standalone worker (Apache's
 * MemoryConfigBackingStore): kept in memory only, so connectors come back at the next start from
 * the files on the command line (or REST calls), not from here. Changes apply the same records the
 * config topic carries, through the same {@link ClusterConfigState}, so the worker sees no difference.
 */
export class MemoryConfigBackingStore implements ConfigBackingStore {
  readonly state = new ClusterConfigState();
  #listener: ConfigStoreListener | undefined;

  setListener(listener: ConfigStoreListener): void {
    this.#listener = listener;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async refresh(): Promise<void> {}

  #apply(record: ConfigRecord): void {
    const changed = this.state.apply(record, this.state.offset);
    if (record.kind === 'restart') this.#listener?.onRestartRequest(record);
    else if (changed) this.#listener?.onConnectorChange(changed);
  }

  async putConnectorConfig(
    name: string,
    config: Record<string, string>,
    targetState?: TargetState,
  ): Promise<void> {
    if (targetState) this.#apply({ kind: 'target-state', connector: name, state: targetState });
    this.#apply({ kind: 'connector', connector: name, properties: config });
  }

  async removeConnectorConfig(name: string): Promise<void> {
    this.#apply({ kind: 'connector', connector: name, properties: null });
    this.#apply({ kind: 'target-state', connector: name, state: null });
  }

  async putTaskConfigs(name: string, tasks: Record<string, string>[]): Promise<void> {
    for (const [task, properties] of tasks.entries()) {
      this.#apply({ kind: 'task', connector: name, task, properties });
    }
    this.#apply({ kind: 'commit', connector: name, tasks: tasks.length });
  }

  async putTargetState(name: string, state: TargetState): Promise<void> {
    this.#apply({ kind: 'target-state', connector: name, state });
  }

  async putTaskCountRecord(name: string, taskCount: number): Promise<void> {
    this.#apply({ kind: 'task-count', connector: name, taskCount });
  }

  async putRestartRequest(request: {
    connector: string;
    includeTasks: boolean;
    onlyFailed: boolean;
  }): Promise<void> {
    this.#apply({ kind: 'restart', ...request });
  }
}
