import { describe, expect, it } from 'vitest';
import type { SinkRecord, SourceRecord } from '../api/records.js';
import { DataError } from '../data/data-error.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Schemas } from '../data/schemas.js';
import { Struct } from '../data/struct.js';
import { errorOf } from './test-records.js';
import { timestampRouterPlugins } from './timestamp-router.js';

// Expected topics and messages are what Apache Kafka 4.4.0's TimestampRouter produced (JVM in UTC,
// English locale) for the same records; see also Apache's TimestampRouterTest.

const plugin = timestampRouterPlugins[0] as (typeof timestampRouterPlugins)[number];

function sink(topic: string, timestamp: number | undefined): SinkRecord {
  return {
    topic,
    kafkaPartition: 2,
    kafkaOffset: 42n,
    keySchema: undefined,
    key: null,
    valueSchema: undefined,
    value: null,
    timestamp,
    headers: [],
  };
}

function route(config: Record<string, string>, topic: string, timestamp: number): string {
  return (plugin.create(config).apply(sink(topic, timestamp)) as SinkRecord).topic;
}

describe('TimestampRouter', () => {
  it('is registered under Apache class name, keys and defaults', () => {
    expect(plugin.className).toBe('org.apache.kafka.connect.transforms.TimestampRouter');
    expect([...plugin.configDef.keys().keys()]).toEqual(['topic.format', 'timestamp.format']);
    expect(plugin.configDef.key('topic.format')).toMatchObject({
      type: 'STRING',
      required: false,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Java's own ${name} replacement / Connect placeholder syntax
      defaultValue: '${topic}-${timestamp}',
      importance: 'HIGH',
    });
    expect(plugin.configDef.key('timestamp.format')).toMatchObject({
      type: 'STRING',
      required: false,
      defaultValue: 'yyyyMMdd',
      importance: 'HIGH',
    });
  });

  it("routes with the defaults as Apache's TimestampRouterTest expects", () => {
    expect(route({}, 'test', 1483425001864)).toBe('test-20170103');
  });

  it('formats the timestamp in UTC with SimpleDateFormat patterns', () => {
    expect(route({ 'timestamp.format': 'yyyy-MM-dd HH:mm:ss.SSS' }, 't', 1700000000123)).toBe(
      't-2023-11-14 22:13:20.123',
    );
    expect(route({ 'timestamp.format': "yyyy.MM'w'dd" }, 't', 1700000000123)).toBe('t-2023.11w14');
    expect(route({ 'timestamp.format': 'EEE MMM yy' }, 't', 1700000000123)).toBe('t-Tue Nov 23');
    expect(route({ 'timestamp.format': 'yyyyMMdd' }, 't', -1)).toBe('t-19691231');
    expect(route({ 'timestamp.format': 'yyyy-MM-dd' }, 't', -12219292800001)).toBe('t-1582-10-04');
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: Java's own ${name} replacement / Connect placeholder syntax
  it('fills topic.format, replacing ${topic} first and then ${timestamp}', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Java's own ${name} replacement / Connect placeholder syntax
    expect(route({ 'topic.format': 'archive_${timestamp}_${topic}' }, 'orders', 0)).toBe(
      'archive_19700101_orders',
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Java's own ${name} replacement / Connect placeholder syntax
    expect(route({ 'topic.format': '${topic}${topic}-${timestamp}$\\1' }, 't', 0)).toBe('tt-19700101$\\1');
    // a topic containing ${timestamp} is filled in by the second replacement, as in Apache
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Java's own ${name} replacement / Connect placeholder syntax
    expect(route({}, 'a${timestamp}', 0)).toBe('a19700101-19700101');
    expect(route({ 'topic.format': 'fixed' }, 't', 0)).toBe('fixed');
  });

  it('keeps everything but the topic', () => {
    const record = { ...sink('t', 0), headers: [{ key: 'h', schema: Schemas.STRING, value: 'v' }] };
    expect(plugin.create({}).apply(record)).toEqual({ ...record, topic: 't-19700101' });
  });

  it("fails on a record without timestamp, with Apache's message", () => {
    const s = SchemaBuilder.struct()
      .name('n')
      .field('id', Schemas.INT32)
      .field('f', Schemas.OPTIONAL_FLOAT64)
      .build();
    const record: SinkRecord = {
      ...sink('orders', undefined),
      keySchema: Schemas.STRING,
      key: 'key1',
      valueSchema: s,
      value: new Struct(s).put('id', 7).put('f', 1.5),
      headers: [
        { key: 'k', schema: Schemas.STRING, value: 'v' },
        { key: 'n', schema: Schemas.INT32, value: 3 },
      ],
    };
    const error = errorOf(() => plugin.create({}).apply(record));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(
      "Timestamp missing on record: SinkRecord{kafkaOffset=42, timestampType=NoTimestampType, originalTopic=orders, originalKafkaPartition=2, originalKafkaOffset=42} ConnectRecord{topic='orders', kafkaPartition=2, key=key1, keySchema=Schema{STRING}, value=Struct{id=7,f=1.5}, valueSchema=Schema{n:STRUCT}, timestamp=null, headers=ConnectHeaders(headers=[ConnectHeader(key=k, value=v, schema=Schema{STRING}), ConnectHeader(key=n, value=3, schema=Schema{INT32})])}",
    );

    const source: SourceRecord = {
      sourcePartition: { db: 'x' },
      sourceOffset: { pos: 5 },
      topic: 'orders',
      kafkaPartition: 1,
      valueSchema: Schemas.FLOAT32,
      value: 2,
    };
    expect(() => plugin.create({}).apply(source)).toThrow(
      "Timestamp missing on record: SourceRecord{sourcePartition={db=x}, sourceOffset={pos=5}} ConnectRecord{topic='orders', kafkaPartition=1, key=null, keySchema=null, value=2.0, valueSchema=Schema{FLOAT32}, timestamp=null, headers=ConnectHeaders(headers=)}",
    );
    expect(() =>
      plugin
        .create({})
        .apply({ sourcePartition: { db: 'x' }, sourceOffset: { pos: 5 }, topic: 'orders', value: 10 }),
    ).toThrow(
      "Timestamp missing on record: SourceRecord{sourcePartition={db=x}, sourceOffset={pos=5}} ConnectRecord{topic='orders', kafkaPartition=null, key=null, keySchema=null, value=10, valueSchema=null, timestamp=null, headers=ConnectHeaders(headers=)}",
    );
  });

  it('fails every record on a pattern Java rejects, as Apache builds the format lazily', () => {
    const router = plugin.create({ 'timestamp.format': 'yyyy-MM-dd bb' });
    const error = errorOf(() => router.apply(sink('orders', 5)));
    expect(error.name).toBe('IllegalArgumentException');
    expect(error.message).toBe("Illegal pattern character 'b'");
    // the missing timestamp is checked first
    expect(() => router.apply(sink('orders', undefined))).toThrow(/^Timestamp missing on record/);
    expect(() => plugin.create({ 'timestamp.format': "'open" }).apply(sink('t', 0))).toThrow(
      'Unterminated quote',
    );
  });

  it('formats week-based fields with en_US week rules', () => {
    expect(route({ 'timestamp.format': 'YYYY-ww' }, 'orders', 1704164645678)).toBe('orders-2024-01');
    // 2023-12-31 is in week 1 of week-year 2024
    expect(route({ 'timestamp.format': 'YYYY-ww W' }, 't', 1703980800000)).toBe('t-2024-01 6');
  });
});
