import { describe, expect, it } from 'vitest';
import { SchemaBuilderError } from './data-error.js';
import { Decimal } from './decimal.js';
import { DecimalType } from './decimal-type.js';
import { Schema, schemaEquals } from './schema.js';
import { SchemaBuilder } from './schema-builder.js';
import { Schemas } from './schemas.js';
import { Struct } from './struct.js';
import { TimestampType } from './temporal-types.js';

describe('SchemaBuilder', () => {
  it('builds the seed users1 struct', () => {
    const schema = SchemaBuilder.struct()
      .name('users1')
      .field('id', Schemas.INT32)
      .field('user_id', Schemas.OPTIONAL_STRING)
      .field('created_at', TimestampType.builder().optional())
      .build();
    expect(schema).toBeInstanceOf(Schema);
    expect(schema.type).toBe('struct');
    expect(schema.name).toBe('users1');
    expect(schema.optional).toBe(false);
    expect(schema.fields.map((f) => [f.name, f.index, f.schema.type])).toEqual([
      ['id', 0, 'int32'],
      ['user_id', 1, 'string'],
      ['created_at', 2, 'int64'],
    ]);
    expect(schema.field('created_at')?.schema.name).toBe(TimestampType.LOGICAL_NAME);
    expect(schema.field('created_at')?.schema.logical).toBe('timestamp');
    expect(schema.field('created_at')?.schema.version).toBe(1);
    expect(schema.field('nope')).toBeUndefined();
    expect(Object.isFrozen(schema.fields)).toBe(true);
  });

  it('keeps every attribute, parameters in insertion order', () => {
    const schema = SchemaBuilder.string()
      .optional()
      .name('n')
      .version(2)
      .doc('d')
      .parameter('b', '1')
      .parameters({ a: '2' })
      .parameters(new Map([['10', '3']]))
      .defaultValue('x')
      .build();
    expect(schema).toMatchObject({
      type: 'string',
      optional: true,
      name: 'n',
      version: 2,
      doc: 'd',
      defaultValue: 'x',
    });
    expect([...(schema.parameters ?? [])]).toEqual([
      ['b', '1'],
      ['a', '2'],
      ['10', '3'],
    ]);
    expect(SchemaBuilder.int32().parameters({}).build().parameters).toBeUndefined();
  });

  it('builds arrays and maps, from schemas or builders', () => {
    const array = SchemaBuilder.array(SchemaBuilder.int64().optional()).build();
    expect(array.valueSchema?.type).toBe('int64');
    expect(array.valueSchema?.optional).toBe(true);
    const map = SchemaBuilder.map(Schemas.STRING, SchemaBuilder.array(Schemas.BYTES)).optional().build();
    expect(map.keySchema).toBe(Schemas.STRING);
    expect(map.valueSchema?.valueSchema).toBe(Schemas.BYTES);
    expect(map.fields).toEqual([]);
  });

  it('refuses setting an attribute twice to different values', () => {
    expect(() => SchemaBuilder.int32().name('a').name('b')).toThrow('name has already been set');
    expect(() => SchemaBuilder.int32().optional().required()).toThrow('optional has already been set');
    expect(() => SchemaBuilder.int32().defaultValue(1).defaultValue(2)).toThrow(
      'default has already been set',
    );
    expect(SchemaBuilder.int32().optional().optional().build().optional).toBe(true);
    expect(() => SchemaBuilder.int32().version(1.5)).toThrow(SchemaBuilderError);
  });

  it('refuses bad fields', () => {
    expect(() => SchemaBuilder.int32().field('a', Schemas.INT32)).toThrow(
      'Cannot create fields on type INT32',
    );
    expect(() => SchemaBuilder.struct().field('', Schemas.INT32)).toThrow('fieldName cannot be null');
    expect(() => SchemaBuilder.struct().field('a', Schemas.INT32).field('a', Schemas.STRING)).toThrow(
      'field name duplication a',
    );
  });

  it('validates default values against the schema built so far', () => {
    expect(() => SchemaBuilder.int8().defaultValue(300)).toThrow(/Invalid default value: .*INT8/);
    expect(() => SchemaBuilder.int64().defaultValue(1.5)).toThrow(SchemaBuilderError);
    expect(
      SchemaBuilder.int64()
        .defaultValue(2n ** 62n)
        .build().defaultValue,
    ).toBe(2n ** 62n);
    expect(() => DecimalType.builder(2).defaultValue(Decimal.fromString('1.5'))).not.toThrow();
    expect(() => SchemaBuilder.array(Schemas.INT32).defaultValue([1, 'x'])).toThrow(/element of array/);
    expect(() => SchemaBuilder.struct().defaultValue(new Struct(SchemaBuilder.struct().build()))).toThrow(
      'a struct schema cannot have one',
    );
    // A null default means no default, as in Connect.
    expect(SchemaBuilder.int32().defaultValue(null).build().defaultValue).toBeUndefined();
  });
});

describe('schemaEquals', () => {
  const build = () =>
    SchemaBuilder.struct()
      .name('s')
      .field('a', SchemaBuilder.int32().defaultValue(3))
      .field('b', SchemaBuilder.map(Schemas.STRING, Schemas.BYTES).optional())
      .build();

  it('compares structurally, defaults by value', () => {
    expect(schemaEquals(build(), build())).toBe(true);
    expect(schemaEquals(build(), SchemaBuilder.struct().name('s').field('a', Schemas.INT32).build())).toBe(
      false,
    );
    expect(schemaEquals(Schemas.INT32, Schemas.OPTIONAL_INT32)).toBe(false);
    expect(schemaEquals(DecimalType.schema(2), DecimalType.schema(3))).toBe(false);
    expect(schemaEquals(DecimalType.schema(2), DecimalType.schema(2))).toBe(true);
    expect(schemaEquals(null, null)).toBe(true);
    expect(schemaEquals(Schemas.INT32, null)).toBe(false);
  });

  it('ignores the order of parameters, as Map equality does in Java', () => {
    const ab = SchemaBuilder.string().parameter('a', '1').parameter('b', '2').build();
    const ba = SchemaBuilder.string().parameter('b', '2').parameter('a', '1').build();
    expect(schemaEquals(ab, ba)).toBe(true);
  });
});
