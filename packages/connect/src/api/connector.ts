import type { ConfigDef } from '../config/config-def.js';
import type { SinkRecord, SourceRecord, TopicPartition } from './records.js';

export type ConnectorConfigMap = Record<string, string>;

export interface ConnectorContext {
  /** The connector's task set changed (e.g. a new table appeared): regenerate task configs. */
  requestTaskReconfiguration(): void;
  /** An unrecoverable error outside start(): the connector goes FAILED with this trace. */
  raiseError(error: Error): void;
}

/** A connector instance, as org.apache.kafka.connect.connector.Connector: config in, task configs out. */
export interface Connector {
  version(): string;
  start(config: ConnectorConfigMap, context: ConnectorContext): Promise<void> | void;
  taskConfigs(maxTasks: number): ConnectorConfigMap[] | Promise<ConnectorConfigMap[]>;
  stop(): Promise<void> | void;
}

export interface OffsetStorageReader {
  offset(partition: Record<string, unknown>): Record<string, unknown> | null;
}

export interface SourceTaskContext {
  readonly connector: string;
  readonly taskId: number;
  readonly offsetStorageReader: OffsetStorageReader;
}

export interface SourceTask {
  start(config: ConnectorConfigMap, context: SourceTaskContext): Promise<void> | void;
  /** Records ready now, or an empty array / null after waiting a little; never blocks forever. */
  poll(signal: AbortSignal): Promise<SourceRecord[] | null>;
  /** Offsets up to here are durable in the offsets topic. */
  commit?(): Promise<void> | void;
  stop(): Promise<void> | void;
}

export interface ErrantRecordReporter {
  /**
   * Sends a record the task could not handle to the dead letter queue (or fails the task). An
   * error with a `contextHeaders` object adds its entries as `__connect.errors.<name>` headers.
   */
  report(record: SinkRecord, error: Error): Promise<void>;
}

export interface SinkTaskContext {
  readonly connector: string;
  readonly taskId: number;
  /** Rewinds partitions (e.g. to offsets a sink stored in its own database). */
  offset(offsets: Map<string, { topicPartition: TopicPartition; offset: bigint }>): void;
  /** Asks the worker to commit offsets soon. */
  requestCommit(): void;
  readonly errantRecordReporter: ErrantRecordReporter | undefined;
  assignment(): TopicPartition[];
  /**
   * The worker calls put() with no records when it has nothing more to deliver, and preCommit()
   * before every offset commit: a task may keep records buffered across puts until then.
   */
  readonly buffersAcrossPuts?: boolean;
}

export interface SinkTask {
  start(config: ConnectorConfigMap, context: SinkTaskContext): Promise<void> | void;
  open?(partitions: TopicPartition[]): Promise<void> | void;
  close?(partitions: TopicPartition[]): Promise<void> | void;
  put(records: SinkRecord[]): Promise<void>;
  /**
   * Everything put so far is durable; returns the offsets (next offset to read, per
   * `topic-partition` key) that may be committed. Defaults to everything put.
   */
  preCommit?(
    current: Map<string, { topicPartition: TopicPartition; offset: bigint }>,
  ):
    | Promise<Map<string, { topicPartition: TopicPartition; offset: bigint }>>
    | Map<string, { topicPartition: TopicPartition; offset: bigint }>;
  stop(): Promise<void> | void;
}

/** A connector class the worker knows, under Apache/Confluent class names and short aliases. */
export interface ConnectorPlugin {
  className: string;
  /** The class Connect names as `task.class` in the task configs (`GET /connectors/{name}/tasks`). */
  taskClassName: string;
  aliases: readonly string[];
  type: 'source' | 'sink';
  version: string;
  /** Connector-specific keys; merged with the common keys for validation. */
  configDef: ConfigDef;
  /** Extra checks that need the whole config or the outside world (database reachable, table exists...). */
  validate?(config: ConnectorConfigMap): Promise<Map<string, string[]>> | Map<string, string[]>;
  /**
   * Connect's `Connector.alterOffsets`: checks offsets an operator writes through
   * `PATCH /connectors/{name}/offsets` before anything is stored, and throws (a 400) on any
   * partition or offset this connector would not understand. A null offset removes a partition.
   */
  alterOffsets?(
    config: ConnectorConfigMap,
    offsets: readonly { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[],
  ): Promise<void> | void;
  /**
   * Source connectors: Apache's `SourceConnector.exactlyOnceSupport`, asked when a config sets
   * exactly.once.support=required: whether tasks with this config, their records and offsets
   * committed together, deliver each source record exactly once. Absent: the connector does not say.
   */
  exactlyOnceSupport?(config: ConnectorConfigMap): 'SUPPORTED' | 'UNSUPPORTED';
  createConnector(): Connector;
  createTask(): SourceTask | SinkTask;
}
