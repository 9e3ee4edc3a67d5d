import { converterRegistry } from '../converters/converter-registry.js';
import type { ConfigInfos } from '../herder/types.js';
import { isSecretKey } from '../logging/redaction.js';
import { buildTransformationChain, TransformConfigError } from '../transforms/transformation-chain.js';
import { findPredicatePlugin, findTransformationPlugin } from '../transforms/transformation-plugins.js';
import {
  type ConfigCheckOptions,
  ConfigDef,
  type RawConfig,
  toConfigInfos,
  type ValidatedValue,
} from './config-def.js';
import { ConfigException, Password } from './config-types.js';
import { parseType } from './parse-type.js';
import {
  atLeast,
  composite,
  lambda,
  nonEmptyStringWithoutControlChars,
  nonNull,
  regex,
  type Validator,
  validString,
} from './validators.js';

/** Keys Connect reads from every connector config, whatever the connector. */
export const NAME_CONFIG = 'name';
export const CONNECTOR_CLASS_CONFIG = 'connector.class';
export const TASKS_MAX_CONFIG = 'tasks.max';
export const KEY_CONVERTER_CLASS_CONFIG = 'key.converter';
export const VALUE_CONVERTER_CLASS_CONFIG = 'value.converter';
export const HEADER_CONVERTER_CLASS_CONFIG = 'header.converter';
export const TRANSFORMS_CONFIG = 'transforms';
export const PREDICATES_CONFIG = 'predicates';
export const CONFIG_RELOAD_ACTION_CONFIG = 'config.action.reload';
export const ERRORS_RETRY_TIMEOUT_CONFIG = 'errors.retry.timeout';
export const ERRORS_RETRY_MAX_DELAY_CONFIG = 'errors.retry.delay.max.ms';
export const ERRORS_TOLERANCE_CONFIG = 'errors.tolerance';
export const ERRORS_LOG_ENABLE_CONFIG = 'errors.log.enable';
export const ERRORS_LOG_INCLUDE_MESSAGES_CONFIG = 'errors.log.include.messages';
/** Sink connectors only. */
export const TOPICS_CONFIG = 'topics';
export const TOPICS_REGEX_CONFIG = 'topics.regex';
export const DLQ_TOPIC_NAME_CONFIG = 'errors.deadletterqueue.topic.name';
export const DLQ_TOPIC_REPLICATION_FACTOR_CONFIG = 'errors.deadletterqueue.topic.replication.factor';
export const DLQ_CONTEXT_HEADERS_ENABLE_CONFIG = 'errors.deadletterqueue.context.headers.enable';

export const COMMON_GROUP = 'Common';
export const TRANSFORMS_GROUP = 'Transforms';
export const PREDICATES_GROUP = 'Predicates';
export const ERROR_GROUP = 'Error Handling';

function uniqueAliases(kind: string) {
  return composite(
    nonNull(),
    lambda(`unique ${kind} aliases`, (value) =>
      Array.isArray(value) && new Set(value).size < value.length ? 'Duplicate alias provided.' : undefined,
    ),
  );
}

/** The keys every connector has, with Connect's types, defaults, groups and order. */
export function connectorConfigDef(): ConfigDef {
  let order = 0;
  let errorOrder = 0;
  return new ConfigDef()
    .define({
      name: NAME_CONFIG,
      type: 'STRING',
      validator: nonEmptyStringWithoutControlChars(),
      importance: 'HIGH',
      documentation: 'Name of this connector; no two connectors of a cluster may share it.',
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'MEDIUM',
      displayName: 'Connector name',
    })
    .define({
      name: CONNECTOR_CLASS_CONFIG,
      type: 'STRING',
      importance: 'HIGH',
      documentation:
        'Which connector to run: its full class name (io.confluent.connect.jdbc.JdbcSinkConnector) or a short ' +
        'alias (JdbcSinkConnector, JdbcSink).',
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'LONG',
      displayName: 'Connector class',
    })
    .define({
      name: TASKS_MAX_CONFIG,
      type: 'INT',
      default: 1,
      validator: atLeast(1),
      importance: 'HIGH',
      documentation: 'Upper bound on the number of tasks the connector may split its work into.',
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: 'Tasks max',
    })
    .define({
      name: KEY_CONVERTER_CLASS_CONFIG,
      type: 'CLASS',
      default: null,
      importance: 'LOW',
      documentation:
        'Converter between record keys in Connect form and their bytes in Kafka. Unset: the worker setting applies.',
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: 'Key converter class',
    })
    .define({
      name: VALUE_CONVERTER_CLASS_CONFIG,
      type: 'CLASS',
      default: null,
      importance: 'LOW',
      documentation:
        'Converter between record values in Connect form and their bytes in Kafka. Unset: the worker setting applies.',
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: 'Value converter class',
    })
    .define({
      name: HEADER_CONVERTER_CLASS_CONFIG,
      type: 'CLASS',
      default: null,
      importance: 'LOW',
      documentation:
        'Converter between record header values and their bytes in Kafka. Unset: the worker setting applies.',
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: 'Header converter class',
    })
    .define({
      name: TRANSFORMS_CONFIG,
      type: 'LIST',
      default: [],
      validator: uniqueAliases('transformation'),
      importance: 'LOW',
      documentation:
        'Comma-separated aliases of the single message transforms applied to each record, in order.',
      group: TRANSFORMS_GROUP,
      orderInGroup: ++order,
      width: 'LONG',
      displayName: 'Transforms',
    })
    .define({
      name: PREDICATES_CONFIG,
      type: 'LIST',
      default: [],
      validator: uniqueAliases('predicate'),
      importance: 'LOW',
      documentation: 'Comma-separated aliases of the predicates that transforms can be made conditional on.',
      group: PREDICATES_GROUP,
      orderInGroup: ++order,
      width: 'LONG',
      displayName: 'Predicates',
    })
    .define({
      name: CONFIG_RELOAD_ACTION_CONFIG,
      type: 'STRING',
      default: 'restart',
      validator: validString('none', 'restart'),
      importance: 'LOW',
      documentation:
        'What to do when a value resolved from an external config provider changes: restart the connector ' +
        "with the new values ('restart'), or nothing ('none').",
      group: COMMON_GROUP,
      orderInGroup: ++order,
      width: 'MEDIUM',
      displayName: 'Reload Action',
    })
    .define({
      name: ERRORS_RETRY_TIMEOUT_CONFIG,
      type: 'LONG',
      default: 0,
      importance: 'MEDIUM',
      documentation:
        'How long, in milliseconds, a failing operation keeps being retried. 0 means no retry, -1 retries forever.',
      group: ERROR_GROUP,
      orderInGroup: ++errorOrder,
      width: 'MEDIUM',
      displayName: 'Retry Timeout for Errors',
    })
    .define({
      name: ERRORS_RETRY_MAX_DELAY_CONFIG,
      type: 'LONG',
      default: 60000,
      importance: 'MEDIUM',
      documentation:
        'Longest pause, in milliseconds, between two retries; past it, random jitter spreads retries apart.',
      group: ERROR_GROUP,
      orderInGroup: ++errorOrder,
      width: 'MEDIUM',
      displayName: 'Maximum Delay Between Retries for Errors',
    })
    .define({
      name: ERRORS_TOLERANCE_CONFIG,
      type: 'STRING',
      default: 'none',
      validator: validString('none', 'all'),
      importance: 'MEDIUM',
      documentation: "'none' fails the task on the first bad record; 'all' skips bad records and carries on.",
      group: ERROR_GROUP,
      orderInGroup: ++errorOrder,
      width: 'SHORT',
      displayName: 'Error Tolerance',
    })
    .define({
      name: ERRORS_LOG_ENABLE_CONFIG,
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation: 'Log every error with the operation that failed, tolerated ones included.',
      group: ERROR_GROUP,
      orderInGroup: ++errorOrder,
      width: 'SHORT',
      displayName: 'Log Errors',
    })
    .define({
      name: ERRORS_LOG_INCLUDE_MESSAGES_CONFIG,
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation:
        'Include the failed record (key, value, headers) in those log lines; off keeps record contents out of ' +
        'the logs, topic and partition are still logged.',
      group: ERROR_GROUP,
      orderInGroup: ++errorOrder,
      width: 'SHORT',
      displayName: 'Log Error Details',
    });
}

/** The common keys plus what every sink adds: topics, topics.regex and the dead letter queue. */
export function sinkConnectorConfigDef(): ConfigDef {
  return connectorConfigDef()
    .define({
      name: TOPICS_CONFIG,
      type: 'LIST',
      default: '',
      importance: 'HIGH',
      documentation: 'Comma-separated topics to consume. Set this or topics.regex, not both.',
      group: COMMON_GROUP,
      orderInGroup: 4,
      width: 'LONG',
      displayName: 'Topics',
    })
    .define({
      name: TOPICS_REGEX_CONFIG,
      type: 'STRING',
      default: '',
      validator: regex(),
      importance: 'HIGH',
      documentation:
        'Regular expression; every topic whose whole name matches is consumed. Set this or topics.',
      group: COMMON_GROUP,
      orderInGroup: 4,
      width: 'LONG',
      displayName: 'Topics regex',
    })
    .define({
      name: DLQ_TOPIC_NAME_CONFIG,
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      documentation:
        'Topic that receives the records that failed in the connector, a transform or a converter. Empty: no ' +
        'dead letter queue.',
      group: ERROR_GROUP,
      orderInGroup: 6,
      width: 'MEDIUM',
      displayName: 'Dead Letter Queue Topic Name',
    })
    .define({
      name: DLQ_TOPIC_REPLICATION_FACTOR_CONFIG,
      type: 'SHORT',
      default: 3,
      importance: 'MEDIUM',
      documentation: 'Replication factor the dead letter queue topic is created with when it does not exist.',
      group: ERROR_GROUP,
      orderInGroup: 7,
      width: 'MEDIUM',
      displayName: 'Dead Letter Queue Topic Replication Factor',
    })
    .define({
      name: DLQ_CONTEXT_HEADERS_ENABLE_CONFIG,
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation:
        'Add headers describing the failure (all named __connect.errors.*) to records sent to the dead letter queue.',
      group: ERROR_GROUP,
      orderInGroup: 8,
      width: 'MEDIUM',
      displayName: 'Enable Error Context Headers',
    });
}

function aliasesOf(props: RawConfig, key: string): string[] {
  try {
    const list = parseType(key, props[key], 'LIST');
    return Array.isArray(list) ? [...new Set(list.filter((alias) => alias !== ''))] : [];
  } catch {
    return [];
  }
}

/**
 * Adds the per-alias keys Connect derives from `transforms` and `predicates` (its
 * `ConnectorConfig.enrich`): each alias needs a `.type` naming a class this worker has; a transform
 * can name a `.predicate` and `.negate` it; then the plugin's own keys follow, prefixed, in a group
 * `Transforms: <alias>` (or `Predicates: <alias>`).
 */
export function enrichConnectorConfigDef(base: ConfigDef, props: RawConfig): ConfigDef {
  const enriched = base.merge();
  for (const alias of aliasesOf(props, TRANSFORMS_CONFIG)) {
    const prefix = `${TRANSFORMS_CONFIG}.${alias}.`;
    const group = `${TRANSFORMS_GROUP}: ${alias}`;
    const typeKey = `${prefix}type`;
    const plugin = findTransformationPlugin(props[typeKey] ?? undefined);
    enriched
      .override({
        name: typeKey,
        type: 'CLASS',
        validator: pluginClassValidator(
          alias,
          'transformation',
          (name) => {
            if (findTransformationPlugin(name)) return undefined;
            return findPredicatePlugin(name) ? 'Not a Transformation' : `Class ${name} could not be found.`;
          },
          () => {
            if (props[`${prefix}negate`] != null && (props[`${prefix}predicate`] ?? '').trim() === '') {
              throw new ConfigException(
                `Config '${prefix}negate' was provided but there is no config '${prefix}predicate' defining a predicate to be negated.`,
              );
            }
          },
        ),
        importance: 'HIGH',
        documentation: `Class of the '${alias}' transformation.`,
        group,
        orderInGroup: 0,
        width: 'LONG',
        displayName: `Transformation type for ${alias}`,
      })
      .override({
        name: `${prefix}predicate`,
        type: 'STRING',
        default: '',
        importance: 'MEDIUM',
        documentation: `Alias of the predicate that decides whether '${alias}' applies to a record.`,
        group,
        orderInGroup: 1,
        width: 'NONE',
        displayName: `${prefix}predicate`,
      })
      .override({
        name: `${prefix}negate`,
        type: 'BOOLEAN',
        default: false,
        importance: 'MEDIUM',
        documentation: `Apply '${alias}' when its predicate does not match instead.`,
        group,
        orderInGroup: 2,
        width: 'NONE',
        displayName: `${prefix}negate`,
      });
    if (plugin) embed(enriched, prefix, group, 3, plugin.configDef);
  }
  for (const alias of aliasesOf(props, PREDICATES_CONFIG)) {
    const prefix = `${PREDICATES_CONFIG}.${alias}.`;
    const group = `${PREDICATES_GROUP}: ${alias}`;
    const typeKey = `${prefix}type`;
    const plugin = findPredicatePlugin(props[typeKey] ?? undefined);
    enriched.override({
      name: typeKey,
      type: 'CLASS',
      validator: pluginClassValidator(alias, 'predicate', (name) => {
        if (findPredicatePlugin(name)) return undefined;
        return findTransformationPlugin(name) ? 'Not a Predicate' : `Class ${name} could not be found.`;
      }),
      importance: 'HIGH',
      documentation: `Class of the '${alias}' predicate.`,
      group,
      orderInGroup: 0,
      width: 'LONG',
      displayName: `Predicate type for ${alias}`,
    });
    if (plugin) embed(enriched, prefix, group, 1, plugin.configDef);
  }
  return enriched;
}

/** The `.type` key's check: the class is one this worker runs, of the right kind. */
function pluginClassValidator(
  alias: string,
  kind: 'transformation' | 'predicate',
  problem: (className: string) => string | undefined,
  more?: () => void,
): Validator {
  return {
    description: `valid configs for ${alias} ${kind}`,
    ensureValid(name, value) {
      if (value === null) return;
      more?.();
      const reason = problem(String(value));
      if (reason !== undefined) throw ConfigException.invalid(name, value, reason);
    },
  };
}

/** Kafka's `ConfigDef.embed`: `def`'s keys under `prefix`, in `group`, ordered from `firstOrder`. */
function embed(target: ConfigDef, prefix: string, group: string, firstOrder: number, def: ConfigDef): void {
  let order = firstOrder;
  for (const key of def.keys().values()) {
    target.override({
      name: `${prefix}${key.name}`,
      type: key.type,
      ...(key.required ? {} : { default: key.defaultValue }),
      ...(key.validator ? { validator: key.validator } : {}),
      importance: key.importance,
      documentation: key.documentation,
      group,
      orderInGroup: order++,
      width: key.width,
      displayName: key.displayName,
      dependents: key.dependents.map((name) => `${prefix}${name}`),
      ...(key.recommender ? { recommender: key.recommender } : {}),
    });
  }
}

/**
 * Keys under a listed alias that neither Connect nor the plugin defines: Apache ignores them, but a
 * misspelt `transforms.mask.field` (for `fields`) would leave data unmasked without a word, so
 * msa-sync refuses them. Also the plugin's own refusal of its config (what Apache only reports when
 * the task starts) is reported here, on the alias's `.type`.
 */
function validateTransformKeys(def: ConfigDef, props: RawConfig, results: Map<string, ValidatedValue>): void {
  for (const [kind, list] of [
    ['transformation', TRANSFORMS_CONFIG],
    ['predicate', PREDICATES_CONFIG],
  ] as const) {
    for (const alias of aliasesOf(props, list)) {
      const prefix = `${list}.${alias}.`;
      for (const key of Object.keys(props)) {
        if (!key.startsWith(prefix) || def.keys().has(key)) continue;
        const plugin =
          kind === 'transformation'
            ? findTransformationPlugin(props[`${prefix}type`] ?? undefined)
            : findPredicatePlugin(props[`${prefix}type`] ?? undefined);
        if (!plugin) continue;
        results.set(key, {
          name: key,
          value: props[key] ?? null,
          errors: [
            `${plugin.className} has no configuration '${key.slice(prefix.length)}'; msa-sync refuses keys it would ignore.`,
          ],
          recommendedValues: [],
          visible: true,
        });
      }
    }
  }
  const typeKeysClean = [...results.values()].every(
    (r) => r.errors.length === 0 || !/^(transforms|predicates)\./.test(r.name),
  );
  if (!typeKeysClean) return;
  try {
    buildTransformationChain(props).close();
  } catch (error) {
    if (error instanceof TransformConfigError) addError(results, error.key, error.message);
    else throw error;
  }
}

/** The header converter msa-sync runs: Connect's default, which takes no settings of its own. */
const SIMPLE_HEADER_CONVERTER = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';
const SIMPLE_HEADER_CONVERTER_NAMES = new Set([
  SIMPLE_HEADER_CONVERTER,
  'SimpleHeaderConverter',
  'SimpleHeader',
]);

/** The client overrides (Connect's `consumer.override.*` …) the worker applies, by connector type. */
const HONOURED_CLIENT_OVERRIDES: Readonly<
  Record<'source' | 'sink', ReadonlyMap<string, (v: string) => string | undefined>>
> = {
  sink: new Map<string, (v: string) => string | undefined>([
    [
      'consumer.override.max.poll.records',
      (v) =>
        /^\s*[1-9]\d*\s*$/.test(v) && Number(v) <= 2 ** 31 - 1 ? undefined : 'Value must be at least 1',
    ],
    [
      'consumer.override.isolation.level',
      (v) =>
        ['read_committed', 'read_uncommitted'].includes(v.trim().toLowerCase())
          ? undefined
          : 'String must be one of: read_committed, read_uncommitted',
    ],
  ]),
  source: new Map(),
};
const CLIENT_OVERRIDE_PREFIXES = ['consumer.override.', 'producer.override.', 'admin.override.'];

/** Apache Connect 4.x framework keys msa-sync does not implement (yet), with what it does instead. */
const APACHE_KEYS_NOT_IMPLEMENTED: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /^(exactly\.once\.support|transaction\.boundary(\.interval\.ms)?)$/,
    "exactly-once for sources is the worker's exactly.once.source.support, with one transaction per poll; per-connector settings are not implemented",
  ],
  [
    /^offsets\.storage\.topic$/,
    "source offsets live in the worker's offset.storage.topic; a per-connector offsets topic is not implemented",
  ],
  [
    /^topic\.creation\./,
    'source topics are not created from topic.creation.* groups; create them first (msa-sync topics --create)',
  ],
  [/^tasks\.max\.enforce$/, 'tasks.max is always enforced'],
  [
    /^(connector|key\.converter|value\.converter|header\.converter)\.plugin\.version$/,
    'msa-sync has one version of each plugin',
  ],
];

/**
 * Keys neither Connect's framework nor the connector defines. Apache passes them to the connector,
 * which ignores what it does not read: a misspelt key, a `transforms.x.type` whose alias is not in
 * `transforms`, a `value.converter.schemas.enable` without `value.converter` (Connect then uses the
 * worker's converter and drops the setting), a client override the worker does not apply. msa-sync
 * refuses each, naming why, rather than run a config that does not do what it says.
 */
function validateUnknownKeys(
  def: ConfigDef,
  props: RawConfig,
  type: 'source' | 'sink',
  results: Map<string, ValidatedValue>,
): void {
  const className = props[CONNECTOR_CLASS_CONFIG] || 'the connector';
  const aliasPrefixes = [TRANSFORMS_CONFIG, PREDICATES_CONFIG].flatMap((list) =>
    aliasesOf(props, list).map((alias) => `${list}.${alias}.`),
  );
  for (const kind of ['key', 'value'] as const) {
    const name = `${kind}.converter`;
    const converter = props[name]?.trim();
    if (!converter) continue;
    if (converterRegistry.configKeys(converter) === undefined) {
      addError(
        results,
        name,
        `Class ${converter} could not be found. Known converters: ${converterRegistry.classNames().join(', ')}.`,
      );
      continue;
    }
    try {
      converterRegistry.create(converter).configure(prefixedProps(props, `${name}.`), kind === 'key');
    } catch (error) {
      addError(results, name, error instanceof Error ? error.message : String(error));
    }
  }
  const header = props[HEADER_CONVERTER_CLASS_CONFIG]?.trim();
  if (header && !SIMPLE_HEADER_CONVERTER_NAMES.has(header)) {
    addError(
      results,
      HEADER_CONVERTER_CLASS_CONFIG,
      `msa-sync converts headers with ${SIMPLE_HEADER_CONVERTER} only; ${header} is not available.`,
    );
  }
  for (const [key, raw] of Object.entries(props)) {
    if (def.keys().has(key) || results.has(key)) continue;
    const problem = unknownKeyProblem(key, raw ?? '', props, type, aliasPrefixes, className);
    if (problem === undefined) continue;
    results.set(key, {
      name: key,
      // Never echoed: a refused key may be a misspelt password (`connection.pasword`).
      value: raw === null || raw === undefined ? null : new Password(raw),
      errors: [problem],
      recommendedValues: [],
      visible: true,
    });
  }
}

/** Why `key` cannot be accepted, or undefined when it is one the worker reads. */
function unknownKeyProblem(
  key: string,
  value: string,
  props: RawConfig,
  type: 'source' | 'sink',
  aliasPrefixes: readonly string[],
  className: string,
): string | undefined {
  if (aliasPrefixes.some((prefix) => key.startsWith(prefix))) return undefined;
  for (const list of [TRANSFORMS_CONFIG, PREDICATES_CONFIG]) {
    if (key.startsWith(`${list}.`)) {
      return `'${key}' belongs to no alias listed in '${list}' (${props[list] || 'empty'}): Connect would never apply it. Add its alias to '${list}' or remove it.`;
    }
  }
  for (const kind of ['key', 'value'] as const) {
    const prefix = `${kind}.converter.`;
    if (!key.startsWith(prefix)) continue;
    const converter = props[`${kind}.converter`]?.trim();
    if (!converter) {
      return `'${key}' applies only together with '${kind}.converter' on this connector: without it Connect uses the worker's converter and ignores the setting. Set '${kind}.converter' too, or remove it.`;
    }
    const keys = converterRegistry.configKeys(converter);
    if (keys === undefined || keys.includes(key.slice(prefix.length))) return undefined;
    return `${converterRegistry.resolve(converter)} has no configuration '${key.slice(prefix.length)}'; msa-sync refuses keys it would ignore.`;
  }
  if (key.startsWith(`${HEADER_CONVERTER_CLASS_CONFIG}.`)) {
    return `${SIMPLE_HEADER_CONVERTER}, the header converter msa-sync runs, has no configuration '${key.slice(HEADER_CONVERTER_CLASS_CONFIG.length + 1)}'.`;
  }
  if (CLIENT_OVERRIDE_PREFIXES.some((prefix) => key.startsWith(prefix))) {
    const check = HONOURED_CLIENT_OVERRIDES[type].get(key);
    if (check) {
      const reason = check(value);
      return reason === undefined ? undefined : `Invalid value ${value} for configuration ${key}: ${reason}`;
    }
    const honoured = [...HONOURED_CLIENT_OVERRIDES[type].keys()];
    return `msa-sync does not apply the client override '${key}' to a ${type} connector's clients (it applies ${honoured.length ? honoured.join(', ') : 'none'}); it refuses what it would ignore.`;
  }
  const notImplemented = APACHE_KEYS_NOT_IMPLEMENTED.find(([pattern]) => pattern.test(key));
  if (notImplemented) return `'${key}' is not supported by msa-sync: ${notImplemented[1]}.`;
  return `Unknown configuration '${key}': neither ${className} nor the Connect framework defines it, and msa-sync refuses keys it would ignore.`;
}

function prefixedProps(props: RawConfig, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith(prefix) && value !== null && value !== undefined)
      out[key.slice(prefix.length)] = value;
  }
  return out;
}

function addError(results: Map<string, ValidatedValue>, name: string, message: string): void {
  results.get(name)?.errors.push(message);
}

/** Connect's sink checks across keys: exactly one of topics / topics.regex, and the DLQ outside both. */
export function validateSinkTopics(props: RawConfig, results: Map<string, ValidatedValue>): void {
  const topics = props[TOPICS_CONFIG]?.trim() ?? '';
  const topicsRegex = props[TOPICS_REGEX_CONFIG]?.trim() ?? '';
  const dlqTopic = props[DLQ_TOPIC_NAME_CONFIG]?.trim() ?? '';
  if (topics !== '' && topicsRegex !== '') {
    const message = `${TOPICS_CONFIG} and ${TOPICS_REGEX_CONFIG} are mutually exclusive options, but both are set.`;
    addError(results, TOPICS_CONFIG, message);
    addError(results, TOPICS_REGEX_CONFIG, message);
  }
  if (topics === '' && topicsRegex === '') {
    const message = `Must configure one of ${TOPICS_CONFIG} or ${TOPICS_REGEX_CONFIG}`;
    addError(results, TOPICS_CONFIG, message);
    addError(results, TOPICS_REGEX_CONFIG, message);
  }
  if (dlqTopic === '') return;
  if (topics !== '') {
    const list = [...new Set(topics.split(/\s*,\s*/).filter((t) => t !== ''))];
    if (list.includes(dlqTopic)) {
      addError(
        results,
        TOPICS_CONFIG,
        `The DLQ topic '${dlqTopic}' may not be included in the list of topics ('${TOPICS_CONFIG}=[${list.join(', ')}]') consumed by the connector`,
      );
    }
  }
  if (topicsRegex !== '') {
    let matches = false;
    try {
      matches = new RegExp(`^(?:${topicsRegex})$`).test(dlqTopic);
    } catch {
      // an invalid regex is already reported by the key's own validator
    }
    if (matches) {
      addError(
        results,
        TOPICS_REGEX_CONFIG,
        `The DLQ topic '${dlqTopic}' may not be matched by the regex for the topics ('${TOPICS_REGEX_CONFIG}=${topicsRegex}') consumed by the connector`,
      );
    }
  }
}

export interface ConnectorValidationRequest extends ConfigCheckOptions {
  props: RawConfig;
  type: 'source' | 'sink';
  /** The connector's own keys; a key it redefines replaces the common one. */
  connectorDef?: ConfigDef;
  /** Multi-key checks of the connector (Connect's `Connector.validate`): add errors to `results`. */
  validate?: (props: RawConfig, results: Map<string, ValidatedValue>) => void;
  /** Problems found elsewhere (a connector plugin's `validate`), by key; keys need not be defined. */
  extraErrors?: ReadonlyMap<string, readonly string[]>;
}

/**
 * Validates a connector config as Connect's herder does: the common (and sink) keys, the per-alias
 * transform and predicate keys, the sink topic rules, then the connector's own keys and checks.
 * `name` of the answer is the `connector.class` given.
 */
export function validateConnectorConfig(request: ConnectorValidationRequest): ConfigInfos {
  const base = request.type === 'sink' ? sinkConnectorConfigDef() : connectorConfigDef();
  const def = enrichConnectorConfigDef(base, request.props).merge(
    ...(request.connectorDef ? [request.connectorDef] : []),
  );
  const results = def.validateAll(request.props, request);
  validateTransformKeys(def, request.props, results);
  if (request.type === 'sink') validateSinkTopics(request.props, results);
  request.validate?.(request.props, results);
  for (const [name, errors] of request.extraErrors ?? []) {
    const raw = request.props[name] ?? null;
    const result = results.get(name) ?? {
      name,
      value: raw !== null && isSecretKey(name) ? new Password(raw) : raw,
      errors: [],
      recommendedValues: [],
      visible: true,
    };
    result.errors.push(...errors);
    results.set(name, result);
  }
  // Last: a key a connector's own validate() reported on is one it knows.
  validateUnknownKeys(def, request.props, request.type, results);
  return toConfigInfos(request.props[CONNECTOR_CLASS_CONFIG] ?? '', def, results);
}

/**
 * The message Connect's 400 carries when a config is refused: the count, then each problem on its
 * own line, then where to see them per key.
 */
export function invalidConfigMessage(errors: readonly string[]): string {
  return [
    `Connector configuration is invalid and contains the following ${errors.length} error(s):`,
    ...errors,
    'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
  ].join('\n');
}

/** {@link invalidConfigMessage} for a validation answer: every error of every key, in key order. */
export function configErrorsMessage(infos: ConfigInfos): string {
  return invalidConfigMessage(infos.configs.flatMap((config) => config.value.errors));
}
