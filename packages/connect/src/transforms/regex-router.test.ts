import { describe, expect, it } from 'vitest';
import type { SinkRecord, SourceRecord } from '../api/records.js';
import { ConfigException } from '../config/config-types.js';
import { Schemas } from '../data/schemas.js';
import { regexRouterPlugins } from './regex-router.js';

// Expectations follow Apache Kafka 4.4.0's RegexRouter (and its RegexRouterTest), checked by
// running the Apache class on the same inputs.

const plugin = regexRouterPlugins[0] as (typeof regexRouterPlugins)[number];

function sink(topic: string): SinkRecord {
  return {
    topic,
    kafkaPartition: 1,
    kafkaOffset: 7n,
    keySchema: Schemas.STRING,
    key: 'k',
    valueSchema: Schemas.INT32,
    value: 5,
    timestamp: 1_700_000_000_000,
    headers: [{ key: 'h', schema: Schemas.STRING, value: 'v' }],
  };
}

function route(regex: string, replacement: string, topic: string): string {
  return (plugin.create({ regex, replacement }).apply(sink(topic)) as SinkRecord).topic;
}

describe('RegexRouter', () => {
  it('is registered under Apache class name and keys', () => {
    expect(regexRouterPlugins).toHaveLength(1);
    expect(plugin.className).toBe('org.apache.kafka.connect.transforms.RegexRouter');
    expect(plugin.kind).toBe('transformation');
    expect([...plugin.configDef.keys().keys()]).toEqual(['regex', 'replacement']);
    const regex = plugin.configDef.key('regex');
    expect(regex?.type).toBe('STRING');
    expect(regex?.required).toBe(true);
    expect(regex?.importance).toBe('HIGH');
    expect(regex?.validator?.description).toBe('valid regex');
    const replacement = plugin.configDef.key('replacement');
    expect(replacement?.type).toBe('STRING');
    expect(replacement?.required).toBe(true);
    expect(replacement?.importance).toBe('HIGH');
    expect(replacement?.validator).toBeUndefined();
  });

  it("renames topics as Apache's RegexRouterTest expects", () => {
    expect(route('foo', 'bar', 'foo')).toBe('bar');
    expect(route('foo', 'bar', 'orig')).toBe('orig');
    expect(route('(.*)', '$1', 'orig')).toBe('orig');
    expect(route('(.*)', 'prefix-$1', 'orig')).toBe('prefix-orig');
    expect(route('(.*)', '$1-suffix', 'orig')).toBe('orig-suffix');
    expect(route('(.*)-(\\d\\d\\d\\d\\d\\d\\d\\d)', '$1', 'index-20160117')).toBe('index');
  });

  it('needs the regex to match the whole topic', () => {
    expect(route('orders', 'x', 'orders-v2')).toBe('orders-v2');
    expect(route('orders.*', 'x', 'orders-v2')).toBe('x');
  });

  it('replaces the first match a search finds, which may differ from the whole-topic match', () => {
    // Java: matches() succeeds, then replaceFirst() finds the empty lazy match at index 0.
    expect(route('(.*?)(\\d*)', '[$1|$2]', 'topic42')).toBe('[|]topic42');
  });

  it('understands Java regex syntax and replacement syntax', () => {
    expect(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Java's own ${name} replacement / Connect placeholder syntax
      route('dbserver1\\.inventory\\.(?<table>.*)', 'inv_${table}', 'dbserver1.inventory.customers'),
    ).toBe('inv_customers');
    expect(route('(?i)ORDERS', 'orders', 'Orders')).toBe('orders');
    expect(route('\\Qa.b\\E', 'c', 'a.b')).toBe('c');
    expect(route('\\Qa.b\\E', 'c', 'axb')).toBe('axb');
    expect(route('(.*)', '\\$1-$1', 'x')).toBe('$1-x');
  });

  it('keeps everything but the topic, and passes non-matching records through as they are', () => {
    const record = sink('orders');
    const routed = plugin.create({ regex: 'orders', replacement: 'orders-copy' }).apply(record) as SinkRecord;
    expect(routed).toEqual({ ...record, topic: 'orders-copy' });
    expect(record.topic).toBe('orders');
    const unchanged = plugin.create({ regex: 'other', replacement: 'x' }).apply(record);
    expect(unchanged).toBe(record);
  });

  it('routes source records', () => {
    const record: SourceRecord = {
      sourcePartition: { db: 'x' },
      sourceOffset: { pos: 1 },
      topic: 'a-1',
      value: null,
    };
    const routed = plugin.create({ regex: 'a-(\\d)', replacement: 'b-$1' }).apply(record) as SourceRecord;
    expect(routed).toEqual({ ...record, topic: 'b-1' });
  });

  it('routes tombstones and records without schemas too', () => {
    const record = { ...sink('t1'), keySchema: undefined, valueSchema: undefined, value: null };
    expect((plugin.create({ regex: 't(\\d)', replacement: 'u$1' }).apply(record) as SinkRecord).topic).toBe(
      'u1',
    );
  });

  it("fails matching records on a bad replacement, with Java's exception", () => {
    const router = plugin.create({ regex: '(.*)', replacement: '$2' });
    expect(() => router.apply(sink('x'))).toThrow('No group 2');
    try {
      router.apply(sink('x'));
    } catch (error) {
      expect((error as Error).name).toBe('IndexOutOfBoundsException');
    }
    expect(() => plugin.create({ regex: '(.*)', replacement: 'a$' }).apply(sink('x'))).toThrow(
      'Illegal group reference: group index is missing',
    );
    // no match, no error
    expect((plugin.create({ regex: 'y', replacement: '$2' }).apply(sink('x')) as SinkRecord).topic).toBe('x');
  });

  it("rejects bad configs with Apache's messages", () => {
    expect(() => plugin.create({ regex: 'a' })).toThrow(
      'Missing required configuration "replacement" which has no default value.',
    );
    expect(() => plugin.create({ replacement: 'a' })).toThrow(
      'Missing required configuration "regex" which has no default value.',
    );
    expect(() => plugin.create({ regex: 'a[', replacement: 'x' })).toThrow(ConfigException);
    expect(() => plugin.create({ regex: 'a[', replacement: 'x' })).toThrow(
      'Invalid value a[ for configuration regex: Invalid regex: Unclosed character class near index 1\na[\n ^',
    );
  });

  it('refuses at config time a Java regex it cannot run identically', () => {
    expect(() => plugin.create({ regex: '(.*)++', replacement: 'x' })).toThrow(ConfigException);
    expect(() => plugin.create({ regex: '(.*)++', replacement: 'x' })).toThrow(/possessive quantifiers/);
  });

  it('reports the Apache version', () => {
    expect(plugin.version).toBe('4.4.0');
  });
});
