import { tmpdir } from 'node:os';
import { parseBootstrapServers } from '@msa-sync/kafka';
import { createConfigProviders } from '../config-providers/config-providers.js';
import { ConfigTransformer } from '../config-providers/config-transformer.js';
import {
  type ConfigProviderSettings,
  configProviderSettings,
} from '../config-providers/provider-settings.js';
import { isLoopbackHost, type RestSecuritySettings, restSecuritySettings } from './rest-security-config.js';

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

const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';

export function workerConfig(
  original: Map<string, string>,
  env: NodeJS.ProcessEnv = process.env,
): WorkerConfig {
  const configProviders = configProviderSettings(original);
  const props = resolveWorkerReferences(original, configProviders, env);
  const get = (key: string) => props.get(key)?.trim();
  const int = (key: string, fallback: number) => {
    const value = get(key);
    if (value === undefined || value === '') return fallback;
    const n = Number(value);
    if (!Number.isInteger(n)) throw new WorkerConfigError(`${key} must be an integer, got '${value}'`);
    return n;
  };
  const notes: string[] = [];
  if (props.has('plugin.path')) {
    notes.push(
      'plugin.path is accepted and ignored: msa-sync connectors are built in (JDBC source/sink, FileStream).',
    );
  }
  if (props.has('scheduled.rebalance.max.delay.ms') || props.has('connect.protocol')) {
    // Apache's cooperative protocol keeps a departed worker's tasks unassigned for this delay
    // (5 minutes by default); the eager protocol here hands them out at the next rebalance, so a
    // dead worker's tasks run again within session.timeout.ms plus one rebalance.
    notes.push(
      'scheduled.rebalance.max.delay.ms and connect.protocol are ignored: workers rebalance eagerly, and a departed worker’s tasks are reassigned as soon as the group notices (session.timeout.ms).',
    );
  }
  const bootstrap = env.KAFKA_BOOTSTRAP_SERVERS ?? get('bootstrap.servers') ?? 'localhost:9092';
  const { host, port } = restListener(get('listeners'), get('rest.host.name'), get('rest.port'));
  const restSecurity = restSecuritySettings(props, env);
  if (!isLoopbackHost(host) && !restSecurity.enabled) {
    throw new WorkerConfigError(
      `listeners=${get('listeners') ?? `HTTP://${host}:${port}`} makes the REST API listen beyond loopback (${host === '0.0.0.0' ? 'every interface' : host}) without authentication. ` +
        'Turn authentication on (rest.extension.classes=org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension ' +
        'with java.security.auth.login.config, or rest.auth.bearer.token.file), or set listeners=HTTP://127.0.0.1:<port>.',
    );
  }
  const prefixed = (prefix: string) =>
    Object.fromEntries(
      [...props].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]),
    );
  return {
    bootstrapServers: parseBootstrapServers(bootstrap),
    groupId: get('group.id') ?? 'connect-cluster',
    keyConverter: get('key.converter') ?? JSON_CONVERTER,
    valueConverter: get('value.converter') ?? JSON_CONVERTER,
    keyConverterConfig: prefixed('key.converter.'),
    valueConverterConfig: prefixed('value.converter.'),
    configTopic: get('config.storage.topic') ?? 'connect-configs',
    offsetTopic: get('offset.storage.topic') ?? 'connect-offsets',
    statusTopic: get('status.storage.topic') ?? 'connect-status',
    configReplicationFactor: int('config.storage.replication.factor', 3),
    offsetReplicationFactor: int('offset.storage.replication.factor', 3),
    statusReplicationFactor: int('status.storage.replication.factor', 3),
    offsetPartitions: int('offset.storage.partitions', 25),
    statusPartitions: int('status.storage.partitions', 5),
    offsetFlushIntervalMs: int('offset.flush.interval.ms', 60_000),
    exactlyOnceSource: exactlyOnce(get('exactly.once.source.support')),
    restHost: host,
    restPort: port,
    restSecurity,
    fileStreamAllowedDirs: fileStreamAllowedDirs(props.get('file.stream.allowed.dirs')),
    configProviders,
    advertisedHost:
      get('rest.advertised.host.name') ?? (host === '0.0.0.0' || host === '' ? '127.0.0.1' : host),
    advertisedPort: int('rest.advertised.port', port),
    sessionTimeoutMs: int('session.timeout.ms', 10_000),
    heartbeatIntervalMs: int('heartbeat.interval.ms', 3000),
    rebalanceTimeoutMs: int('rebalance.timeout.ms', 60_000),
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

function exactlyOnce(value: string | undefined): boolean {
  const v = (value ?? 'enabled').toLowerCase();
  if (v === 'enabled') return true;
  // 'preparing' is Connect's step for rolling upgrades of a cluster; one kind of worker here.
  if (v === 'disabled' || v === 'preparing') return false;
  throw new WorkerConfigError(
    `exactly.once.source.support must be enabled, preparing or disabled, got '${value}'`,
  );
}

/**
 * `file.stream.allowed.dirs` (msa-sync's key; Apache's FileStream connectors can touch any file the
 * worker can). Unset: the system temp directory, so the quickstart's /tmp/in.txt works; empty: none.
 */
function fileStreamAllowedDirs(value: string | undefined): string[] {
  if (value === undefined) return [tmpdir()];
  const dirs = value
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  for (const dir of dirs) {
    if (!dir.startsWith('/'))
      throw new WorkerConfigError(`file.stream.allowed.dirs takes absolute directories, got '${dir}'`);
  }
  return dirs;
}

/**
 * `listeners=HTTP://host:port` (first one), else the deprecated rest.host.name / rest.port, else
 * 127.0.0.1:8083. An empty host keeps Apache's meaning (every interface), which then needs
 * authentication; nothing listens beyond loopback unless a setting names it.
 */
function restListener(
  listeners?: string,
  legacyHost?: string,
  legacyPort?: string,
): { host: string; port: number } {
  const first = listeners?.split(',')[0]?.trim();
  if (first) {
    const match = /^(https?):\/\/(\[[^\]]*\]|[^:/]*):(\d+)$/i.exec(first);
    if (!match) throw new WorkerConfigError(`listeners must look like HTTP://host:port, got '${first}'`);
    if (match[1]?.toLowerCase() === 'https')
      throw new WorkerConfigError('HTTPS listeners are not supported yet');
    return { host: match[2] || '0.0.0.0', port: Number(match[3]) };
  }
  return { host: legacyHost || '127.0.0.1', port: legacyPort ? Number(legacyPort) : 8083 };
}
