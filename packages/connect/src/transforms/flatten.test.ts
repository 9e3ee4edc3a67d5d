import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../api/records.js';
import { DataError } from '../data/data-error.js';
import { Decimal } from '../data/decimal.js';
import { DecimalType } from '../data/decimal-type.js';
import { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Schemas } from '../data/schemas.js';
import { Struct } from '../data/struct.js';
import { flattenPlugins } from './flatten.js';
import { errorOf, record } from './test-records.js';

// Expected results were taken from Apache Kafka 4.4.0's Flatten (connect-transforms-4.4.0.jar)
// run on the same inputs.

const [keyPlugin, valuePlugin] = flattenPlugins as [
  (typeof flattenPlugins)[number],
  (typeof flattenPlugins)[number],
];

const flatten = (schema: Schema | undefined, value: unknown, delimiter = '_') =>
  valuePlugin.create({ delimiter }).apply(record(schema, value));

/** One line per field: name, type, optional flag, default, logical name. */
function describeFields(schema: Schema): string[] {
  return schema.fields.map(
    (f) =>
      `${f.name}:${f.schema.type}${f.schema.optional ? '?' : ''}${f.schema.defaultValue === undefined ? '' : `=${String(f.schema.defaultValue)}`}${f.schema.name ? ` (${f.schema.name})` : ''}`,
  );
}

describe('Flatten config', () => {
  it('is registered with Apache config keys', () => {
    expect(flattenPlugins.map((p) => p.className)).toEqual([
      'org.apache.kafka.connect.transforms.Flatten$Key',
      'org.apache.kafka.connect.transforms.Flatten$Value',
    ]);
    const keys = [...valuePlugin.configDef.keys().values()];
    expect(keys.map((k) => [k.name, k.type, k.required, k.defaultValue, k.importance])).toEqual([
      ['delimiter', 'STRING', false, '.', 'MEDIUM'],
    ]);
  });
});

describe('Flatten with schemas', () => {
  const inner = SchemaBuilder.struct()
    .name('inner')
    .field('a', Schemas.INT32)
    .field('b', SchemaBuilder.string().defaultValue('bd'))
    .field('arr', SchemaBuilder.array(Schemas.INT8).optional())
    .optional()
    .build();
  const deep = SchemaBuilder.struct().field('x', Schemas.BOOLEAN).build();
  const mid = SchemaBuilder.struct().field('deep', deep).field('d', DecimalType.schema(2)).build();
  const outer = SchemaBuilder.struct()
    .name('outer')
    .version(3)
    .doc('the doc')
    .optional()
    .field('id', Schemas.INT64)
    .field('inner', inner)
    .field('mid', mid)
    .build();
  const midValue = new Struct(mid)
    .put('deep', new Struct(deep).put('x', true))
    .put('d', new Decimal(150n, 2));

  it('flattens nested structs; every field is optional under an optional parent', () => {
    const innerValue = new Struct(inner).put('a', 1).put('arr', [1, 2]);
    const out = flatten(outer, new Struct(outer).put('id', 7).put('inner', innerValue).put('mid', midValue));
    const schema = out?.valueSchema as Schema;
    // The flat schema keeps name, version and doc, but not the optional flag.
    expect([schema.name, schema.version, schema.doc, schema.optional]).toEqual([
      'outer',
      3,
      'the doc',
      false,
    ]);
    expect(describeFields(schema)).toEqual([
      'id:int64?',
      'inner_a:int32?',
      'inner_b:string?=bd',
      'inner_arr:array?',
      'mid_deep_x:boolean?',
      'mid_d:bytes? (org.apache.kafka.connect.data.Decimal)',
    ]);
    expect(schema.field('inner_arr')?.schema.valueSchema).toBe(Schemas.INT8);
    expect(Object.fromEntries(schema.field('mid_d')?.schema.parameters ?? [])).toEqual({ scale: '2' });
    expect(String(out?.value)).toBe(
      'Struct{id=7,inner_a=1,inner_b=bd,inner_arr=[1, 2],mid_deep_x=true,mid_d=1.50}',
    );
  });

  it('leaves the fields of a null struct unset', () => {
    const out = flatten(outer, new Struct(outer).put('id', 7).put('mid', midValue));
    expect(String(out?.value)).toBe('Struct{id=7,mid_deep_x=true,mid_d=1.50}');
  });

  it('takes defaults from the field schema and optionality from any parent', () => {
    const parent = SchemaBuilder.struct()
      .field(
        'p',
        SchemaBuilder.struct()
          .field('x', Schemas.BOOLEAN)
          .field('y', SchemaBuilder.int32().defaultValue(5))
          .optional(),
      )
      .build();
    const out = flatten(parent, new Struct(parent));
    expect(describeFields(out?.valueSchema as Schema)).toEqual(['p_x:boolean?', 'p_y:int32?=5']);
    expect(String(out?.value)).toBe('Struct{}');
  });

  it('takes defaults from the default of a parent struct', () => {
    const inner = SchemaBuilder.struct()
      .field('x', Schemas.INT32)
      .field('y', SchemaBuilder.int32().defaultValue(9))
      .build();
    const innerWithDefault = new Schema({
      type: 'struct',
      optional: true,
      defaultValue: new Struct(inner).put('x', 3),
      fields: inner.fields,
    });
    const top = SchemaBuilder.struct().field('p', innerWithDefault).build();
    const out = flatten(top, new Struct(top).put('p', new Struct(innerWithDefault).put('x', 1)));
    expect(describeFields(out?.valueSchema as Schema)).toEqual(['p_x:int32?=3', 'p_y:int32?=9']);
    expect(String(out?.value)).toBe('Struct{p_x=1,p_y=9}');
    expect(String(flatten(top, new Struct(top))?.value)).toBe('Struct{}');
  });

  it('uses "." by default and leaves null values alone', () => {
    const s = SchemaBuilder.struct().field('a', SchemaBuilder.struct().field('b', Schemas.STRING)).build();
    const value = new Struct(s).put('a', new Struct(s.field('a')?.schema as Schema).put('b', 'v'));
    const out = valuePlugin.create({}).apply(record(s, value));
    expect(describeFields(out?.valueSchema as Schema)).toEqual(['a.b:string']);
    const tombstone = record(outer, null);
    expect(valuePlugin.create({}).apply(tombstone)).toBe(tombstone);
  });

  it('flattens the key with $Key', () => {
    const s = SchemaBuilder.struct().field('a', SchemaBuilder.struct().field('b', Schemas.INT8)).build();
    const key = new Struct(s).put('a', new Struct(s.field('a')?.schema as Schema).put('b', 3));
    const out = keyPlugin
      .create({ delimiter: '/' })
      .apply({ ...record(Schemas.STRING, 'v'), keySchema: s, key });
    expect(String(out?.key)).toBe('Struct{a/b=3}');
    expect(out?.value).toBe('v');
  });

  it('fails where Apache fails', () => {
    const withMap = SchemaBuilder.struct()
      .field('m', SchemaBuilder.map(Schemas.STRING, Schemas.STRING))
      .build();
    const error = errorOf(() => flatten(withMap, new Struct(withMap).put('m', new Map())));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(
      'Flatten transformation does not support MAP for record with schemas (for field m).',
    );
    expect(errorOf(() => flatten(outer, 'x')).message).toBe(
      'Only Struct objects supported for [flattening], found: java.lang.String',
    );
    const duplicate = SchemaBuilder.struct()
      .field('a_b', Schemas.INT32)
      .field('a', SchemaBuilder.struct().field('b', Schemas.INT32))
      .build();
    expect(errorOf(() => flatten(duplicate, new Struct(duplicate))).message).toBe(
      'Cannot create field because of field name duplication a_b',
    );
  });
});

describe('Flatten without schemas', () => {
  it('flattens nested maps, keeps arrays, bytes and nulls', () => {
    const bytes = Buffer.from([1]);
    const value = new Map<string, unknown>([
      ['a', 1],
      [
        'b',
        new Map<string, unknown>([
          ['c', 3],
          ['d', null],
        ]),
      ],
      ['e', [1]],
      ['f', bytes],
    ]);
    const out = flatten(undefined, value);
    expect(out?.valueSchema).toBeUndefined();
    expect([...((out as SourceRecord).value as Map<string, unknown>)]).toEqual([
      ['a', 1],
      ['b_c', 3],
      ['b_d', null],
      ['e', [1]],
      ['f', bytes],
    ]);
  });

  it.each([
    [
      new Map([['s', new Struct(SchemaBuilder.struct().field('x', Schemas.BOOLEAN).build()).put('x', true)]]),
      'Flatten transformation does not support class org.apache.kafka.connect.data.Struct for record without schemas (for field s).',
    ],
    [
      new Map([['d', new Date(0)]]),
      "Flatten transformation was passed a value of type class java.util.Date which is not supported by Connect's data API",
    ],
    ['x', 'Only Map objects supported in absence of schema for [flattening], found: java.lang.String'],
  ])('fails on %o as Apache does', (value, message) => {
    const error = errorOf(() => flatten(undefined, value));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(message);
  });
});
