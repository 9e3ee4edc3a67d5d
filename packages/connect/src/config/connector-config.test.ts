import { describe, expect, it } from 'vitest';
import { ConfigDef } from './config-def.js';
import {
  configErrorsMessage,
  connectorConfigDef,
  sinkConnectorConfigDef,
  validateConnectorConfig,
} from './connector-config.js';
import { atLeast } from './validators.js';

const source = {
  name: 'users-source',
  'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
  'connection.url': 'jdbc:mariadb://localhost:3306/mydb',
  mode: 'incrementing',
  'incrementing.column.name': 'id',
  'table.whitelist': 'users1',
  'topic.prefix': 'my_topic_',
};

/** The connector's own keys these tests use, as a JDBC connector would define them. */
function connectorKeys(...names: string[]): ConfigDef {
  const def = new ConfigDef();
  for (const name of names)
    def.define({ name, type: 'STRING', default: null, importance: 'LOW', documentation: name });
  return def;
}
const jdbcSourceKeys = connectorKeys(
  'connection.url',
  'mode',
  'incrementing.column.name',
  'table.whitelist',
  'topic.prefix',
);

const jdbcSinkKeys = connectorKeys('connection.url');

function errorsByKey(infos: ReturnType<typeof validateConnectorConfig>): Record<string, string[]> {
  return Object.fromEntries(
    infos.configs.filter((c) => c.value.errors.length > 0).map((c) => [c.definition.name, c.value.errors]),
  );
}

describe('the common connector ConfigDef', () => {
  it('has Connect’s keys, defaults, groups and order', () => {
    const infos = validateConnectorConfig({ props: source, type: 'source', connectorDef: jdbcSourceKeys });
    expect(infos.error_count).toBe(0);
    expect(infos.name).toBe('io.confluent.connect.jdbc.JdbcSourceConnector');
    expect(infos.groups).toEqual(['Common', 'Transforms', 'Predicates', 'Error Handling']);
    const definitions = Object.fromEntries(infos.configs.map((c) => [c.definition.name, c.definition]));
    expect(Object.keys(definitions).filter((key) => !jdbcSourceKeys.keys().has(key))).toEqual([
      'name',
      'connector.class',
      'tasks.max',
      'key.converter',
      'value.converter',
      'header.converter',
      'transforms',
      'predicates',
      'config.action.reload',
      'errors.retry.timeout',
      'errors.retry.delay.max.ms',
      'errors.tolerance',
      'errors.log.enable',
      'errors.log.include.messages',
    ]);
    const summary = Object.fromEntries(
      Object.values(definitions)
        .filter((d) => !jdbcSourceKeys.keys().has(d.name))
        .map((d) => [d.name, [d.type, d.required, d.default_value, d.group, d.order]]),
    );
    expect(summary).toEqual({
      name: ['STRING', true, null, 'Common', 1],
      'connector.class': ['STRING', true, null, 'Common', 2],
      'tasks.max': ['INT', false, '1', 'Common', 3],
      'key.converter': ['CLASS', false, null, 'Common', 4],
      'value.converter': ['CLASS', false, null, 'Common', 5],
      'header.converter': ['CLASS', false, null, 'Common', 6],
      transforms: ['LIST', false, '', 'Transforms', 7],
      predicates: ['LIST', false, '', 'Predicates', 8],
      'config.action.reload': ['STRING', false, 'restart', 'Common', 9],
      'errors.retry.timeout': ['LONG', false, '0', 'Error Handling', 1],
      'errors.retry.delay.max.ms': ['LONG', false, '60000', 'Error Handling', 2],
      'errors.tolerance': ['STRING', false, 'none', 'Error Handling', 3],
      'errors.log.enable': ['BOOLEAN', false, 'false', 'Error Handling', 4],
      'errors.log.include.messages': ['BOOLEAN', false, 'false', 'Error Handling', 5],
    });
    const values = Object.fromEntries(infos.configs.map((c) => [c.value.name, c.value.value]));
    expect(values.name).toBe('users-source');
    expect(values['tasks.max']).toBe('1');
  });

  it('lists every problem, per key', () => {
    const infos = validateConnectorConfig({
      props: {
        'tasks.max': '0',
        'errors.tolerance': 'some',
        'errors.log.enable': 'maybe',
        'config.action.reload': 'reboot',
        'errors.retry.timeout': 'soon',
        'connection.url': 'jdbc:sqlite:x.db',
      },
      type: 'source',
      connectorDef: jdbcSourceKeys,
    });
    expect(errorsByKey(infos)).toEqual({
      name: ['Missing required configuration "name" which has no default value.'],
      'connector.class': ['Missing required configuration "connector.class" which has no default value.'],
      'tasks.max': ['Invalid value 0 for configuration tasks.max: Value must be at least 1'],
      'config.action.reload': [
        'Invalid value reboot for configuration config.action.reload: String must be one of: none, restart',
      ],
      'errors.retry.timeout': [
        'Invalid value soon for configuration errors.retry.timeout: Not a number of type LONG',
      ],
      'errors.tolerance': [
        'Invalid value some for configuration errors.tolerance: String must be one of: none, all',
      ],
      'errors.log.enable': [
        'Invalid value maybe for configuration errors.log.enable: Expected value to be either true or false',
      ],
    });
    expect(infos.error_count).toBe(7);
    expect(infos.name).toBe('');
    expect(configErrorsMessage(infos).split('\n')).toEqual([
      'Connector configuration is invalid and contains the following 7 error(s):',
      'Missing required configuration "name" which has no default value.',
      'Missing required configuration "connector.class" which has no default value.',
      'Invalid value 0 for configuration tasks.max: Value must be at least 1',
      'Invalid value reboot for configuration config.action.reload: String must be one of: none, restart',
      'Invalid value soon for configuration errors.retry.timeout: Not a number of type LONG',
      'Invalid value some for configuration errors.tolerance: String must be one of: none, all',
      'Invalid value maybe for configuration errors.log.enable: Expected value to be either true or false',
      'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
    ]);
  });

  it('derives per-alias keys for transforms and predicates; duplicates are refused', () => {
    const infos = validateConnectorConfig({
      props: {
        ...source,
        transforms: 'createKey, extractInt',
        'transforms.createKey.type': 'org.apache.kafka.connect.transforms.ValueToKey',
        'transforms.createKey.fields': 'id',
        predicates: 'isFoo',
      },
      type: 'source',
      connectorDef: jdbcSourceKeys,
    });
    expect(errorsByKey(infos)).toEqual({
      'transforms.extractInt.type': [
        'Missing required configuration "transforms.extractInt.type" which has no default value.',
      ],
      'predicates.isFoo.type': [
        'Missing required configuration "predicates.isFoo.type" which has no default value.',
      ],
    });
    expect(infos.groups).toEqual([
      'Common',
      'Transforms',
      'Predicates',
      'Error Handling',
      'Transforms: createKey',
      'Transforms: extractInt',
      'Predicates: isFoo',
    ]);
    const dup = validateConnectorConfig({
      props: { ...source, transforms: 'a,a', 'transforms.a.type': 'X' },
      type: 'source',
      connectorDef: jdbcSourceKeys,
    });
    expect(errorsByKey(dup).transforms).toEqual([
      'Invalid value [a, a] for configuration transforms: Duplicate alias provided.',
    ]);
  });
});

describe('sink connectors', () => {
  const sink = {
    name: 'orders-sink',
    'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
    'connection.url': 'jdbc:mariadb://localhost:3306/mydb',
  };

  it('add topics, topics.regex and the dead letter queue keys with Connect defaults', () => {
    const keys = sinkConnectorConfigDef().keys();
    expect([...keys.keys()].slice(connectorConfigDef().keys().size)).toEqual([
      'topics',
      'topics.regex',
      'errors.deadletterqueue.topic.name',
      'errors.deadletterqueue.topic.replication.factor',
      'errors.deadletterqueue.context.headers.enable',
    ]);
    expect(keys.get('errors.deadletterqueue.topic.replication.factor')?.defaultValue).toBe(3);
    expect(keys.get('errors.deadletterqueue.topic.replication.factor')?.type).toBe('SHORT');
    expect(keys.get('topics')?.defaultValue).toEqual([]);
  });

  it('need exactly one of topics and topics.regex', () => {
    const none = validateConnectorConfig({ props: sink, type: 'sink', connectorDef: jdbcSinkKeys });
    expect(errorsByKey(none)).toEqual({
      topics: ['Must configure one of topics or topics.regex'],
      'topics.regex': ['Must configure one of topics or topics.regex'],
    });
    const both = validateConnectorConfig({
      props: { ...sink, topics: 'orders', 'topics.regex': 'ord.*' },
      type: 'sink',
      connectorDef: jdbcSinkKeys,
    });
    const message = 'topics and topics.regex are mutually exclusive options, but both are set.';
    expect(errorsByKey(both)).toEqual({ topics: [message], 'topics.regex': [message] });
    expect(
      validateConnectorConfig({
        props: { ...sink, topics: 'orders' },
        type: 'sink',
        connectorDef: jdbcSinkKeys,
      }).error_count,
    ).toBe(0);
  });

  it('keep the dead letter queue out of the consumed topics', () => {
    const listed = validateConnectorConfig({
      props: { ...sink, topics: 'orders, dlq', 'errors.deadletterqueue.topic.name': 'dlq' },
      type: 'sink',
      connectorDef: jdbcSinkKeys,
    });
    expect(errorsByKey(listed).topics).toEqual([
      "The DLQ topic 'dlq' may not be included in the list of topics ('topics=[orders, dlq]') consumed by the connector",
    ]);
    const matched = validateConnectorConfig({
      props: { ...sink, 'topics.regex': 'd.*', 'errors.deadletterqueue.topic.name': 'dlq' },
      type: 'sink',
      connectorDef: jdbcSinkKeys,
    });
    expect(errorsByKey(matched)['topics.regex']).toEqual([
      "The DLQ topic 'dlq' may not be matched by the regex for the topics ('topics.regex=d.*') consumed by the connector",
    ]);
    const badRegex = validateConnectorConfig({
      props: { ...sink, 'topics.regex': '(' },
      type: 'sink',
      connectorDef: jdbcSinkKeys,
    });
    expect(errorsByKey(badRegex)['topics.regex']?.[0]).toMatch(
      /^Invalid value \( for configuration topics.regex: /,
    );
  });
});

describe('a connector’s own ConfigDef merged with the common one', () => {
  const jdbcSink = new ConfigDef()
    .define({
      name: 'connection.password',
      type: 'PASSWORD',
      importance: 'HIGH',
      documentation: 'Database password.',
      group: 'Connection',
      orderInGroup: 3,
    })
    .define({
      name: 'batch.size',
      type: 'INT',
      default: 3000,
      validator: atLeast(1),
      importance: 'MEDIUM',
      documentation: 'Rows per INSERT batch.',
      group: 'Writes',
    });

  it('validates both, hides the password, appends its groups and runs its own checks', () => {
    const infos = validateConnectorConfig({
      props: {
        name: 's',
        'connector.class': 'JdbcSink',
        topics: 'orders',
        'connection.password': 'test1357',
        'batch.size': '0',
      },
      type: 'sink',
      connectorDef: jdbcSink,
      validate: (props, results) => {
        if (props['pk.mode'] === undefined)
          results.get('batch.size')?.errors.push('pk.mode is needed for upserts');
      },
    });
    expect(infos.groups).toEqual([
      'Common',
      'Transforms',
      'Predicates',
      'Error Handling',
      'Connection',
      'Writes',
    ]);
    expect(errorsByKey(infos)).toEqual({
      'batch.size': [
        'Invalid value 0 for configuration batch.size: Value must be at least 1',
        'pk.mode is needed for upserts',
      ],
    });
    const password = infos.configs.find((c) => c.definition.name === 'connection.password');
    expect(password?.value.value).toBe('[hidden]');
    expect(JSON.stringify(infos)).not.toContain('test1357');
  });

  it('takes problems found by a connector plugin, for keys it defines or not, secrets hidden', () => {
    const infos = validateConnectorConfig({
      props: {
        name: 's',
        'connector.class': 'JdbcSink',
        topics: 'orders',
        'db.password': 'pw1',
        'batch.size': '5',
      },
      type: 'sink',
      connectorDef: jdbcSink,
      extraErrors: new Map([
        ['batch.size', ['too small for this database']],
        ['db.password', ['Access denied for user']],
      ]),
    });
    expect(infos.error_count).toBe(3);
    expect(infos.configs[0]?.definition.name).toBe('db.password');
    expect(infos.configs[0]?.value).toEqual({
      name: 'db.password',
      value: '[hidden]',
      recommended_values: [],
      errors: ['Access denied for user'],
      visible: true,
    });
    expect(errorsByKey(infos)['batch.size']).toEqual(['too small for this database']);
  });
});

describe('keys msa-sync would ignore are refused', () => {
  const sink = {
    name: 'orders-sink',
    'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
    'connection.url': 'jdbc:mariadb://localhost:3306/mydb',
    topics: 'orders',
  };
  const validate = (props: Record<string, string>, type: 'source' | 'sink' = 'sink') =>
    errorsByKey(
      validateConnectorConfig({ props, type, connectorDef: type === 'sink' ? jdbcSinkKeys : jdbcSourceKeys }),
    );

  it('a key neither the connector nor the framework defines (a typo)', () => {
    expect(validate({ ...sink, 'auto.creat': 'true' })).toEqual({
      'auto.creat': [
        "Unknown configuration 'auto.creat': neither io.confluent.connect.jdbc.JdbcSinkConnector nor the Connect framework defines it, and msa-sync refuses keys it would ignore.",
      ],
    });
  });

  it('transform keys whose alias is not listed in transforms (the transform would never run)', () => {
    const errors = validate({
      ...sink,
      'transforms.mask.type': 'org.apache.kafka.connect.transforms.MaskField$Value',
      'transforms.mask.fields': 'card',
    });
    expect(Object.keys(errors)).toEqual(['transforms.mask.type', 'transforms.mask.fields']);
    expect(errors['transforms.mask.fields']?.[0]).toContain(
      "belongs to no alias listed in 'transforms' (empty)",
    );
  });

  it("converter settings without the connector's own converter class (Connect would use the worker's)", () => {
    expect(
      validate({ ...sink, 'value.converter.schemas.enable': 'false' })['value.converter.schemas.enable'],
    ).toEqual([
      "'value.converter.schemas.enable' applies only together with 'value.converter' on this connector: without it Connect uses the worker's converter and ignores the setting. Set 'value.converter' too, or remove it.",
    ]);
    const withClass = { ...sink, 'value.converter': 'org.apache.kafka.connect.json.JsonConverter' };
    expect(validate({ ...withClass, 'value.converter.schemas.enable': 'false' })).toEqual({});
    expect(validate({ ...withClass, 'value.converter.schemas.enabled': 'false' })).toEqual({
      'value.converter.schemas.enabled': [
        "org.apache.kafka.connect.json.JsonConverter has no configuration 'schemas.enabled'; msa-sync refuses keys it would ignore.",
      ],
    });
    expect(validate({ ...withClass, 'value.converter.schemas.enable': 'maybe' })['value.converter']).toEqual([
      'Invalid value maybe for configuration schemas.enable: Expected value to be either true or false',
    ]);
    expect(
      validate({ ...sink, 'key.converter': 'io.confluent.connect.avro.AvroConverter' })['key.converter']?.[0],
    ).toMatch(/^Class io\.confluent\.connect\.avro\.AvroConverter could not be found\./);
    expect(validate({ ...sink, 'header.converter': 'org.apache.kafka.connect.json.JsonConverter' })).toEqual({
      'header.converter': [
        'msa-sync converts headers with org.apache.kafka.connect.storage.SimpleHeaderConverter only; org.apache.kafka.connect.json.JsonConverter is not available.',
      ],
    });
    expect(validate({ ...sink, 'header.converter': 'SimpleHeaderConverter' })).toEqual({});
  });

  it('client overrides the worker does not apply; the two it applies are checked', () => {
    expect(
      validate({
        ...sink,
        'consumer.override.max.poll.records': '500',
        'consumer.override.isolation.level': 'read_uncommitted',
      }),
    ).toEqual({});
    const errors = validate({
      ...sink,
      'consumer.override.auto.offset.reset': 'latest',
      'consumer.override.max.poll.records': 'lots',
    });
    expect(errors['consumer.override.auto.offset.reset']?.[0]).toBe(
      "msa-sync does not apply the client override 'consumer.override.auto.offset.reset' to a sink connector's clients (it applies consumer.override.max.poll.records, consumer.override.isolation.level); it refuses what it would ignore.",
    );
    expect(errors['consumer.override.max.poll.records']).toEqual([
      'Invalid value lots for configuration consumer.override.max.poll.records: Value must be at least 1',
    ]);
    const { name: _, topics: __, ...sourceBase } = sink;
    expect(
      Object.keys(validate({ ...sourceBase, name: 's', 'producer.override.linger.ms': '5' }, 'source')),
    ).toEqual(['producer.override.linger.ms']);
  });

  it("Apache's framework keys msa-sync does not implement say so", () => {
    const { topics: _, ...source } = sink;
    const errors = validate(
      { ...source, 'transaction.boundary': 'interval', 'topic.creation.default.partitions': '3' },
      'source',
    );
    expect(errors['transaction.boundary']?.[0]).toMatch(
      /^'transaction\.boundary' is not supported by msa-sync: exactly-once/,
    );
    expect(errors['topic.creation.default.partitions']?.[0]).toContain('create them first');
  });

  it('a refused key that holds a secret is answered hidden', () => {
    const infos = validateConnectorConfig({
      props: { ...sink, 'connection.pasword': 'hunter2' },
      type: 'sink',
      connectorDef: jdbcSinkKeys,
    });
    const refused = infos.configs.find((c) => c.value.name === 'connection.pasword');
    expect(refused?.value.errors).toHaveLength(1);
    expect(JSON.stringify(infos)).not.toContain('hunter2');
  });
});
