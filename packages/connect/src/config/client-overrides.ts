import { ConfigDef, type ConfigKeyDefinition, type RawConfig } from './config-def.js';
import { ConfigException } from './config-types.js';
import { parseType } from './parse-type.js';
import { atLeast, caseInsensitiveValidString, type Validator, validString } from './validators.js';

/**
 * Connect's per-connector client overrides (KIP-458): `producer.override.*`, `consumer.override.*`
 * and `admin.override.*` change the settings of the clients a connector's tasks use, as far as the
 * worker's `connector.client.config.override.policy` allows. msa-sync's clients are
 * @platformatic/kafka ones, so only the Java client keys that map onto an option the client really
 * applies are accepted; the table below is that mapping.
 */
export type ClientType = 'producer' | 'consumer' | 'admin';

export const CLIENT_OVERRIDE_PREFIXES: Readonly<Record<ClientType, string>> = {
  producer: 'producer.override.',
  consumer: 'consumer.override.',
  admin: 'admin.override.',
};

/** Apache's three policies; a worker names one by alias or by class. */
export type ClientOverridePolicy = 'None' | 'Principal' | 'All';

const POLICY_CLASSES: Readonly<Record<ClientOverridePolicy, string>> = {
  None: 'org.apache.kafka.connect.connector.policy.NoneConnectorClientConfigOverridePolicy',
  Principal: 'org.apache.kafka.connect.connector.policy.PrincipalConnectorClientConfigOverridePolicy',
  All: 'org.apache.kafka.connect.connector.policy.AllConnectorClientConfigOverridePolicy',
};

/**
 * `connector.client.config.override.policy` as a worker property: Apache accepts the alias, the
 * class's simple name or its full name; undefined when it is none of the three.
 */
export function parseClientOverridePolicy(value: string): ClientOverridePolicy | undefined {
  const v = value.trim();
  for (const [alias, className] of Object.entries(POLICY_CLASSES) as [ClientOverridePolicy, string][]) {
    if (v === alias || v === className || v === className.slice(className.lastIndexOf('.') + 1)) return alias;
  }
  return undefined;
}

export function clientOverridePolicyNames(): string[] {
  return Object.entries(POLICY_CLASSES).flat();
}

/** PrincipalConnectorClientConfigOverridePolicy: only who the client is may change. */
const PRINCIPAL_KEYS = new Set(['sasl.jaas.config', 'sasl.mechanism', 'security.protocol']);

/** Apache's policy check, with its message; undefined when the policy allows the override. */
export function policyError(policy: ClientOverridePolicy, clientKey: string): string | undefined {
  const allowed = policy === 'All' || (policy === 'Principal' && PRINCIPAL_KEYS.has(clientKey));
  return allowed
    ? undefined
    : `The '${policy}' policy does not allow '${clientKey}' to be overridden in the connector configuration.`;
}

/** Java client keys of type PASSWORD: their override values are never shown. */
const PASSWORD_CLIENT_KEYS = new Set([
  'sasl.jaas.config',
  'ssl.key.password',
  'ssl.keystore.password',
  'ssl.keystore.key',
  'ssl.keystore.certificate.chain',
  'ssl.truststore.password',
  'ssl.truststore.certificates',
  'sasl.oauthbearer.assertion.private.key.passphrase',
]);

/** Whether `key` is a client override holding a secret (a PASSWORD key of the Java client). */
export function isSecretClientOverride(key: string): boolean {
  for (const prefix of Object.values(CLIENT_OVERRIDE_PREFIXES)) {
    if (key.startsWith(prefix) && PASSWORD_CLIENT_KEYS.has(key.slice(prefix.length))) return true;
  }
  return false;
}

type Parsed = string | number | boolean;

interface ClientKey {
  type: 'INT' | 'LONG' | 'STRING' | 'BOOLEAN';
  /** The Java client's default, as it documents it. */
  default: Parsed | null;
  validator?: Validator;
  documentation: string;
  /** The @platformatic/kafka option (or worker setting) the value becomes. */
  apply: (value: Parsed, out: Record<string, unknown>) => void;
}

const INT_MAX = 2 ** 31 - 1;

const common = (doc: string): Record<string, ClientKey> => ({
  'client.id': {
    type: 'STRING',
    default: '',
    documentation: `Client id the ${doc} sends to the brokers (their logs and quotas).`,
    apply: (v, out) => {
      if (v !== '') out.clientId = v;
    },
  },
  'request.timeout.ms': {
    type: 'INT',
    default: 30000,
    validator: atLeast(0),
    documentation: 'How long a request waits for its response before it is retried or fails.',
    apply: (v, out) => {
      out.requestTimeoutMs = v;
    },
  },
  'retry.backoff.ms': {
    type: 'LONG',
    default: 100,
    validator: atLeast(0),
    documentation: 'Pause before a failed request is retried.',
    apply: (v, out) => {
      out.retryDelayMs = v;
    },
  },
  'metadata.max.age.ms': {
    type: 'LONG',
    default: 300000,
    validator: atLeast(0),
    documentation: 'Age after which cluster metadata is refreshed even without a leadership change.',
    apply: (v, out) => {
      out.metadataMaxAge = v;
    },
  },
  'socket.connection.setup.timeout.ms': {
    type: 'LONG',
    default: 10000,
    validator: atLeast(0),
    documentation: 'How long a connection attempt to a broker may take.',
    apply: (v, out) => {
      out.connectTimeoutMs = v;
    },
  },
});

const CLIENT_KEYS: Readonly<Record<ClientType, Readonly<Record<string, ClientKey>>>> = {
  producer: {
    ...common('producer'),
    acks: {
      type: 'STRING',
      default: 'all',
      validator: validString('all', '-1', '0', '1'),
      documentation: 'Acknowledgements the leader waits for before answering a produce request.',
      apply: (v, out) => {
        out.acks = v === 'all' ? -1 : Number(v);
      },
    },
    'compression.type': {
      type: 'STRING',
      default: 'none',
      validator: validString('none', 'gzip', 'snappy', 'lz4', 'zstd'),
      documentation: 'Compression of the record batches the producer sends.',
      apply: (v, out) => {
        if (v !== 'none') out.compression = v;
      },
    },
    'enable.idempotence': {
      type: 'BOOLEAN',
      default: true,
      documentation: 'Producer ids and sequence numbers, so that retries never write a record twice.',
      apply: (v, out) => {
        out.idempotent = v;
      },
    },
    retries: {
      type: 'INT',
      default: INT_MAX,
      validator: atLeast(0),
      documentation: 'How many times a failed produce request is retried.',
      apply: (v, out) => {
        out.retries = v;
      },
    },
  },
  consumer: {
    ...common('consumer'),
    'max.poll.records': {
      type: 'INT',
      default: 500,
      validator: atLeast(1),
      documentation: 'Most records handed to one put() of the sink task.',
      apply: (v, out) => {
        out.maxPollRecords = v;
      },
    },
    'isolation.level': {
      type: 'STRING',
      default: 'read_uncommitted',
      validator: caseInsensitiveValidString('read_committed', 'read_uncommitted'),
      documentation: 'read_committed skips records of open and aborted transactions.',
      apply: (v, out) => {
        out.isolationLevel = String(v).toLowerCase();
      },
    },
    'auto.offset.reset': {
      type: 'STRING',
      default: 'latest',
      validator: validString('earliest', 'latest', 'none'),
      documentation: 'Where a partition without a committed offset starts: earliest, latest, or none (fail).',
      apply: (v, out) => {
        out.fallbackMode = v === 'none' ? 'fail' : v;
      },
    },
    'fetch.min.bytes': {
      type: 'INT',
      default: 1,
      validator: atLeast(0),
      documentation: 'Least data a fetch waits for (up to fetch.max.wait.ms).',
      apply: (v, out) => {
        out.minBytes = v;
      },
    },
    'fetch.max.bytes': {
      type: 'INT',
      default: 52428800,
      validator: atLeast(0),
      documentation: 'Most data one fetch returns.',
      apply: (v, out) => {
        out.maxBytes = v;
      },
    },
    'max.partition.fetch.bytes': {
      type: 'INT',
      default: 1048576,
      validator: atLeast(0),
      documentation: 'Most data one fetch returns per partition.',
      apply: (v, out) => {
        out.maxBytesPerPartition = v;
      },
    },
    'fetch.max.wait.ms': {
      type: 'INT',
      default: 500,
      validator: atLeast(0),
      documentation: 'Longest the broker holds a fetch waiting for fetch.min.bytes.',
      apply: (v, out) => {
        out.maxWaitTime = v;
      },
    },
    'session.timeout.ms': {
      type: 'INT',
      default: 45000,
      documentation: 'How long the group waits for a silent member before its partitions move.',
      apply: (v, out) => {
        out.sessionTimeout = v;
      },
    },
    'heartbeat.interval.ms': {
      type: 'INT',
      default: 3000,
      documentation: 'Interval of the heartbeats to the group coordinator.',
      apply: (v, out) => {
        out.heartbeatInterval = v;
      },
    },
  },
  admin: common('admin client'),
};

/**
 * Keys Connect sets itself for its guarantees; an override would break them (a sink's group is
 * `connect-<name>`, its offsets are committed by the worker, records are bytes).
 */
const CONNECT_MANAGED: Readonly<Record<ClientType, Readonly<Record<string, string>>>> = {
  producer: {
    'transactional.id':
      'Connect names transactional ids itself (<group.id>-<connector>-<task>) so restarts fence older instances',
    'key.serializer': 'Connect serialises records with its converters; the producer sends bytes',
    'value.serializer': 'Connect serialises records with its converters; the producer sends bytes',
    'bootstrap.servers': 'source offsets and exactly-once transactions live on the worker’s Kafka cluster',
  },
  consumer: {
    'group.id':
      "a sink's consumer group is connect-<connector name>; the offsets REST API and the worker read it",
    'enable.auto.commit': 'the worker commits only offsets the task has flushed (at-least-once)',
    'key.deserializer': 'Connect converts bytes with its converters',
    'value.deserializer': 'Connect converts bytes with its converters',
    'bootstrap.servers': 'the worker manages sink offsets on its own Kafka cluster',
  },
  admin: {
    'bootstrap.servers': 'topics are created on the cluster the task produces to',
  },
};

/** The override keys msa-sync applies to a client, as written in a connector config. */
export function honouredOverrideKeys(client: ClientType): string[] {
  return Object.keys(CLIENT_KEYS[client]).map((k) => `${CLIENT_OVERRIDE_PREFIXES[client]}${k}`);
}

/**
 * The clients a connector's tasks have in msa-sync: a source task a producer (and an admin client
 * when it creates topics), a sink task a consumer and an admin client (and a producer for its dead
 * letter queue).
 */
export function clientsOf(type: 'source' | 'sink', props: RawConfig): Set<ClientType> {
  if (type === 'source') {
    const creates = Object.keys(props).some((k) => k.startsWith('topic.creation.'));
    return new Set<ClientType>(creates ? ['producer', 'admin'] : ['producer']);
  }
  const dlq = (props['errors.deadletterqueue.topic.name'] ?? '').trim() !== '';
  return new Set<ClientType>(dlq ? ['consumer', 'admin', 'producer'] : ['consumer', 'admin']);
}

function splitOverride(key: string): { client: ClientType; clientKey: string } | undefined {
  for (const [client, prefix] of Object.entries(CLIENT_OVERRIDE_PREFIXES) as [ClientType, string][]) {
    if (key.startsWith(prefix)) return { client, clientKey: key.slice(prefix.length) };
  }
  return undefined;
}

export function isClientOverrideKey(key: string): boolean {
  return splitOverride(key) !== undefined;
}

export interface OverrideContext {
  type: 'source' | 'sink';
  policy: ClientOverridePolicy;
  /** exactly.once.source.support on this worker: source producers are transactional. */
  exactlyOnceSource: boolean;
}

/**
 * Why msa-sync cannot take this override, or undefined when it applies it (its value is then
 * checked by the definition {@link defineHonouredOverrides} adds).
 */
export function overrideProblem(key: string, props: RawConfig, ctx: OverrideContext): string | undefined {
  const split = splitOverride(key);
  if (!split) return undefined;
  const { client, clientKey } = split;
  const refused = policyError(ctx.policy, clientKey);
  if (refused) return refused;
  const managed = CONNECT_MANAGED[client][clientKey];
  if (managed) return `'${key}' may not be overridden: ${managed}.`;
  if (!clientsOf(ctx.type, props).has(client)) {
    const why =
      client === 'consumer'
        ? 'source tasks read their offsets through the worker, with no consumer of their own'
        : client === 'admin'
          ? 'a source task has an admin client only when it creates topics (topic.creation.*)'
          : 'a sink task has a producer only for its dead letter queue (errors.deadletterqueue.topic.name)';
    return `A ${ctx.type} connector's tasks have no ${client} in msa-sync (${why}), so '${key}' would be ignored.`;
  }
  if (!(clientKey in CLIENT_KEYS[client])) {
    return `msa-sync does not apply the client override '${key}' (its ${client} applies ${Object.keys(CLIENT_KEYS[client]).join(', ')}); it refuses what it would ignore.`;
  }
  return undefined;
}

/** The definition of `<client>.override.<clientKey>`: the Java client's type, default and check. */
function overrideDefinition(client: ClientType, clientKey: string, spec: ClientKey): ConfigKeyDefinition {
  return {
    name: `${CLIENT_OVERRIDE_PREFIXES[client]}${clientKey}`,
    type: spec.type,
    default: spec.default,
    importance: 'LOW',
    documentation: `${spec.documentation} Overrides the ${client} setting '${clientKey}' for this connector's tasks.`,
    ...(spec.validator ? { validator: spec.validator } : {}),
  };
}

/** Every override msa-sync applies to `client`, keys with their prefix, as a ConfigDef. */
export function clientOverrideConfigDef(client: ClientType): ConfigDef {
  const def = new ConfigDef();
  for (const [clientKey, spec] of Object.entries(CLIENT_KEYS[client])) {
    def.define(overrideDefinition(client, clientKey, spec));
  }
  return def;
}

const OVERRIDE_DEFS: Readonly<Record<ClientType, ConfigDef>> = {
  producer: clientOverrideConfigDef('producer'),
  consumer: clientOverrideConfigDef('consumer'),
  admin: clientOverrideConfigDef('admin'),
};

/** Adds a definition (Java type, default, check) for each override of `props` msa-sync applies. */
export function defineHonouredOverrides(def: ConfigDef, props: RawConfig, ctx: OverrideContext): void {
  for (const key of Object.keys(props)) {
    const split = splitOverride(key);
    if (!split || overrideProblem(key, props, ctx) !== undefined) continue;
    def.override(
      overrideDefinition(
        split.client,
        split.clientKey,
        CLIENT_KEYS[split.client][split.clientKey] as ClientKey,
      ),
    );
  }
}

/**
 * Checks across override keys, as the Java producer makes them when it starts (here at validate
 * time): idempotence needs acks=all and retries, and a transactional (exactly-once) source
 * producer is always idempotent.
 */
export function crossCheckOverrides(props: RawConfig, ctx: OverrideContext): Map<string, string> {
  const errors = new Map<string, string>();
  if (!clientsOf(ctx.type, props).has('producer') || ctx.policy === 'None') return errors;
  const p = CLIENT_OVERRIDE_PREFIXES.producer;
  const read = (k: string, type: 'STRING' | 'BOOLEAN' | 'INT') => {
    const raw = props[`${p}${k}`];
    if (raw === undefined || raw === null) return undefined;
    try {
      return parseType(`${p}${k}`, raw, type);
    } catch {
      return undefined;
    }
  };
  const acks = read('acks', 'STRING');
  const idempotence = read('enable.idempotence', 'BOOLEAN');
  const retries = read('retries', 'INT');
  const transactional = ctx.type === 'source' && ctx.exactlyOnceSource;
  if (transactional && idempotence === false) {
    errors.set(
      `${p}enable.idempotence`,
      `exactly.once.source.support is enabled on this worker: source producers are transactional, hence idempotent; '${p}enable.idempotence=false' cannot apply.`,
    );
  }
  const idempotent = transactional || idempotence === true;
  if (idempotent && acks !== undefined && acks !== 'all' && acks !== '-1') {
    errors.set(
      `${p}acks`,
      transactional
        ? `exactly.once.source.support is enabled on this worker: source producers are transactional and need acks=all; '${p}acks=${acks}' cannot apply.`
        : 'Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.',
    );
  }
  if (idempotent && retries === 0) {
    errors.set(`${p}retries`, 'Must set retries to non-zero when using the idempotent producer.');
  }
  return errors;
}

/**
 * The options the overrides of `config` give `client` (keys as {@link ClientSettings} and the
 * @platformatic/kafka client name them; `maxPollRecords` is the sink worker's batch bound). Values
 * were validated when the config was written; a bad one fails the task here.
 */
export function clientOverrideOptions(
  config: Readonly<Record<string, string>>,
  client: ClientType,
  policy: ClientOverridePolicy = 'All',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const prefix = CLIENT_OVERRIDE_PREFIXES[client];
  // Apache's Worker checks the policy again when a task starts: a config stored under a more
  // permissive policy fails the task rather than run with settings the worker forbids.
  const forbidden = Object.keys(config)
    .filter((key) => key.startsWith(prefix))
    .map((key) => policyError(policy, key.slice(prefix.length)))
    .filter((message) => message !== undefined);
  if (forbidden.length > 0)
    throw new ConfigException(`Client Config Overrides not allowed: ${forbidden.join(' ')}`);
  const given = Object.keys(config).filter((key) => key.startsWith(prefix));
  for (const key of given) {
    if (!OVERRIDE_DEFS[client].key(key))
      throw new ConfigException(`msa-sync does not apply the client override '${key}'`);
  }
  // Only the overrides given change the client: its own defaults are not the Java client's.
  const parsed = OVERRIDE_DEFS[client].parse(config);
  for (const key of given) {
    const spec = CLIENT_KEYS[client][key.slice(prefix.length)] as ClientKey;
    spec.apply(parsed.get(key) as Parsed, out);
  }
  // acks other than all without an explicit enable.idempotence: the Java producer turns
  // idempotence off rather than fail, and so does msa-sync.
  if (client === 'producer' && out.acks !== undefined && out.acks !== -1 && out.idempotent === undefined) {
    out.idempotent = false;
  }
  return out;
}
