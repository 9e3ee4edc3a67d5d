import { describe, expect, it } from 'vitest';
import type { ConnectHeader, SinkRecord } from '../api/records.js';
import { ConfigException } from '../config/config-types.js';
import { Schemas } from '../data/schemas.js';
import { predicatePlugins } from './predicates.js';

// Expectations follow Apache Kafka 4.4.0's predicates (and their tests).

function find(simpleName: string) {
  const plugin = predicatePlugins.find(
    (p) => p.className === `org.apache.kafka.connect.transforms.predicates.${simpleName}`,
  );
  if (!plugin) throw new Error(`no ${simpleName}`);
  return plugin;
}

function record(topic: string, value: unknown, headers: ConnectHeader[] = []): SinkRecord {
  return {
    topic,
    kafkaPartition: 0,
    kafkaOffset: 0n,
    keySchema: Schemas.STRING,
    key: 'k',
    valueSchema: value === null ? undefined : Schemas.STRING,
    value,
    timestamp: 1,
    headers,
  };
}

describe('predicates', () => {
  it('are the three Apache predicates', () => {
    expect(predicatePlugins.map((p) => p.className)).toEqual([
      'org.apache.kafka.connect.transforms.predicates.HasHeaderKey',
      'org.apache.kafka.connect.transforms.predicates.RecordIsTombstone',
      'org.apache.kafka.connect.transforms.predicates.TopicNameMatches',
    ]);
    for (const plugin of predicatePlugins) {
      expect(plugin.kind).toBe('predicate');
      expect(plugin.version).toBe('4.4.0');
    }
  });

  describe('HasHeaderKey', () => {
    const plugin = find('HasHeaderKey');

    it('defines name', () => {
      expect([...plugin.configDef.keys().keys()]).toEqual(['name']);
      expect(plugin.configDef.key('name')).toMatchObject({
        type: 'STRING',
        required: true,
        importance: 'MEDIUM',
      });
      expect(plugin.configDef.key('name')?.validator?.description).toBe('non-empty string');
    });

    it('is true when a header has the key', () => {
      const predicate = plugin.create({ name: 'foo' });
      const h = (key: string): ConnectHeader => ({ key, schema: Schemas.STRING, value: 'v' });
      expect(predicate.test(record('t', 'v', [h('foo')]))).toBe(true);
      expect(predicate.test(record('t', 'v', [h('bar'), h('foo'), h('foo')]))).toBe(true);
      expect(predicate.test(record('t', 'v', [h('bar'), h('Foo')]))).toBe(false);
      expect(predicate.test(record('t', 'v', []))).toBe(false);
      expect(predicate.test({ topic: 't' })).toBe(false);
      // a header with a null value still counts
      expect(predicate.test(record('t', 'v', [{ key: 'foo', schema: undefined, value: null }]))).toBe(true);
    });

    it("rejects bad configs with Apache's messages", () => {
      expect(() => plugin.create({})).toThrow(
        'Missing required configuration "name" which has no default value.',
      );
      expect(() => plugin.create({ name: ' ' })).toThrow(ConfigException);
      expect(() => plugin.create({ name: ' ' })).toThrow(
        'Invalid value  for configuration name: String must be non-empty',
      );
    });
  });

  describe('RecordIsTombstone', () => {
    const plugin = find('RecordIsTombstone');

    it('has no config', () => {
      expect(plugin.configDef.keys().size).toBe(0);
    });

    it('is true for a null value, whatever the key and schema', () => {
      const predicate = plugin.create({});
      expect(predicate.test(record('t', null))).toBe(true);
      expect(predicate.test({ ...record('t', null), valueSchema: Schemas.OPTIONAL_STRING })).toBe(true);
      expect(predicate.test({ topic: 't' })).toBe(true);
      expect(predicate.test(record('t', 'v'))).toBe(false);
      expect(predicate.test(record('t', ''))).toBe(false);
      expect(predicate.test({ ...record('t', 0), valueSchema: Schemas.INT32 })).toBe(false);
    });
  });

  describe('TopicNameMatches', () => {
    const plugin = find('TopicNameMatches');

    it('defines pattern', () => {
      expect([...plugin.configDef.keys().keys()]).toEqual(['pattern']);
      expect(plugin.configDef.key('pattern')).toMatchObject({
        type: 'STRING',
        required: true,
        importance: 'MEDIUM',
      });
      expect(plugin.configDef.key('pattern')?.validator?.description).toBe('non-empty string, valid regex');
    });

    it('is true when the whole topic name matches the Java regex', () => {
      const predicate = plugin.create({ pattern: 'my-prefix-.*' });
      expect(predicate.test(record('my-prefix-', 'v'))).toBe(true);
      expect(predicate.test(record('my-prefix-foo', 'v'))).toBe(true);
      expect(predicate.test(record('x-my-prefix-', 'v'))).toBe(false);
      expect(predicate.test(record('x-my-prefix-foo', 'v'))).toBe(false);
      expect(predicate.test(record('your-prefix-', 'v'))).toBe(false);
      expect(predicate.test(record('', 'v'))).toBe(false);
      // matches(), not find()
      expect(plugin.create({ pattern: 'prefix' }).test(record('prefix-x', 'v'))).toBe(false);
      // Java syntax
      expect(plugin.create({ pattern: '(?i)\\QOrders.\\E\\d+' }).test(record('orders.12', 'v'))).toBe(true);
      expect(plugin.create({ pattern: '\\w+' }).test(record('é', 'v'))).toBe(false);
    });

    it("rejects bad configs with Apache's messages", () => {
      expect(() => plugin.create({})).toThrow(
        'Missing required configuration "pattern" which has no default value.',
      );
      expect(() => plugin.create({ pattern: '' })).toThrow(
        'Invalid value  for configuration pattern: String must be non-empty',
      );
      expect(() => plugin.create({ pattern: 'a(b' })).toThrow(ConfigException);
      expect(() => plugin.create({ pattern: 'a(b' })).toThrow(
        'Invalid value a(b for configuration pattern: Invalid regex: Unclosed group near index 3\na(b',
      );
      expect(() => plugin.create({ pattern: 'a\\1' })).toThrow(/back-references/);
    });
  });
});
