import { describe, expect, it } from 'vitest';
import { ConfigDef } from './config-def.js';
import { validateConnectorConfig } from './connector-config.js';
import { findFirstGroup, groupMatches, topicCreationGroups } from './topic-creation-config.js';

const source = { name: 'orders-source', 'connector.class': 'FileStreamSource' };
const grouped = {
  ...source,
  'topic.creation.groups': 'compacted, logs',
  'topic.creation.default.replication.factor': '1',
  'topic.creation.default.partitions': '2',
  'topic.creation.compacted.include': 'orders\\..*, customers',
  'topic.creation.compacted.exclude': 'orders\\.tmp',
  'topic.creation.compacted.partitions': '5',
  'topic.creation.compacted.cleanup.policy': 'compact',
  'topic.creation.logs.include': '.*log.*',
  'topic.creation.logs.retention.ms': '60000',
};

function validate(props: Record<string, string>, type: 'source' | 'sink' = 'source', enabled = true) {
  return validateConnectorConfig({
    props,
    type,
    connectorDef: new ConfigDef(),
    topicCreationEnabled: enabled,
  });
}
function errors(infos: ReturnType<typeof validate>): Record<string, string[]> {
  return Object.fromEntries(
    infos.configs.filter((c) => c.value.errors.length > 0).map((c) => [c.value.name, c.value.errors]),
  );
}

describe('topic.creation.* in validation', () => {
  it('adds the default group and one group per alias, as SourceConnectorConfig.enrich does', () => {
    const infos = validate(grouped);
    expect(errors(infos)).toEqual({});
    expect(infos.groups).toEqual([
      'Common',
      'Transforms',
      'Predicates',
      'Error Handling',
      'Topic Creation',
      'Exactly Once Support',
      'offsets.topic',
      'default',
      'Topic Creation: compacted',
      'Topic Creation: logs',
    ]);
    const def = (name: string) => infos.configs.find((c) => c.definition.name === name)?.definition;
    expect(def('topic.creation.default.partitions')).toMatchObject({
      type: 'INT',
      required: true,
      group: 'default',
    });
    // A group's partitions and replication factor default to the default group's.
    expect(def('topic.creation.logs.partitions')).toMatchObject({
      required: false,
      default_value: '2',
      group: 'Topic Creation: logs',
      order_in_group: 4,
    });
    expect(def('topic.creation.logs.include')).toMatchObject({ type: 'LIST', order_in_group: 1 });
  });

  it('requires the default group’s replication factor and partitions, -1 or at least 1', () => {
    expect(errors(validate({ ...source, 'topic.creation.default.partitions': '0' }))).toEqual({
      'topic.creation.default.partitions': [
        'Invalid value 0 for configuration topic.creation.default.partitions: Value must be -1 or at least 1',
      ],
      'topic.creation.default.replication.factor': [
        'Missing required configuration "topic.creation.default.replication.factor" which has no default value.',
      ],
    });
    expect(
      errors(
        validate({
          ...source,
          'topic.creation.default.partitions': '-1',
          'topic.creation.default.replication.factor': '-1',
        }),
      ),
    ).toEqual({});
  });

  it('refuses what Connect would ignore: unlisted groups, typos, default include, bad regexes', () => {
    const found = errors(
      validate({
        ...grouped,
        'topic.creation.other.partitions': '3',
        'topic.creation.compacted.cleanup.polcy': 'compact',
        'topic.creation.default.include': 'x.*',
        'topic.creation.logs.exclude': '(unclosed',
      }),
    );
    expect(Object.keys(found).sort()).toEqual([
      'topic.creation.compacted.cleanup.polcy',
      'topic.creation.default.include',
      'topic.creation.logs.exclude',
      'topic.creation.other.partitions',
    ]);
    expect(found['topic.creation.other.partitions']?.[0]).toMatch(
      /belongs to no group listed in 'topic.creation.groups'/,
    );
    expect(found['topic.creation.compacted.cleanup.polcy']?.[0]).toBe(
      "'cleanup.polcy' is not a Kafka topic config, so topics of group 'compacted' could not be created with it.",
    );
    expect(found['topic.creation.logs.exclude']?.[0]).toMatch(
      /^Invalid value \(unclosed for configuration topic\.creation\.logs\.exclude: Invalid regex/,
    );
  });

  it('refuses topic.creation.* on a sink, and on a worker with topic.creation.enable=false', () => {
    const sink = errors(validate({ ...grouped, 'connector.class': 'JdbcSink', topics: 't' }, 'sink'));
    expect(sink['topic.creation.default.partitions']).toEqual([
      "'topic.creation.default.partitions' applies to source connectors only: a sink connector creates no topics.",
    ]);
    expect(Object.keys(sink).filter((k) => k.startsWith('topic.creation.'))).toHaveLength(9);
    const disabled = errors(validate(grouped, 'source', false));
    expect(disabled['topic.creation.default.partitions']?.[0]).toMatch(
      /^topic\.creation\.enable=false on this worker/,
    );
    expect(disabled['topic.creation.groups']?.[0]).toMatch(/^topic\.creation\.enable=false on this worker/);
  });
});

describe('topic creation groups', () => {
  const groups = topicCreationGroups(grouped);

  it('reads each group, defaults from the default group, other keys as topic configs', () => {
    expect(groups.map((g) => [g.name, g.partitions, g.replicationFactor, g.configs])).toEqual([
      ['compacted', 5, 1, { 'cleanup.policy': 'compact' }],
      ['logs', 2, 1, { 'retention.ms': '60000' }],
      ['default', 2, 1, {}],
    ]);
    expect(topicCreationGroups(source)).toEqual([]);
  });

  it('matches the first group in topic.creation.groups order; exclusions win; else default', () => {
    expect(findFirstGroup(groups, 'orders.v1').name).toBe('compacted');
    expect(findFirstGroup(groups, 'customers').name).toBe('compacted');
    // Whole-name matches, as Java's Matcher.matches.
    expect(findFirstGroup(groups, 'customers2').name).toBe('default');
    expect(findFirstGroup(groups, 'orders.tmp').name).toBe('default');
    // Matches both groups: the first listed wins.
    expect(findFirstGroup(groups, 'orders.log').name).toBe('compacted');
    expect(findFirstGroup(groups, 'audit-log').name).toBe('logs');
    const compacted = groups[0];
    expect(compacted && groupMatches(compacted, 'orders.tmp')).toBe(false);
  });
});

describe('an invalid default group value', () => {
  it('is reported on its key, not used as the other groups’ default', () => {
    const found = errors(validate({ ...grouped, 'topic.creation.default.partitions': '0' }));
    expect(Object.keys(found)).toEqual(['topic.creation.default.partitions']);
  });
});
