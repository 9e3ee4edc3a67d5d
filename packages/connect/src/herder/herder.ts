import type {
  ConfigInfos,
  ConfigKeyInfo,
  ConnectorConfig,
  ConnectorInfo,
  ConnectorOffsets,
  ConnectorStateInfo,
  PluginInfo,
  RestartRequest,
  TaskInfo,
  TaskStateInfo,
} from '../entities.js';

/**
 * The boundary the REST API talks to, as in Apache Kafka Connect: every operator action goes
 * through here, and the REST layer is a thin mapping of routes onto these calls. Methods reject with
 * a {@link ConnectError} (not found → 404, already exists → 409, ...).
 */
export interface Herder {
  /** Identity of this worker, e.g. `127.0.0.1:8083`. */
  readonly workerId: string;
  /** Kafka cluster id the worker is connected to (for `GET /`). */
  kafkaClusterId(): string;

  connectors(): Promise<string[]>;
  connectorInfo(name: string): Promise<ConnectorInfo>;
  connectorConfig(name: string): Promise<ConnectorConfig>;
  /** Creates or replaces. `allowReplace=false` → 409 when it exists. Validates first (400 lists every problem). */
  putConnectorConfig(
    name: string,
    config: ConnectorConfig,
    allowReplace: boolean,
    initialState?: 'RUNNING' | 'PAUSED' | 'STOPPED',
  ): Promise<{ created: boolean; info: ConnectorInfo }>;
  /** Merges the given keys into the existing config (null value removes a key). */
  patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo>;
  deleteConnector(name: string): Promise<void>;

  connectorStatus(name: string): Promise<ConnectorStateInfo>;
  taskStatus(name: string, task: number): Promise<TaskStateInfo>;
  taskConfigs(name: string): Promise<TaskInfo[]>;

  /** Returns the status after the restart was requested (202 in REST when tasks are included). */
  restartConnector(request: RestartRequest): Promise<ConnectorStateInfo | undefined>;
  restartTask(name: string, task: number): Promise<void>;
  pauseConnector(name: string): Promise<void>;
  resumeConnector(name: string): Promise<void>;
  stopConnector(name: string): Promise<void>;

  connectorActiveTopics(name: string): Promise<string[]>;
  resetConnectorActiveTopics(name: string): Promise<void>;

  connectorOffsets(name: string): Promise<ConnectorOffsets>;
  /** Only on a STOPPED connector (409 otherwise). */
  alterConnectorOffsets(name: string, offsets: ConnectorOffsets): Promise<string>;
  resetConnectorOffsets(name: string): Promise<string>;

  plugins(connectorsOnly: boolean): PluginInfo[];
  /** The config keys a connector, transformation or predicate takes (404 for an unknown plugin). */
  pluginConfig(pluginName: string): ConfigKeyInfo[];
  validateConnectorConfig(pluginClass: string | undefined, config: ConnectorConfig): Promise<ConfigInfos>;
}
