import { describe, expect, it } from 'vitest';
import { Decimal } from '../data/decimal.js';
import { DecimalType } from '../data/decimal-type.js';
import { Schema } from '../data/schema.js';
import { Schemas } from '../data/schemas.js';
import { DateType, TimestampType, TimeType } from '../data/temporal-types.js';
import { parseHeaderLiteral, UnrepresentableLiteralError } from './header-literal-values.js';

// Expected schemas and values are what Apache Connect 4.4.0's Values.parseString returned for the
// same text (JVM in UTC).

const arrayOf = (valueSchema?: Schema) => new Schema({ type: 'array', valueSchema });
const mapOf = (keySchema?: Schema, valueSchema?: Schema) =>
  new Schema({ type: 'map', keySchema, valueSchema });

describe('parseHeaderLiteral', () => {
  const cases: [text: string, schema: Schema | null, value: unknown][] = [
    ['true', Schemas.BOOLEAN, true],
    ['false', Schemas.BOOLEAN, false],
    ['null', null, null],
    ['', Schemas.STRING, ''],
    ['hello world', Schemas.STRING, 'hello world'],
    // the narrowest integer type
    ['42', Schemas.INT8, 42],
    ['-129', Schemas.INT16, -129],
    ['40000', Schemas.INT32, 40000],
    ['3000000000', Schemas.INT64, 3000000000],
    ['9223372036854775808', DecimalType.schema(0), new Decimal(9223372036854775808n, 0)],
    ['1.0', Schemas.INT8, 1],
    ['1E2', Schemas.INT8, 100],
    ['+5', Schemas.INT8, 5],
    ['٣', Schemas.INT8, 3],
    // then float32, float64, Decimal
    ['1.5', Schemas.FLOAT32, 1.5],
    ['0.1', Schemas.FLOAT32, Math.fround(0.1)],
    ['1e40', Schemas.FLOAT64, 1e40],
    ['1e400', DecimalType.schema(-400), new Decimal(1n, -400)],
    // ISO-8601 temporal values
    ['2024-01-31', DateType.SCHEMA, new Date(1706659200000)],
    ['12:30:00.000Z', TimeType.SCHEMA, new Date(45000000)],
    ['2024-01-31T12:30:00.000Z', TimestampType.SCHEMA, new Date(1706704200000)],
    // arrays: elements widened to a common schema, or no element schema
    ['[1,2,3]', arrayOf(Schemas.INT8), [1, 2, 3]],
    ['[1, 1.5]', arrayOf(Schemas.FLOAT32), [1, 1.5]],
    ['[0.1, 1e40]', arrayOf(Schemas.FLOAT64), [Math.fround(0.1), 1e40]],
    ['[2024-01-31, 5]', arrayOf(DateType.SCHEMA), [new Date(1706659200000), new Date(432000000)]],
    ['["x", "y"]', arrayOf(Schemas.STRING), ['x', 'y']],
    ['[ "a b" , "c" ]', arrayOf(Schemas.STRING), ['a b', 'c']],
    ['[1,"a"]', arrayOf(), [1, 'a']],
    ['[true, 1]', arrayOf(), [true, 1]],
    ['[null,null]', arrayOf(), [null, null]],
    ['[]', arrayOf(), []],
    ['[1e400, 1e401]', arrayOf(DecimalType.schema(-401)), [new Decimal(1n, -400), new Decimal(1n, -401)]],
    // maps
    ['{}', mapOf(), new Map()],
    [
      '{"a":1,"b":2}',
      mapOf(Schemas.STRING, Schemas.INT8),
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
    ],
    [
      '{"a":1,"b":"x"}',
      mapOf(Schemas.STRING),
      new Map<string, unknown>([
        ['a', 1],
        ['b', 'x'],
      ]),
    ],
    ['{"a":null}', mapOf(Schemas.STRING), new Map([['a', null]])],
    ['{"k":[1,2]}', mapOf(Schemas.STRING, arrayOf(Schemas.INT8)), new Map([['k', [1, 2]]])],
    ['{1:"a",1:"b"}', mapOf(Schemas.INT8, Schemas.STRING), new Map([[1, 'b']])],
    [
      '{"a":1 "b":2}',
      mapOf(Schemas.STRING, Schemas.INT8),
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
    ],
    // Apache's quirks: only the first token counts for numbers; unparseable structures are strings
    ['12,34', Schemas.INT8, 12],
    ['true}', Schemas.STRING, 'true}'],
    ['[1,2', Schemas.STRING, '[1,2'],
    ['[1,,2]', Schemas.STRING, '[1,,2]'],
    ['[1,null]', Schemas.STRING, '[1,null]'],
    ['[12:30:00.000Z, -1]', Schemas.STRING, '[12:30:00.000Z, -1]'],
    ['"quoted"', Schemas.STRING, '"quoted"'],
    ['1 2', Schemas.STRING, '1 2'],
    ['-', Schemas.STRING, '-'],
    [' ', Schemas.STRING, ' '],
  ];
  for (const [text, schema, value] of cases) {
    it(`parses ${JSON.stringify(text)}`, () => {
      const parsed = parseHeaderLiteral(text);
      expect(parsed.schema).toEqual(schema);
      expect(parsed.value).toEqual(value);
    });
  }

  it('keeps an int64 beyond 2^53 exact', () => {
    expect(parseHeaderLiteral('9223372036854775807')).toEqual({
      schema: Schemas.INT64,
      value: 9223372036854775807n,
    });
  });

  it('gives null for null input', () => {
    expect(parseHeaderLiteral(null)).toEqual({ schema: null, value: null });
  });

  it('refuses what Java parses but JavaScript cannot hold', () => {
    // a Date beyond ±8.64e15 ms (year 999999)
    expect(() => parseHeaderLiteral('999999-1-1')).toThrow(UnrepresentableLiteralError);
    // a Decimal scale beyond this worker's limit
    expect(() => parseHeaderLiteral('1e100000')).toThrow(UnrepresentableLiteralError);
    // Java keeps the int 0 and the float 0.0 as two keys
    expect(() => parseHeaderLiteral('{0:"a", 1e-400:"b", "x":"c"}')).toThrow(UnrepresentableLiteralError);
  });
});
