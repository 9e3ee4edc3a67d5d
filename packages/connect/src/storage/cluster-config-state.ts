import type { TargetState } from '../entities.js';
import type { ConfigRecord } from './config-records.js';

/**
 * What the config topic says, applied record by record. Task configs count only once their
 * commit record arrives (as in Connect), so a worker never runs half of a new task set.
 */
export class ClusterConfigState {
  /** Offset of the last applied record + 1: workers compare it to know they are caught up. */
  offset = 0n;
  readonly connectorConfigs = new Map<string, Record<string, string>>();
  readonly targetStates = new Map<string, TargetState>();
  readonly taskConfigs = new Map<string, Record<string, string>[]>();
  /**
   * The connector config in force when each connector's current task configs were committed
   * (Apache's applied connector config). Tasks run with it rather than with a newer connector
   * config whose task configs are not written yet: a config change then restarts a task once,
   * when the new task configs arrive, not a second time before them.
   */
  readonly appliedConnectorConfigs = new Map<string, Record<string, string>>();
  readonly #pendingTasks = new Map<string, Map<number, Record<string, string>>>();

  /** Applies a record; returns the connector it concerned when something visible changed. */
  apply(record: ConfigRecord, offset: bigint): string | undefined {
    this.offset = offset + 1n;
    const name = record.connector;
    switch (record.kind) {
      case 'connector':
        if (record.properties === null) {
          this.connectorConfigs.delete(name);
          this.targetStates.delete(name);
          this.taskConfigs.delete(name);
          this.appliedConnectorConfigs.delete(name);
          this.#pendingTasks.delete(name);
        } else {
          this.connectorConfigs.set(name, record.properties);
          if (!this.targetStates.has(name)) this.targetStates.set(name, 'STARTED');
        }
        return name;
      case 'target-state':
        if (record.state === null) this.targetStates.delete(name);
        else this.targetStates.set(name, record.state);
        return name;
      case 'task': {
        const pending = this.#pendingTasks.get(name) ?? new Map();
        pending.set(record.task, record.properties);
        this.#pendingTasks.set(name, pending);
        return undefined;
      }
      case 'commit': {
        const pending = this.#pendingTasks.get(name) ?? new Map<number, Record<string, string>>();
        const tasks: Record<string, string>[] = [];
        for (let i = 0; i < record.tasks; i++) {
          const config = pending.get(i) ?? this.taskConfigs.get(name)?.[i];
          if (!config) return undefined; // incomplete set: keep the previous one
          tasks.push(config);
        }
        this.taskConfigs.set(name, tasks);
        const connectorConfig = this.connectorConfigs.get(name);
        if (connectorConfig) this.appliedConnectorConfigs.set(name, connectorConfig);
        this.#pendingTasks.delete(name);
        return name;
      }
      case 'restart':
        return undefined;
    }
  }

  connectors(): string[] {
    return [...this.connectorConfigs.keys()].sort();
  }

  /** The connector config a connector's tasks run with: the one their task configs came from. */
  taskConnectorConfig(name: string): Record<string, string> | undefined {
    return this.appliedConnectorConfigs.get(name) ?? this.connectorConfigs.get(name);
  }

  taskCount(name: string): number {
    return this.taskConfigs.get(name)?.length ?? 0;
  }
}
