/**
 * Shapes shared by the herder, worker, storage, config and REST (Apache's rest.entities and the
 * connector states); the REST layer serialises them as Connect 4.x does. This module imports
 * nothing, so every layer may use it without importing the herder.
 */

export type ConnectorType = 'source' | 'sink' | 'unknown';

export type ConnectorState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';

/** What an operator asked a connector to be: kept in the config topic, survives restarts. */
export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';

export type ConnectorConfig = Record<string, string>;

export interface ConnectorTaskId {
  connector: string;
  task: number;
}

export interface ConnectorInfo {
  name: string;
  config: ConnectorConfig;
  tasks: ConnectorTaskId[];
  type: ConnectorType;
}

export interface StateInfo {
  state: ConnectorState;
  worker_id: string;
  trace?: string;
  /** The version of the plugin that runs it, as Connect 4.x reports it. */
  version?: string;
}

export interface TaskStateInfo extends StateInfo {
  id: number;
}

export interface ConnectorStateInfo {
  name: string;
  connector: StateInfo;
  tasks: TaskStateInfo[];
  type: ConnectorType;
}

export interface TaskInfo {
  id: ConnectorTaskId;
  config: Record<string, string>;
}

export interface PluginInfo {
  class: string;
  type: 'source' | 'sink' | 'converter' | 'header_converter' | 'transformation' | 'predicate';
  version: string;
}

/** `PUT /connector-plugins/{class}/config/validate` answer, field for field as Connect's. */
export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: ConfigInfo[];
}

export interface ConfigInfo {
  definition: ConfigKeyInfo;
  value: ConfigValueInfo;
}

export interface ConfigKeyInfo {
  name: string;
  type: string;
  required: boolean;
  default_value: string | null;
  importance: string;
  documentation: string;
  group: string | null;
  /**
   * `order_in_group`, as Apache Connect 4.3/4.4 answer (seen side by side in
   * test/connect/rest-conformance.test.ts; some older versions wrote `order`).
   */
  order_in_group: number;
  width: string;
  display_name: string;
  dependents: string[];
}

export interface ConfigValueInfo {
  name: string;
  value: string | null;
  recommended_values: string[];
  errors: string[];
  visible: boolean;
}

/** One entry of `GET /connectors/{name}/offsets`: partition and offset are connector-defined maps. */
export interface ConnectorOffset {
  partition: Record<string, unknown>;
  offset: Record<string, unknown> | null;
}

export interface ConnectorOffsets {
  offsets: ConnectorOffset[];
}

export interface RestartRequest {
  connector: string;
  onlyFailed: boolean;
  includeTasks: boolean;
}
