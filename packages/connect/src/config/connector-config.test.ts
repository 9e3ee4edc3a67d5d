import { describe, expect, it } from 'vitest';
import { KAFKA_VERSION } from '../api/kafka-version.js';
import { ConfigDef } from './config-def.js';
import {
  configErrorsMessage,
  connectorConfigDef,
  sinkConnectorConfigDef,
  sinkSubscriptionOf,
  tasksMaxOf,
  transactionBoundaryOf,
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
    expect(infos.groups).toEqual([
      'Common',
      'Transforms',
      'Predicates',
      'Error Handling',
      'Topic Creation',
      'Exactly Once Support',
      'offsets.topic',
    ]);
    const definitions = Object.fromEntries(infos.configs.map((c) => [c.definition.name, c.definition]));
    expect(Object.keys(definitions).filter((key) => !jdbcSourceKeys.keys().has(key))).toEqual([
      'name',
      'connector.class',
      'connector.plugin.version',
      'tasks.max',
      'tasks.max.enforce',
      'key.converter',
      'key.converter.plugin.version',
      'value.converter',
      'value.converter.plugin.version',
      'header.converter',
      'header.converter.plugin.version',
      'transforms',
      'predicates',
      'config.action.reload',
      'errors.retry.timeout',
      'errors.retry.delay.max.ms',
      'errors.tolerance',
      'errors.log.enable',
      'errors.log.include.messages',
      'topic.creation.groups',
      'exactly.once.support',
      'transaction.boundary',
      'transaction.boundary.interval.ms',
      'offsets.storage.topic',
    ]);
    const summary = Object.fromEntries(
      Object.values(definitions)
        .filter((d) => !jdbcSourceKeys.keys().has(d.name))
        .map((d) => [d.name, [d.type, d.required, d.default_value, d.group, d.order_in_group]]),
    );
    expect(summary).toEqual({
      name: ['STRING', true, null, 'Common', 1],
      'connector.class': ['STRING', true, null, 'Common', 2],
      'connector.plugin.version': ['STRING', false, null, 'Common', 3],
      'tasks.max': ['INT', false, '1', 'Common', 4],
      'tasks.max.enforce': ['BOOLEAN', false, 'true', 'Common', 5],
      'key.converter': ['CLASS', false, null, 'Common', 6],
      'key.converter.plugin.version': ['STRING', false, KAFKA_VERSION, 'Common', 7],
      'value.converter': ['CLASS', false, null, 'Common', 8],
      'value.converter.plugin.version': ['STRING', false, KAFKA_VERSION, 'Common', 9],
      'header.converter': ['CLASS', false, null, 'Common', 10],
      'header.converter.plugin.version': ['STRING', false, KAFKA_VERSION, 'Common', 11],
      transforms: ['LIST', false, '', 'Transforms', 12],
      predicates: ['LIST', false, '', 'Predicates', 13],
      'config.action.reload': ['STRING', false, 'restart', 'Common', 14],
      'errors.retry.timeout': ['LONG', false, '0', 'Error Handling', 1],
      'errors.retry.delay.max.ms': ['LONG', false, '60000', 'Error Handling', 2],
      'errors.tolerance': ['STRING', false, 'none', 'Error Handling', 3],
      'errors.log.enable': ['BOOLEAN', false, 'false', 'Error Handling', 4],
      'errors.log.include.messages': ['BOOLEAN', false, 'false', 'Error Handling', 5],
      'topic.creation.groups': ['LIST', false, '', 'Topic Creation', 1],
      'exactly.once.support': ['STRING', false, 'requested', 'Exactly Once Support', 2],
      'transaction.boundary': ['STRING', false, 'poll', 'Exactly Once Support', 3],
      'transaction.boundary.interval.ms': ['LONG', false, null, 'Exactly Once Support', 4],
      'offsets.storage.topic': ['STRING', false, null, 'offsets.topic', 1],
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
      'Topic Creation',
      'Exactly Once Support',
      'offsets.topic',
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

describe("the converter keys in validate, with the worker's converters", () => {
  const sink = {
    name: 'orders-sink',
    'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
    'connection.url': 'jdbc:mariadb://localhost:3306/mydb',
    topics: 'orders',
  };
  const converters = [
    'org.apache.kafka.connect.converters.BooleanConverter',
    'org.apache.kafka.connect.converters.ByteArrayConverter',
    'org.apache.kafka.connect.converters.DoubleConverter',
    'org.apache.kafka.connect.converters.FloatConverter',
    'org.apache.kafka.connect.converters.IntegerConverter',
    'org.apache.kafka.connect.converters.LongConverter',
    'org.apache.kafka.connect.converters.ShortConverter',
    'org.apache.kafka.connect.json.JsonConverter',
    'org.apache.kafka.connect.storage.StringConverter',
  ];
  const infosFor = (props: Record<string, string>) =>
    Object.fromEntries(
      validateConnectorConfig({
        props,
        type: 'sink',
        connectorDef: jdbcSinkKeys,
        workerConverters: { key: 'StringConverter', value: 'org.apache.kafka.connect.json.JsonConverter' },
      }).configs.map((c) => [c.definition.name, c]),
    );

  it("shows the worker's classes as defaults and values, every class the worker has as recommended", () => {
    const infos = infosFor(sink);
    expect(infos['key.converter']?.definition.default_value).toBe(
      'org.apache.kafka.connect.storage.StringConverter',
    );
    expect(infos['key.converter']?.value).toEqual({
      name: 'key.converter',
      value: 'org.apache.kafka.connect.storage.StringConverter',
      recommended_values: converters,
      errors: [],
      visible: true,
    });
    expect(infos['value.converter']?.definition.default_value).toBe(
      'org.apache.kafka.connect.json.JsonConverter',
    );
    expect(infos['value.converter']?.value.value).toBe('org.apache.kafka.connect.json.JsonConverter');
    expect(infos['value.converter']?.value.recommended_values).toEqual(converters);
    // msa-sync runs SimpleHeaderConverter only, so it recommends nothing else.
    expect(infos['header.converter']?.definition.default_value).toBe(
      'org.apache.kafka.connect.storage.SimpleHeaderConverter',
    );
    expect(infos['header.converter']?.value).toEqual({
      name: 'header.converter',
      value: 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
      recommended_values: ['org.apache.kafka.connect.storage.SimpleHeaderConverter'],
      errors: [],
      visible: true,
    });
    for (const name of ['key.converter', 'value.converter', 'header.converter']) {
      expect(infos[name]?.definition).toMatchObject({ type: 'CLASS', required: false, group: 'Common' });
    }
  });

  it("shows a connector's own class as the value, and still refuses a header converter it does not run", () => {
    const infos = infosFor({
      ...sink,
      'value.converter': 'ByteArrayConverter',
      'header.converter': 'org.apache.kafka.connect.json.JsonConverter',
    });
    expect(infos['value.converter']?.value.value).toBe('ByteArrayConverter');
    expect(infos['value.converter']?.value.errors).toEqual([]);
    expect(infos['header.converter']?.value.errors).toEqual([
      'msa-sync converts headers with org.apache.kafka.connect.storage.SimpleHeaderConverter only; org.apache.kafka.connect.json.JsonConverter is not available.',
    ]);
  });
});

describe('*.plugin.version (KIP-891) with one installed version of each plugin', () => {
  const sink = {
    name: 'orders-sink',
    'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
    'connection.url': 'jdbc:mariadb://localhost:3306/mydb',
    topics: 'orders',
  };
  const validate = (props: Record<string, string>) =>
    validateConnectorConfig({
      props,
      type: 'sink',
      connectorDef: jdbcSinkKeys,
      connectorVersion: '10.8.0-msa',
      workerConverters: { key: 'JsonConverter', value: 'JsonConverter' },
    });

  it("shows each installed version as default, value and only recommended value, as Apache's validate", () => {
    const configs = Object.fromEntries(validate(sink).configs.map((c) => [c.definition.name, c]));
    expect(configs['connector.plugin.version']?.definition).toMatchObject({
      type: 'STRING',
      required: false,
      default_value: '10.8.0-msa',
      importance: 'MEDIUM',
      group: 'Common',
      width: 'MEDIUM',
      display_name: 'Connector version',
    });
    expect(configs['connector.plugin.version']?.value).toEqual({
      name: 'connector.plugin.version',
      value: '10.8.0-msa',
      recommended_values: ['10.8.0-msa'],
      errors: [],
      visible: true,
    });
    for (const [name, display] of [
      ['key.converter.plugin.version', 'Key converter version'],
      ['value.converter.plugin.version', 'Value converter version'],
      ['header.converter.plugin.version', 'Header converter version'],
    ] as const) {
      expect(configs[name]?.definition).toMatchObject({
        default_value: KAFKA_VERSION,
        importance: 'LOW',
        group: 'Common',
        width: 'SHORT',
        display_name: display,
      });
      expect(configs[name]?.value.recommended_values).toEqual([KAFKA_VERSION]);
    }
  });

  it('accepts the installed version, a range containing it, or latest', () => {
    expect(
      errorsByKey(
        validate({
          ...sink,
          'connector.plugin.version': '10.8.0-msa',
          'key.converter.plugin.version': KAFKA_VERSION,
          'value.converter.plugin.version': '[4.0,5.0)',
          'header.converter.plugin.version': 'latest',
        }),
      ),
    ).toEqual({});
  });

  it('refuses another version, naming the one available, and a malformed range', () => {
    expect(
      errorsByKey(
        validate({
          ...sink,
          'connector.plugin.version': '10.9.0',
          'value.converter': 'StringConverter',
          'value.converter.plugin.version': '[5.0,)',
          'header.converter.plugin.version': '[4.0,5.0',
        }),
      ),
    ).toEqual({
      'connector.plugin.version': [
        'Plugin io.confluent.connect.jdbc.JdbcSinkConnector not found that matches the version range [10.9.0], available versions: [10.8.0-msa]',
      ],
      'value.converter.plugin.version': [
        `Plugin org.apache.kafka.connect.storage.StringConverter not found that matches the version range [5.0,), available versions: [${KAFKA_VERSION}]`,
      ],
      'header.converter.plugin.version': [
        'Invalid value [4.0,5.0 for configuration header.converter.plugin.version: Unbounded range: [4.0,5.0',
      ],
    });
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
    expect(
      validate({ ...withClass, 'value.converter.schema.content': '{"type":' })['value.converter']?.[0],
    ).toMatch(/^Failed to parse schema in converter config due to serialization error: /);
    expect(validate({ ...withClass, 'value.converter.schema.content': '{"type":"int32"}' })).toEqual({});
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

  it('client overrides the worker does not apply are refused; those it applies are checked', () => {
    expect(
      validate({
        ...sink,
        'consumer.override.max.poll.records': '500',
        'consumer.override.isolation.level': 'read_uncommitted',
        'consumer.override.auto.offset.reset': 'latest',
      }),
    ).toEqual({});
    const errors = validate({
      ...sink,
      'consumer.override.check.crcs': 'false',
      'consumer.override.max.poll.records': 'lots',
    });
    expect(errors['consumer.override.check.crcs']?.[0]).toMatch(
      /^msa-sync does not apply the client override 'consumer.override.check.crcs' \(its consumer applies client.id, .*max.poll.records, isolation.level, auto.offset.reset, /,
    );
    expect(errors['consumer.override.max.poll.records']?.[0]).toBe(
      'Invalid value lots for configuration consumer.override.max.poll.records: Not a number of type INT',
    );
    expect(validate({ ...sink, 'consumer.override.max.poll.records': '0' })).toEqual({
      'consumer.override.max.poll.records': [
        'Invalid value 0 for configuration consumer.override.max.poll.records: Value must be at least 1',
      ],
    });
    const { name: _, topics: __, ...sourceBase } = sink;
    expect(
      Object.keys(validate({ ...sourceBase, name: 's', 'producer.override.linger.ms': '5' }, 'source')),
    ).toEqual(['producer.override.linger.ms']);
  });

  it('tasks.max.enforce: true (the default) is accepted, false (never honoured here) refused', () => {
    const { topics: _, ...source } = sink;
    expect(validate({ ...source, 'tasks.max.enforce': 'true' }, 'source')).toEqual({});
    const errors = validate({ ...source, 'tasks.max.enforce': 'false' }, 'source');
    expect(errors['tasks.max.enforce']?.[0]).toMatch(/msa-sync always enforces tasks\.max/);
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

describe('connector keys the worker reads at run time', () => {
  it('parses tasks.max with its definition: default, type and bound', () => {
    expect(tasksMaxOf({})).toBe(1);
    expect(tasksMaxOf({ 'tasks.max': ' 4 ' })).toBe(4);
    expect(() => tasksMaxOf({ 'tasks.max': '0' })).toThrow(
      'Invalid value 0 for configuration tasks.max: Value must be at least 1',
    );
  });

  it('reads a sink’s subscription: topics without blank entries, or topics.regex', () => {
    expect(sinkSubscriptionOf({ topics: 'a, b,,c' })).toEqual({
      topics: ['a', 'b', 'c'],
      topicsRegex: undefined,
    });
    expect(sinkSubscriptionOf({ 'topics.regex': 'orders\\..*' })).toEqual({
      topics: [],
      topicsRegex: 'orders\\..*',
    });
  });

  it('reads a source’s transaction boundary with its definition', () => {
    expect(transactionBoundaryOf({})).toEqual({ boundary: 'poll', intervalMs: undefined });
    expect(
      transactionBoundaryOf({
        'transaction.boundary': 'INTERVAL',
        'transaction.boundary.interval.ms': '250',
      }),
    ).toEqual({ boundary: 'interval', intervalMs: 250 });
    expect(() => transactionBoundaryOf({ 'transaction.boundary.interval.ms': '-1' })).toThrow(
      'Invalid value -1 for configuration transaction.boundary.interval.ms: Value must be at least 0',
    );
  });
});
