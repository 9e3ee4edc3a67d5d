import { KAFKA_VERSION } from '../api/kafka-version.js';
import { ConfigDef } from '../config/config-def.js';
import { composite, nonEmptyString } from '../config/validators.js';
import { compileJavaRegex, javaRegexValidator } from './java-regex.js';
import type { ConnectRecord, PluginConfig, Predicate, PredicatePlugin } from './transformation.js';

const PREDICATES_PACKAGE = 'org.apache.kafka.connect.transforms.predicates';

function predicatePlugin(
  simpleName: string,
  configDef: ConfigDef,
  create: (config: PluginConfig) => Predicate,
): PredicatePlugin {
  return {
    className: `${PREDICATES_PACKAGE}.${simpleName}`,
    kind: 'predicate',
    configDef,
    version: KAFKA_VERSION,
    create,
  };
}

const NAME = 'name';
const PATTERN = 'pattern';

export const HAS_HEADER_KEY_CONFIG_DEF = new ConfigDef().define({
  name: NAME,
  type: 'STRING',
  validator: nonEmptyString(),
  importance: 'MEDIUM',
  documentation: 'The header key to look for.',
});

export const RECORD_IS_TOMBSTONE_CONFIG_DEF = new ConfigDef();

export const TOPIC_NAME_MATCHES_CONFIG_DEF = new ConfigDef().define({
  name: PATTERN,
  type: 'STRING',
  validator: composite(nonEmptyString(), javaRegexValidator()),
  importance: 'MEDIUM',
  documentation: 'Java regular expression the whole topic name must match for the predicate to be true.',
});

/**
 * `HasHeaderKey`: true for a record with at least one header whose key is `name`.
 */
const hasHeaderKey = predicatePlugin('HasHeaderKey', HAS_HEADER_KEY_CONFIG_DEF, (props) => {
  const name = HAS_HEADER_KEY_CONFIG_DEF.parse(props).getString(NAME);
  return {
    test: (record: ConnectRecord) => (record.headers ?? []).some((header) => header.key === name),
  };
});

/**
 * `RecordIsTombstone`: true for a record whose value is null (key and schemas do not matter).
 */
const recordIsTombstone = predicatePlugin('RecordIsTombstone', RECORD_IS_TOMBSTONE_CONFIG_DEF, () => ({
  test: (record: ConnectRecord) => record.value === null || record.value === undefined,
}));

/**
 * `TopicNameMatches`: true when the whole topic name matches `pattern`, a Java regex
 * (`Matcher.matches()`; see java-regex.ts for the translation to JavaScript).
 */
const topicNameMatches = predicatePlugin('TopicNameMatches', TOPIC_NAME_MATCHES_CONFIG_DEF, (props) => {
  const pattern = compileJavaRegex(TOPIC_NAME_MATCHES_CONFIG_DEF.parse(props).getString(PATTERN) ?? '');
  return {
    test: (record: ConnectRecord) => typeof record.topic === 'string' && pattern.matches(record.topic),
  };
});

export const predicatePlugins: PredicatePlugin[] = [hasHeaderKey, recordIsTombstone, topicNameMatches];
