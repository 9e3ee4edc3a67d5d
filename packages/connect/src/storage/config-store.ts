import type { ClientSettings, KafkaClients } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { TargetState } from '../entities.js';
import { ClusterConfigState } from './cluster-config-state.js';
import {
  type ConfigRecord,
  configRecordKey,
  configRecordValue,
  parseConfigRecord,
} from './config-records.js';
import { KafkaBasedLog } from './kafka-based-log.js';

export interface ConfigStoreListener {
  /** A connector's config, target state or committed task set changed. */
  onConnectorChange(connector: string): void;
  onRestartRequest(request: { connector: string; includeTasks: boolean; onlyFailed: boolean }): void;
}

/** Connector configs, task configs and target states, kept in the compacted config topic. */
export interface ConfigBackingStore {
  readonly state: ClusterConfigState;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Waits until every record written so far is in `state`. */
  refresh(): Promise<void>;
  putConnectorConfig(name: string, config: Record<string, string>, targetState?: TargetState): Promise<void>;
  removeConnectorConfig(name: string): Promise<void>;
  putTaskConfigs(name: string, tasks: Record<string, string>[]): Promise<void>;
  putTargetState(name: string, state: TargetState): Promise<void>;
  /** Ends an exactly-once source's fencing round: its task generation of `taskCount` tasks is fenced. */
  putTaskCountRecord(name: string, taskCount: number): Promise<void>;
  putRestartRequest(request: {
    connector: string;
    includeTasks: boolean;
    onlyFailed: boolean;
  }): Promise<void>;
}

export class KafkaConfigBackingStore implements ConfigBackingStore {
  readonly state = new ClusterConfigState();
  readonly #log: KafkaBasedLog;
  readonly #logger: Logger;
  #listener: ConfigStoreListener | undefined;

  constructor(options: { topic: string; client: ClientSettings; logger: Logger; clients?: KafkaClients }) {
    this.#logger = options.logger.child({ store: 'config' });
    this.#log = new KafkaBasedLog({
      topic: options.topic,
      ...(options.clients ? { clients: options.clients } : {}),
      client: { ...options.client, clientId: `${options.client.clientId}-configs` },
      logger: this.#logger,
      onRecord: (record) => {
        if (!record.key) return;
        let parsed: ConfigRecord | undefined;
        try {
          parsed = parseConfigRecord(record.key.toString('utf8'), record.value?.toString('utf8'));
        } catch (error) {
          this.#logger.error(
            { err: error, offset: String(record.offset) },
            'skipping unreadable config record',
          );
          return;
        }
        if (!parsed) return;
        const changed = this.state.apply(parsed, record.offset);
        if (parsed.kind === 'restart') this.#listener?.onRestartRequest(parsed);
        else if (changed) this.#listener?.onConnectorChange(changed);
      },
    });
  }

  setListener(listener: ConfigStoreListener): void {
    this.#listener = listener;
  }

  start(): Promise<void> {
    return this.#log.start();
  }

  stop(): Promise<void> {
    return this.#log.stop();
  }

  refresh(): Promise<void> {
    return this.#log.readToEnd();
  }

  async #write(record: ConfigRecord): Promise<void> {
    // The config topic has one partition: one total order of changes for every worker.
    await this.#log.send(configRecordKey(record), configRecordValue(record), 0);
  }

  async putConnectorConfig(
    name: string,
    config: Record<string, string>,
    targetState?: TargetState,
  ): Promise<void> {
    if (targetState) await this.#write({ kind: 'target-state', connector: name, state: targetState });
    await this.#write({ kind: 'connector', connector: name, properties: config });
  }

  async removeConnectorConfig(name: string): Promise<void> {
    await this.#write({ kind: 'connector', connector: name, properties: null });
    await this.#write({ kind: 'target-state', connector: name, state: null });
  }

  async putTaskConfigs(name: string, tasks: Record<string, string>[]): Promise<void> {
    for (const [task, properties] of tasks.entries())
      await this.#write({ kind: 'task', connector: name, task, properties });
    await this.#write({ kind: 'commit', connector: name, tasks: tasks.length });
  }

  putTargetState(name: string, state: TargetState): Promise<void> {
    return this.#write({ kind: 'target-state', connector: name, state });
  }

  putTaskCountRecord(name: string, taskCount: number): Promise<void> {
    return this.#write({ kind: 'task-count', connector: name, taskCount });
  }

  putRestartRequest(request: {
    connector: string;
    includeTasks: boolean;
    onlyFailed: boolean;
  }): Promise<void> {
    return this.#write({ kind: 'restart', ...request });
  }
}
