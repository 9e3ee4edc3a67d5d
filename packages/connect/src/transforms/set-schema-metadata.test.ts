import { describe, expect, it } from 'vitest';
import { ConfigException } from '../config/config-types.js';
import { DataError } from '../data/data-error.js';
import { Decimal } from '../data/decimal.js';
import { DecimalType } from '../data/decimal-type.js';
import type { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Schemas } from '../data/schemas.js';
import { Struct } from '../data/struct.js';
import { setSchemaMetadataPlugins } from './set-schema-metadata.js';
import { asStruct, errorOf, sink } from './test-records.js';

// Expected results were taken from Apache Kafka 4.4.0's SetSchemaMetadata run on the same inputs.

const [keyPlugin, valuePlugin] = setSchemaMetadataPlugins as [
  (typeof setSchemaMetadataPlugins)[number],
  (typeof setSchemaMetadataPlugins)[number],
];

const f1 = SchemaBuilder.string().optional().defaultValue('default').build();
const schema = SchemaBuilder.struct()
  .name('orig')
  .version(1)
  .doc('doc')
  .parameter('p', 'q')
  .optional()
  .field('f1', f1)
  .field('f2', Schemas.INT32)
  .build();
const structValue = () => new Struct(schema).put('f2', 1);

describe('SetSchemaMetadata', () => {
  it('is registered with Apache config keys', () => {
    expect(setSchemaMetadataPlugins.map((p) => p.className)).toEqual([
      'org.apache.kafka.connect.transforms.SetSchemaMetadata$Key',
      'org.apache.kafka.connect.transforms.SetSchemaMetadata$Value',
    ]);
    expect(
      [...valuePlugin.configDef.keys().values()].map((k) => [k.name, k.type, k.defaultValue, k.importance]),
    ).toEqual([
      ['schema.name', 'STRING', null, 'HIGH'],
      ['schema.version', 'INT', null, 'HIGH'],
      ['replace.null.with.default', 'BOOLEAN', true, 'MEDIUM'],
    ]);
  });

  it('renames and re-versions a struct schema and rebuilds the struct on it', () => {
    const out = valuePlugin
      .create({ 'schema.name': 'foo', 'schema.version': '42' })
      .apply(sink(schema, structValue()));
    const s = out?.valueSchema as Schema;
    expect([s.type, s.optional, s.name, s.version, s.doc, Object.fromEntries(s.parameters ?? [])]).toEqual([
      'struct',
      true,
      'foo',
      42,
      'doc',
      { p: 'q' },
    ]);
    expect(s.fields.map((f) => [f.name, f.index, f.schema])).toEqual([
      ['f1', 0, f1],
      ['f2', 1, Schemas.INT32],
    ]);
    const value = out?.value as Struct;
    expect(value.schema).toBe(s);
    expect([value.getWithoutDefault('f1'), value.getWithoutDefault('f2')]).toEqual(['default', 1]);
  });

  it('keeps nulls when told not to replace them with defaults', () => {
    const out = valuePlugin
      .create({ 'schema.name': 'foo', 'replace.null.with.default': 'false' })
      .apply(sink(schema, structValue()));
    expect(out?.valueSchema?.version).toBe(1);
    expect(asStruct(out?.value).getWithoutDefault('f1')).toBeNull();
  });

  it('updates the schema of a null value', () => {
    const out = valuePlugin.create({ 'schema.version': '7' }).apply(sink(schema, null));
    expect([out?.valueSchema?.name, out?.valueSchema?.version]).toEqual(['orig', 7]);
    expect(out?.value).toBeNull();
  });

  it('leaves a value that is not a struct as it is', () => {
    const out = valuePlugin.create({ 'schema.name': 'foo' }).apply(sink(schema, 'notastruct'));
    expect(out?.valueSchema?.name).toBe('foo');
    expect(out?.value).toBe('notastruct');
  });

  it('passes a record without schema and value through, requires a schema otherwise', () => {
    const empty = sink(undefined, null);
    expect(valuePlugin.create({ 'schema.name': 'foo' }).apply(empty)).toBe(empty);
    const error = errorOf(() => valuePlugin.create({ 'schema.name': 'foo' }).apply(sink(undefined, 42)));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe('Schema required for [updating schema metadata]');
  });

  it('fails on schemas that are not structs, as Apache 4.4.0 does', () => {
    for (const [s, v] of [
      [DecimalType.schema(2), Decimal.fromString('1.23')],
      [SchemaBuilder.array(Schemas.INT32).build(), [1]],
      [Schemas.OPTIONAL_STRING, null],
      [Schemas.INT32, 5],
    ] as const) {
      expect(errorOf(() => valuePlugin.create({ 'schema.name': 'foo' }).apply(sink(s, v))).message).toBe(
        'Cannot list fields on non-struct type',
      );
    }
  });

  it('validates its config as Apache does', () => {
    const neither = errorOf(() => valuePlugin.create({}));
    expect(neither).toBeInstanceOf(ConfigException);
    expect(neither.message).toBe('Neither schema name nor version configured');
    expect(errorOf(() => valuePlugin.create({ 'schema.version': 'x' })).message).toBe(
      'Invalid value x for configuration schema.version: Not a number of type INT',
    );
  });

  it('works on the key', () => {
    const out = keyPlugin
      .create({ 'schema.name': 'k' })
      .apply({ ...sink(undefined, null), keySchema: schema, key: structValue() });
    expect(out?.keySchema?.name).toBe('k');
    expect(asStruct(out?.key).schema).toBe(out?.keySchema);
    expect(asStruct(out?.key).getWithoutDefault('f1')).toBe('default');
  });
});
