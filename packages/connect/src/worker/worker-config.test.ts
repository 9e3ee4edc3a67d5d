import { describe, expect, it } from 'vitest';
import { standaloneConfigDef } from './standalone-config.js';
import { WorkerConfigError, workerConfig, workerConfigDef } from './worker-config.js';

describe('worker config: failover timing', () => {
  it('moves a dead worker’s tasks after session.timeout.ms: scheduled.rebalance.max.delay.ms is 0 or refused', () => {
    const config = workerConfig(new Map([['scheduled.rebalance.max.delay.ms', '0']]), {});
    expect(config.sessionTimeoutMs).toBe(10_000);
    expect(config.heartbeatIntervalMs).toBe(3000);
    expect(() => workerConfig(new Map([['scheduled.rebalance.max.delay.ms', '300000']]), {})).toThrow(
      /^Invalid value 300000 for configuration scheduled\.rebalance\.max\.delay\.ms: .*set it to 0 or remove it/,
    );
    expect(workerConfig(new Map(), {}).notes).toEqual([]);
  });

  it('rebalances cooperatively by default, eagerly with connect.protocol=eager, and refuses compatible', () => {
    expect(workerConfig(new Map(), {}).rebalanceProtocol).toBe('cooperative');
    expect(workerConfig(new Map([['connect.protocol', 'sessioned']]), {}).rebalanceProtocol).toBe(
      'cooperative',
    );
    expect(workerConfig(new Map([['connect.protocol', 'eager']]), {}).rebalanceProtocol).toBe('eager');
    expect(() => workerConfig(new Map([['connect.protocol', 'compatible']]), {})).toThrow(
      /compatible is not supported/,
    );
    expect(() => workerConfig(new Map([['connect.protocol', 'fast']]), {})).toThrow(/eager, sessioned/);
  });
});

describe('worker config: connector client overrides and topic creation', () => {
  it('reads connector.client.config.override.policy by alias or class name, All by default', () => {
    expect(workerConfig(new Map(), {}).clientOverridePolicy).toBe('All');
    const named = (value: string) =>
      workerConfig(new Map([['connector.client.config.override.policy', value]]), {}).clientOverridePolicy;
    expect(named('None')).toBe('None');
    expect(named('Principal')).toBe('Principal');
    expect(named('org.apache.kafka.connect.connector.policy.NoneConnectorClientConfigOverridePolicy')).toBe(
      'None',
    );
    expect(named('AllConnectorClientConfigOverridePolicy')).toBe('All');
    expect(() => named('Some')).toThrow(
      /^Invalid value Some for configuration connector\.client\.config\.override\.policy: must be one of None, org\.apache\.kafka\.connect\.connector\.policy\.NoneConnectorClientConfigOverridePolicy, /,
    );
  });

  it('reads topic.creation.enable, true by default', () => {
    expect(workerConfig(new Map(), {}).topicCreationEnable).toBe(true);
    expect(workerConfig(new Map([['topic.creation.enable', 'FALSE']]), {}).topicCreationEnable).toBe(false);
    expect(() => workerConfig(new Map([['topic.creation.enable', 'no']]), {})).toThrow(
      'Invalid value no for configuration topic.creation.enable: Expected value to be either true or false',
    );
  });
});

describe('worker config definitions', () => {
  it('gives every key its default once, from the definition', () => {
    const config = workerConfig(new Map(), {});
    const def = workerConfigDef();
    const defaultOf = (name: string) => def.key(name)?.defaultValue;
    expect(config).toMatchObject({
      bootstrapServers: defaultOf('bootstrap.servers'),
      groupId: defaultOf('group.id'),
      keyConverter: defaultOf('key.converter'),
      valueConverter: defaultOf('value.converter'),
      configTopic: defaultOf('config.storage.topic'),
      offsetTopic: defaultOf('offset.storage.topic'),
      statusTopic: defaultOf('status.storage.topic'),
      configReplicationFactor: defaultOf('config.storage.replication.factor'),
      offsetPartitions: defaultOf('offset.storage.partitions'),
      offsetFlushIntervalMs: defaultOf('offset.flush.interval.ms'),
      sessionTimeoutMs: defaultOf('session.timeout.ms'),
      rebalanceTimeoutMs: defaultOf('rebalance.timeout.ms'),
      restPort: defaultOf('rest.port'),
      fileStreamAllowedDirs: defaultOf('file.stream.allowed.dirs'),
      exactlyOnceSource: true,
    });
    expect(config.advertisedPort).toBe(config.restPort);
  });

  it('parses each key into its type: numbers, lists, case-insensitive choices', () => {
    const config = workerConfig(
      new Map([
        ['bootstrap.servers', 'a:9092, b:9093'],
        ['offset.storage.partitions', ' 7 '],
        ['offset.flush.interval.ms', '1000'],
        ['exactly.once.source.support', 'DISABLED'],
        ['file.stream.allowed.dirs', '/data, /srv'],
        ['rest.advertised.port', '9999'],
      ]),
      {},
    );
    expect(config).toMatchObject({
      bootstrapServers: ['a:9092', 'b:9093'],
      offsetPartitions: 7,
      offsetFlushIntervalMs: 1000,
      exactlyOnceSource: false,
      fileStreamAllowedDirs: ['/data', '/srv'],
      advertisedPort: 9999,
    });
    expect(workerConfig(new Map([['file.stream.allowed.dirs', '']]), {}).fileStreamAllowedDirs).toEqual([]);
    expect(workerConfig(new Map(), { KAFKA_BOOTSTRAP_SERVERS: 'k:1' }).bootstrapServers).toEqual(['k:1']);
  });

  it('refuses bad values with Kafka’s message, naming value and key', () => {
    const refused = (key: string, value: string) => () => workerConfig(new Map([[key, value]]), {});
    expect(refused('offset.flush.interval.ms', 'soon')).toThrow(WorkerConfigError);
    expect(refused('offset.flush.interval.ms', 'soon')).toThrow(
      'Invalid value soon for configuration offset.flush.interval.ms: Not a number of type LONG',
    );
    expect(refused('config.storage.replication.factor', '70000')).toThrow(
      'Invalid value 70000 for configuration config.storage.replication.factor: Not a number of type SHORT',
    );
    expect(refused('exactly.once.source.support', 'sometimes')).toThrow(
      'Invalid value sometimes for configuration exactly.once.source.support: String must be one of (case insensitive): ENABLED, PREPARING, DISABLED',
    );
    expect(refused('file.stream.allowed.dirs', '/data,tmp')).toThrow(
      "Invalid value [/data, tmp] for configuration file.stream.allowed.dirs: takes absolute directories, got 'tmp'",
    );
    expect(refused('listeners', 'HTTPS://127.0.0.1:8443')).toThrow(
      'Invalid value HTTPS://127.0.0.1:8443 for configuration listeners: HTTPS listeners are not supported yet',
    );
  });

  it('defines the REST security keys with the worker’s, and a standalone worker’s offsets file apart', () => {
    const keys = [...workerConfigDef().keys().keys()];
    expect(keys).toContain('rest.extension.classes');
    expect(keys).toContain('rest.auth.bearer.token.file');
    expect(keys).not.toContain('offset.storage.file.filename');
    expect(standaloneConfigDef().key('offset.storage.file.filename')?.required).toBe(true);
  });
});
