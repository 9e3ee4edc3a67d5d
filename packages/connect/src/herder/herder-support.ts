import type { ConnectorPlugin } from '../api/connector.js';
import { KAFKA_VERSION } from '../api/kafka-version.js';
import type { ClientOverridePolicy } from '../config/client-overrides.js';
import { HIDDEN } from '../config/config-types.js';
import { validateConnectorConfig } from '../config/connector-config.js';
import { maskSecrets, restoreHiddenSecrets, secretKeys } from '../config/secret-values.js';
import { type ConfigTransformer, hasReference } from '../config-providers/index.js';
import { converterRegistry, headerConverterClassNames } from '../converters/converter-registry.js';
import type {
  ConfigInfos,
  ConnectorConfig,
  ConnectorStateInfo,
  PluginInfo,
  RestartRequest,
  StateInfo,
  TargetState,
} from '../entities.js';
import { badRequest } from '../errors/connect-error.js';
import { rememberSecret, scrubKnownSecrets } from '../logging/known-secrets.js';
import type { Status } from '../storage/status-backing-store.js';
import { predicatePluginList, transformationPlugins } from '../transforms/transformation-plugins.js';
import type { PluginRegistry } from '../worker/plugins.js';

/** What a herder answers the same way in either mode: plugins, validation, stored configs. */

export function listPlugins(registry: PluginRegistry, connectorsOnly: boolean): PluginInfo[] {
  const connectors = registry.connectorPlugins();
  if (connectorsOnly) return connectors;
  return [
    ...connectors,
    ...converterRegistry
      .classNames()
      .sort()
      .map((className) => ({ class: className, type: 'converter' as const, version: KAFKA_VERSION })),
    // Apache lists every HeaderConverter it has (all its converters implement it); msa-sync lists
    // only SimpleHeaderConverter, the one header.converter it accepts.
    ...headerConverterClassNames().map((className) => ({
      class: className,
      type: 'header_converter' as const,
      version: KAFKA_VERSION,
    })),
    ...transformationPlugins().map((p) => ({
      class: p.className,
      type: 'transformation' as const,
      version: p.version,
    })),
    ...predicatePluginList().map((p) => ({
      class: p.className,
      type: 'predicate' as const,
      version: p.version,
    })),
  ];
}

/** What of the worker's own configuration decides whether a connector config is valid. */
export interface ValidationWorkerSettings {
  clientOverridePolicy: ClientOverridePolicy;
  topicCreationEnable: boolean;
  exactlyOnceSource: boolean;
  /** Whether a source connector may name its own offsets.storage.topic (distributed mode only). */
  connectorOffsetsTopics: boolean;
  /** The worker's key.converter and value.converter classes. */
  keyConverter: string;
  valueConverter: string;
}

export async function validateWithPlugins(
  registry: PluginRegistry,
  transformer: ConfigTransformer,
  pluginClass: string | undefined,
  config: ConnectorConfig,
  worker: ValidationWorkerSettings,
): Promise<ConfigInfos> {
  const className = pluginClass ?? config['connector.class'];
  if (!className) throw badRequest('Connector config contains no connector type');
  const plugin = registry.find(className);
  if (!plugin) {
    throw badRequest(
      `Failed to find any class that implements Connector and which name matches ${className}`,
    );
  }
  // Validated with references resolved (as Apache's herder does), answered with them as written.
  const resolved = transformer.transform(config);
  for (const key of secretKeys(resolved.config, plugin.configDef)) rememberSecret(resolved.config[key]);
  const extra = new Map(resolved.errors);
  if (resolved.errors.size === 0 && plugin.validate) {
    for (const [key, errors] of await plugin.validate(resolved.config))
      extra.set(key, [...(extra.get(key) ?? []), ...errors]);
  }
  const infos = validateConnectorConfig({
    props: { ...resolved.config, 'connector.class': className },
    type: plugin.type,
    connectorDef: plugin.configDef,
    extraErrors: extra,
    overridePolicy: worker.clientOverridePolicy,
    topicCreationEnabled: worker.topicCreationEnable,
    exactlyOnceSource: worker.exactlyOnceSource,
    connectorOffsetsTopics: worker.connectorOffsetsTopics,
    workerConverters: { key: worker.keyConverter, value: worker.valueConverter },
    connectorVersion: plugin.version,
    ...(plugin.exactlyOnceSupport
      ? { exactlyOnceSupport: (props) => plugin.exactlyOnceSupport?.(definedValues(props)) }
      : {}),
  });
  for (const { value } of infos.configs) {
    const raw = config[value.name];
    if (hasReference(raw)) value.value = raw ?? null;
    // Values of secret keys already read [hidden]; an error may quote what a driver saw.
    value.errors = value.errors.map(scrubKnownSecrets);
  }
  return infos;
}

/**
 * What REST shows of a stored config: secrets as `[hidden]`, references as written. Apache returns
 * stored configs as given; see docs/connect/differences.md.
 */
export function maskedConfig(
  config: Record<string, string>,
  plugin: ConnectorPlugin | undefined,
): Record<string, string> {
  return maskSecrets(config, plugin?.configDef);
}

/** The config to store for a create/replace: `[hidden]` values put back from the stored config. */
export function configToStore(
  name: string,
  config: ConnectorConfig,
  stored: Record<string, string> | undefined,
  plugin: ConnectorPlugin | undefined,
): ConnectorConfig {
  const restored = restoreHiddenSecrets({ ...config, name }, stored, plugin?.configDef);
  if (restored.unresolved.length > 0) {
    throw badRequest(
      `${restored.unresolved.join(', ')}: '${HIDDEN}' stands for a stored secret, and this connector has none; give the value itself or a config provider reference`,
    );
  }
  return restored.config;
}

/** A new connector's first target state (`initial_state` of the create request). */
export function initialTargetState(initialState: 'RUNNING' | 'PAUSED' | 'STOPPED' | undefined): TargetState {
  return initialState === 'PAUSED' ? 'PAUSED' : initialState === 'STOPPED' ? 'STOPPED' : 'STARTED';
}

export function stateInfo(status: Status | undefined, workerId: string): StateInfo {
  if (!status) return { state: 'UNASSIGNED', worker_id: workerId };
  return {
    state: status.state,
    worker_id: status.worker_id,
    ...(status.trace ? { trace: status.trace } : {}),
    ...(typeof status.version === 'string' ? { version: status.version } : {}),
  };
}

export function notStoppedMessage(name: string): string {
  return `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`;
}

/**
 * What `POST /connectors/{name}/restart` answers: the status before, with what the request restarts
 * marked RESTARTING; nothing (204) for a plain connector restart, as in Connect.
 */
export function restartingStatus(
  before: ConnectorStateInfo,
  request: RestartRequest,
): ConnectorStateInfo | undefined {
  if (!request.includeTasks && !request.onlyFailed) return undefined;
  const restarting = (s: { state: string }) => !request.onlyFailed || s.state === 'FAILED';
  return {
    ...before,
    connector: restarting(before.connector) ? { ...before.connector, state: 'RESTARTING' } : before.connector,
    tasks: before.tasks.map((t) =>
      request.includeTasks && restarting(t) ? { ...t, state: 'RESTARTING' } : t,
    ),
  };
}

/** A raw config without its null entries, as a connector plugin reads it. */
function definedValues(props: Readonly<Record<string, string | null | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(props))
    if (value !== null && value !== undefined) out[key] = value;
  return out;
}
