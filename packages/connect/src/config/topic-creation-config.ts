import { compileJavaRegex, type JavaPattern, javaRegexValidator } from '../transforms/java-regex.js';
import { ConfigDef, type RawConfig, type ValidatedValue } from './config-def.js';
import { ConfigException, type ConfigValue } from './config-types.js';
import { parseType } from './parse-type.js';
import { composite, lambda, nonNull, type Validator } from './validators.js';

/**
 * `topic.creation.*` of source connectors (KIP-158, Apache's SourceConnectorConfig and
 * TopicCreationConfig): the topics a source task produces to are created, the first time it
 * writes to them, with the partitions, replication factor and topic configs of the first group of
 * `topic.creation.groups` whose include/exclude regexes match, else of the default group.
 */
export const TOPIC_CREATION_PREFIX = 'topic.creation.';
export const TOPIC_CREATION_GROUPS_CONFIG = 'topic.creation.groups';
export const TOPIC_CREATION_GROUP = 'Topic Creation';
export const DEFAULT_TOPIC_CREATION_GROUP = 'default';
const DEFAULT_PREFIX = `${TOPIC_CREATION_PREFIX}${DEFAULT_TOPIC_CREATION_GROUP}.`;
const GROUP_KEYS = ['include', 'exclude', 'replication.factor', 'partitions'];

/**
 * Kafka 4.x topic configs (org.apache.kafka.common.config.TopicConfig): anything else under a
 * group is a typo the broker would refuse only when the task creates its first topic.
 */
const TOPIC_CONFIG_NAMES = new Set([
  'cleanup.policy',
  'compression.type',
  'compression.gzip.level',
  'compression.lz4.level',
  'compression.zstd.level',
  'delete.retention.ms',
  'file.delete.delay.ms',
  'flush.messages',
  'flush.ms',
  'follower.replication.throttled.replicas',
  'index.interval.bytes',
  'leader.replication.throttled.replicas',
  'local.retention.bytes',
  'local.retention.ms',
  'max.compaction.lag.ms',
  'max.message.bytes',
  'message.timestamp.after.max.ms',
  'message.timestamp.before.max.ms',
  'message.timestamp.type',
  'min.cleanable.dirty.ratio',
  'min.compaction.lag.ms',
  'min.insync.replicas',
  'preallocate',
  'remote.storage.enable',
  'remote.log.copy.disable',
  'remote.log.delete.on.disable',
  'retention.bytes',
  'retention.ms',
  'segment.bytes',
  'segment.index.bytes',
  'segment.jitter.ms',
  'segment.ms',
  'unclean.leader.election.enable',
]);

export function usesTopicCreation(props: RawConfig): boolean {
  return Object.keys(props).some((key) => key.startsWith(TOPIC_CREATION_PREFIX));
}

function minusOneOrPositive(): Validator {
  return lambda('-1 or [1,...]', (value) =>
    typeof value === 'number' && value !== -1 && value < 1 ? 'Value must be -1 or at least 1' : undefined,
  );
}

function regexList(): Validator {
  const one = javaRegexValidator();
  return composite(nonNull(), {
    description: 'list of valid regexes',
    ensureValid(name, value) {
      for (const pattern of Array.isArray(value) ? value : []) one.ensureValid(name, pattern);
    },
  });
}

/** The key of every source connector: `topic.creation.groups`, in group `Topic Creation`. */
export function topicCreationGroupsDef(): ConfigDef {
  return new ConfigDef().define({
    name: TOPIC_CREATION_GROUPS_CONFIG,
    type: 'LIST',
    default: [],
    validator: composite(
      nonNull(),
      lambda('unique topic creation groups', (value) =>
        Array.isArray(value) && new Set(value).size < value.length ? 'Duplicate alias provided.' : undefined,
      ),
    ),
    importance: 'LOW',
    documentation: 'Aliases of the groups of settings for the topics this source connector creates.',
    group: TOPIC_CREATION_GROUP,
    orderInGroup: 1,
    width: 'LONG',
    displayName: 'Topic Creation Groups',
  });
}

function groupAliases(props: RawConfig): string[] {
  try {
    const list = parseType(TOPIC_CREATION_GROUPS_CONFIG, props[TOPIC_CREATION_GROUPS_CONFIG], 'LIST');
    // `default` always exists; Apache drops it from the list with a warning.
    return Array.isArray(list)
      ? [...new Set(list.map(String).filter((a) => a !== '' && a !== DEFAULT_TOPIC_CREATION_GROUP))]
      : [];
  } catch {
    return [];
  }
}

/** The default group's value as other groups' default; an invalid one (reported on its key) is not used. */
function intOr(props: RawConfig, key: string, fallback: number): number {
  try {
    const value = parseType(key, props[key], 'INT');
    return typeof value === 'number' && (value === -1 || value >= 1) ? value : fallback;
  } catch {
    return fallback;
  }
}

/**
 * Apache's `embedDefaultGroup` then `enrich`: when a `topic.creation.*` key is set, the default
 * group's keys (replication factor and partitions required) in group `default`, and each listed
 * group's keys in `Topic Creation: <alias>`, their defaults the default group's values.
 */
export function enrichTopicCreationDef(def: ConfigDef, props: RawConfig): void {
  if (!usesTopicCreation(props)) return;
  const docs = {
    include:
      'Java regexes; a topic whose whole name matches one (and no exclude) gets this group’s settings.',
    exclude: 'Java regexes; a topic whose whole name matches one does not get this group’s settings.',
    replication: 'Replication factor of the topics this group creates; -1 means the broker’s default.',
    partitions: 'Partition count of the topics this group creates; -1 means the broker’s default.',
  };
  const groupDef = (group: string, prefix: string, rf: number | undefined, parts: number | undefined) => {
    let order = 0;
    def
      .override({
        name: `${prefix}include`,
        type: 'LIST',
        default: prefix === DEFAULT_PREFIX ? '.*' : [],
        validator: regexList(),
        importance: 'LOW',
        documentation: docs.include,
        group,
        orderInGroup: ++order,
        width: 'LONG',
        displayName: `Inclusion Topic Pattern for ${group}`,
      })
      .override({
        name: `${prefix}exclude`,
        type: 'LIST',
        default: [],
        validator: regexList(),
        importance: 'LOW',
        documentation: docs.exclude,
        group,
        orderInGroup: ++order,
        width: 'LONG',
        displayName: `Exclusion Topic Pattern for ${group}`,
      })
      .override({
        name: `${prefix}replication.factor`,
        type: 'INT',
        ...(rf === undefined ? {} : { default: rf }),
        validator: minusOneOrPositive(),
        importance: 'LOW',
        documentation: docs.replication,
        group,
        orderInGroup: ++order,
        width: 'LONG',
        displayName: `Replication Factor for Topics in ${group}`,
      })
      .override({
        name: `${prefix}partitions`,
        type: 'INT',
        ...(parts === undefined ? {} : { default: parts }),
        validator: minusOneOrPositive(),
        importance: 'LOW',
        documentation: docs.partitions,
        group,
        orderInGroup: ++order,
        width: 'LONG',
        displayName: `Partition Count for Topics in ${group}`,
      });
  };
  groupDef(DEFAULT_TOPIC_CREATION_GROUP, DEFAULT_PREFIX, undefined, undefined);
  const rf = intOr(props, `${DEFAULT_PREFIX}replication.factor`, -1);
  const parts = intOr(props, `${DEFAULT_PREFIX}partitions`, -1);
  for (const alias of groupAliases(props)) {
    groupDef(`${TOPIC_CREATION_GROUP}: ${alias}`, `${TOPIC_CREATION_PREFIX}${alias}.`, rf, parts);
  }
}

/**
 * Problems with `topic.creation.*` keys beyond their types: refused where Apache would ignore
 * (worker topic creation off, a sink, a group not listed, include/exclude on the default group,
 * a topic config Kafka does not have). Added to `results` as errors on the key.
 */
export function validateTopicCreationKeys(
  props: RawConfig,
  type: 'source' | 'sink',
  enabled: boolean,
  def: ConfigDef,
  results: Map<string, ValidatedValue>,
): void {
  const aliases = new Set(groupAliases(props));
  for (const [key, raw] of Object.entries(props)) {
    if (!key.startsWith(TOPIC_CREATION_PREFIX)) continue;
    let problem: string | undefined;
    if (type === 'sink') {
      problem = `'${key}' applies to source connectors only: a sink connector creates no topics.`;
    } else if (!enabled) {
      problem = `topic.creation.enable=false on this worker: Connect would ignore '${key}' and create no topics. Enable it on the workers, or remove the topic.creation.* keys.`;
    } else if (key === `${DEFAULT_PREFIX}include` || key === `${DEFAULT_PREFIX}exclude`) {
      problem = `The '${DEFAULT_TOPIC_CREATION_GROUP}' group matches every topic no other group matches; Connect ignores '${key}'.`;
    } else if (key !== TOPIC_CREATION_GROUPS_CONFIG) {
      const rest = key.slice(TOPIC_CREATION_PREFIX.length);
      const alias = [DEFAULT_TOPIC_CREATION_GROUP, ...aliases].find((a) => rest.startsWith(`${a}.`));
      if (alias === undefined) {
        problem = `'${key}' belongs to no group listed in '${TOPIC_CREATION_GROUPS_CONFIG}' (${props[TOPIC_CREATION_GROUPS_CONFIG] || 'empty'}) nor to '${DEFAULT_TOPIC_CREATION_GROUP}': Connect would never apply it.`;
      } else {
        const name = rest.slice(alias.length + 1);
        if (!GROUP_KEYS.includes(name) && !TOPIC_CONFIG_NAMES.has(name)) {
          problem = `'${name}' is not a Kafka topic config, so topics of group '${alias}' could not be created with it.`;
        }
      }
    }
    if (problem === undefined) continue;
    const result = results.get(key) ?? {
      name: key,
      value: raw ?? null,
      errors: [],
      recommendedValues: [],
      visible: true,
    };
    // The type error of a key that should not be there says less than why it should not.
    if (!def.keys().has(key) || type === 'sink' || !enabled) result.errors.length = 0;
    result.errors.push(problem);
    results.set(key, result);
  }
}

export interface TopicCreationGroup {
  name: string;
  include: JavaPattern[];
  exclude: JavaPattern[];
  /** -1: the broker's default. */
  partitions: number;
  replicationFactor: number;
  /** Every other `topic.creation.<group>.<name>`: topic configs. */
  configs: Record<string, string>;
}

/** TopicCreationGroup.matches: no exclude regex matches the whole name, an include regex does. */
export function groupMatches(group: TopicCreationGroup, topic: string): boolean {
  return !group.exclude.some((p) => p.matches(topic)) && group.include.some((p) => p.matches(topic));
}

/** TopicCreation.findFirstGroup: the groups in `topic.creation.groups` order, then the default. */
export function findFirstGroup(groups: readonly TopicCreationGroup[], topic: string): TopicCreationGroup {
  const found = groups.find((g) => g.name !== DEFAULT_TOPIC_CREATION_GROUP && groupMatches(g, topic));
  return found ?? (groups.find((g) => g.name === DEFAULT_TOPIC_CREATION_GROUP) as TopicCreationGroup);
}

/**
 * The groups of a (validated) source connector config, default last; empty when it sets no
 * `topic.creation.*` key.
 */
export function topicCreationGroups(config: Readonly<Record<string, string>>): TopicCreationGroup[] {
  if (!usesTopicCreation(config)) return [];
  const int = (key: string, fallback?: number): number => {
    if (config[key] === undefined) {
      if (fallback === undefined)
        throw new ConfigException(`Missing required configuration "${key}" which has no default value.`);
      return fallback;
    }
    return parseType(key, config[key], 'INT') as number;
  };
  const list = (key: string, fallback: string[]): JavaPattern[] => {
    const value: ConfigValue = config[key] === undefined ? fallback : parseType(key, config[key], 'LIST');
    return (Array.isArray(value) ? value : []).map((p) => compileJavaRegex(String(p)));
  };
  const group = (name: string): TopicCreationGroup => {
    const prefix = `${TOPIC_CREATION_PREFIX}${name}.`;
    const isDefault = name === DEFAULT_TOPIC_CREATION_GROUP;
    const configs: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
      if (!key.startsWith(prefix)) continue;
      const rest = key.slice(prefix.length);
      if (!GROUP_KEYS.includes(rest)) configs[rest] = value;
    }
    return {
      name,
      include: isDefault ? [compileJavaRegex('.*')] : list(`${prefix}include`, []),
      exclude: isDefault ? [] : list(`${prefix}exclude`, []),
      partitions: int(`${prefix}partitions`, isDefault ? undefined : int(`${DEFAULT_PREFIX}partitions`)),
      replicationFactor: int(
        `${prefix}replication.factor`,
        isDefault ? undefined : int(`${DEFAULT_PREFIX}replication.factor`),
      ),
      configs,
    };
  };
  return [...groupAliases(config).map(group), group(DEFAULT_TOPIC_CREATION_GROUP)];
}
