import {
  DataError,
  Decimal,
  isInt64,
  normalizeInt64,
  type Schema,
  type SchemaAndValue,
  Schemas,
  type SchemaType,
} from '../data/index.js';
import { isPlainObject } from '../data/value-shapes.js';
import { javaClassName } from '../transforms/requirements.js';
import type { Converter, ConverterConfig, HeaderConverter } from './converter.js';

/**
 * Kafka's serializers' failures (`org.apache.kafka.common.errors.SerializationException`): the
 * cause of a converter's `DataError`, worded as Kafka words it.
 */
export class SerializationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SerializationException';
  }
}

/** The `ClassCastException` a Java cast of the value would throw: the cause Apache's converters attach. */
export class ClassCastError extends Error {
  constructor(from: string, to: string) {
    const module = (name: string) =>
      name.startsWith('java.') || name.startsWith('[')
        ? "module java.base of loader 'bootstrap'"
        : "unnamed module of loader 'app'";
    const where =
      module(from) === module(to)
        ? `${from} and ${to} are in ${module(from)}`
        : `${from} is in ${module(from)}; ${to} is in ${module(to)}`;
    super(`class ${from} cannot be cast to class ${to} (${where})`);
    this.name = 'ClassCastException';
  }
}

/** What one of Kafka's fixed-width number serializers writes and reads. */
interface NumberFormat {
  /** Apache's `typeName`, as its messages say it: `integer`, `long`, … */
  readonly typeName: string;
  /** The Java class the serializer takes. */
  readonly javaClass: string;
  readonly schema: Schema;
  readonly size: number;
  /** The deserializer's name in its size message (Float/Double's say just `Deserializer`). */
  readonly deserializerName: string;
  /** Whether a JavaScript value is a value of `javaClass` as this codebase represents it. */
  fits(value: unknown): boolean;
  write(value: number | bigint, bytes: Buffer): void;
  read(bytes: Buffer): number | bigint;
}

const isIntegerIn = (value: unknown, min: number, max: number): boolean =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

const SHORT: NumberFormat = {
  typeName: 'short',
  javaClass: 'java.lang.Short',
  schema: Schemas.OPTIONAL_INT16,
  size: 2,
  deserializerName: 'ShortDeserializer',
  fits: (value) => isIntegerIn(value, -32768, 32767),
  write: (value, bytes) => bytes.writeInt16BE(Number(value)),
  read: (bytes) => bytes.readInt16BE(0),
};

const INTEGER: NumberFormat = {
  typeName: 'integer',
  javaClass: 'java.lang.Integer',
  schema: Schemas.OPTIONAL_INT32,
  size: 4,
  deserializerName: 'IntegerDeserializer',
  fits: (value) => isIntegerIn(value, -2147483648, 2147483647),
  write: (value, bytes) => bytes.writeInt32BE(Number(value)),
  read: (bytes) => bytes.readInt32BE(0),
};

const LONG: NumberFormat = {
  typeName: 'long',
  javaClass: 'java.lang.Long',
  schema: Schemas.OPTIONAL_INT64,
  size: 8,
  deserializerName: 'LongDeserializer',
  fits: isInt64,
  write: (value, bytes) => bytes.writeBigInt64BE(BigInt(value)),
  read: (bytes) => normalizeInt64(bytes.readBigInt64BE(0)),
};

const FLOAT: NumberFormat = {
  typeName: 'float',
  javaClass: 'java.lang.Float',
  schema: Schemas.OPTIONAL_FLOAT32,
  size: 4,
  deserializerName: 'Deserializer',
  // A float32 value is a number a float holds exactly (Math.fround leaves it as it is).
  fits: (value) => typeof value === 'number' && (Number.isNaN(value) || Math.fround(value) === value),
  write: (value, bytes) => bytes.writeFloatBE(Number(value)),
  read: (bytes) => bytes.readFloatBE(0),
};

const DOUBLE: NumberFormat = {
  typeName: 'double',
  javaClass: 'java.lang.Double',
  schema: Schemas.OPTIONAL_FLOAT64,
  size: 8,
  deserializerName: 'Deserializer',
  fits: (value) => typeof value === 'number',
  write: (value, bytes) => bytes.writeDoubleBE(Number(value)),
  read: (bytes) => bytes.readDoubleBE(0),
};

/** The Java class of a number held for a numeric schema type. */
const NUMBER_CLASSES: Readonly<Partial<Record<SchemaType, NumberFormat | { javaClass: string }>>> = {
  int8: { javaClass: 'java.lang.Byte' },
  int16: SHORT,
  int32: INTEGER,
  int64: LONG,
  float32: FLOAT,
  float64: DOUBLE,
};

/**
 * The Java class Apache's converter would see for the value. A number under a numeric schema is
 * of that schema's class (an INT64 value is a Long however small); under no schema or another
 * schema a number of the converter's own type is taken as one (JavaScript numbers carry no Java
 * class), others as Long (whole, in the int64 range) or Double, the classes schemaless JSON
 * gives.
 */
function javaClassOf(format: NumberFormat, schema: Schema | null, value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint') {
    const bySchema = schema === null ? undefined : NUMBER_CLASSES[schema.type];
    if (bySchema !== undefined && (!('fits' in bySchema) || bySchema.fits(value))) {
      return bySchema.javaClass;
    }
    if (format.fits(value)) return format.javaClass;
    if (typeof value === 'number') return isInt64(value) ? 'java.lang.Long' : 'java.lang.Double';
  }
  if (value instanceof Decimal) return 'java.math.BigDecimal';
  if (isPlainObject(value)) return 'java.util.HashMap';
  return javaClassName(value);
}

const JAVA_NUMBER_CLASSES = new Set([
  'java.lang.Byte',
  'java.lang.Short',
  'java.lang.Integer',
  'java.lang.Long',
  'java.lang.Float',
  'java.lang.Double',
  'java.math.BigDecimal',
]);

/**
 * Apache's `NumberConverter`: a value of one Java number class is written by Kafka's serializer
 * for it (big-endian, fixed width) whatever the schema, and read back with the optional schema of
 * that type. The configuration has `converter.type` only, which `configure(config, isKey)` sets.
 */
abstract class NumberConverter implements Converter, HeaderConverter {
  readonly #format: NumberFormat;

  protected constructor(format: NumberFormat) {
    this.#format = format;
  }

  configure(_config: ConverterConfig, _isKey = false): void {}

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    const format = this.#format;
    const javaClass = javaClassOf(format, schema, value);
    if (javaClass !== format.javaClass || !format.fits(value)) {
      // Apache casts to Number, then its serializer to its own class: either cast fails.
      const castTo = JAVA_NUMBER_CLASSES.has(javaClass) ? format.javaClass : 'java.lang.Number';
      throw new DataError(`Failed to serialize to ${format.typeName} (was class ${javaClass}): `, {
        cause: new ClassCastError(javaClass, castTo),
      });
    }
    const bytes = Buffer.alloc(format.size);
    format.write(value as number | bigint, bytes);
    return bytes;
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    const format = this.#format;
    if (bytes === null || bytes === undefined) return { schema: format.schema, value: null };
    if (bytes.length !== format.size) {
      throw new DataError(`Failed to deserialize ${format.typeName}: `, {
        cause: new SerializationError(
          `Size of data received by ${format.deserializerName} is not ${format.size}`,
        ),
      });
    }
    return { schema: format.schema, value: format.read(bytes) };
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Buffer | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }

  close(): void {}
}

/** `org.apache.kafka.connect.converters.ShortConverter`: int16 values as 2 big-endian bytes. */
export class ShortConverter extends NumberConverter {
  static readonly CLASS_NAME = 'org.apache.kafka.connect.converters.ShortConverter';
  constructor() {
    super(SHORT);
  }
}

/** `org.apache.kafka.connect.converters.IntegerConverter`: int32 values as 4 big-endian bytes. */
export class IntegerConverter extends NumberConverter {
  static readonly CLASS_NAME = 'org.apache.kafka.connect.converters.IntegerConverter';
  constructor() {
    super(INTEGER);
  }
}

/** `org.apache.kafka.connect.converters.LongConverter`: int64 values as 8 big-endian bytes. */
export class LongConverter extends NumberConverter {
  static readonly CLASS_NAME = 'org.apache.kafka.connect.converters.LongConverter';
  constructor() {
    super(LONG);
  }
}

/** `org.apache.kafka.connect.converters.FloatConverter`: float32 values as 4 IEEE 754 bytes. */
export class FloatConverter extends NumberConverter {
  static readonly CLASS_NAME = 'org.apache.kafka.connect.converters.FloatConverter';
  constructor() {
    super(FLOAT);
  }
}

/** `org.apache.kafka.connect.converters.DoubleConverter`: float64 values as 8 IEEE 754 bytes. */
export class DoubleConverter extends NumberConverter {
  static readonly CLASS_NAME = 'org.apache.kafka.connect.converters.DoubleConverter';
  constructor() {
    super(DOUBLE);
  }
}

/**
 * `org.apache.kafka.connect.converters.BooleanConverter`: one byte, 0x01 for true and 0x00 for
 * false (Kafka's BooleanSerializer); unlike the number converters it refuses a schema of another
 * type. Read back with an optional boolean schema.
 */
export class BooleanConverter implements Converter, HeaderConverter {
  static readonly CLASS_NAME = 'org.apache.kafka.connect.converters.BooleanConverter';

  configure(_config: ConverterConfig, _isKey = false): void {}

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Buffer | null {
    if (schema !== null && schema.type !== 'boolean') {
      throw new DataError(`Invalid schema type for BooleanConverter: ${schema.type.toUpperCase()}`);
    }
    if (value === null || value === undefined) return null;
    if (typeof value !== 'boolean') {
      const javaClass =
        value instanceof Decimal
          ? 'java.math.BigDecimal'
          : isPlainObject(value)
            ? 'java.util.HashMap'
            : javaClassName(value);
      throw new DataError(`BooleanConverter is not compatible with objects of type class ${javaClass}`);
    }
    return Buffer.from([value ? 1 : 0]);
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    if (bytes === null || bytes === undefined) return { schema: Schemas.OPTIONAL_BOOLEAN, value: null };
    const fail = (message: string) =>
      new DataError('Failed to deserialize boolean: ', { cause: new SerializationError(message) });
    if (bytes.length !== 1) throw fail('Size of data received by BooleanDeserializer is not 1');
    const byte = bytes.readInt8(0);
    if (byte !== 0 && byte !== 1) throw fail(`Unexpected byte received by BooleanDeserializer: ${byte}`);
    return { schema: Schemas.OPTIONAL_BOOLEAN, value: byte === 1 };
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Buffer | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }

  close(): void {}
}
