import { describe, expect, it } from 'vitest';
import type { ConnectHeader, SinkRecord } from '../api/records.js';
import { ConfigException } from '../config/config-types.js';
import { Schemas } from '../data/schemas.js';
import { dropHeadersPlugins } from './drop-headers.js';
import type { ConnectRecord } from './transformation.js';

// Expectations follow Apache Kafka 4.4.0's DropHeaders (and DropHeadersTest).

const plugin = dropHeadersPlugins[0] as (typeof dropHeadersPlugins)[number];

function record(headers: ConnectHeader[]): SinkRecord {
  return {
    topic: 't',
    kafkaPartition: 0,
    kafkaOffset: 3n,
    keySchema: Schemas.STRING,
    key: 'k',
    valueSchema: Schemas.INT32,
    value: 1,
    timestamp: 5,
    headers,
  };
}

const h = (key: string, value: unknown = key): ConnectHeader => ({ key, schema: Schemas.STRING, value });

describe('DropHeaders', () => {
  it('is registered under Apache class name and keys', () => {
    expect(plugin.className).toBe('org.apache.kafka.connect.transforms.DropHeaders');
    const headers = plugin.configDef.key('headers');
    expect([...plugin.configDef.keys().keys()]).toEqual(['headers']);
    expect(headers?.type).toBe('LIST');
    expect(headers?.required).toBe(true);
    expect(headers?.importance).toBe('HIGH');
  });

  it('drops the listed headers, every occurrence, keeping the rest in order', () => {
    const input = [h('a'), h('dropped'), h('b'), h('dropped', 'again'), h('c')];
    const original = [...input];
    const out = plugin.create({ headers: 'dropped' }).apply(record(input)) as SinkRecord;
    expect(out.headers).toEqual([h('a'), h('b'), h('c')]);
    expect(input).toEqual(original);
    expect(out.headers).not.toBe(input);
    expect(out).toEqual({ ...record(input), headers: [h('a'), h('b'), h('c')] });
  });

  it('drops several keys', () => {
    const out = plugin.create({ headers: 'a, c' }).apply(record([h('a'), h('b'), h('c')])) as SinkRecord;
    expect(out.headers).toEqual([h('b')]);
  });

  it('leaves records without those headers (or without headers) alone', () => {
    expect((plugin.create({ headers: 'x' }).apply(record([h('a')])) as SinkRecord).headers).toEqual([h('a')]);
    const bare: ConnectRecord = { topic: 't' };
    expect(plugin.create({ headers: 'x' }).apply(bare)?.headers).toEqual([]);
  });

  it('matches keys exactly', () => {
    const out = plugin.create({ headers: 'Key' }).apply(record([h('key'), h('Key')])) as SinkRecord;
    expect(out.headers).toEqual([h('key')]);
  });

  it("rejects bad configs with Apache's messages", () => {
    expect(() => plugin.create({})).toThrow(
      'Missing required configuration "headers" which has no default value.',
    );
    expect(() => plugin.create({ headers: '' })).toThrow(ConfigException);
    expect(() => plugin.create({ headers: '' })).toThrow(
      "Configuration 'headers' must not be empty. Valid values include: any non-empty value",
    );
    expect(() => plugin.create({ headers: 'a,,b' })).toThrow(
      "Configuration 'headers' values must not be empty.",
    );
  });
});
