import { tmpdir } from 'node:os';
import { parseBootstrapServers } from '@msa-sync/kafka';
import {
  type ClientOverridePolicy,
  clientOverridePolicyNames,
  parseClientOverridePolicy,
} from '../config/client-overrides.js';
import { ConfigDef, type ParsedConfig } from '../config/config-def.js';
import { ConfigException } from '../config/config-types.js';
import { caseInsensitiveValidString, lambda } from '../config/validators.js';
import { createConfigProviders } from '../config-providers/config-providers.js';
import { ConfigTransformer } from '../config-providers/config-transformer.js';
import {
  type ConfigProviderSettings,
  configProviderSettings,
} from '../config-providers/provider-settings.js';
import { JsonConverter } from '../converters/json/json-converter.js';
import {
  isLoopbackHost,
  type RestSecuritySettings,
  restSecurityConfigDef,
  restSecuritySettingsOf,
} from './rest-security-config.js';

/** The worker settings Apache's connect-distributed.properties carries, with Connect's defaults. */
export interface WorkerConfig {
  bootstrapServers: string[];
  groupId: string;
  keyConverter: string;
  valueConverter: string;
  /** Every `key.converter.*` / `value.converter.*` setting, prefix removed. */
  keyConverterConfig: Record<string, string>;
  valueConverterConfig: Record<string, string>;
  configTopic: string;
  offsetTopic: string;
  statusTopic: string;
  configReplicationFactor: number;
  offsetReplicationFactor: number;
  statusReplicationFactor: number;
  offsetPartitions: number;
  statusPartitions: number;
  offsetFlushIntervalMs: number;
  /**
   * exactly.once.source.support: source records and their offsets are written in one Kafka
   * transaction per poll, so a crash can neither lose nor repeat them. Connect's default is
   * 'disabled'; msa-sync's is 'enabled' (see docs/connect/exactly-once-sources.md).
   */
  exactlyOnceSource: boolean;
  /**
   * connector.client.config.override.policy: which `producer.override.*` / `consumer.override.*` /
   * `admin.override.*` keys connectors may set (Apache 4.x default: All).
   */
  clientOverridePolicy: ClientOverridePolicy;
  /** topic.creation.enable: source connectors may create their topics from topic.creation.* groups. */
  topicCreationEnable: boolean;
  /** task.threads.enable (msa-sync only): each sink task runs on a thread of its own. */
  taskThreads: boolean;
  /** Where REST listens: 127.0.0.1 unless `listeners` names another address. */
  restHost: string;
  restPort: number;
  /** How REST callers prove who they are; see rest-security-config.ts. */
  restSecurity: RestSecuritySettings;
  /** `file.stream.allowed.dirs`: the only directories FileStream connectors may read or write. */
  fileStreamAllowedDirs: string[];
  /** `config.providers` and their `config.providers.<alias>.*` settings. */
  configProviders: ConfigProviderSettings[];
  advertisedHost: string;
  advertisedPort: number;
  /**
   * How long the group waits for a silent worker before its tasks move (Apache's default, 10 s).
   * There is no scheduled rebalance delay on top: see the note on scheduled.rebalance.max.delay.ms.
   */
  sessionTimeoutMs: number;
  /**
   * `connect.protocol`: `sessioned` (Apache's default) rebalances incrementally and cooperatively,
   * `eager` stops all work at every rebalance.
   */
  rebalanceProtocol: 'eager' | 'cooperative';
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  /** Everything read, for keys this list does not name. */
  raw: Map<string, string>;
  notes: string[];
}

export class WorkerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerConfigError';
  }
}

export const BOOTSTRAP_SERVERS_CONFIG = 'bootstrap.servers';
export const GROUP_ID_CONFIG = 'group.id';
export const KEY_CONVERTER_CONFIG = 'key.converter';
export const VALUE_CONVERTER_CONFIG = 'value.converter';
export const CONFIG_TOPIC_CONFIG = 'config.storage.topic';
export const CONFIG_STORAGE_REPLICATION_FACTOR_CONFIG = 'config.storage.replication.factor';
export const OFFSET_STORAGE_TOPIC_CONFIG = 'offset.storage.topic';
export const OFFSET_STORAGE_PARTITIONS_CONFIG = 'offset.storage.partitions';
export const OFFSET_STORAGE_REPLICATION_FACTOR_CONFIG = 'offset.storage.replication.factor';
export const STATUS_STORAGE_TOPIC_CONFIG = 'status.storage.topic';
export const STATUS_STORAGE_PARTITIONS_CONFIG = 'status.storage.partitions';
export const STATUS_STORAGE_REPLICATION_FACTOR_CONFIG = 'status.storage.replication.factor';
export const OFFSET_COMMIT_INTERVAL_MS_CONFIG = 'offset.flush.interval.ms';
export const EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG = 'exactly.once.source.support';
export const CONNECTOR_CLIENT_POLICY_CLASS_CONFIG = 'connector.client.config.override.policy';
export const TOPIC_CREATION_ENABLE_CONFIG = 'topic.creation.enable';
export const TASK_THREADS_ENABLE_CONFIG = 'task.threads.enable';
export const LISTENERS_CONFIG = 'listeners';
export const REST_HOST_NAME_CONFIG = 'rest.host.name';
export const REST_PORT_CONFIG = 'rest.port';
export const REST_ADVERTISED_HOST_NAME_CONFIG = 'rest.advertised.host.name';
export const REST_ADVERTISED_PORT_CONFIG = 'rest.advertised.port';
export const FILE_STREAM_ALLOWED_DIRS_CONFIG = 'file.stream.allowed.dirs';
export const PLUGIN_PATH_CONFIG = 'plugin.path';
export const SESSION_TIMEOUT_MS_CONFIG = 'session.timeout.ms';
export const HEARTBEAT_INTERVAL_MS_CONFIG = 'heartbeat.interval.ms';
export const REBALANCE_TIMEOUT_MS_CONFIG = 'rebalance.timeout.ms';
export const CONNECT_PROTOCOL_CONFIG = 'connect.protocol';
export const SCHEDULED_REBALANCE_MAX_DELAY_MS_CONFIG = 'scheduled.rebalance.max.delay.ms';

const JSON_CONVERTER = JsonConverter.CLASS_NAME;

/**
 * `connect.protocol`: `sessioned` and `compatible` both rebalance cooperatively in Apache;
 * `sessioned` adds keys that sign internal REST requests, which msa-sync workers do not send
 * (followers write task configs to the config topic themselves). `compatible` also falls back to
 * eager when an older worker joins: refused, since this worker only speaks one protocol at a time
 * (a mixed group is refused by the broker, loudly).
 */
const connectProtocol = lambda('[eager, sessioned]', (value) => {
  const v = String(value).toLowerCase();
  if (v === 'eager' || v === 'sessioned') return undefined;
  if (v === 'compatible') {
    return 'compatible is not supported: msa-sync workers do not fall back to eager rebalancing within a running group. Use sessioned (the default, incremental cooperative) or eager, the same on every worker of the group.';
  }
  return 'String must be one of: eager, sessioned';
});

/**
 * Apache's cooperative protocol keeps a departed worker's tasks unassigned for this delay (5
 * minutes by default) in case it returns; here they are handed out at the next rebalance, which is
 * what 0 means. Another value would be accepted and not honoured: refused.
 */
const noRebalanceDelay = lambda('[0]', (value) =>
  value === 0
    ? undefined
    : "msa-sync reassigns a departed worker's connectors and tasks as soon as the group notices (session.timeout.ms), as Apache does with 0; set it to 0 or remove it.",
);

const overridePolicy = lambda(`[${clientOverridePolicyNames().join(', ')}]`, (value) =>
  parseClientOverridePolicy(String(value)) === undefined
    ? `must be one of ${clientOverridePolicyNames().join(', ')}`
    : undefined,
);

const absoluteDirs = lambda('absolute directories', (value) => {
  const relative = ((value as string[] | null) ?? []).find((dir) => dir !== '' && !dir.startsWith('/'));
  return relative === undefined ? undefined : `takes absolute directories, got '${relative}'`;
});

/**
 * The worker keys msa-sync reads, with Apache's types (WorkerConfig, DistributedConfig) and the
 * defaults this worker runs with. Where msa-sync's default differs from Apache's (a default group
 * and topic names, exactly-once sources on, REST on loopback, no rebalance delay) the key says so.
 * Keys not defined here stay in {@link WorkerConfig.raw}; the REST security keys come from
 * rest-security-config.ts.
 */
export function workerConfigDef(): ConfigDef {
  const def = new ConfigDef()
    .define({
      name: BOOTSTRAP_SERVERS_CONFIG,
      type: 'LIST',
      default: 'localhost:9092',
      importance: 'HIGH',
      documentation:
        'host:port pairs of the Kafka cluster; the KAFKA_BOOTSTRAP_SERVERS variable overrides it.',
    })
    .define({
      name: GROUP_ID_CONFIG,
      type: 'STRING',
      default: 'connect-cluster',
      importance: 'HIGH',
      documentation: 'The Connect cluster this worker joins (Apache requires it; msa-sync defaults it).',
    })
    .define({
      name: KEY_CONVERTER_CONFIG,
      type: 'CLASS',
      default: JSON_CONVERTER,
      importance: 'HIGH',
      documentation: 'Converter of record keys for connectors that do not name their own.',
    })
    .define({
      name: VALUE_CONVERTER_CONFIG,
      type: 'CLASS',
      default: JSON_CONVERTER,
      importance: 'HIGH',
      documentation: 'Converter of record values for connectors that do not name their own.',
    })
    .define({
      name: CONFIG_TOPIC_CONFIG,
      type: 'STRING',
      default: 'connect-configs',
      importance: 'HIGH',
      documentation: 'Topic holding connector and task configurations.',
    })
    .define({
      name: CONFIG_STORAGE_REPLICATION_FACTOR_CONFIG,
      type: 'SHORT',
      default: 3,
      importance: 'LOW',
      documentation: 'Replication factor the config topic is created with.',
    })
    .define({
      name: OFFSET_STORAGE_TOPIC_CONFIG,
      type: 'STRING',
      default: 'connect-offsets',
      importance: 'HIGH',
      documentation: 'Topic holding source connector offsets.',
    })
    .define({
      name: OFFSET_STORAGE_PARTITIONS_CONFIG,
      type: 'INT',
      default: 25,
      importance: 'LOW',
      documentation: 'Partitions the offsets topic is created with.',
    })
    .define({
      name: OFFSET_STORAGE_REPLICATION_FACTOR_CONFIG,
      type: 'SHORT',
      default: 3,
      importance: 'LOW',
      documentation: 'Replication factor the offsets topic is created with.',
    })
    .define({
      name: STATUS_STORAGE_TOPIC_CONFIG,
      type: 'STRING',
      default: 'connect-status',
      importance: 'HIGH',
      documentation: 'Topic holding connector and task statuses.',
    })
    .define({
      name: STATUS_STORAGE_PARTITIONS_CONFIG,
      type: 'INT',
      default: 5,
      importance: 'LOW',
      documentation: 'Partitions the status topic is created with.',
    })
    .define({
      name: STATUS_STORAGE_REPLICATION_FACTOR_CONFIG,
      type: 'SHORT',
      default: 3,
      importance: 'LOW',
      documentation: 'Replication factor the status topic is created with.',
    })
    .define({
      name: OFFSET_COMMIT_INTERVAL_MS_CONFIG,
      type: 'LONG',
      default: 60000,
      importance: 'LOW',
      documentation: 'How often tasks commit their offsets.',
    })
    .define({
      name: EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG,
      type: 'STRING',
      // Apache's default is disabled; see docs/connect/exactly-once-sources.md.
      default: 'enabled',
      validator: caseInsensitiveValidString('enabled', 'preparing', 'disabled'),
      importance: 'HIGH',
      documentation:
        "Source records and their offsets are written in one Kafka transaction per poll. 'preparing' (Apache's " +
        'rolling-upgrade step) runs as disabled: a cluster here has one kind of worker.',
    })
    .define({
      name: CONNECTOR_CLIENT_POLICY_CLASS_CONFIG,
      type: 'STRING',
      default: 'All',
      validator: overridePolicy,
      importance: 'MEDIUM',
      documentation:
        'Which producer/consumer/admin .override. keys connectors may set: None, Principal or All (alias or class name).',
    })
    .define({
      name: TOPIC_CREATION_ENABLE_CONFIG,
      type: 'BOOLEAN',
      default: true,
      importance: 'LOW',
      documentation: 'Source connectors may create their topics from topic.creation.* groups.',
    })
    .define({
      name: TASK_THREADS_ENABLE_CONFIG,
      type: 'BOOLEAN',
      default: true,
      importance: 'LOW',
      documentation:
        "msa-sync only: run each sink task on a thread of its own (with its own Kafka consumer, converters and database connection), as Apache runs each task on its own Java thread, so tasks use more than one core. false runs every task on the worker's event loop.",
    })
    .define({
      name: LISTENERS_CONFIG,
      type: 'LIST',
      // Apache's default, http://:8083, is every interface; msa-sync listens on 127.0.0.1:8083.
      default: null,
      importance: 'LOW',
      documentation:
        'Where REST listens, HTTP://host:port (the first one). Unset: rest.host.name and rest.port, else 127.0.0.1:8083.',
    })
    .define({
      name: REST_HOST_NAME_CONFIG,
      type: 'STRING',
      default: null,
      importance: 'LOW',
      documentation: 'Deprecated: the REST host when listeners is unset (127.0.0.1 when neither is).',
    })
    .define({
      name: REST_PORT_CONFIG,
      type: 'INT',
      default: 8083,
      importance: 'LOW',
      documentation: 'Deprecated: the REST port when listeners is unset.',
    })
    .define({
      name: REST_ADVERTISED_HOST_NAME_CONFIG,
      type: 'STRING',
      default: null,
      importance: 'LOW',
      documentation:
        'Host other workers reach this one at; unset: the REST host (127.0.0.1 for every interface).',
    })
    .define({
      name: REST_ADVERTISED_PORT_CONFIG,
      type: 'INT',
      default: null,
      importance: 'LOW',
      documentation: 'Port other workers reach this one at; unset: the REST port.',
    })
    .define({
      name: FILE_STREAM_ALLOWED_DIRS_CONFIG,
      type: 'LIST',
      // The system temp directory, so the quickstart's /tmp/in.txt works; empty: none.
      default: [tmpdir()],
      validator: absoluteDirs,
      importance: 'MEDIUM',
      documentation:
        "msa-sync only: the only directories FileStream connectors may read or write (Apache's can touch any file).",
    })
    .define({
      name: PLUGIN_PATH_CONFIG,
      type: 'LIST',
      default: null,
      importance: 'LOW',
      documentation: 'Accepted and ignored: msa-sync connectors are built in (JDBC source/sink, FileStream).',
    })
    .define({
      name: SESSION_TIMEOUT_MS_CONFIG,
      type: 'INT',
      default: 10000,
      importance: 'HIGH',
      documentation:
        'How long the group waits for a silent worker before its tasks move (no scheduled rebalance delay on top).',
    })
    .define({
      name: HEARTBEAT_INTERVAL_MS_CONFIG,
      type: 'INT',
      default: 3000,
      importance: 'HIGH',
      documentation: 'Interval of the heartbeats to the group coordinator.',
    })
    .define({
      name: REBALANCE_TIMEOUT_MS_CONFIG,
      type: 'INT',
      default: 60000,
      importance: 'HIGH',
      documentation: 'Longest a worker may take to rejoin the group once a rebalance starts.',
    })
    .define({
      name: CONNECT_PROTOCOL_CONFIG,
      type: 'STRING',
      default: 'sessioned',
      validator: connectProtocol,
      importance: 'LOW',
      documentation:
        'sessioned (the default) rebalances incrementally and cooperatively, eager stops all work at every rebalance.',
    })
    .define({
      name: SCHEDULED_REBALANCE_MAX_DELAY_MS_CONFIG,
      type: 'INT',
      // Apache's default is 5 minutes; see noRebalanceDelay.
      default: 0,
      validator: noRebalanceDelay,
      importance: 'LOW',
      documentation: "0 only: a departed worker's connectors and tasks are reassigned at the next rebalance.",
    });
  return def.merge(restSecurityConfigDef());
}

const WORKER_CONFIG_DEF = workerConfigDef();

/** Parses with `def`; a refused value is a {@link WorkerConfigError} with Kafka's message. */
export function parseWorkerProperties(def: ConfigDef, props: ReadonlyMap<string, string>): ParsedConfig {
  try {
    return def.parse(Object.fromEntries(props));
  } catch (error) {
    if (error instanceof ConfigException) throw new WorkerConfigError(error.message);
    throw error;
  }
}

export function workerConfig(
  original: Map<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): WorkerConfig {
  const configProviders = configProviderSettings(original);
  const props = resolveWorkerReferences(original, configProviders, env);
  const parsed = parseWorkerProperties(
    WORKER_CONFIG_DEF,
    env.KAFKA_BOOTSTRAP_SERVERS === undefined
      ? props
      : new Map([...props, [BOOTSTRAP_SERVERS_CONFIG, env.KAFKA_BOOTSTRAP_SERVERS]]),
  );
  const string = (key: string) => parsed.getString(key) as string;
  const number = (key: string) => parsed.getNumber(key) as number;
  const notes: string[] = [];
  if (parsed.getList(PLUGIN_PATH_CONFIG) !== null) {
    notes.push(
      'plugin.path is accepted and ignored: msa-sync connectors are built in (JDBC source/sink, FileStream).',
    );
  }
  const listeners = parsed.getList(LISTENERS_CONFIG);
  const { host, port } = restListener(
    listeners?.[0],
    parsed.getString(REST_HOST_NAME_CONFIG),
    number(REST_PORT_CONFIG),
  );
  const restSecurity = restSecuritySettingsOf(parsed, env);
  if (!isLoopbackHost(host) && !restSecurity.enabled) {
    throw new WorkerConfigError(
      `listeners=${props.get(LISTENERS_CONFIG)?.trim() ?? `HTTP://${host}:${port}`} makes the REST API listen beyond loopback (${host === '0.0.0.0' ? 'every interface' : host}) without authentication. ` +
        'Turn authentication on (rest.extension.classes=org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension ' +
        'with java.security.auth.login.config, or rest.auth.bearer.token.file), or set listeners=HTTP://127.0.0.1:<port>.',
    );
  }
  const prefixed = (prefix: string) =>
    Object.fromEntries(
      [...props].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]),
    );
  return {
    bootstrapServers: parseBootstrapServers((parsed.getList(BOOTSTRAP_SERVERS_CONFIG) ?? []).join(',')),
    groupId: string(GROUP_ID_CONFIG),
    keyConverter: string(KEY_CONVERTER_CONFIG),
    valueConverter: string(VALUE_CONVERTER_CONFIG),
    keyConverterConfig: prefixed('key.converter.'),
    valueConverterConfig: prefixed('value.converter.'),
    configTopic: string(CONFIG_TOPIC_CONFIG),
    offsetTopic: string(OFFSET_STORAGE_TOPIC_CONFIG),
    statusTopic: string(STATUS_STORAGE_TOPIC_CONFIG),
    configReplicationFactor: number(CONFIG_STORAGE_REPLICATION_FACTOR_CONFIG),
    offsetReplicationFactor: number(OFFSET_STORAGE_REPLICATION_FACTOR_CONFIG),
    statusReplicationFactor: number(STATUS_STORAGE_REPLICATION_FACTOR_CONFIG),
    offsetPartitions: number(OFFSET_STORAGE_PARTITIONS_CONFIG),
    statusPartitions: number(STATUS_STORAGE_PARTITIONS_CONFIG),
    offsetFlushIntervalMs: number(OFFSET_COMMIT_INTERVAL_MS_CONFIG),
    // 'preparing' is Connect's step for rolling upgrades of a cluster; one kind of worker here.
    exactlyOnceSource: string(EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG).toLowerCase() === 'enabled',
    clientOverridePolicy: parseClientOverridePolicy(
      string(CONNECTOR_CLIENT_POLICY_CLASS_CONFIG),
    ) as ClientOverridePolicy,
    topicCreationEnable: parsed.getBoolean(TOPIC_CREATION_ENABLE_CONFIG) as boolean,
    taskThreads: parsed.getBoolean(TASK_THREADS_ENABLE_CONFIG) as boolean,
    restHost: host,
    restPort: port,
    restSecurity,
    fileStreamAllowedDirs: (parsed.getList(FILE_STREAM_ALLOWED_DIRS_CONFIG) ?? []).filter(Boolean),
    configProviders,
    advertisedHost:
      parsed.getString(REST_ADVERTISED_HOST_NAME_CONFIG) ??
      (host === '0.0.0.0' || host === '' ? '127.0.0.1' : host),
    advertisedPort: parsed.getNumber(REST_ADVERTISED_PORT_CONFIG) ?? port,
    sessionTimeoutMs: number(SESSION_TIMEOUT_MS_CONFIG),
    rebalanceProtocol: string(CONNECT_PROTOCOL_CONFIG).toLowerCase() === 'eager' ? 'eager' : 'cooperative',
    heartbeatIntervalMs: number(HEARTBEAT_INTERVAL_MS_CONFIG),
    rebalanceTimeoutMs: number(REBALANCE_TIMEOUT_MS_CONFIG),
    raw: props,
    notes,
  };
}

/**
 * Worker properties may use the providers they configure, as in Apache (`${file:...}` for a SASL
 * password, say); the `config.providers.*` keys themselves are taken as written.
 */
function resolveWorkerReferences(
  props: Map<string, string>,
  settings: ConfigProviderSettings[],
  env: NodeJS.ProcessEnv,
): Map<string, string> {
  const transformer = new ConfigTransformer(createConfigProviders(settings, env));
  const own = Object.fromEntries([...props].filter(([key]) => !key.startsWith('config.providers')));
  const { config, errors } = transformer.transform(own);
  const [first] = [...errors].flatMap(([key, messages]) => messages.map((m) => `${key}: ${m}`));
  if (first) throw new WorkerConfigError(`Worker properties: ${first}`);
  return new Map([...props].map(([key, value]) => [key, config[key] ?? value]));
}

/**
 * The first of `listeners` (HTTP://host:port), else the deprecated rest.host.name / rest.port, else
 * 127.0.0.1:8083. An empty host keeps Apache's meaning (every interface), which then needs
 * authentication; nothing listens beyond loopback unless a setting names it.
 */
function restListener(
  listener: string | undefined,
  legacyHost: string | null,
  legacyPort: number,
): { host: string; port: number } {
  if (listener) {
    const match = /^(https?):\/\/(\[[^\]]*\]|[^:/]*):(\d+)$/i.exec(listener);
    if (!match) {
      throw new WorkerConfigError(
        `Invalid value ${listener} for configuration listeners: must look like HTTP://host:port`,
      );
    }
    if (match[1]?.toLowerCase() === 'https') {
      throw new WorkerConfigError(
        `Invalid value ${listener} for configuration listeners: HTTPS listeners are not supported yet`,
      );
    }
    return { host: match[2] || '0.0.0.0', port: Number(match[3]) };
  }
  return { host: legacyHost || '127.0.0.1', port: legacyPort };
}
