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
  /** Each connector's latest task count record: its fenced generation's task count. */
  readonly #taskCountRecords = new Map<string, number>();
  /** How many task sets were committed for each connector (Apache's task config generation). */
  readonly #generations = new Map<string, number>();
  /** Connectors with task configs committed after their latest task count record. */
  readonly #pendingFencing = new Set<string>();

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
          this.#taskCountRecords.delete(name);
          this.#generations.delete(name);
          this.#pendingFencing.delete(name);
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
        this.#generations.set(name, (this.#generations.get(name) ?? 0) + 1);
        this.#pendingFencing.add(name);
        return name;
      }
      case 'task-count':
        this.#taskCountRecords.set(name, record.taskCount);
        this.#pendingFencing.delete(name);
        // Nothing a worker runs changes; a task waiting for the round reads the state itself.
        return undefined;
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

  /**
   * Whether an exactly-once source's latest task set awaits its fencing round: its tasks may not
   * start their transactional producers until a task count record follows their commit.
   */
  pendingFencing(name: string): boolean {
    return this.#pendingFencing.has(name);
  }

  /** The task count of the connector's last fenced generation; undefined before the first round. */
  taskCountRecord(name: string): number | undefined {
    return this.#taskCountRecords.get(name);
  }

  /** Counts the connector's committed task sets: a task started under one generation checks it. */
  taskConfigGeneration(name: string): number {
    return this.#generations.get(name) ?? 0;
  }
}
