import { describe, expect, it } from 'vitest';
import { ConfigException } from '../config/config-types.js';
import { DataError } from '../data/data-error.js';
import { Decimal } from '../data/decimal.js';
import { DecimalType } from '../data/decimal-type.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Schemas } from '../data/schemas.js';
import { Struct } from '../data/struct.js';
import { DateType, TimestampType } from '../data/temporal-types.js';
import { maskFieldPlugins } from './mask-field.js';
import { errorOf, sink } from './test-records.js';

// Expected results were taken from Apache Kafka 4.4.0's MaskField run on the same inputs.

const [keyPlugin, valuePlugin] = maskFieldPlugins as [
  (typeof maskFieldPlugins)[number],
  (typeof maskFieldPlugins)[number],
];

const sub = SchemaBuilder.struct().field('q', Schemas.INT32).build();
const schema = SchemaBuilder.struct()
  .name('m')
  .field('i8', Schemas.INT8)
  .field('i16', Schemas.INT16)
  .field('i32', Schemas.INT32)
  .field('i64', Schemas.INT64)
  .field('f32', Schemas.FLOAT32)
  .field('f64', Schemas.FLOAT64)
  .field('bool', Schemas.BOOLEAN)
  .field('str', Schemas.STRING)
  .field('dec', DecimalType.schema(2))
  .field('date', DateType.SCHEMA)
  .field('ts', TimestampType.SCHEMA)
  .field('arr', SchemaBuilder.array(Schemas.STRING).build())
  .field('map', SchemaBuilder.map(Schemas.STRING, Schemas.STRING).build())
  .field('optstr', SchemaBuilder.string().optional().defaultValue('x').build())
  .field('bytes', Schemas.BYTES)
  .field('sub', sub)
  .build();

function structValue(): Struct {
  return new Struct(schema)
    .put('i8', 8)
    .put('i16', 16)
    .put('i32', 32)
    .put('i64', 64)
    .put('f32', 1.5)
    .put('f64', 2.5)
    .put('bool', true)
    .put('str', 's')
    .put('dec', Decimal.fromString('12.34'))
    .put('date', new Date(86_400_000 * 3))
    .put('ts', new Date(1234))
    .put('arr', ['a'])
    .put('map', new Map([['k', 'v']]))
    .put('bytes', new Uint8Array([1]))
    .put('sub', new Struct(sub).put('q', 1));
}

const ALL = 'i8,i16,i32,i64,f32,f64,bool,str,dec,date,ts,arr,map,optstr';

function masked(config: Record<string, string>): Struct {
  return valuePlugin.create(config).apply(sink(schema, structValue()))?.value as Struct;
}

describe('MaskField', () => {
  it('is registered with Apache config keys', () => {
    expect(maskFieldPlugins.map((p) => p.className)).toEqual([
      'org.apache.kafka.connect.transforms.MaskField$Key',
      'org.apache.kafka.connect.transforms.MaskField$Value',
    ]);
    expect(
      [...valuePlugin.configDef.keys().values()].map((k) => [
        k.name,
        k.type,
        k.required,
        k.defaultValue,
        k.importance,
      ]),
    ).toEqual([
      ['fields', 'LIST', true, null, 'HIGH'],
      ['replacement', 'STRING', false, null, 'LOW'],
      ['replace.null.with.default', 'BOOLEAN', false, true, 'MEDIUM'],
    ]);
  });

  it('masks every supported type with its empty value', () => {
    const value = masked({ fields: ALL });
    expect(value.schema).toBe(schema);
    expect(
      ['i8', 'i16', 'i32', 'i64', 'f32', 'f64', 'bool', 'str', 'optstr'].map((f) =>
        value.getWithoutDefault(f),
      ),
    ).toEqual([0, 0, 0, 0, 0, 0, false, '', '']);
    expect(value.get('dec')).toEqual(new Decimal(0n, 0));
    expect(value.get('date')).toEqual(new Date(0));
    expect(value.get('ts')).toEqual(new Date(0));
    expect(value.get('arr')).toEqual([]);
    expect(value.get('map')).toEqual(new Map());
    expect(value.get('bytes')).toEqual(new Uint8Array([1]));
    expect((value.get('sub') as Struct).get('q')).toBe(1);
  });

  it('keeps a null without its default when told to', () => {
    expect(
      masked({ fields: ALL, 'replace.null.with.default': 'false' }).getWithoutDefault('optstr'),
    ).toBeNull();
  });

  it('converts a replacement to each numeric type as Java casts it', () => {
    const value = masked({ fields: 'i8,i16,i32,i64,f32,f64,str,dec', replacement: '300.7' });
    expect(['i8', 'i16', 'i32', 'i64', 'f32', 'f64', 'str'].map((f) => value.get(f))).toEqual([
      44,
      300,
      300,
      300,
      Math.fround(300.7),
      300.7,
      '300.7',
    ]);
    expect((value.get('dec') as Decimal).toString()).toBe('300.7');
    expect(value.get('bool')).toBe(true);

    const negative = masked({ fields: 'i8,i16,i32,i64,f32,f64,dec', replacement: '-1e2' });
    expect(['i8', 'i16', 'i32', 'i64', 'f32', 'f64'].map((f) => negative.get(f))).toEqual([
      -100, -100, -100, -100, -100, -100,
    ]);
    expect((negative.get('dec') as Decimal).toString()).toBe('-1E+2');

    const wrapped = masked({ fields: 'i32,i64', replacement: '9223372036854775808' });
    expect([wrapped.get('i32'), wrapped.get('i64')]).toEqual([0, -(2n ** 63n)]);

    const huge = masked({ fields: 'i64,f64,f32', replacement: '1e100' });
    expect([huge.get('i64'), huge.get('f64'), huge.get('f32')]).toEqual([0, 1e100, Number.POSITIVE_INFINITY]);

    const signed = masked({ fields: 'i32,f64', replacement: '+.5E1' });
    expect([signed.get('i32'), signed.get('f64')]).toEqual([5, 5]);

    expect((masked({ fields: 'dec', replacement: '1.' }).get('dec') as Decimal).toString()).toBe('1');
    expect((masked({ fields: 'dec', replacement: '1e5' }).get('dec') as Decimal).toString()).toBe('1E+5');
    expect(masked({ fields: 'optstr', replacement: 'abc' }).get('optstr')).toBe('abc');
  });

  it('refuses a replacement for types that take none', () => {
    const classes: Record<string, string> = {
      bool: 'java.lang.Boolean',
      date: 'java.util.Date',
      ts: 'java.util.Date',
      arr: 'java.util.ArrayList',
      map: 'java.util.HashMap',
      bytes: '[B',
      sub: 'org.apache.kafka.connect.data.Struct',
    };
    for (const [field, cls] of Object.entries(classes)) {
      const error = errorOf(() => masked({ fields: field, replacement: 'abc' }));
      expect(error).toBeInstanceOf(DataError);
      expect(error.message).toBe(`Cannot mask value of type class ${cls} with custom replacement.`);
    }
  });

  it('reports replacements that are not numbers', () => {
    for (const field of ['i8', 'i32', 'f32', 'f64']) {
      expect(errorOf(() => masked({ fields: field, replacement: 'abc' })).message).toBe(
        'Unable to convert abc (class java.lang.String) to a number',
      );
    }
    expect(errorOf(() => masked({ fields: 'dec', replacement: 'abc' })).message).toBe(
      'Unable to convert abc (class java.lang.String) to number',
    );
    expect(errorOf(() => masked({ fields: 'i32', replacement: '1e3000000000' })).message).toBe(
      'Unable to convert 1e3000000000 (class java.lang.String) to a number',
    );
    expect(errorOf(() => masked({ fields: 'i32', replacement: '0x10' })).message).toBe(
      'Unable to convert 0x10 (class java.lang.String) to a number',
    );
  });

  it('cannot mask bytes or structs', () => {
    expect(errorOf(() => masked({ fields: 'bytes' })).message).toBe('Cannot mask value of type: class [B');
    expect(errorOf(() => masked({ fields: 'sub' })).message).toBe(
      'Cannot mask value of type: class org.apache.kafka.connect.data.Struct',
    );
  });

  it('masks schemaless maps, adding listed fields they lack as null', () => {
    const value = new Map<string, unknown>([
      ['a', 1],
      ['b', 2.5],
      ['c', 's'],
      ['d', true],
      ['e', [1]],
      ['f', new Map([['x', 1]])],
      ['g', null],
    ]);
    const out = valuePlugin.create({ fields: 'a,b,c,d,e,f,g,missing' }).apply(sink(undefined, value));
    expect(out?.valueSchema).toBeUndefined();
    expect(out?.value).toEqual(
      new Map<string, unknown>([
        ['a', 0],
        ['b', 0],
        ['c', ''],
        ['d', false],
        ['e', []],
        ['f', new Map()],
        ['g', null],
        ['missing', null],
      ]),
    );
    expect(value.get('a')).toBe(1);
    const replaced = valuePlugin.create({ fields: 'a,b,c', replacement: '12' }).apply(
      sink(
        undefined,
        new Map<string, unknown>([
          ['a', 1],
          ['b', 2.5],
          ['c', 's'],
        ]),
      ),
    );
    expect(replaced?.value).toEqual(
      new Map<string, unknown>([
        ['a', 12],
        ['b', 12],
        ['c', '12'],
      ]),
    );
  });

  it('fails on null values, as Apache does', () => {
    expect(errorOf(() => valuePlugin.create({ fields: 'a' }).apply(sink(undefined, null))).message).toBe(
      'Only Map objects supported in absence of schema for [mask fields], found: null',
    );
    expect(errorOf(() => valuePlugin.create({ fields: 'a' }).apply(sink(schema, null))).message).toBe(
      'Only Struct objects supported for [mask fields], found: null',
    );
  });

  it('validates its config as Apache does', () => {
    const empty = errorOf(() => valuePlugin.create({ fields: '' }));
    expect(empty).toBeInstanceOf(ConfigException);
    expect(empty.message).toBe(
      "Configuration 'fields' must not be empty. Valid values include: any non-empty value",
    );
    expect(errorOf(() => valuePlugin.create({ fields: 'a', replacement: '' })).message).toBe(
      'Invalid value  for configuration replacement: String must be non-empty',
    );
    // Repeated entries are dropped, not rejected.
    expect(() => valuePlugin.create({ fields: 'a,a' })).not.toThrow();
    expect(valuePlugin.configDef.validateAll({ fields: 'a,a' }).get('fields')?.errors).toEqual([]);
  });

  it('works on the key', () => {
    const out = keyPlugin
      .create({ fields: 'magic' })
      .apply({ ...sink(undefined, null), key: new Map([['magic', 'secret']]) });
    expect(out?.key).toEqual(new Map([['magic', '']]));
  });
});
