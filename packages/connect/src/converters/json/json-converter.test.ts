import { describe, expect, it } from 'vitest';
import { ConfigException } from '../../config/config-types.js';
import {
  DataError,
  Decimal,
  DecimalType,
  SchemaBuilder,
  Schemas,
  Struct,
  TimestampType,
} from '../../data/index.js';
import { ENVELOPE_REQUIRED_MESSAGE, JsonConverter } from './json-converter.js';

const json = (converter: JsonConverter, text: string) =>
  converter.toConnectData('t', Buffer.from(text, 'utf8'));
const text = (bytes: Buffer | null) => bytes?.toString('utf8') ?? null;
const configured = (config: Record<string, string>) => {
  const converter = new JsonConverter();
  converter.configure(config, false);
  return converter;
};

const orders = SchemaBuilder.struct()
  .name('orders')
  .field('order_id', Schemas.STRING)
  .field('qty', Schemas.INT32)
  .field('unit_price', DecimalType.schema(2))
  .field('total', Schemas.OPTIONAL_INT64)
  .field('created_at', TimestampType.builder().optional())
  .build();

describe('JsonConverter writing', () => {
  it('writes the envelope with Connect’s member order', () => {
    const value = new Struct(orders)
      .put('order_id', 'o-1')
      .put('qty', 3)
      .put('unit_price', Decimal.fromString('12.50'))
      .put('total', 2n ** 60n)
      .put('created_at', new Date(1680643371000));
    expect(text(new JsonConverter().fromConnectData('t', orders, value))).toBe(
      '{"schema":{"type":"struct","fields":[{"type":"string","optional":false,"field":"order_id"},{"type":"int32","optional":false,"field":"qty"},{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"unit_price"},{"type":"int64","optional":true,"field":"total"},{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"created_at"}],"optional":false,"name":"orders"},' +
        '"payload":{"order_id":"o-1","qty":3,"unit_price":"BOI=","total":1152921504606846976,"created_at":1680643371000}}',
    );
  });

  it('writes bare JSON without schemas, and decimals as numbers when asked', () => {
    const converter = configured({ 'schemas.enable': 'false', 'decimal.format': 'numeric' });
    const value = new Struct(orders)
      .put('order_id', 'o')
      .put('qty', 1)
      .put('unit_price', Decimal.fromString('0.05'));
    expect(text(converter.fromConnectData('t', orders, value))).toBe(
      '{"order_id":"o","qty":1,"unit_price":0.05,"total":null,"created_at":null}',
    );
    expect(text(converter.fromConnectData('t', Schemas.OPTIONAL_STRING, null))).toBe('null');
  });

  it('returns null for a null value without a schema (a tombstone)', () => {
    expect(new JsonConverter().fromConnectData('t', null, null)).toBeNull();
  });

  it('writes schemaless values by their JavaScript type', () => {
    const converter = new JsonConverter();
    const value = new Map<unknown, unknown>([
      ['a', [1, 2.5, 'x', true, null, 9007199254740993n]],
      ['b', { nested: Buffer.from([1]) }],
    ]);
    expect(text(converter.fromConnectData('t', null, value))).toBe(
      '{"schema":null,"payload":{"a":[1,2.5,"x",true,null,9007199254740993],"b":{"nested":"AQ=="}}}',
    );
    expect(text(converter.fromConnectData('t', null, new Map([[1, 'x']])))).toBe(
      '{"schema":null,"payload":[[1,"x"]]}',
    );
    expect(() => converter.fromConnectData('t', null, new Date())).toThrow(
      'does not have a corresponding schema type',
    );
  });

  it('fills in defaults for null values unless told not to', () => {
    const schema = SchemaBuilder.struct()
      .field('n', SchemaBuilder.int32().optional().defaultValue(5))
      .build();
    const value = new Struct(schema);
    expect(text(new JsonConverter().fromConnectData('t', schema, value))).toContain('"payload":{"n":5}');
    expect(
      text(configured({ 'replace.null.with.default': 'false' }).fromConnectData('t', schema, value)),
    ).toContain('"payload":{"n":null}');
  });

  it('names the field a bad value is in', () => {
    const value = new Struct(orders).put('order_id', 'o').put('unit_price', Decimal.fromString('1.00'));
    expect(() => new JsonConverter().fromConnectData('t', orders, value)).toThrow(
      'Conversion error: null value for field "qty" that is required and has no default value',
    );
    expect(() => new JsonConverter().fromConnectData('t', Schemas.INT32, 'x')).toThrow(
      'Invalid type for INT32: string',
    );
    expect(() =>
      new JsonConverter().fromConnectData('t', orders, new Struct(SchemaBuilder.struct().build())),
    ).toThrow('Mismatching schema');
  });

  it('writes NaN and infinities as strings, as Jackson does', () => {
    expect(
      text(configured({ 'schemas.enable': 'false' }).fromConnectData('t', Schemas.FLOAT64, Number.NaN)),
    ).toBe('"NaN"');
  });

  it('follows float.format for the JVM whose digits to reproduce', () => {
    expect(text(configured({ 'schemas.enable': 'false' }).fromConnectData('t', Schemas.FLOAT64, 2e23))).toBe(
      '1.9999999999999998E23',
    );
    expect(
      text(
        configured({ 'schemas.enable': 'false', 'float.format': 'shortest' }).fromConnectData(
          't',
          Schemas.FLOAT64,
          2e23,
        ),
      ),
    ).toBe('2.0E23');
  });
});

describe('JsonConverter reading', () => {
  it('reads an envelope into a struct, int64 exact', () => {
    const converter = new JsonConverter();
    const input =
      '{"schema":{"type":"struct","name":"r","fields":[{"type":"int64","field":"big"},{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"},"field":"d"}]},"payload":{"big":9223372036854775807,"d":"/dc="}}';
    const { schema, value } = json(converter, input);
    expect(schema?.name).toBe('r');
    const struct = value as Struct;
    expect(struct.get('big')).toBe(9223372036854775807n);
    expect((struct.get('d') as Decimal).toString()).toBe('-5.53');
  });

  it('parses each distinct schema once', () => {
    const converter = new JsonConverter();
    const input = '{"schema":{"type":"int32","optional":true},"payload":1}';
    const first = json(converter, input).schema;
    expect(json(converter, input).schema).toBe(first);
    expect(json(converter, ' {"schema":{"type":"int32","optional":true},"payload":2}').schema).toBe(first);
    json(converter, '{"schema":{"type":"string"},"payload":"x"}');
    expect(json(converter, input).schema).toBe(first);
  });

  it('requires the envelope when schemas are enabled, with Connect’s message', () => {
    expect(ENVELOPE_REQUIRED_MESSAGE).toBe(
      'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.',
    );
    for (const input of [
      '{"id":1}',
      '[1]',
      '"x"',
      '{"schema":null}',
      '{"schema":null,"payload":1,"extra":2}',
      '',
    ]) {
      expect(() => json(new JsonConverter(), input), input).toThrow(ENVELOPE_REQUIRED_MESSAGE);
    }
  });

  it('reads bare JSON without schemas as schemaless values', () => {
    const { schema, value } = json(
      configured({ 'schemas.enable': 'false' }),
      '{"a":[1,2.5,"x",null],"b":9007199254740993}',
    );
    expect(schema).toBeNull();
    expect(value).toEqual(
      new Map<string, unknown>([
        ['a', [1, 2.5, 'x', null]],
        ['b', 9007199254740993n],
      ]),
    );
  });

  it('gives a null schema and value for a tombstone', () => {
    expect(new JsonConverter().toConnectData('t', null)).toEqual({ schema: null, value: null });
  });

  it('reports malformed JSON as a serialization error', () => {
    expect(() => json(new JsonConverter(), '{"schema":null,"payload":[1,]}')).toThrow(
      /^Converting byte\[\] to Kafka Connect data failed due to serialization error: Unexpected character/,
    );
    expect(() => new JsonConverter().toConnectData('t', Buffer.from([0x22, 0xff, 0x22]))).toThrow(
      'Invalid UTF-8',
    );
  });

  it('names the field of a conversion error, and refuses JSON of the wrong kind', () => {
    const schema =
      '{"type":"struct","fields":[{"type":"int32","field":"qty"},{"type":"string","optional":true,"field":"s"}]}';
    expect(() => json(new JsonConverter(), `{"schema":${schema},"payload":{"s":"x"}}`)).toThrow(
      'Invalid null value for required INT32 field "qty"',
    );
    expect(() => json(new JsonConverter(), `{"schema":${schema},"payload":{"qty":"3"}}`)).toThrow(
      'Invalid JSON STRING for INT32 field "qty"',
    );
    expect(() => json(new JsonConverter(), `{"schema":${schema},"payload":{"qty":1,"s":5}}`)).toThrow(
      DataError,
    );
  });

  it('reads numbers the way Java narrows them', () => {
    const read = (type: string, payload: string) =>
      json(new JsonConverter(), `{"schema":{"type":"${type}"},"payload":${payload}}`).value;
    expect(read('int32', '-1.9')).toBe(-1);
    expect(read('int32', '1e10')).toBe(1410065408);
    expect(read('int8', '200')).toBe(-56);
    expect(read('int16', '65537')).toBe(1);
    expect(read('int64', '18446744073709551617')).toBe(1);
    expect(read('float', '0.1')).toBe(Math.fround(0.1));
    expect(read('float', '"NaN"')).toBeNaN();
    expect(Object.is(read('double', '-0.0'), 0)).toBe(true);
  });

  it('round-trips what it writes', () => {
    const converter = new JsonConverter();
    const value = new Struct(orders)
      .put('order_id', 'o-1')
      .put('qty', 3)
      .put('unit_price', Decimal.fromString('12.50'))
      .put('created_at', new Date(5));
    const bytes = converter.fromConnectData('t', orders, value);
    const back = converter.toConnectData('t', bytes);
    expect((back.value as Struct).equals(value)).toBe(true);
    expect(converter.fromConnectData('t', back.schema, back.value)?.equals(bytes as Buffer)).toBe(true);
  });

  it('exposes schema JSON both ways', () => {
    const converter = new JsonConverter();
    const schemaText = converter.schemaToJson(orders);
    expect(converter.schemaToJson(converter.schemaFromJson(schemaText) as never)).toBe(schemaText);
  });
});

describe('JsonConverter schema.content', () => {
  const schema =
    '{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false}';

  it('reads every message as the bare payload of that schema; writing is unchanged', () => {
    const converter = configured({ 'schema.content': schema });
    const read = converter.toConnectData('t', Buffer.from('{"id":7}'));
    expect(read.schema?.type).toBe('struct');
    expect((read.value as Struct).get('id')).toBe(7);
    expect(text(converter.fromConnectData('t', read.schema, read.value))).toBe(
      `{"schema":${schema},"payload":{"id":7}}`,
    );
    expect(converter.toConnectData('t', null)).toEqual({ schema: null, value: null });
    expect(() => converter.toConnectData('t', Buffer.from(''))).toThrow(DataError);
    expect(() => converter.toConnectData('t', Buffer.from('{}'))).toThrow(DataError);
  });

  it('is ignored with schemas.enable=false, and empty means unset', () => {
    const bare = configured({ 'schema.content': schema, 'schemas.enable': 'false' });
    expect(bare.toConnectData('t', Buffer.from('{"id":7}'))).toEqual({
      schema: null,
      value: new Map([['id', 7]]),
    });
    const unset = configured({ 'schema.content': '' });
    expect(() => unset.toConnectData('t', Buffer.from('{"id":7}'))).toThrow(ENVELOPE_REQUIRED_MESSAGE);
  });

  it('refuses a schema that does not parse when configured', () => {
    expect(() => configured({ 'schema.content': '{"type":' })).toThrow(
      /^Failed to parse schema in converter config due to serialization error: /,
    );
    expect(() => configured({ 'schema.content': '{"type":"nope"}' })).toThrow(DataError);
  });
});

describe('JsonConverter configuration', () => {
  it('rejects bad values with Kafka’s messages', () => {
    expect(() => configured({ 'schemas.enable': 'yes' })).toThrow(
      'Invalid value yes for configuration schemas.enable: Expected value to be either true or false',
    );
    expect(() => configured({ 'decimal.format': 'HEX' })).toThrow(
      'String must be one of (case insensitive): BASE64, NUMERIC',
    );
    expect(() => configured({ 'schemas.cache.size': 'many' })).toThrow(ConfigException);
  });

  it('accepts Connect’s keys, ignoring unknown ones', () => {
    const converter = configured({
      'schemas.enable': ' FALSE ',
      'schemas.cache.size': '5',
      'decimal.format': 'Numeric',
      'replace.null.with.default': 'false',
      'converter.type': 'value',
      'some.other.key': 'x',
    });
    expect(converter.settings).toEqual({
      schemasEnable: false,
      schemasCacheSize: 5,
      decimalFormat: 'NUMERIC',
      replaceNullWithDefault: false,
      floatFormat: 'LEGACY',
      schemaContent: null,
    });
  });

  it('serves headers the same way', () => {
    const converter = new JsonConverter();
    const bytes = converter.fromConnectHeader('t', 'h', Schemas.STRING, 'v');
    expect(text(bytes)).toBe('{"schema":{"type":"string","optional":false},"payload":"v"}');
    expect(converter.toConnectHeader('t', 'h', bytes).value).toBe('v');
  });
});
