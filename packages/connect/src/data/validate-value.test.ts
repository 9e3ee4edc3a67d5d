import { describe, expect, it } from 'vitest';
import { Decimal } from './decimal.js';
import { DecimalType } from './decimal-type.js';
import type { Schema } from './schema.js';
import { SchemaBuilder } from './schema-builder.js';
import { Schemas } from './schemas.js';
import { validateValue } from './struct.js';
import { DateType, TimestampType, TimeType } from './temporal-types.js';

const valid: [Schema, unknown][] = [
  [Schemas.INT8, -128],
  [Schemas.INT16, 32767],
  [Schemas.INT32, -2147483648],
  [Schemas.INT64, 9007199254740991],
  [Schemas.INT64, 2 ** 62],
  [Schemas.INT64, -(2n ** 63n)],
  [Schemas.FLOAT32, 0.1],
  [Schemas.FLOAT64, Number.NaN],
  [Schemas.BOOLEAN, false],
  [Schemas.STRING, ''],
  [Schemas.BYTES, Buffer.from('x')],
  [Schemas.BYTES, new Uint8Array(2)],
  [SchemaBuilder.array(Schemas.OPTIONAL_INT32).build(), [1, null]],
  [SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build(), new Map([['a', 1]])],
  [SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build(), { a: 1 }],
  [SchemaBuilder.map(Schemas.INT64, Schemas.STRING).build(), new Map([[1n, 'x']])],
  [DecimalType.schema(3), new Decimal(1n, 3)],
  [TimestampType.SCHEMA, new Date()],
  [DateType.SCHEMA, new Date(0)],
  [TimeType.SCHEMA, new Date(1000)],
  [Schemas.OPTIONAL_STRING, null],
];

const invalid: [Schema, unknown, string][] = [
  [Schemas.INT8, 128, 'INT8: number 128'],
  [Schemas.INT32, 1.5, 'INT32: number 1.5'],
  [Schemas.INT32, 1n, 'INT32: bigint 1'],
  [Schemas.INT64, 2n ** 63n, 'INT64: bigint 9223372036854775808'],
  [Schemas.INT64, 2 ** 63, 'INT64: number 9223372036854776000'],
  [Schemas.FLOAT64, '1', 'FLOAT64: string'],
  [Schemas.BOOLEAN, 0, 'BOOLEAN: number 0'],
  [Schemas.STRING, 1, 'STRING: number 1'],
  [Schemas.BYTES, 'AQ==', 'BYTES: string'],
  [Schemas.STRING, null, 'null used for required value, schema type: STRING'],
  [DecimalType.schema(3), 1.5, 'with type BYTES: number 1.5'],
  [TimestampType.SCHEMA, 0, 'Timestamp" with type INT64: number 0'],
  [SchemaBuilder.array(Schemas.INT32).build(), [1, null], 'null used for required element of array value'],
  [SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build(), new Map([[1, 1]]), 'for key of map value'],
  [SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build(), { a: 'x' }, 'for value of map value'],
  [SchemaBuilder.map(Schemas.STRING, Schemas.INT32).build(), new Date(), 'MAP: object Date'],
];

describe('validateValue', () => {
  it.each(valid)('accepts %s %s', (schema, value) => {
    expect(() => validateValue(schema, value)).not.toThrow();
  });

  it.each(invalid)('refuses %s %s', (schema, value, message) => {
    expect(() => validateValue(schema, value)).toThrow(message);
  });

  it('names the field', () => {
    expect(() => validateValue(Schemas.INT32, 'x', 'qty')).toThrow('for field: "qty"');
    expect(() => validateValue(SchemaBuilder.array(Schemas.INT32).build(), ['x'], 'qty')).toThrow(
      'for element of array field: "qty"',
    );
  });
});
