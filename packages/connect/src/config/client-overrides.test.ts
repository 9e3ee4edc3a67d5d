import { describe, expect, it } from 'vitest';
import { clientOverrideOptions, parseClientOverridePolicy, policyError } from './client-overrides.js';
import { ConfigDef } from './config-def.js';
import { validateConnectorConfig } from './connector-config.js';
import { maskSecrets } from './secret-values.js';

const sink = {
  name: 'orders-sink',
  'connector.class': 'io.confluent.connect.jdbc.JdbcSinkConnector',
  topics: 'orders',
};
const source = { name: 'orders-source', 'connector.class': 'FileStreamSource' };

function errors(
  props: Record<string, string>,
  type: 'source' | 'sink',
  options: { policy?: 'None' | 'Principal' | 'All'; eos?: boolean } = {},
): Record<string, string[]> {
  const infos = validateConnectorConfig({
    props,
    type,
    connectorDef: new ConfigDef(),
    overridePolicy: options.policy ?? 'All',
    exactlyOnceSource: options.eos ?? false,
  });
  return Object.fromEntries(
    infos.configs.filter((c) => c.value.errors.length > 0).map((c) => [c.value.name, c.value.errors]),
  );
}

describe('connector.client.config.override.policy', () => {
  it('names the three policies as Apache does', () => {
    expect(parseClientOverridePolicy(' All ')).toBe('All');
    expect(parseClientOverridePolicy('PrincipalConnectorClientConfigOverridePolicy')).toBe('Principal');
    expect(parseClientOverridePolicy('Allowlist')).toBeUndefined();
    expect(policyError('All', 'acks')).toBeUndefined();
    expect(policyError('Principal', 'sasl.jaas.config')).toBeUndefined();
    expect(policyError('Principal', 'acks')).toBe(
      "The 'Principal' policy does not allow 'acks' to be overridden in the connector configuration.",
    );
  });

  it('None refuses every override with Apache’s message, on the key', () => {
    expect(
      errors({ ...sink, 'consumer.override.max.poll.records': '10' }, 'sink', { policy: 'None' }),
    ).toEqual({
      'consumer.override.max.poll.records': [
        "The 'None' policy does not allow 'max.poll.records' to be overridden in the connector configuration.",
      ],
    });
    expect(
      errors({ ...source, 'producer.override.compression.type': 'gzip' }, 'source', { policy: 'None' }),
    ).toEqual({
      'producer.override.compression.type': [
        "The 'None' policy does not allow 'compression.type' to be overridden in the connector configuration.",
      ],
    });
  });

  it('Principal allows the SASL keys, which msa-sync’s clients do not apply: refused, never echoed', () => {
    const props = {
      ...source,
      'producer.override.sasl.jaas.config':
        'org.apache.kafka.common.security.plain.PlainLoginModule required password="s3cret";',
    };
    const infos = validateConnectorConfig({ props, type: 'source', overridePolicy: 'Principal' });
    const value = infos.configs.find((c) => c.value.name === 'producer.override.sasl.jaas.config')?.value;
    expect(value?.errors[0]).toMatch(
      /^msa-sync does not apply the client override 'producer\.override\.sasl\.jaas\.config' \(its producer applies client\.id, /,
    );
    expect(value?.value).toBe('[hidden]');
    expect(JSON.stringify(infos)).not.toContain('s3cret');
    expect(
      maskSecrets({ 'consumer.override.ssl.keystore.key': 'KEY', 'consumer.override.acks': '1' }),
    ).toEqual({
      'consumer.override.ssl.keystore.key': '[hidden]',
      'consumer.override.acks': '1',
    });
  });
});

describe('client overrides msa-sync applies', () => {
  it('checks values with the Java client’s types and valid values', () => {
    expect(
      errors(
        {
          ...source,
          'producer.override.compression.type': 'brotli',
          'producer.override.request.timeout.ms': 'soon',
          'producer.override.enable.idempotence': 'maybe',
          'producer.override.client.id': 'orders-producer',
        },
        'source',
      ),
    ).toEqual({
      'producer.override.compression.type': [
        'Invalid value brotli for configuration producer.override.compression.type: String must be one of: none, gzip, snappy, lz4, zstd',
      ],
      'producer.override.request.timeout.ms': [
        'Invalid value soon for configuration producer.override.request.timeout.ms: Not a number of type INT',
        'Invalid value null for configuration producer.override.request.timeout.ms: Value must be non-null',
      ],
      'producer.override.enable.idempotence': [
        'Invalid value maybe for configuration producer.override.enable.idempotence: Expected value to be either true or false',
      ],
    });
  });

  it('shows each applied override with the Java client’s type and default', () => {
    const infos = validateConnectorConfig({
      props: { ...sink, 'consumer.override.fetch.max.wait.ms': '100' },
      type: 'sink',
    });
    const info = infos.configs.find((c) => c.definition.name === 'consumer.override.fetch.max.wait.ms');
    expect(info?.definition).toMatchObject({ type: 'INT', default_value: '500', required: false });
    expect(info?.value.value).toBe('100');
  });

  it('refuses keys Connect sets for its guarantees, and clients a task does not have', () => {
    const refused = errors(
      {
        ...sink,
        'consumer.override.group.id': 'other',
        'consumer.override.enable.auto.commit': 'true',
        'producer.override.acks': '1',
      },
      'sink',
    );
    expect(refused['consumer.override.group.id']?.[0]).toMatch(
      /^'consumer\.override\.group\.id' may not be overridden: /,
    );
    expect(refused['consumer.override.enable.auto.commit']?.[0]).toMatch(
      /commits only offsets the task has flushed/,
    );
    expect(refused['producer.override.acks']?.[0]).toMatch(
      /a sink task has a producer only for its dead letter queue/,
    );
    expect(
      errors({ ...sink, 'errors.deadletterqueue.topic.name': 'dlq', 'producer.override.acks': '1' }, 'sink'),
    ).toEqual({});
    const src = errors(
      {
        ...source,
        'producer.override.transactional.id': 'mine',
        'consumer.override.max.poll.records': '5',
        'admin.override.request.timeout.ms': '5000',
      },
      'source',
    );
    expect(Object.keys(src).sort()).toEqual([
      'admin.override.request.timeout.ms',
      'consumer.override.max.poll.records',
      'producer.override.transactional.id',
    ]);
  });

  it('makes the producer checks of the Java client, and exactly-once source producers stay idempotent', () => {
    expect(errors({ ...source, 'producer.override.acks': '1' }, 'source')).toEqual({});
    expect(
      errors(
        { ...source, 'producer.override.acks': '1', 'producer.override.enable.idempotence': 'true' },
        'source',
      ),
    ).toEqual({
      'producer.override.acks': [
        'Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.',
      ],
    });
    const eos = errors(
      { ...source, 'producer.override.acks': '0', 'producer.override.enable.idempotence': 'false' },
      'source',
      { eos: true },
    );
    expect(eos['producer.override.acks']?.[0]).toMatch(/exactly\.once\.source\.support is enabled/);
    expect(eos['producer.override.enable.idempotence']?.[0]).toMatch(
      /exactly\.once\.source\.support is enabled/,
    );
  });

  it('maps the overrides onto the client’s options', () => {
    expect(
      clientOverrideOptions(
        {
          'producer.override.acks': '1',
          'producer.override.compression.type': 'gzip',
          'producer.override.client.id': 'p1',
          'producer.override.retries': '7',
          'producer.override.request.timeout.ms': '1500',
          'consumer.override.max.poll.records': '3',
        },
        'producer',
      ),
    ).toEqual({
      acks: 1,
      compression: 'gzip',
      clientId: 'p1',
      retries: 7,
      requestTimeoutMs: 1500,
      idempotent: false,
    });
    expect(
      clientOverrideOptions(
        {
          'consumer.override.max.poll.records': '3',
          'consumer.override.isolation.level': 'READ_COMMITTED',
          'consumer.override.auto.offset.reset': 'none',
          'consumer.override.fetch.min.bytes': '10',
          'consumer.override.max.partition.fetch.bytes': '2048',
          'consumer.override.session.timeout.ms': '20000',
        },
        'consumer',
      ),
    ).toEqual({
      maxPollRecords: 3,
      isolationLevel: 'read_committed',
      fallbackMode: 'fail',
      minBytes: 10,
      maxBytesPerPartition: 2048,
      sessionTimeout: 20000,
    });
    expect(clientOverrideOptions({ 'producer.override.acks': 'all' }, 'producer')).toEqual({ acks: -1 });
    expect(() => clientOverrideOptions({ 'admin.override.foo': '1' }, 'admin')).toThrow(/does not apply/);
  });
});

describe('overrides when a task starts', () => {
  it('fails the task when the worker’s policy forbids an override stored under another policy', () => {
    expect(() =>
      clientOverrideOptions({ 'consumer.override.max.poll.records': '3' }, 'consumer', 'None'),
    ).toThrow(
      "Client Config Overrides not allowed: The 'None' policy does not allow 'max.poll.records' to be overridden in the connector configuration.",
    );
    expect(clientOverrideOptions({ 'consumer.override.max.poll.records': '3' }, 'producer', 'None')).toEqual(
      {},
    );
  });
});
