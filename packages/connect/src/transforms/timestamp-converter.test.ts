import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../api/records.js';
import { ConfigException } from '../config/config-types.js';
import { DataError } from '../data/data-error.js';
import { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Schemas } from '../data/schemas.js';
import { Struct } from '../data/struct.js';
import { DateType, TimestampType, TimeType } from '../data/temporal-types.js';
import { ConnectError } from '../errors/connect-error.js';
import { errorOf, record } from './test-records.js';
import { timestampConverterPlugins } from './timestamp-converter.js';

// Expected results were taken from Apache Kafka 4.4.0's TimestampConverter (connect-transforms-
// 4.4.0.jar on Java 17, UTC) run on the same inputs.

const [keyPlugin, valuePlugin] = timestampConverterPlugins as [
  (typeof timestampConverterPlugins)[number],
  (typeof timestampConverterPlugins)[number],
];

const convert = (config: Record<string, string>, schema: Schema | undefined, value: unknown) =>
  valuePlugin.create(config).apply(record(schema, value));

function structOf(out: SourceRecord | null): Struct {
  return out?.value as Struct;
}

const TS = 1_700_000_000_123;

describe('TimestampConverter config', () => {
  it('is registered with Apache config keys', () => {
    expect(timestampConverterPlugins.map((p) => p.className)).toEqual([
      'org.apache.kafka.connect.transforms.TimestampConverter$Key',
      'org.apache.kafka.connect.transforms.TimestampConverter$Value',
    ]);
    const keys = [...valuePlugin.configDef.keys().values()];
    expect(
      keys.map((k) => [k.name, k.type, k.required, k.defaultValue, k.importance, k.validator?.description]),
    ).toEqual([
      ['field', 'STRING', false, '', 'HIGH', undefined],
      ['target.type', 'STRING', true, null, 'HIGH', '[string, unix, Date, Time, Timestamp]'],
      ['format', 'STRING', false, '', 'MEDIUM', undefined],
      [
        'unix.precision',
        'STRING',
        false,
        'milliseconds',
        'LOW',
        '[nanoseconds, microseconds, milliseconds, seconds]',
      ],
      ['replace.null.with.default', 'BOOLEAN', false, true, 'MEDIUM', undefined],
    ]);
  });

  it.each([
    [{ format: 'yyyy-MM-dd' }, 'Missing required configuration "target.type" which has no default value.'],
    [
      { 'target.type': 'Foo' },
      'Invalid value Foo for configuration target.type: String must be one of: string, unix, Date, Time, Timestamp',
    ],
    [
      { 'target.type': 'string' },
      'TimestampConverter requires format option to be specified when using string timestamps',
    ],
    [
      { 'target.type': 'string', format: '  ' },
      'TimestampConverter requires format option to be specified when using string timestamps',
    ],
    [
      { 'target.type': 'string', format: "yyyy-MM-dd'" },
      "Invalid value java.lang.IllegalArgumentException: Unterminated quote for configuration TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: yyyy-MM-dd'",
    ],
    [
      { 'target.type': 'string', format: 'yyyy-MM-ddTHH' },
      "Invalid value java.lang.IllegalArgumentException: Illegal pattern character 'T' for configuration TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: yyyy-MM-ddTHH",
    ],
    [
      { 'target.type': 'unix', format: 'XXXX' },
      'Invalid value java.lang.IllegalArgumentException: invalid ISO 8601 format: length=4 for configuration TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: XXXX',
    ],
    [
      { 'target.type': 'unix', 'unix.precision': 'minutes' },
      'Invalid value minutes for configuration unix.precision: String must be one of: nanoseconds, microseconds, milliseconds, seconds',
    ],
  ])('%j fails as in Apache', (config, message) => {
    const error = errorOf(() => valuePlugin.create(config));
    expect(error).toBeInstanceOf(ConfigException);
    expect(error.message).toBe(message);
  });

  it('writes and reads week-based patterns (Y, w, W) as Apache does', () => {
    const converted = (config: Record<string, string>, schema: Schema, value: unknown) =>
      convert(config, schema, value)?.value;
    expect(
      converted(
        { 'target.type': 'string', format: 'yyyy DDD ww u' },
        TimestampType.SCHEMA,
        new Date(1704164645678),
      ),
    ).toBe('2024 002 01 2');
    // Week 1 of week-year 2021 starts on Sunday 2020-12-27; its Friday is 2021-01-01.
    expect(converted({ 'target.type': 'unix', format: 'YYYY-ww-u' }, Schemas.STRING, '2021-01-5')).toBe(
      1609459200000,
    );
    expect(converted({ 'target.type': 'unix', format: 'yyyy-MM W u' }, Schemas.STRING, '2024-02 3 5')).toBe(
      1708041600000,
    );
  });

  it('reads timestamps beyond 2^53 ms exactly, as Java longs', () => {
    const out = convert({ 'target.type': 'unix', format: 'yyyy-MM-dd' }, Schemas.STRING, '1E9-01-01');
    expect(out?.value).toBe(-5336598314638303232n);
  });
});

describe('TimestampConverter whole values', () => {
  it.each<[string, Record<string, string>, Schema | undefined, unknown, unknown, Schema | undefined]>([
    [
      'Timestamp to string',
      { 'target.type': 'string', format: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX" },
      TimestampType.SCHEMA,
      new Date(TS),
      '2023-11-14T22:13:20.123Z',
      Schemas.STRING,
    ],
    [
      'optional epoch millis to string',
      { 'target.type': 'string', format: 'yyyy-MM-dd' },
      Schemas.OPTIONAL_INT64,
      TS,
      '2023-11-14',
      Schemas.OPTIONAL_STRING,
    ],
    [
      'schemaless epoch seconds to string',
      { 'target.type': 'string', format: 'yyyy-MM-dd HH:mm', 'unix.precision': 'seconds' },
      undefined,
      1_700_000_000,
      '2023-11-14 22:13',
      undefined,
    ],
    ['Timestamp to unix', { 'target.type': 'unix' }, TimestampType.SCHEMA, new Date(TS), TS, Schemas.INT64],
    [
      'unix seconds truncate towards zero',
      { 'target.type': 'unix', 'unix.precision': 'seconds' },
      TimestampType.SCHEMA,
      new Date(-1500),
      -1,
      Schemas.INT64,
    ],
    [
      'unix microseconds',
      { 'target.type': 'unix', 'unix.precision': 'microseconds' },
      TimestampType.SCHEMA,
      new Date(TS),
      1_700_000_000_123_000,
      Schemas.INT64,
    ],
    [
      'schemaless Date to unix nanoseconds',
      { 'target.type': 'unix', 'unix.precision': 'nanoseconds' },
      undefined,
      new Date(TS),
      1_700_000_000_123_000_000n,
      undefined,
    ],
    [
      'nanoseconds overflow saturates',
      { 'target.type': 'unix', 'unix.precision': 'nanoseconds' },
      undefined,
      new Date(9_300_000_000_000),
      9_223_372_036_854_775_807n,
      undefined,
    ],
    [
      'microseconds read truncate towards zero',
      { 'target.type': 'Timestamp', 'unix.precision': 'microseconds' },
      Schemas.OPTIONAL_INT64,
      -1500,
      new Date(-1),
      TimestampType.OPTIONAL_SCHEMA,
    ],
    [
      'schemaless nanoseconds',
      { 'target.type': 'Timestamp', 'unix.precision': 'nanoseconds' },
      undefined,
      1_700_000_000_123_456_789n,
      new Date(TS),
      undefined,
    ],
    [
      'string to Timestamp',
      { 'target.type': 'Timestamp', format: 'yyyy-MM-dd HH:mm:ss' },
      Schemas.STRING,
      '2023-11-14 22:13:20',
      new Date(1_700_000_000_000),
      TimestampType.SCHEMA,
    ],
    [
      'schemaless string to Timestamp',
      { 'target.type': 'Timestamp', format: 'dd/MM/yyyy' },
      undefined,
      '31/12/1999',
      new Date(946_598_400_000),
      undefined,
    ],
    [
      'Timestamp to Date',
      { 'target.type': 'Date' },
      TimestampType.SCHEMA,
      new Date(TS),
      new Date(1_699_920_000_000),
      DateType.SCHEMA,
    ],
    [
      'Date floors before 1970',
      { 'target.type': 'Date' },
      TimestampType.SCHEMA,
      new Date(-1),
      new Date(-86_400_000),
      DateType.SCHEMA,
    ],
    [
      'Timestamp to Time',
      { 'target.type': 'Time' },
      TimestampType.SCHEMA,
      new Date(TS),
      new Date(80_000_123),
      TimeType.SCHEMA,
    ],
    [
      'Time before 1970',
      { 'target.type': 'Time' },
      TimestampType.SCHEMA,
      new Date(-1),
      new Date(86_399_999),
      TimeType.SCHEMA,
    ],
    [
      'Date to Timestamp',
      { 'target.type': 'Timestamp' },
      DateType.SCHEMA,
      new Date(86_400_000),
      new Date(86_400_000),
      TimestampType.SCHEMA,
    ],
    [
      'Time to Timestamp',
      { 'target.type': 'Timestamp' },
      TimeType.SCHEMA,
      new Date(3_723_004),
      new Date(3_723_004),
      TimestampType.SCHEMA,
    ],
    [
      'optional schema, null value',
      { 'target.type': 'Date' },
      TimestampType.builder().optional().doc('x').build(),
      null,
      null,
      DateType.OPTIONAL_SCHEMA,
    ],
    ['schemaless null', { 'target.type': 'Date' }, undefined, null, null, undefined],
  ])('%s', (_title, config, schema, value, expected, expectedSchema) => {
    const out = convert(config, schema, value);
    expect(out?.value).toEqual(expected);
    expect(out?.valueSchema).toBe(expectedSchema);
    expect(out?.key).toBe('k');
  });

  it.each<
    [string, Record<string, string>, Schema | undefined, unknown, new (...args: never[]) => Error, string]
  >([
    [
      'unparseable text',
      { 'target.type': 'Timestamp', format: 'yyyy-MM-dd' },
      Schemas.STRING,
      '2023/11/14',
      DataError,
      'Could not parse timestamp: value (2023/11/14) does not match pattern (yyyy-MM-dd)',
    ],
    [
      'text without a format',
      { 'target.type': 'unix' },
      Schemas.STRING,
      'x',
      TypeError,
      'Cannot invoke "java.text.SimpleDateFormat.parse(String)" because "config.format" is null',
    ],
    [
      'a schema that is no timestamp',
      { 'target.type': 'Date' },
      Schemas.INT32,
      5,
      ConnectError,
      'Schema Schema{INT32} does not correspond to a known timestamp type format',
    ],
    [
      'a schemaless double',
      { 'target.type': 'Date' },
      undefined,
      1.5,
      DataError,
      'TimestampConverter does not support class java.lang.Double objects as timestamps',
    ],
  ])('%s fails', (_title, config, schema, value, type, message) => {
    const error = errorOf(() => convert(config, schema, value));
    expect(error).toBeInstanceOf(type);
    expect(error.message).toBe(message);
  });

  it('converts the key with $Key', () => {
    const out = keyPlugin.create({ 'target.type': 'unix' }).apply({
      ...record(Schemas.STRING, 'v'),
      keySchema: TimestampType.SCHEMA,
      key: new Date(TS),
    });
    expect(out?.key).toBe(TS);
    expect(out?.keySchema).toBe(Schemas.INT64);
    expect(out?.value).toBe('v');
  });
});

describe('TimestampConverter fields', () => {
  const eventSchema = SchemaBuilder.struct()
    .name('ev')
    .field('ts', TimestampType.builder().optional().defaultValue(new Date(60_000)))
    .field('other', Schemas.INT32)
    .build();
  const config = { field: 'ts', 'target.type': 'string', format: 'yyyy-MM-dd HH:mm' };

  it('converts the field and gives it the target schema', () => {
    const out = convert(
      config,
      eventSchema,
      new Struct(eventSchema).put('ts', new Date(1_700_000_000_000)).put('other', 1),
    );
    const schema = out?.valueSchema as Schema;
    expect(schema.name).toBe('ev');
    expect(schema.fields.map((f) => [f.name, f.schema])).toEqual([
      ['ts', Schemas.OPTIONAL_STRING],
      ['other', Schemas.INT32],
    ]);
    expect(structOf(out).get('ts')).toBe('2023-11-14 22:13');
    expect(structOf(out).get('other')).toBe(1);
  });

  it('converts the default of a null field, unless replace.null.with.default is false', () => {
    const input = new Struct(eventSchema).put('other', 1);
    expect(structOf(convert(config, eventSchema, input)).get('ts')).toBe('1970-01-01 00:01');
    const kept = convert({ ...config, 'replace.null.with.default': 'false' }, eventSchema, input);
    expect(structOf(kept).get('ts')).toBeNull();
  });

  it('updates the schema of a tombstone, even when the field is no timestamp', () => {
    const out = convert(config, eventSchema, null);
    expect(out?.value).toBeNull();
    expect(out?.valueSchema?.field('ts')?.schema).toBe(Schemas.OPTIONAL_STRING);
    const notATimestamp = SchemaBuilder.struct().field('ts', Schemas.INT32).build();
    expect(convert(config, notATimestamp, null)?.valueSchema?.field('ts')?.schema).toBe(Schemas.STRING);
  });

  it('converts the default of the struct schema too', () => {
    const plain = SchemaBuilder.struct().field('ts', TimestampType.SCHEMA).field('o', Schemas.INT32).build();
    const withDefault = new Schema({
      type: 'struct',
      optional: true,
      name: 'ev',
      defaultValue: new Struct(plain).put('ts', new Date(5)).put('o', 1),
      fields: plain.fields,
    });
    const out = convert({ field: 'ts', 'target.type': 'unix' }, withDefault, null);
    expect(out?.value).toBeNull();
    const schema = out?.valueSchema as Schema;
    expect([schema.name, schema.optional]).toEqual(['ev', true]);
    expect(schema.fields.map((f) => [f.name, f.schema])).toEqual([
      ['ts', Schemas.INT64],
      ['o', Schemas.INT32],
    ]);
    expect(String(schema.defaultValue)).toBe('Struct{ts=5,o=1}');
  });

  it('adds a missing schemaless field as null', () => {
    const out = convert(config, undefined, new Map<string, unknown>([['x', 1]]));
    expect(out?.value).toEqual(
      new Map<string, unknown>([
        ['x', 1],
        ['ts', null],
      ]),
    );
    const converted = convert(config, undefined, new Map<string, unknown>([['ts', 1_700_000_000_000]]));
    expect(converted?.value).toEqual(new Map([['ts', '2023-11-14 22:13']]));
  });

  it('needs a Struct with a schema and a Map without', () => {
    expect(errorOf(() => convert(config, eventSchema, new Map())).message).toBe(
      'Only Struct objects supported for [converting timestamp formats], found: java.util.HashMap',
    );
    expect(errorOf(() => convert(config, undefined, 'x')).message).toBe(
      'Only Map objects supported in absence of schema for [converting timestamp formats], found: java.lang.String',
    );
    expect(errorOf(() => convert(config, Schemas.INT32, null)).message).toBe(
      'Cannot list fields on non-struct type',
    );
  });
});
