import { describe, expect, it } from 'vitest';
import { DataError } from './data-error.js';
import { Decimal } from './decimal.js';
import { DecimalType } from './decimal-type.js';
import { SchemaBuilder } from './schema-builder.js';
import { Schemas } from './schemas.js';
import { Struct } from './struct.js';
import { TimestampType } from './temporal-types.js';

const address = SchemaBuilder.struct().name('address').field('city', Schemas.STRING).build();
const schema = SchemaBuilder.struct()
  .name('order')
  .field('id', Schemas.INT64)
  .field('qty', SchemaBuilder.int32().defaultValue(1))
  .field('note', Schemas.OPTIONAL_STRING)
  .field('price', DecimalType.schema(2))
  .field('at', TimestampType.SCHEMA)
  .field('address', address)
  .build();

const complete = () =>
  new Struct(schema)
    .put('id', 2n ** 60n)
    .put('price', Decimal.fromString('9.99'))
    .put('at', new Date(0))
    .put('address', new Struct(address).put('city', 'Seoul'));

describe('Struct', () => {
  it('puts and gets values, with typed getters', () => {
    const struct = complete().put('note', 'n');
    expect(struct.get('id')).toBe(2n ** 60n);
    expect(struct.getInt64('id')).toBe(2n ** 60n);
    expect(struct.getString('note')).toBe('n');
    expect(struct.getStruct('address')?.getString('city')).toBe('Seoul');
    expect(struct.get(schema.fields[0] as never)).toBe(2n ** 60n);
    expect(() => struct.getString('id')).toThrow("Field 'id' is not of type STRING");
    expect(() => struct.get('missing')).toThrow('missing is not a valid field name');
  });

  it('falls back to the default in get, not in getWithoutDefault', () => {
    const struct = complete();
    expect(struct.get('qty')).toBe(1);
    expect(struct.getWithoutDefault('qty')).toBeNull();
    expect(struct.get('note')).toBeNull();
  });

  it('validates each put, naming the field', () => {
    const struct = new Struct(schema);
    expect(() => struct.put('id', '1')).toThrow(
      'Invalid value for schema with type INT64: string for field: "id"',
    );
    expect(() => struct.put('id', null)).toThrow(
      'Invalid value: null used for required field: "id", schema type: INT64',
    );
    expect(() => struct.put('qty', 2 ** 31)).toThrow(/INT32: number 2147483648 for field: "qty"/);
    expect(() => struct.put('price', 9.99)).toThrow(
      'Invalid value for schema "org.apache.kafka.connect.data.Decimal" with type BYTES: number 9.99 for field: "price"',
    );
    expect(() => struct.put('at', new Date(Number.NaN))).toThrow(DataError);
    expect(() => struct.put('address', new Struct(schema))).toThrow(
      'Struct schemas do not match for field: "address"',
    );
  });

  it('validate() requires every required field without a default', () => {
    expect(() => new Struct(schema).validate()).toThrow('null used for required field: "id"');
    expect(() => complete().validate()).not.toThrow();
  });

  it('compares by schema and values', () => {
    expect(complete().equals(complete())).toBe(true);
    expect(complete().equals(complete().put('note', 'x'))).toBe(false);
  });

  it('prints like Connect', () => {
    expect(new Struct(address).put('city', 'Seoul').toString()).toBe('Struct{city=Seoul}');
  });

  it("prints values as Java's toString does: doubles, floats, dates, lists, maps; nulls left out", () => {
    const shape = SchemaBuilder.struct()
      .field('d', Schemas.FLOAT64)
      .field('f', Schemas.FLOAT32)
      .field('n', Schemas.OPTIONAL_STRING)
      .field('at', TimestampType.SCHEMA)
      .field('tags', SchemaBuilder.array(Schemas.FLOAT64).build())
      .field('counts', SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build())
      .build();
    const struct = new Struct(shape)
      .put('d', 1)
      .put('f', 0.1)
      .put('at', new Date(Date.UTC(2024, 1, 29, 13, 5, 9)))
      .put('tags', [2, 1e7])
      .put('counts', new Map([['a', 1]]));
    expect(struct.toString()).toBe(
      'Struct{d=1.0,f=0.1,at=Thu Feb 29 13:05:09 UTC 2024,tags=[2.0, 1.0E7],counts={a=1}}',
    );
  });

  it('only accepts struct schemas', () => {
    expect(() => new Struct(Schemas.INT32)).toThrow('Not a struct schema: Schema{INT32}');
  });
});
