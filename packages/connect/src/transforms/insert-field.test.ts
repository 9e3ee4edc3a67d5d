import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../api/records.js';
import { ConfigException } from '../config/config-types.js';
import { DataError } from '../data/data-error.js';
import type { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Schemas } from '../data/schemas.js';
import { Struct } from '../data/struct.js';
import { TimestampType } from '../data/temporal-types.js';
import { insertFieldPlugins } from './insert-field.js';
import { asStruct, errorOf, fieldsOf, sink } from './test-records.js';

// Expected results were taken from Apache Kafka 4.4.0's InsertField run on the same inputs.

const [keyPlugin, valuePlugin] = insertFieldPlugins as [
  (typeof insertFieldPlugins)[number],
  (typeof insertFieldPlugins)[number],
];

function source(valueSchema: Schema | undefined, value: unknown): SourceRecord {
  return { sourcePartition: {}, sourceOffset: {}, topic: 'topic', valueSchema, value };
}

const ALL = {
  'topic.field': 'topic_field!',
  'partition.field': 'partition_field',
  'offset.field': 'offset_field!',
  'timestamp.field': 'timestamp_field?',
  'static.field': 'instance_id',
  'static.value': 'my-instance-id',
};

const simple = SchemaBuilder.struct()
  .name('name')
  .version(1)
  .doc('doc')
  .field('magic', Schemas.OPTIONAL_INT64)
  .field('d', SchemaBuilder.int32().optional().defaultValue(3).build())
  .build();
const simpleValue = () => new Struct(simple).put('magic', 42);

describe('InsertField', () => {
  it('is registered with Apache config keys', () => {
    expect(insertFieldPlugins.map((p) => p.className)).toEqual([
      'org.apache.kafka.connect.transforms.InsertField$Key',
      'org.apache.kafka.connect.transforms.InsertField$Value',
    ]);
    expect(
      [...valuePlugin.configDef.keys().values()].map((k) => [k.name, k.type, k.defaultValue, k.importance]),
    ).toEqual([
      ['topic.field', 'STRING', null, 'MEDIUM'],
      ['partition.field', 'STRING', null, 'MEDIUM'],
      ['offset.field', 'STRING', null, 'MEDIUM'],
      ['timestamp.field', 'STRING', null, 'MEDIUM'],
      ['static.field', 'STRING', null, 'MEDIUM'],
      ['static.value', 'STRING', null, 'MEDIUM'],
      ['replace.null.with.default', 'BOOLEAN', true, 'MEDIUM'],
    ]);
  });

  it('appends the configured fields to a struct schema', () => {
    const out = valuePlugin.create(ALL).apply(sink(simple, simpleValue()));
    const schema = out?.valueSchema as Schema;
    expect([schema.name, schema.version, schema.doc, schema.optional]).toEqual(['name', 1, 'doc', false]);
    expect(fieldsOf(schema)).toEqual([
      ['magic', Schemas.OPTIONAL_INT64],
      ['d', simple.field('d')?.schema],
      ['topic_field', Schemas.STRING],
      ['partition_field', Schemas.OPTIONAL_INT32],
      ['offset_field', Schemas.INT64],
      ['timestamp_field', TimestampType.OPTIONAL_SCHEMA],
      ['instance_id', Schemas.OPTIONAL_STRING],
    ]);
    const value = out?.value as Struct;
    expect(value.getWithoutDefault('magic')).toBe(42);
    expect(value.getWithoutDefault('d')).toBe(3);
    expect(value.get('topic_field')).toBe('topic');
    expect(value.get('partition_field')).toBe(3);
    expect(value.get('offset_field')).toBe(42);
    expect(value.get('timestamp_field')).toEqual(new Date(1_700_000_000_000));
    expect(value.get('instance_id')).toBe('my-instance-id');
  });

  it('adds map entries without a schema, the timestamp as millis', () => {
    const out = valuePlugin.create(ALL).apply(sink(undefined, new Map<string, unknown>([['magic', 42]])));
    expect(out?.valueSchema).toBeUndefined();
    expect(out?.value).toEqual(
      new Map<string, unknown>([
        ['magic', 42],
        ['topic_field', 'topic'],
        ['partition_field', 3],
        ['offset_field', 42],
        ['timestamp_field', 1_700_000_000_000],
        ['instance_id', 'my-instance-id'],
      ]),
    );
  });

  it('passes null values through untouched', () => {
    const withSchema = sink(simple, null);
    expect(valuePlugin.create(ALL).apply(withSchema)).toBe(withSchema);
    const schemaless = sink(undefined, null);
    expect(valuePlugin.create(ALL).apply(schemaless)).toBe(schemaless);
  });

  it('copies nulls with or without defaults', () => {
    const withDefault = valuePlugin.create({ 'topic.field': 't' }).apply(sink(simple, simpleValue()));
    expect(asStruct(withDefault?.value).getWithoutDefault('d')).toBe(3);
    const without = valuePlugin
      .create({ 'topic.field': 't', 'replace.null.with.default': 'false' })
      .apply(sink(simple, simpleValue()));
    expect(asStruct(without?.value).getWithoutDefault('d')).toBeNull();
    expect(fieldsOf(without?.valueSchema)?.at(-1)).toEqual(['t', Schemas.OPTIONAL_STRING]);
  });

  it('rejects a config that inserts nothing, or a static field without value', () => {
    const none = errorOf(() => valuePlugin.create({}));
    expect(none).toBeInstanceOf(ConfigException);
    expect(none.message).toBe('No field insertion configured');
    expect(errorOf(() => valuePlugin.create({ 'static.field': 's' })).message).toMatch(
      /^Invalid value null for configuration static\.value: No value specified for static field: org\.apache\.kafka\.connect\.transforms\.InsertField\$InsertionSpec@/,
    );
  });

  it('needs a sink record for the offset', () => {
    const error = errorOf(() =>
      valuePlugin.create({ 'offset.field': 'o' }).apply(source(undefined, new Map([['a', 1]]))),
    );
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(
      'Only SinkRecord supported for [field insertion], found: org.apache.kafka.connect.source.SourceRecord',
    );
  });

  it('skips an absent partition and timestamp, even for required fields', () => {
    const t = valuePlugin.create({ 'partition.field': 'p!', 'timestamp.field': 'ts!', 'topic.field': 't' });
    const out = t.apply(source(simple, simpleValue()));
    expect(fieldsOf(out?.valueSchema)?.slice(2)).toEqual([
      ['t', Schemas.OPTIONAL_STRING],
      ['p', Schemas.INT32],
      ['ts', TimestampType.SCHEMA],
    ]);
    const value = out?.value as Struct;
    expect([value.get('t'), value.get('p'), value.get('ts')]).toEqual(['topic', null, null]);
    expect(t.apply(source(undefined, new Map([['a', 1]])))?.value).toEqual(
      new Map<string, unknown>([
        ['a', 1],
        ['t', 'topic'],
      ]),
    );
  });

  it('fails like Apache on bad input', () => {
    expect(
      errorOf(() => valuePlugin.create({ 'topic.field': 'magic' }).apply(sink(simple, simpleValue())))
        .message,
    ).toBe('Cannot create field because of field name duplication magic');
    expect(
      errorOf(() => valuePlugin.create({ 'topic.field': 't' }).apply(sink(Schemas.INT32, 5))).message,
    ).toBe('Only Struct objects supported for [field insertion], found: java.lang.Integer');
    expect(errorOf(() => valuePlugin.create({ 'topic.field': 't' }).apply(sink(undefined, 5))).message).toBe(
      'Only Map objects supported in absence of schema for [field insertion], found: java.lang.Long',
    );
    expect(
      errorOf(() => valuePlugin.create({ 'topic.field': '!' }).apply(sink(simple, simpleValue()))).message,
    ).toBe('fieldName cannot be null.');
  });

  it('takes a bare suffix as an empty name without a schema', () => {
    expect(
      valuePlugin.create({ 'topic.field': '!' }).apply(sink(undefined, new Map([['a', 1]])))?.value,
    ).toEqual(
      new Map<string, unknown>([
        ['a', 1],
        ['', 'topic'],
      ]),
    );
  });

  it('works on the key', () => {
    const t = keyPlugin.create({ 'topic.field': 't', 'static.field': 's!', 'static.value': 'v' });
    const out = t.apply({ ...sink(undefined, null), keySchema: simple, key: simpleValue() });
    expect(fieldsOf(out?.keySchema)?.slice(2)).toEqual([
      ['t', Schemas.OPTIONAL_STRING],
      ['s', Schemas.STRING],
    ]);
    expect(asStruct(out?.key).get('s')).toBe('v');
    expect(out?.value).toBeNull();
  });
});
