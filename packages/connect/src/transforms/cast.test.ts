import { describe, expect, it } from 'vitest';
import { ConfigException } from '../config/config-types.js';
import { DataError } from '../data/data-error.js';
import { Decimal } from '../data/decimal.js';
import { DecimalType } from '../data/decimal-type.js';
import type { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Schemas } from '../data/schemas.js';
import { Struct } from '../data/struct.js';
import { DateType, TimestampType, TimeType } from '../data/temporal-types.js';
import { castPlugins } from './cast.js';
import { errorOf, record } from './test-records.js';

// Expected results were taken from Apache Kafka 4.4.0's Cast (connect-transforms-4.4.0.jar on
// Java 17) run on the same inputs.

const [keyPlugin, valuePlugin] = castPlugins as [(typeof castPlugins)[number], (typeof castPlugins)[number]];

const cast = (spec: string, schema: Schema | undefined, value: unknown, extra: Record<string, string> = {}) =>
  valuePlugin.create({ spec, ...extra }).apply(record(schema, value));

describe('Cast config', () => {
  it('is registered with Apache config keys', () => {
    expect(castPlugins.map((p) => p.className)).toEqual([
      'org.apache.kafka.connect.transforms.Cast$Key',
      'org.apache.kafka.connect.transforms.Cast$Value',
    ]);
    const keys = [...valuePlugin.configDef.keys().values()];
    expect(keys.map((k) => [k.name, k.type, k.required, k.defaultValue, k.importance])).toEqual([
      ['spec', 'LIST', true, null, 'HIGH'],
      ['replace.null.with.default', 'BOOLEAN', false, true, 'MEDIUM'],
    ]);
    expect(keys[0]?.validator?.description).toBe(
      'list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>',
    );
  });

  it.each([
    ['', ConfigException, 'Must specify at least one field to cast.'],
    [
      'a:b:c',
      ConfigException,
      'Invalid value [a:b:c] for configuration renames: Invalid rename mapping: a:b:c',
    ],
    [
      'a:b:c,int8',
      ConfigException,
      'Invalid value [a:b:c, int8] for configuration renames: Invalid rename mapping: a:b:c',
    ],
    [
      'a:',
      ConfigException,
      'Invalid value java.lang.IllegalArgumentException: No enum constant org.apache.kafka.connect.data.Schema.Type.A for configuration Invalid type found in casting spec: a',
    ],
    [
      'a:int8,',
      ConfigException,
      'Invalid value java.lang.IllegalArgumentException: No enum constant org.apache.kafka.connect.data.Schema.Type. for configuration Invalid type found in casting spec: ',
    ],
    [
      'a:foo',
      ConfigException,
      'Invalid value java.lang.IllegalArgumentException: No enum constant org.apache.kafka.connect.data.Schema.Type.FOO for configuration Invalid type found in casting spec: foo',
    ],
    [
      'a:bytes',
      ConfigException,
      'Cast transformation does not support casting to BYTES; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]',
    ],
    [
      'int8,a:int16',
      ConfigException,
      'Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec',
    ],
    [':', RangeError, 'Index 1 out of bounds for length 0'],
  ])('spec %j fails as in Apache', (spec, type, message) => {
    const error = errorOf(() => valuePlugin.create({ spec }));
    expect(error).toBeInstanceOf(type);
    expect(error.message).toBe(message);
  });

  it('requires a spec and accepts any case and surrounding spaces', () => {
    expect(errorOf(() => valuePlugin.create({})).message).toBe(
      'Missing required configuration "spec" which has no default value.',
    );
    expect(cast(' a : INT8 ', undefined, new Map([['a', 300]]))?.value).toEqual(new Map([['a', 44]]));
    expect(cast('a:int8,a:string', undefined, new Map([['a', 300]]))?.value).toEqual(new Map([['a', '300']]));
  });
});

describe('Cast conversions', () => {
  const date = (millis: number) => new Date(millis);
  it.each<[string, Schema | undefined, unknown, string, unknown]>([
    ['long to byte wraps', Schemas.INT64, 300, 'int8', 44],
    ['int to byte wraps', Schemas.INT32, -129, 'int8', 127],
    ['short to byte keeps the low bits', Schemas.INT16, -32768, 'int8', 0],
    ['long max to int', Schemas.INT64, 9223372036854775807n, 'int32', -1],
    ['long to float rounds once', Schemas.INT64, 9007199254740993n, 'float32', 9007199254740992],
    ['long to double', Schemas.INT64, 9007199254740993n, 'float64', 9007199254740992],
    ['byte to boolean', Schemas.INT8, -5, 'boolean', true],
    ['double to int saturates', Schemas.FLOAT64, 1e10, 'int32', 2147483647],
    ['NaN to int is 0', Schemas.FLOAT64, Number.NaN, 'int32', 0],
    ['double to short truncates', Schemas.FLOAT64, -2.9, 'int16', -2],
    ['double to long saturates', Schemas.FLOAT64, 1e30, 'int64', 9223372036854775807n],
    ['0.5 is false (longValue is 0)', Schemas.FLOAT64, 0.5, 'boolean', false],
    ['double text is Java text', Schemas.FLOAT64, 1e7, 'string', '1.0E7'],
    ['small double text', Schemas.FLOAT64, 1e-4, 'string', '1.0E-4'],
    ['negative zero', Schemas.FLOAT64, -0, 'string', '-0.0'],
    ['double to float', Schemas.FLOAT64, 0.1, 'float32', Math.fround(0.1)],
    ['float text is Float.toString', Schemas.FLOAT32, Math.fround(1.1), 'string', '1.1'],
    ['float to double widens', Schemas.FLOAT32, Math.fround(1.1), 'float64', Math.fround(1.1)],
    ['string trimmed for double', Schemas.STRING, ' 12 ', 'float64', 12],
    ['hex float', Schemas.STRING, '0x1.8p1', 'float64', 3],
    ['float suffix', Schemas.STRING, '1f', 'float32', 1],
    ['float overflow', Schemas.STRING, '3.4028236e38', 'float32', Number.POSITIVE_INFINITY],
    ['float underflow', Schemas.STRING, '1e-46', 'float32', 0],
    ['plus sign', Schemas.STRING, '+7', 'int8', 7],
    ['Unicode digits', Schemas.STRING, '١٢', 'int16', 12],
    ['boolean text ignores case', Schemas.STRING, 'TRUE', 'boolean', true],
    ['other text is false', Schemas.STRING, 'yes', 'boolean', false],
    ['decimal to int truncates', DecimalType.schema(2), new Decimal(1234n, 2), 'int32', 12],
    ['decimal text', DecimalType.schema(2), new Decimal(1234n, 2), 'string', '12.34'],
    ['decimal with negative scale', DecimalType.schema(-3), new Decimal(-1n, -3), 'string', '-1E+3'],
    ['decimal to long', DecimalType.schema(-3), new Decimal(-1n, -3), 'int64', -1000],
    ['decimal to byte', DecimalType.schema(2), new Decimal(-1299n, 2), 'int8', -12],
    ['decimal 0.50 is false', DecimalType.schema(2), new Decimal(50n, 2), 'boolean', false],
    ['decimal to float', DecimalType.schema(2), new Decimal(1234n, 2), 'float32', Math.fround(12.34)],
    ['boolean to double', Schemas.BOOLEAN, true, 'float64', 1],
    ['boolean text', Schemas.BOOLEAN, false, 'string', 'false'],
    ['bytes become Base64', Schemas.BYTES, Buffer.from([0, 1, 2, 250]), 'string', 'AAEC+g=='],
    ['Date to its day count', DateType.SCHEMA, date(365 * 86_400_000), 'int32', 365],
    ['Time to its millis', TimeType.SCHEMA, date(3_723_004), 'int64', 3723004],
    ['Timestamp to int wraps', TimestampType.SCHEMA, date(1_700_000_000_123), 'int32', -807049093],
    ['Timestamp text', TimestampType.SCHEMA, date(1_700_000_000_123), 'string', '2023-11-14T22:13:20.123Z'],
    ['Date text', DateType.SCHEMA, date(365 * 86_400_000), 'string', '1971-01-01'],
    ['Time text', TimeType.SCHEMA, date(3_723_004), 'string', '01:02:03.004Z'],
    [
      'a timestamp before day one reads as a time',
      TimestampType.SCHEMA,
      date(-1000),
      'string',
      '23:59:59.000Z',
    ],
    ['schemaless long to byte', undefined, 300, 'int8', 44],
    ['schemaless double text', undefined, 2.5, 'string', '2.5'],
    ['schemaless string to short', undefined, '12', 'int16', 12],
    ['schemaless boolean to int', undefined, true, 'int32', 1],
    ['schemaless bytes', undefined, Buffer.from([1, 2]), 'string', 'AQI='],
  ])('%s', (_title, schema, value, target, expected) => {
    const out = cast(target, schema, value);
    expect(Object.is(out?.value, expected) || out?.value === expected).toBe(true);
  });

  it.each<[string, Schema | undefined, unknown, string, string]>([
    [
      'long text out of range',
      Schemas.STRING,
      '9223372036854775808',
      'int64',
      'Value (9223372036854775808) was out of range for requested data type',
    ],
    [
      'integers are not trimmed',
      Schemas.STRING,
      ' 12 ',
      'int32',
      'Value ( 12 ) was out of range for requested data type',
    ],
    [
      'not a number',
      Schemas.STRING,
      'abc',
      'float32',
      'Value (abc) was out of range for requested data type',
    ],
    [
      'bytes to a number',
      Schemas.BYTES,
      Buffer.from([1]),
      'int8',
      'Unexpected type in Cast transformation: class [B',
    ],
    [
      'schemaless Date',
      undefined,
      new Date(0),
      'string',
      "Cast transformation was passed a value of type class java.util.Date which is not supported by Connect's data API",
    ],
    [
      'schemaless map',
      undefined,
      new Map(),
      'int32',
      'Cast transformation does not support casting from MAP; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]',
    ],
  ])('%s fails', (_title, schema, value, target, message) => {
    const error = errorOf(() => cast(target, schema, value));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(message);
  });
});

describe('Cast with schemas', () => {
  const recordSchema = SchemaBuilder.struct()
    .name('rec')
    .field('a', SchemaBuilder.int32().optional().defaultValue(42).doc('adoc'))
    .field('b', SchemaBuilder.float64().defaultValue(300.7))
    .field('c', Schemas.OPTIONAL_STRING)
    .optional()
    .build();

  it('casts fields into fresh schemas, defaults cast too', () => {
    const out = cast('a:string,b:int8,z:boolean', recordSchema, new Struct(recordSchema).put('b', 1.9));
    const schema = out?.valueSchema as Schema;
    expect(schema.name).toBe('rec');
    expect(schema.optional).toBe(true);
    expect(
      schema.fields.map((f) => [
        f.name,
        f.schema.type,
        f.schema.optional,
        f.schema.defaultValue,
        f.schema.doc,
      ]),
    ).toEqual([
      ['a', 'string', true, '42', undefined],
      ['b', 'int8', false, 44, undefined],
      ['c', 'string', true, undefined, undefined],
    ]);
    // The uncast field keeps its very schema.
    expect(schema.field('c')?.schema).toBe(Schemas.OPTIONAL_STRING);
    const value = out?.value as Struct;
    expect(value.getWithoutDefault('a')).toBe('42');
    expect(value.getWithoutDefault('b')).toBe(1);
    expect(value.getWithoutDefault('c')).toBeNull();
  });

  it('keeps nulls with replace.null.with.default=false', () => {
    const out = cast('a:string', recordSchema, new Struct(recordSchema).put('b', 1.9), {
      'replace.null.with.default': 'false',
    });
    const value = out?.value as Struct;
    expect(value.getWithoutDefault('a')).toBeNull();
    expect(value.getWithoutDefault('b')).toBe(1.9);
    expect(out?.valueSchema?.field('a')?.schema.defaultValue).toBe('42');
  });

  it('keeps the name, doc and parameters of a whole-value cast', () => {
    const schema = DecimalType.builder(2).optional().doc('d').build();
    const out = cast('int32', schema, new Decimal(1234n, 2));
    expect(out?.value).toBe(12);
    expect(out?.valueSchema?.type).toBe('int32');
    expect(out?.valueSchema?.name).toBe('org.apache.kafka.connect.data.Decimal');
    expect(out?.valueSchema?.version).toBe(1);
    expect(out?.valueSchema?.doc).toBe('d');
    expect(out?.valueSchema?.optional).toBe(true);
    expect(Object.fromEntries(out?.valueSchema?.parameters ?? [])).toEqual({ scale: '2' });
  });

  it('leaves null values alone', () => {
    const input = record(recordSchema, null);
    expect(valuePlugin.create({ spec: 'a:string' }).apply(input)).toBe(input);
  });

  it('casts the key with $Key', () => {
    const out = keyPlugin
      .create({ spec: 'int8' })
      .apply({ ...record(undefined, 1), keySchema: Schemas.INT64, key: 300 });
    expect(out?.key).toBe(44);
    expect(out?.keySchema?.type).toBe('int8');
    expect(out?.value).toBe(1);
  });

  it('fails where Apache fails', () => {
    expect(errorOf(() => cast('int32', recordSchema, new Struct(recordSchema))).message).toBe(
      'Cast transformation does not support casting from STRUCT; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]',
    );
    expect(errorOf(() => cast('a:int16', Schemas.INT32, 5)).message).toBe(
      'Cannot list fields on non-struct type',
    );
    const withArray = SchemaBuilder.struct()
      .field('a', Schemas.OPTIONAL_BYTES)
      .field('arr', SchemaBuilder.array(Schemas.INT8))
      .build();
    expect(errorOf(() => cast('arr:int8', withArray, new Struct(withArray).put('arr', [1]))).message).toBe(
      'Cast transformation does not support casting from ARRAY; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]',
    );
    // A timestamp default cannot be an int of a schema still named Timestamp.
    const ts = TimestampType.builder().optional().defaultValue(new Date(5)).build();
    expect(() => cast('int32', ts, new Date(1))).toThrow(DataError);
  });
});

describe('Cast without schemas', () => {
  it('casts map entries and adds the missing ones as null', () => {
    const out = cast(
      'a:int16,q:string',
      undefined,
      new Map<string, unknown>([
        ['a', '12'],
        ['b', 1],
      ]),
    );
    expect(out?.valueSchema).toBeUndefined();
    expect(out?.value).toEqual(
      new Map<string, unknown>([
        ['a', 12],
        ['b', 1],
        ['q', null],
      ]),
    );
  });

  it('needs a map for field casts', () => {
    expect(errorOf(() => cast('a:int8', undefined, 'x')).message).toBe(
      'Only Map objects supported in absence of schema for [cast types], found: java.lang.String',
    );
  });
});
