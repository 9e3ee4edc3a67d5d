import { describe, expect, it } from 'vitest';
import type { ConnectHeader, SinkRecord } from '../api/records.js';
import { ConfigException } from '../config/config-types.js';
import { Schema } from '../data/schema.js';
import { Schemas } from '../data/schemas.js';
import { DateType } from '../data/temporal-types.js';
import { insertHeaderPlugins } from './insert-header.js';
import type { ConnectRecord } from './transformation.js';

// Expectations follow Apache Kafka 4.4.0's InsertHeader (and InsertHeaderTest); the literal's
// schema and value are what Values.parseString returned for it.

const plugin = insertHeaderPlugins[0] as (typeof insertHeaderPlugins)[number];

function record(headers: ConnectHeader[] = []): SinkRecord {
  return {
    topic: 't',
    kafkaPartition: 0,
    kafkaOffset: 3n,
    keySchema: undefined,
    key: null,
    valueSchema: Schemas.STRING,
    value: 'v',
    timestamp: 5,
    headers,
  };
}

function inserted(literal: string): ConnectHeader {
  const out = plugin.create({ header: 'h', 'value.literal': literal }).apply(record()) as SinkRecord;
  return out.headers.at(-1) as ConnectHeader;
}

describe('InsertHeader', () => {
  it('is registered under Apache class name and keys', () => {
    expect(plugin.className).toBe('org.apache.kafka.connect.transforms.InsertHeader');
    expect([...plugin.configDef.keys().keys()]).toEqual(['header', 'value.literal']);
    for (const name of ['header', 'value.literal']) {
      const key = plugin.configDef.key(name);
      expect(key?.type).toBe('STRING');
      expect(key?.required).toBe(true);
      expect(key?.importance).toBe('HIGH');
      expect(key?.validator?.description).toBe('non-null string');
    }
  });

  it('appends the header after the existing ones, even with the same key, without touching the input', () => {
    const input = [{ key: 'h', schema: Schemas.STRING, value: 'old' }];
    const out = plugin.create({ header: 'h', 'value.literal': 'new' }).apply(record(input)) as SinkRecord;
    expect(out.headers).toEqual([...input, { key: 'h', schema: Schemas.STRING, value: 'new' }]);
    expect(input).toHaveLength(1);
    expect(out).toEqual({ ...record(input), headers: out.headers });
  });

  it('infers the schema of the literal as Values.parseString does', () => {
    expect(inserted('hello world')).toEqual({ key: 'h', schema: Schemas.STRING, value: 'hello world' });
    expect(inserted('42')).toEqual({ key: 'h', schema: Schemas.INT8, value: 42 });
    expect(inserted('1000')).toEqual({ key: 'h', schema: Schemas.INT16, value: 1000 });
    expect(inserted('3000000000')).toEqual({ key: 'h', schema: Schemas.INT64, value: 3000000000 });
    expect(inserted('1.5')).toEqual({ key: 'h', schema: Schemas.FLOAT32, value: 1.5 });
    expect(inserted('true')).toEqual({ key: 'h', schema: Schemas.BOOLEAN, value: true });
    expect(inserted('2024-01-31')).toEqual({
      key: 'h',
      schema: DateType.SCHEMA,
      value: new Date(1706659200000),
    });
    expect(inserted('[1,2]')).toEqual({
      key: 'h',
      schema: new Schema({ type: 'array', valueSchema: Schemas.INT8 }),
      value: [1, 2],
    });
    expect(inserted('{"a":"b"}')).toEqual({
      key: 'h',
      schema: new Schema({ type: 'map', keySchema: Schemas.STRING, valueSchema: Schemas.STRING }),
      value: new Map([['a', 'b']]),
    });
    expect(inserted('')).toEqual({ key: 'h', schema: Schemas.STRING, value: '' });
  });

  it('inserts a header without schema or value for the literal null', () => {
    expect(inserted('null')).toEqual({ key: 'h', schema: undefined, value: null });
  });

  it('adds headers to records that had none, tombstones included', () => {
    const tombstone: ConnectRecord = { topic: 't', value: null };
    const out = plugin.create({ header: 'h', 'value.literal': 'x' }).apply(tombstone);
    expect(out?.headers).toEqual([{ key: 'h', schema: Schemas.STRING, value: 'x' }]);
  });

  it('takes the config values trimmed, as Apache ConfigDef parses strings', () => {
    expect(
      (plugin.create({ header: ' h ', 'value.literal': ' 7 ' }).apply(record()) as SinkRecord).headers,
    ).toEqual([{ key: 'h', schema: Schemas.INT8, value: 7 }]);
  });

  it("rejects bad configs with Apache's messages", () => {
    expect(() => plugin.create({ header: 'h' })).toThrow(
      'Missing required configuration "value.literal" which has no default value.',
    );
    expect(() => plugin.create({ 'value.literal': 'v' })).toThrow(
      'Missing required configuration "header" which has no default value.',
    );
  });

  it('refuses a literal this worker cannot hold, at config time', () => {
    expect(() => plugin.create({ header: 'h', 'value.literal': '999999-1-1' })).toThrow(ConfigException);
    expect(() => plugin.create({ header: 'h', 'value.literal': '999999-1-1' })).toThrow(
      /^Invalid value 999999-1-1 for configuration value.literal: cannot be held by this worker/,
    );
  });
});
