import { describe, expect, it } from 'vitest';
import { DataError, Decimal, SchemaBuilder, Schemas, Struct } from '../data/index.js';
import { converterRegistry, createConverter } from './converter-registry.js';
import {
  BooleanConverter,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  ShortConverter,
} from './number-converters.js';

const hex = (bytes: Buffer | null) => (bytes === null ? null : bytes.toString('hex'));
const bytes = (text: string) => Buffer.from(text, 'hex');

/** The error thrown by `run`, for its message and cause. */
function errorOf(run: () => unknown): DataError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('expected a DataError');
}

describe('number converters', () => {
  it('write Kafka serializers’ big-endian bytes', () => {
    expect(hex(new ShortConverter().fromConnectData('t', Schemas.INT16, -2))).toBe('fffe');
    expect(hex(new IntegerConverter().fromConnectData('t', Schemas.INT32, 0x01020304))).toBe('01020304');
    expect(hex(new IntegerConverter().fromConnectData('t', null, -2147483648))).toBe('80000000');
    expect(hex(new LongConverter().fromConnectData('t', Schemas.INT64, 2n ** 63n - 1n))).toBe(
      '7fffffffffffffff',
    );
    expect(hex(new LongConverter().fromConnectData('t', Schemas.INT64, -1))).toBe('ffffffffffffffff');
    expect(hex(new FloatConverter().fromConnectData('t', Schemas.FLOAT32, 1))).toBe('3f800000');
    expect(hex(new FloatConverter().fromConnectData('t', Schemas.FLOAT32, Number.NaN))).toBe('7fc00000');
    expect(hex(new DoubleConverter().fromConnectData('t', Schemas.FLOAT64, -0))).toBe('8000000000000000');
    expect(hex(new DoubleConverter().fromConnectData('t', Schemas.FLOAT64, Number.POSITIVE_INFINITY))).toBe(
      '7ff0000000000000',
    );
  });

  it('write null as null and ignore a schema of another type, as Apache does', () => {
    expect(new IntegerConverter().fromConnectData('t', Schemas.INT32, null)).toBeNull();
    expect(new LongConverter().fromConnectData('t', Schemas.STRING, undefined)).toBeNull();
    expect(hex(new ShortConverter().fromConnectData('t', Schemas.STRING, 1))).toBe('0001');
    expect(hex(new IntegerConverter().fromConnectHeader('t', 'h', null, 7))).toBe('00000007');
  });

  it('refuse a value of another Java class with Apache’s message and a ClassCastException cause', () => {
    const text = errorOf(() => new IntegerConverter().fromConnectData('t', Schemas.STRING, 'x'));
    expect(text.message).toBe('Failed to serialize to integer (was class java.lang.String): ');
    expect((text.cause as Error).name).toBe('ClassCastException');
    expect((text.cause as Error).message).toBe(
      "class java.lang.String cannot be cast to class java.lang.Number (java.lang.String and java.lang.Number are in module java.base of loader 'bootstrap')",
    );
    // A number's class is its schema's: an INT64 value is a Long, however small.
    const long = errorOf(() => new IntegerConverter().fromConnectData('t', Schemas.INT64, 5));
    expect(long.message).toBe('Failed to serialize to integer (was class java.lang.Long): ');
    expect((long.cause as Error).message).toMatch(
      /^class java.lang.Long cannot be cast to class java.lang.Integer /,
    );
    expect(errorOf(() => new FloatConverter().fromConnectData('t', Schemas.FLOAT64, 1.5)).message).toBe(
      'Failed to serialize to float (was class java.lang.Double): ',
    );
    expect(errorOf(() => new FloatConverter().fromConnectData('t', null, 0.1)).message).toBe(
      'Failed to serialize to float (was class java.lang.Double): ',
    );
    expect(errorOf(() => new ShortConverter().fromConnectData('t', null, 40000)).message).toBe(
      'Failed to serialize to short (was class java.lang.Long): ',
    );
    expect(errorOf(() => new LongConverter().fromConnectData('t', null, 1e300)).message).toBe(
      'Failed to serialize to long (was class java.lang.Double): ',
    );
    expect(errorOf(() => new DoubleConverter().fromConnectData('t', null, 2n ** 60n)).message).toBe(
      'Failed to serialize to double (was class java.lang.Long): ',
    );
    expect(errorOf(() => new LongConverter().fromConnectData('t', null, new Decimal(1n, 0))).message).toBe(
      'Failed to serialize to long (was class java.math.BigDecimal): ',
    );
    const struct = new Struct(SchemaBuilder.struct().field('id', Schemas.INT32).build()).put('id', 1);
    expect(errorOf(() => new LongConverter().fromConnectData('t', null, struct)).message).toBe(
      'Failed to serialize to long (was class org.apache.kafka.connect.data.Struct): ',
    );
    expect(errorOf(() => new DoubleConverter().fromConnectData('t', null, Buffer.from([1]))).message).toBe(
      'Failed to serialize to double (was class [B): ',
    );
  });

  it('read the optional schema of their type; null stays null', () => {
    expect(new ShortConverter().toConnectData('t', bytes('8000'))).toEqual({
      schema: Schemas.OPTIONAL_INT16,
      value: -32768,
    });
    expect(new IntegerConverter().toConnectData('t', null)).toEqual({
      schema: Schemas.OPTIONAL_INT32,
      value: null,
    });
    expect(new LongConverter().toConnectData('t', bytes('0000000000000001')).value).toBe(1);
    expect(new LongConverter().toConnectData('t', bytes('8000000000000000')).value).toBe(-(2n ** 63n));
    expect(new FloatConverter().toConnectData('t', bytes('3dcccccd'))).toEqual({
      schema: Schemas.OPTIONAL_FLOAT32,
      value: Math.fround(0.1),
    });
    expect(new DoubleConverter().toConnectHeader('t', 'h', bytes('fff0000000000000'))).toEqual({
      schema: Schemas.OPTIONAL_FLOAT64,
      value: Number.NEGATIVE_INFINITY,
    });
  });

  it('refuse bytes of the wrong length with the deserializer’s message as the cause', () => {
    const short = errorOf(() => new IntegerConverter().toConnectData('t', bytes('0001')));
    expect(short.message).toBe('Failed to deserialize integer: ');
    expect((short.cause as Error).name).toBe('SerializationException');
    expect((short.cause as Error).message).toBe('Size of data received by IntegerDeserializer is not 4');
    expect(
      (errorOf(() => new LongConverter().toConnectData('t', Buffer.alloc(0))).cause as Error).message,
    ).toBe('Size of data received by LongDeserializer is not 8');
    expect(
      (errorOf(() => new ShortConverter().toConnectData('t', Buffer.alloc(3))).cause as Error).message,
    ).toBe('Size of data received by ShortDeserializer is not 2');
    expect(
      (errorOf(() => new FloatConverter().toConnectData('t', Buffer.alloc(8))).cause as Error).message,
    ).toBe('Size of data received by Deserializer is not 4');
    expect(errorOf(() => new DoubleConverter().toConnectData('t', Buffer.alloc(4))).message).toBe(
      'Failed to deserialize double: ',
    );
  });
});

describe('BooleanConverter', () => {
  it('writes one byte and reads it back', () => {
    const converter = new BooleanConverter();
    converter.configure({}, true);
    expect(hex(converter.fromConnectData('t', Schemas.BOOLEAN, true))).toBe('01');
    expect(hex(converter.fromConnectHeader('t', 'h', null, false))).toBe('00');
    expect(converter.fromConnectData('t', Schemas.OPTIONAL_BOOLEAN, null)).toBeNull();
    expect(converter.toConnectData('t', bytes('01'))).toEqual({
      schema: Schemas.OPTIONAL_BOOLEAN,
      value: true,
    });
    expect(converter.toConnectHeader('t', 'h', bytes('00')).value).toBe(false);
    expect(converter.toConnectData('t', null)).toEqual({ schema: Schemas.OPTIONAL_BOOLEAN, value: null });
  });

  it('refuses other schemas, values and bytes with Apache’s messages', () => {
    const converter = new BooleanConverter();
    expect(errorOf(() => converter.fromConnectData('t', Schemas.STRING, null)).message).toBe(
      'Invalid schema type for BooleanConverter: STRING',
    );
    expect(errorOf(() => converter.fromConnectData('t', null, 'true')).message).toBe(
      'BooleanConverter is not compatible with objects of type class java.lang.String',
    );
    const bad = errorOf(() => converter.toConnectData('t', bytes('ff')));
    expect(bad.message).toBe('Failed to deserialize boolean: ');
    expect((bad.cause as Error).message).toBe('Unexpected byte received by BooleanDeserializer: -1');
    expect((errorOf(() => converter.toConnectData('t', bytes('0101'))).cause as Error).message).toBe(
      'Size of data received by BooleanDeserializer is not 1',
    );
  });
});

describe('registration', () => {
  it.each([
    ['org.apache.kafka.connect.converters.BooleanConverter', BooleanConverter, 'Boolean'],
    ['org.apache.kafka.connect.converters.DoubleConverter', DoubleConverter, 'Double'],
    ['org.apache.kafka.connect.converters.FloatConverter', FloatConverter, 'Float'],
    ['org.apache.kafka.connect.converters.IntegerConverter', IntegerConverter, 'Integer'],
    ['org.apache.kafka.connect.converters.LongConverter', LongConverter, 'Long'],
    ['org.apache.kafka.connect.converters.ShortConverter', ShortConverter, 'Short'],
  ])('%s by its class name and aliases, with converter.type its only key', (className, type, alias) => {
    expect(converterRegistry.classNames()).toContain(className);
    expect(createConverter(className)).toBeInstanceOf(type);
    expect(createConverter(`${alias}Converter`)).toBeInstanceOf(type);
    expect(converterRegistry.resolve(alias)).toBe(className);
    expect(converterRegistry.configKeys(className)).toEqual(['converter.type']);
  });
});
