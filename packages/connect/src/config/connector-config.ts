import { KAFKA_VERSION } from '../api/kafka-version.js';
import {
  converterRegistry,
  headerConverterClassNames,
  resolveHeaderConverter,
  SIMPLE_HEADER_CONVERTER,
} from '../converters/converter-registry.js';
import type { ConfigInfos } from '../entities.js';
import { isSecretKey } from '../logging/redaction.js';
import { buildTransformationChain, TransformConfigError } from '../transforms/transformation-chain.js';
import {
  findPredicatePlugin,
  findTransformationPlugin,
  predicatePluginList,
  transformationPlugins,
} from '../transforms/transformation-plugins.js';
import {
  type ClientOverridePolicy,
  crossCheckOverrides,
  defineHonouredOverrides,
  isClientOverrideKey,
  type OverrideContext,
  overrideProblem,
} from './client-overrides.js';
import {
  type ConfigCheckOptions,
  ConfigDef,
  type RawConfig,
  toConfigInfos,
  type ValidatedValue,
} from './config-def.js';
import { ConfigException, Password } from './config-types.js';
import {
  DLQ_TOPIC_NAME_CONFIG,
  defineDeadLetterQueueKeys,
  defineErrorHandlingKeys,
} from './error-handling-config.js';
import { parseType } from './parse-type.js';
import { InvalidVersionSpec, versionRequirement } from './plugin-version.js';
import {
  enrichTopicCreationDef,
  TOPIC_CREATION_PREFIX,
  topicCreationGroupsDef,
  validateTopicCreationKeys,
} from './topic-creation-config.js';
import {
  atLeast,
  caseInsensitiveValidString,
  composite,
  lambda,
  nonEmptyString,
  nonEmptyStringWithoutControlChars,
  nonNull,
  regex,
  type Validator,
  validString,
} from './validators.js';

export {
  DLQ_CONTEXT_HEADERS_ENABLE_CONFIG,
  DLQ_TOPIC_NAME_CONFIG,
  DLQ_TOPIC_REPLICATION_FACTOR_CONFIG,
  ERROR_GROUP,
  ERRORS_LOG_ENABLE_CONFIG,
  ERRORS_LOG_INCLUDE_MESSAGES_CONFIG,
  ERRORS_RETRY_MAX_DELAY_CONFIG,
  ERRORS_RETRY_TIMEOUT_CONFIG,
  ERRORS_TOLERANCE_CONFIG,
} from './error-handling-config.js';

/** Keys Connect reads from every connector config, whatever the connector. */
export const NAME_CONFIG = 'name';
export const CONNECTOR_CLASS_CONFIG = 'connector.class';
export const TASKS_MAX_CONFIG = 'tasks.max';
export const KEY_CONVERTER_CLASS_CONFIG = 'key.converter';
export const VALUE_CONVERTER_CLASS_CONFIG = 'value.converter';
export const HEADER_CONVERTER_CLASS_CONFIG = 'header.converter';
export const TRANSFORMS_CONFIG = 'transforms';
/** Apache 4.x (KIP-891): which installed version of a plugin to run. */
export const CONNECTOR_PLUGIN_VERSION_CONFIG = 'connector.plugin.version';
export const KEY_CONVERTER_VERSION_CONFIG = 'key.converter.plugin.version';
export const VALUE_CONVERTER_VERSION_CONFIG = 'value.converter.plugin.version';
export const HEADER_CONVERTER_VERSION_CONFIG = 'header.converter.plugin.version';
export const PREDICATES_CONFIG = 'predicates';
export const CONFIG_RELOAD_ACTION_CONFIG = 'config.action.reload';
/** Sink connectors only. */
export const TOPICS_CONFIG = 'topics';
export const TOPICS_REGEX_CONFIG = 'topics.regex';
/** Source connectors only (Apache's SourceConnectorConfig, KIP-618). */
export const EXACTLY_ONCE_SUPPORT_CONFIG = 'exactly.once.support';
export const TRANSACTION_BOUNDARY_CONFIG = 'transaction.boundary';
export const TRANSACTION_BOUNDARY_INTERVAL_CONFIG = 'transaction.boundary.interval.ms';
export const OFFSETS_TOPIC_CONFIG = 'offsets.storage.topic';

export const COMMON_GROUP = 'Common';
export const TRANSFORMS_GROUP = 'Transforms';
export const PREDICATES_GROUP = 'Predicates';
export const EXACTLY_ONCE_SUPPORT_GROUP = 'Exactly Once Support';
/** Apache's group name for offsets.storage.topic, as it spells it. */
export const OFFSETS_TOPIC_GROUP = 'offsets.topic';

/** Apache's PluginVersionValidator: the value must read as a version requirement. */
function pluginVersionValidator(): Validator {
  return {
    description: 'a version, a Maven version range or latest',
    ensureValid(name, value) {
      try {
        versionRequirement(value === null ? null : String(value));
      } catch (error) {
        if (!(error instanceof InvalidVersionSpec)) throw error;
        throw ConfigException.invalid(name, value, error.message);
      }
    },
  };
}

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
  const def = new ConfigDef()
    .define({
      name: NAME_CONFIG,
      type: 'STRING',
      validator: nonEmptyStringWithoutControlChars(),
      importance: 'HIGH',
      documentation: 'Name of this connector; no two connectors of a cluster may share it.',
      group: COMMON_GROUP,
      orderInGroup: 1,
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
      orderInGroup: 2,
      width: 'LONG',
      displayName: 'Connector class',
    })
    .define({
      name: CONNECTOR_PLUGIN_VERSION_CONFIG,
      type: 'STRING',
      default: null,
      validator: pluginVersionValidator(),
      importance: 'MEDIUM',
      documentation:
        'Version of the connector plugin: a version, a Maven version range such as [4.0,5.0), or latest. Unset: the installed version.',
      group: COMMON_GROUP,
      orderInGroup: 3,
      width: 'MEDIUM',
      displayName: 'Connector version',
    })
    .define({
      name: TASKS_MAX_CONFIG,
      type: 'INT',
      default: 1,
      validator: atLeast(1),
      importance: 'HIGH',
      documentation: 'Upper bound on the number of tasks the connector may split its work into.',
      group: COMMON_GROUP,
      orderInGroup: 4,
      width: 'SHORT',
      displayName: 'Tasks max',
    })
    .define({
      name: 'tasks.max.enforce',
      type: 'BOOLEAN',
      default: true,
      // Apache's deprecated escape hatch; msa-sync only has the enforcing behaviour.
      validator: lambda('[true]', (value) =>
        value === false
          ? 'msa-sync always enforces tasks.max (a connector generating more tasks fails); false is not supported'
          : undefined,
      ),
      importance: 'LOW',
      documentation:
        '(Deprecated in Apache Connect) Whether a connector that generates more task configs than tasks.max fails. Only true is supported.',
      group: COMMON_GROUP,
      orderInGroup: 5,
      width: 'SHORT',
      displayName: 'Enforce tasks max',
    })
    .define({
      name: KEY_CONVERTER_CLASS_CONFIG,
      type: 'CLASS',
      default: null,
      importance: 'LOW',
      documentation:
        'Converter between record keys in Connect form and their bytes in Kafka. Unset: the worker setting applies.',
      group: COMMON_GROUP,
      orderInGroup: 6,
      width: 'SHORT',
      displayName: 'Key converter class',
    })
    .define({
      name: KEY_CONVERTER_VERSION_CONFIG,
      type: 'STRING',
      default: null,
      validator: pluginVersionValidator(),
      importance: 'LOW',
      documentation: 'Version of the key converter plugin, as for connector.plugin.version.',
      group: COMMON_GROUP,
      orderInGroup: 7,
      width: 'SHORT',
      displayName: 'Key converter version',
    })
    .define({
      name: VALUE_CONVERTER_CLASS_CONFIG,
      type: 'CLASS',
      default: null,
      importance: 'LOW',
      documentation:
        'Converter between record values in Connect form and their bytes in Kafka. Unset: the worker setting applies.',
      group: COMMON_GROUP,
      orderInGroup: 8,
      width: 'SHORT',
      displayName: 'Value converter class',
    })
    .define({
      name: VALUE_CONVERTER_VERSION_CONFIG,
      type: 'STRING',
      default: null,
      validator: pluginVersionValidator(),
      importance: 'LOW',
      documentation: 'Version of the value converter plugin, as for connector.plugin.version.',
      group: COMMON_GROUP,
      orderInGroup: 9,
      width: 'SHORT',
      displayName: 'Value converter version',
    })
    .define({
      name: HEADER_CONVERTER_CLASS_CONFIG,
      type: 'CLASS',
      default: null,
      importance: 'LOW',
      documentation:
        'Converter between record header values and their bytes in Kafka. Unset: the worker setting applies.',
      group: COMMON_GROUP,
      orderInGroup: 10,
      width: 'SHORT',
      displayName: 'Header converter class',
    })
    .define({
      name: HEADER_CONVERTER_VERSION_CONFIG,
      type: 'STRING',
      default: null,
      validator: pluginVersionValidator(),
      importance: 'LOW',
      documentation: 'Version of the header converter plugin, as for connector.plugin.version.',
      group: COMMON_GROUP,
      orderInGroup: 11,
      width: 'SHORT',
      displayName: 'Header converter version',
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
      orderInGroup: 12,
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
      orderInGroup: 13,
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
      orderInGroup: 14,
      width: 'MEDIUM',
      displayName: 'Reload Action',
    });
  return defineErrorHandlingKeys(def);
}

/** The common keys plus what every sink adds: topics, topics.regex and the dead letter queue. */
export function sinkConnectorConfigDef(): ConfigDef {
  const def = connectorConfigDef()
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
    });
  return defineDeadLetterQueueKeys(def);
}

const WORKER_READ_SINK_KEYS = sinkConnectorConfigDef().subset(
  TASKS_MAX_CONFIG,
  TOPICS_CONFIG,
  TOPICS_REGEX_CONFIG,
);

const TASKS_MAX_DEF = WORKER_READ_SINK_KEYS.subset(TASKS_MAX_CONFIG);

/** `tasks.max` of a stored connector config, parsed with its definition. */
export function tasksMaxOf(props: RawConfig): number {
  return TASKS_MAX_DEF.parse(props).getNumber(TASKS_MAX_CONFIG) as number;
}

/** What a sink task subscribes to: `topics` (blank entries dropped) or `topics.regex` (undefined when empty). */
export function sinkSubscriptionOf(props: RawConfig): { topics: string[]; topicsRegex: string | undefined } {
  const parsed = WORKER_READ_SINK_KEYS.parse(props);
  return {
    topics: (parsed.getList(TOPICS_CONFIG) ?? []).filter(Boolean),
    topicsRegex: parsed.getString(TOPICS_REGEX_CONFIG) || undefined,
  };
}

/** Values of exactly.once.support and transaction.boundary, as Apache's enums print them. */
export const EXACTLY_ONCE_SUPPORT_LEVELS = ['requested', 'required'] as const;
export const TRANSACTION_BOUNDARIES = ['poll', 'interval', 'connector'] as const;
export type TransactionBoundary = (typeof TRANSACTION_BOUNDARIES)[number];

/**
 * Adds the exactly-once keys of Apache's SourceConnectorConfig to a source connector's def: in
 * its group "Exactly Once Support" at orders 2 to 4 (order 1 is Apache's topic.creation.groups),
 * and offsets.storage.topic alone in group "offsets.topic".
 */
export function defineExactlyOnceSourceKeys(def: ConfigDef): ConfigDef {
  return def
    .define({
      name: EXACTLY_ONCE_SUPPORT_CONFIG,
      type: 'STRING',
      default: 'requested',
      validator: caseInsensitiveValidString(...EXACTLY_ONCE_SUPPORT_LEVELS),
      importance: 'MEDIUM',
      documentation:
        "'requested' or 'required'. With 'required', creating or validating the connector fails unless the " +
        'connector declares that it gives exactly-once delivery with this config and the worker runs ' +
        "exactly-once sources (exactly.once.source.support=enabled). 'requested' skips that check; read the " +
        "connector's documentation to know whether it can deliver exactly once.",
      group: EXACTLY_ONCE_SUPPORT_GROUP,
      orderInGroup: 2,
      width: 'SHORT',
      displayName: 'Exactly once support',
    })
    .define({
      name: TRANSACTION_BOUNDARY_CONFIG,
      type: 'STRING',
      default: 'poll',
      validator: caseInsensitiveValidString(...TRANSACTION_BOUNDARIES),
      importance: 'MEDIUM',
      documentation:
        "Where a task's producer transactions end: 'poll' commits one transaction per batch a task returns " +
        "from poll; 'interval' commits after transaction.boundary.interval.ms, the batches of several polls " +
        "together; 'connector' lets the connector decide, which only connectors able to define boundaries " +
        'accept.',
      group: EXACTLY_ONCE_SUPPORT_GROUP,
      orderInGroup: 3,
      width: 'SHORT',
      displayName: 'Transaction Boundary',
    })
    .define({
      name: TRANSACTION_BOUNDARY_INTERVAL_CONFIG,
      type: 'LONG',
      default: null,
      validator: lambda('[0,...]', (value) =>
        value !== null && Number(value) < 0 ? 'Value must be at least 0' : undefined,
      ),
      importance: 'LOW',
      documentation:
        "With transaction.boundary=interval: how long, in milliseconds, a task's transaction stays open before " +
        "it is committed. Unset: the worker's offset.flush.interval.ms. Only valid with transaction.boundary=interval.",
      group: EXACTLY_ONCE_SUPPORT_GROUP,
      orderInGroup: 4,
      width: 'SHORT',
      displayName: 'Transaction boundary interval',
    })
    .define({
      name: OFFSETS_TOPIC_CONFIG,
      type: 'STRING',
      default: null,
      validator: nonEmptyString(),
      importance: 'LOW',
      documentation:
        "A topic of this connector's own for its source offsets, created (compacted) when missing. Offsets are " +
        "written there, and read from there first, then from the worker's offset.storage.topic. Unset: the " +
        "worker's topic only.",
      group: OFFSETS_TOPIC_GROUP,
      orderInGroup: 1,
      width: 'LONG',
      displayName: 'Offsets topic',
    });
}

/** The common keys plus the exactly-once keys every source connector has. */
export function sourceConnectorConfigDef(): ConfigDef {
  // Apache's SourceConnectorConfig order: topic.creation.groups, then the exactly-once keys.
  return defineExactlyOnceSourceKeys(connectorConfigDef().merge(topicCreationGroupsDef()));
}

/** A source task's transaction.boundary and its interval (undefined: the worker's flush interval). */
export function transactionBoundaryOf(props: RawConfig): {
  boundary: TransactionBoundary;
  intervalMs: number | undefined;
} {
  const parsed = TRANSACTION_DEF.parse(props);
  return {
    boundary: (parsed.getString(TRANSACTION_BOUNDARY_CONFIG) ?? '').toLowerCase() as TransactionBoundary,
    intervalMs: parsed.getNumber(TRANSACTION_BOUNDARY_INTERVAL_CONFIG) ?? undefined,
  };
}

const TRANSACTION_DEF = sourceConnectorConfigDef().subset(
  TRANSACTION_BOUNDARY_CONFIG,
  TRANSACTION_BOUNDARY_INTERVAL_CONFIG,
);

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
    enriched.override({
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
      recommender: fixedRecommender(transformationPlugins().map((t) => t.className)),
    });
    definePluginVersionKey(enriched, prefix, group, `Transformation version for ${alias}`, alias, plugin);
    // As Apache: the plugin's keys and predicate/negate are one child definition, embedded in
    // Java's ConfigDef order (no default first, then importance, then name); none of them when the
    // class is unknown.
    if (plugin) embed(enriched, prefix, group, 2, plugin.configDef.merge(transformPredicateKeys(alias)));
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
      recommender: fixedRecommender(predicatePluginList().map((p) => p.className)),
    });
    definePluginVersionKey(enriched, prefix, group, `Predicate version for ${alias}`, alias, plugin);
    if (plugin) embed(enriched, prefix, group, 2, plugin.configDef);
  }
  return enriched;
}

/** Recommends the same values whatever the config: Apache's class recommenders list what the worker has. */
function fixedRecommender(values: readonly string[]) {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { validValues: () => [...sorted], visible: () => true };
}

/** A transform's `predicate` and `negate`, as Apache defines them for every transformation alias. */
function transformPredicateKeys(alias: string): ConfigDef {
  return new ConfigDef()
    .define({
      name: 'predicate',
      type: 'STRING',
      default: null,
      importance: 'MEDIUM',
      documentation: `Alias of the predicate that decides whether '${alias}' applies to a record.`,
      displayName: 'predicate',
    })
    .define({
      name: 'negate',
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation: `Apply '${alias}' when its predicate does not match instead.`,
      displayName: 'negate',
    });
}

/**
 * `<prefix>plugin.version` (KIP-891): the installed version as default and only recommendation
 * when the class is known; a requirement it does not meet is refused by validatePluginVersions.
 */
function definePluginVersionKey(
  def: ConfigDef,
  prefix: string,
  group: string,
  displayName: string,
  alias: string,
  plugin: { kind: 'transformation' | 'predicate' } | undefined,
): void {
  def.override({
    name: `${prefix}plugin.version`,
    type: 'STRING',
    default: plugin ? KAFKA_VERSION : null,
    validator: pluginVersionValidator(),
    importance: 'HIGH',
    documentation: `Version of the '${alias}' ${plugin?.kind ?? 'plugin'}: a version, a Maven version range or latest.`,
    group,
    orderInGroup: 1,
    width: 'LONG',
    displayName,
    recommender: fixedRecommender(plugin ? [KAFKA_VERSION] : []),
  });
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

const IMPORTANCE_RANK: Readonly<Record<string, number>> = { HIGH: 0, MEDIUM: 1, LOW: 2 };

/**
 * Kafka's `ConfigDef.embed`: `def`'s keys under `prefix`, in `group`, numbered from `firstOrder` in
 * Java's `sortedConfigs` order (plugin keys have no group: order in group, then keys without a
 * default, then importance, then name).
 */
function embed(target: ConfigDef, prefix: string, group: string, firstOrder: number, def: ConfigDef): void {
  let order = firstOrder;
  const sorted = [...def.keys().values()].sort(
    (a, b) =>
      a.orderInGroup - b.orderInGroup ||
      Number(!a.required) - Number(!b.required) ||
      (IMPORTANCE_RANK[a.importance] ?? 3) - (IMPORTANCE_RANK[b.importance] ?? 3) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  for (const key of sorted) {
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
  overrides: OverrideContext,
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
  if (header && resolveHeaderConverter(header) === undefined) {
    addError(
      results,
      HEADER_CONVERTER_CLASS_CONFIG,
      `msa-sync converts headers with ${SIMPLE_HEADER_CONVERTER} only; ${header} is not available.`,
    );
  }
  for (const [key, raw] of Object.entries(props)) {
    if (def.keys().has(key) || results.has(key)) continue;
    const problem = unknownKeyProblem(key, props, overrides, aliasPrefixes, className);
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
  props: RawConfig,
  overrides: OverrideContext,
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
  if (isClientOverrideKey(key)) return overrideProblem(key, props, overrides);
  // Checked (and refused where Apache would ignore them) by validateTopicCreationKeys.
  if (key.startsWith(TOPIC_CREATION_PREFIX)) return undefined;
  if (overrides.type === 'sink' && SOURCE_ONLY_KEYS.has(key)) {
    return `'${key}' applies to source connectors only: Connect's sink connector config does not define it, and msa-sync refuses keys it would ignore.`;
  }
  return `Unknown configuration '${key}': neither ${className} nor the Connect framework defines it, and msa-sync refuses keys it would ignore.`;
}

/** The settings under `prefix` (a converter's `key.converter.*`...), the prefix removed. */
export function prefixedProps(props: RawConfig, prefix: string): Record<string, string> {
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

/** Apache's `ExactlyOnceSupport`: what a source connector says of exactly-once delivery with a config. */
export type ExactlyOnceSupport = 'SUPPORTED' | 'UNSUPPORTED';

/** Keys of Apache's SourceConnectorConfig: on a sink they are refused (SinkConnectorConfig lacks them). */
const SOURCE_ONLY_KEYS = new Set([
  EXACTLY_ONCE_SUPPORT_CONFIG,
  TRANSACTION_BOUNDARY_CONFIG,
  TRANSACTION_BOUNDARY_INTERVAL_CONFIG,
  OFFSETS_TOPIC_CONFIG,
]);

/**
 * Apache's DistributedHerder checks of exactly.once.support and transaction.boundary, with its
 * messages; plus what msa-sync refuses where Apache would ignore the key: a transaction boundary on
 * a worker without exactly-once sources (no transactions to bound), and an interval without
 * transaction.boundary=interval.
 */
function validateExactlyOnceSourceKeys(
  props: RawConfig,
  results: Map<string, ValidatedValue>,
  request: ConnectorValidationRequest,
): void {
  const enabled = request.exactlyOnceSource ?? true;
  const clean = (key: string) => (results.get(key)?.errors.length ?? 1) === 0;
  if (request.connectorOffsetsTopics === false && String(props[OFFSETS_TOPIC_CONFIG] ?? '').trim() !== '') {
    // Apache's standalone worker keeps every offset in its file and ignores the key.
    addError(
      results,
      OFFSETS_TOPIC_CONFIG,
      "A standalone worker keeps source offsets in its offset.storage.file.filename; a connector's own offsets topic needs distributed mode, and msa-sync refuses keys it would ignore.",
    );
  }
  const lowerValue = (key: string) =>
    String(results.get(key)?.value ?? '')
      .trim()
      .toLowerCase();
  if (clean(EXACTLY_ONCE_SUPPORT_CONFIG) && lowerValue(EXACTLY_ONCE_SUPPORT_CONFIG) === 'required') {
    if (!enabled) {
      addError(
        results,
        EXACTLY_ONCE_SUPPORT_CONFIG,
        'This worker does not have exactly-once source support enabled.',
      );
    }
    try {
      const support = request.exactlyOnceSupport?.(props);
      if (support === undefined) {
        addError(
          results,
          EXACTLY_ONCE_SUPPORT_CONFIG,
          'The connector does not implement the API required for preflight validation of exactly-once source ' +
            'support. Please consult the documentation for the connector to determine whether it supports ' +
            'exactly-once semantics, and then consider reconfiguring the connector to use the value "requested" ' +
            'for this property (which will disable this preflight check and allow the connector to be created).',
        );
      } else if (support !== 'SUPPORTED') {
        addError(
          results,
          EXACTLY_ONCE_SUPPORT_CONFIG,
          'The connector does not support exactly-once semantics with the provided configuration.',
        );
      }
    } catch (error) {
      const message = error instanceof Error ? error.message.trim() : '';
      addError(
        results,
        EXACTLY_ONCE_SUPPORT_CONFIG,
        message
          ? `An unexpected error occurred during validation: ${message}`
          : 'An unexpected error occurred during validation; please see the worker logs for more details.',
      );
    }
  }
  const boundary = lowerValue(TRANSACTION_BOUNDARY_CONFIG);
  if (clean(TRANSACTION_BOUNDARY_CONFIG) && boundary === 'connector') {
    // No msa-sync connector can define its own boundaries (there is no TransactionContext): Apache
    // answers this for a connector whose canDefineTransactionBoundaries says UNSUPPORTED.
    addError(
      results,
      TRANSACTION_BOUNDARY_CONFIG,
      'The connector does not support connector-defined transaction boundaries with the given configuration. ' +
        'Please reconfigure it to use a different transaction boundary definition.',
    );
  }
  const given = (key: string) => (props[key] ?? '').trim() !== '';
  if (!enabled) {
    for (const key of [TRANSACTION_BOUNDARY_CONFIG, TRANSACTION_BOUNDARY_INTERVAL_CONFIG]) {
      if (given(key) && clean(key)) {
        addError(
          results,
          key,
          `This worker does not have exactly-once source support enabled (exactly.once.source.support), so its source tasks run no transactions for '${key}' to bound; Apache Connect would ignore it, msa-sync refuses it.`,
        );
      }
    }
  } else if (
    given(TRANSACTION_BOUNDARY_INTERVAL_CONFIG) &&
    clean(TRANSACTION_BOUNDARY_INTERVAL_CONFIG) &&
    clean(TRANSACTION_BOUNDARY_CONFIG) &&
    boundary !== 'interval'
  ) {
    addError(
      results,
      TRANSACTION_BOUNDARY_INTERVAL_CONFIG,
      `'${TRANSACTION_BOUNDARY_INTERVAL_CONFIG}' applies only with ${TRANSACTION_BOUNDARY_CONFIG}=interval (here: ${boundary}); Apache Connect would ignore it, msa-sync refuses it.`,
    );
  }
}

export interface ConnectorValidationRequest extends ConfigCheckOptions {
  props: RawConfig;
  type: 'source' | 'sink';
  /** The connector's own keys; a key it redefines replaces the common one. */
  connectorDef?: ConfigDef;
  /** Multi-key checks of the connector (Connect's `Connector.validate`): add errors to `results`. */
  validate?: (props: RawConfig, results: Map<string, ValidatedValue>) => void;
  /** Source connectors: Apache's `SourceConnector.exactlyOnceSupport`; undefined when it does not say. */
  exactlyOnceSupport?: (props: RawConfig) => ExactlyOnceSupport | undefined;
  /** Problems found elsewhere (a connector plugin's `validate`), by key; keys need not be defined. */
  extraErrors?: ReadonlyMap<string, readonly string[]>;
  /** The worker's connector.client.config.override.policy; Apache's default, All, when absent. */
  overridePolicy?: ClientOverridePolicy;
  /** The worker's topic.creation.enable; Apache's default, true, when absent. */
  topicCreationEnabled?: boolean;
  /** The worker's exactly.once.source.support; msa-sync's default, enabled, when absent. */
  exactlyOnceSource?: boolean;
  /** Whether offsets.storage.topic is honoured (distributed mode); true when absent. */
  connectorOffsetsTopics?: boolean;
  /**
   * The worker's key.converter / value.converter: what a connector without its own gets, shown as
   * the keys' defaults (Apache's validate does the same). Absent: no default is shown.
   */
  workerConverters?: { key: string; value: string };
  /** The installed version of the connector plugin (msa-sync has exactly one of each). */
  connectorVersion?: string;
}

/** A key's definition again, with another default and a recommender listing `recommended`. */
function withDefault(
  def: ConfigDef,
  name: string,
  defaultValue: string,
  recommended: readonly string[],
): void {
  const key = def.key(name);
  if (!key) return;
  def.override({
    name,
    type: key.type,
    default: defaultValue,
    ...(key.validator ? { validator: key.validator } : {}),
    importance: key.importance,
    documentation: key.documentation,
    group: key.group,
    orderInGroup: key.orderInGroup,
    width: key.width,
    displayName: key.displayName,
    dependents: [...key.dependents],
    recommender: { validValues: () => [...recommended], visible: () => true },
  });
}

/**
 * Apache's validate shows each `*.plugin.version` with the installed version as default, value
 * (when unset) and only recommended value. Every converter msa-sync ships is of its Kafka release.
 */
function definePluginVersionDefaults(def: ConfigDef, connectorVersion: string | undefined): void {
  if (connectorVersion !== undefined) {
    withDefault(def, CONNECTOR_PLUGIN_VERSION_CONFIG, connectorVersion, [connectorVersion]);
  }
  for (const name of [
    KEY_CONVERTER_VERSION_CONFIG,
    VALUE_CONVERTER_VERSION_CONFIG,
    HEADER_CONVERTER_VERSION_CONFIG,
  ]) {
    withDefault(def, name, KAFKA_VERSION, [KAFKA_VERSION]);
  }
}

/**
 * A `*.plugin.version` the installed plugin does not satisfy is an error, with Apache's message:
 * msa-sync cannot run another version than the one it has.
 */
function validatePluginVersions(
  props: RawConfig,
  results: Map<string, ValidatedValue>,
  request: ConnectorValidationRequest,
): void {
  const converterClass = (kind: 'key' | 'value'): string | undefined => {
    const own = props[`${kind}.converter`]?.trim();
    if (own) return converterRegistry.resolve(own);
    const worker = request.workerConverters?.[kind];
    return worker === undefined ? undefined : (converterRegistry.resolve(worker) ?? worker);
  };
  const header = props[HEADER_CONVERTER_CLASS_CONFIG]?.trim();
  const checks: Array<[string, string | undefined, string | undefined]> = [
    [CONNECTOR_PLUGIN_VERSION_CONFIG, props[CONNECTOR_CLASS_CONFIG] ?? undefined, request.connectorVersion],
    [KEY_CONVERTER_VERSION_CONFIG, converterClass('key'), KAFKA_VERSION],
    [VALUE_CONVERTER_VERSION_CONFIG, converterClass('value'), KAFKA_VERSION],
    [
      HEADER_CONVERTER_VERSION_CONFIG,
      header ? resolveHeaderConverter(header) : SIMPLE_HEADER_CONVERTER,
      KAFKA_VERSION,
    ],
  ];
  for (const [list, find] of [
    [TRANSFORMS_CONFIG, findTransformationPlugin],
    [PREDICATES_CONFIG, findPredicatePlugin],
  ] as const) {
    for (const alias of aliasesOf(props, list)) {
      const className = props[`${list}.${alias}.type`]?.trim();
      // Transformations and predicates are those of the Kafka release msa-sync implements.
      if (className && find(className))
        checks.push([`${list}.${alias}.plugin.version`, className, KAFKA_VERSION]);
    }
  }
  for (const [name, className, installed] of checks) {
    const result = results.get(name);
    if (!result || result.errors.length > 0 || result.value === null) continue;
    // An unknown class is reported on its own key; there is no version of it to check.
    if (className === undefined) continue;
    const requirement = versionRequirement(String(result.value));
    if (requirement === null || (installed !== undefined && requirement.contains(installed))) continue;
    result.errors.push(
      `Plugin ${className} not found that matches the version range ${requirement.text}, available versions: [${installed ?? ''}]`,
    );
  }
}

/**
 * Apache's validate shows key.converter / value.converter / header.converter with the worker's
 * classes as defaults (and values when unset) and the classes the worker has as recommended values.
 * msa-sync recommends only the header converter it runs.
 */
function defineWorkerConverterDefaults(
  def: ConfigDef,
  workerConverters: { key: string; value: string },
): void {
  const converters = converterRegistry.classNames().sort();
  const resolved = (name: string) => converterRegistry.resolve(name) ?? name;
  withDefault(def, KEY_CONVERTER_CLASS_CONFIG, resolved(workerConverters.key), converters);
  withDefault(def, VALUE_CONVERTER_CLASS_CONFIG, resolved(workerConverters.value), converters);
  withDefault(def, HEADER_CONVERTER_CLASS_CONFIG, SIMPLE_HEADER_CONVERTER, headerConverterClassNames());
}

/**
 * Validates a connector config as Connect's herder does: the common (and sink) keys, the per-alias
 * transform and predicate keys, the sink topic rules, then the connector's own keys and checks.
 * `name` of the answer is the `connector.class` given.
 */
export function validateConnectorConfig(request: ConnectorValidationRequest): ConfigInfos {
  const base = request.type === 'sink' ? sinkConnectorConfigDef() : sourceConnectorConfigDef();
  const def = enrichConnectorConfigDef(base, request.props).merge(
    ...(request.connectorDef ? [request.connectorDef] : []),
  );
  const overrides: OverrideContext = {
    type: request.type,
    policy: request.overridePolicy ?? 'All',
    exactlyOnceSource: request.exactlyOnceSource ?? true,
  };
  const topicCreationEnabled = request.topicCreationEnabled ?? true;
  if (request.type === 'source' && topicCreationEnabled) enrichTopicCreationDef(def, request.props);
  defineHonouredOverrides(def, request.props, overrides);
  if (request.workerConverters) defineWorkerConverterDefaults(def, request.workerConverters);
  definePluginVersionDefaults(def, request.connectorVersion);
  const results = def.validateAll(request.props, request);
  validatePluginVersions(request.props, results, request);
  validateTransformKeys(def, request.props, results);
  validateTopicCreationKeys(request.props, request.type, topicCreationEnabled, def, results);
  for (const [key, message] of crossCheckOverrides(request.props, overrides)) addError(results, key, message);
  if (request.type === 'sink') validateSinkTopics(request.props, results);
  else validateExactlyOnceSourceKeys(request.props, results, request);
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
  validateUnknownKeys(def, request.props, overrides, results);
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
