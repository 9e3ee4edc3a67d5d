import { ConfigDef } from '../config/config-def.js';
import { ConfigException, type ConfigValue } from '../config/config-types.js';
import type { Validator } from '../config/validators.js';
import { decimalTextToFloat32 } from '../converters/json/json-number-values.js';
import { DataError } from '../data/data-error.js';
import { Decimal } from '../data/decimal.js';
import { normalizeInt64 } from '../data/int64.js';
import { javaDoubleToString, javaFloatToString } from '../data/java-number-text.js';
import { SCHEMA_TYPES, type Schema, type SchemaType } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Struct } from '../data/struct.js';
import { DateType, TimestampType, TimeType } from '../data/temporal-types.js';
import { type ContentMessage, contentMessage, quotingContent } from '../errors/record-content.js';
import { JavaSimpleDateFormat, javaDigit, javaDoubleToInt } from './java-simple-date-format.js';
import { keyValuePlugins } from './key-value-plugins.js';
import { operatingSchema, operatingValue, type RecordSide, withSide } from './record-side.js';
import { javaClassName, requireMap, requireStruct, schemalessType, structFields } from './requirements.js';
import { copySchemaBasics, schemaCache } from './schema-copy.js';
import type { PluginConfig, Transformation, TransformationPlugin } from './transformation.js';

const SPEC_CONFIG = 'spec';
const REPLACE_NULL_WITH_DEFAULT_CONFIG = 'replace.null.with.default';
const PURPOSE = 'cast types';

// SCHEMA_TYPES is in Schema.Type's enum order, the order Apache's messages print sets in.
const SUPPORTED_INPUT_TYPES: readonly SchemaType[] = SCHEMA_TYPES.slice(0, 9);
const SUPPORTED_OUTPUT_TYPES: readonly SchemaType[] = SCHEMA_TYPES.slice(0, 8);

const enumName = (type: SchemaType) => type.toUpperCase();
const enumSet = (types: readonly SchemaType[]) => `[${types.map(enumName).join(', ')}]`;

/** The whole-value cast is kept under a key no field can have. */
const WHOLE_VALUE = null;
type CastSpec = Map<string | null, SchemaType>;

/**
 * The `spec` check Apache runs while parsing the config, and again to read it: the first problem
 * found wins, with Apache's message (an empty list, a bad type, a mapping of three parts, a whole-
 * value cast next to other casts).
 */
const specValidator: Validator = {
  description: 'list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>',
  ensureValid(_name: string, value: ConfigValue) {
    if (!Array.isArray(value) || value.length === 0) {
      throw new ConfigException('Must specify at least one field to cast.');
    }
    parseFieldTypes(value);
  },
};

export const CAST_CONFIG_DEF = new ConfigDef()
  .define({
    name: SPEC_CONFIG,
    type: 'LIST',
    validator: specValidator,
    importance: 'HIGH',
    documentation:
      'What to cast: either <code>field:type</code> pairs separated by commas, each casting one field of a ' +
      'Struct or Map, or a single type on its own, casting the whole key or value. Types: int8, int16, int32, ' +
      'int64, float32, float64, boolean and string; binary values can only become strings.',
  })
  .define({
    name: REPLACE_NULL_WITH_DEFAULT_CONFIG,
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    documentation:
      'When true, a null field whose schema has a default value is read as that default; when false it stays null.',
  });

/** Cast.parseFieldTypes: field (or the whole value) to target type, or Apache's ConfigException. */
function parseFieldTypes(mappings: readonly string[]): CastSpec {
  const casts: CastSpec = new Map();
  let isWholeValueCast = false;
  for (const mapping of mappings) {
    const parts = javaSplitOnColon(mapping);
    if (parts.length > 2) {
      throw ConfigException.invalid('renames', mappings, `Invalid rename mapping: ${mapping}`);
    }
    if (parts.length === 1) {
      casts.set(WHOLE_VALUE, validOutputType(typeNamed(javaTrim(parts[0] as string))));
      isWholeValueCast = true;
    } else {
      if (parts.length === 0) throw new RangeError('Index 1 out of bounds for length 0');
      const type = typeNamed(javaTrim(parts[1] as string));
      casts.set(javaTrim(parts[0] as string), validOutputType(type));
    }
  }
  if (isWholeValueCast && mappings.length > 1) {
    throw new ConfigException(
      'Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec',
    );
  }
  return casts;
}

/**
 * Schema.Type.valueOf(name.toUpperCase()). Apache builds its error with the (name, value)
 * ConfigException constructor, so the message reads "Invalid value <the IllegalArgumentException>
 * for configuration Invalid type found in casting spec: <name>".
 */
function typeNamed(name: string): SchemaType {
  const constant = name.toUpperCase();
  const type = SCHEMA_TYPES.find((t) => enumName(t) === constant);
  if (!type) {
    throw ConfigException.invalid(
      `Invalid type found in casting spec: ${name}`,
      `java.lang.IllegalArgumentException: No enum constant org.apache.kafka.connect.data.Schema.Type.${constant}`,
    );
  }
  return type;
}

function validOutputType(type: SchemaType): SchemaType {
  if (!SUPPORTED_OUTPUT_TYPES.includes(type)) {
    throw new ConfigException(
      `Cast transformation does not support casting to ${enumName(type)}; supported types are ${enumSet(SUPPORTED_OUTPUT_TYPES)}`,
    );
  }
  return type;
}

function validInputType(type: SchemaType): void {
  if (!SUPPORTED_INPUT_TYPES.includes(type)) {
    throw new DataError(
      `Cast transformation does not support casting from ${enumName(type)}; supported types are ${enumSet(SUPPORTED_INPUT_TYPES)}`,
    );
  }
}

/** Java's `String.split(":")`: trailing empty parts dropped; a string without ':' is one part. */
function javaSplitOnColon(text: string): string[] {
  if (!text.includes(':')) return [text];
  const parts = text.split(':');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Java's `String.trim()`: strips characters up to U+0020 at both ends. */
function javaTrim(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 32) start++;
  while (end > start && text.charCodeAt(end - 1) <= 32) end--;
  return text.slice(start, end);
}

// ---------------------------------------------------------------------------------------------
// The transformation

/**
 * `Cast$Key` / `$Value`: casts fields of a Struct or Map, or the whole key or value, to another
 * primitive type, with Java's conversions (narrowing wraps around, floating point truncates and
 * saturates, strings are parsed as `Integer.parseInt` / `Double.parseDouble` do, bytes become
 * Base64 text, Date/Time/Timestamp become ISO-8601 text or their int/long encoding).
 *
 * With a schema, cast fields get a fresh schema of the target type (optional if the field was,
 * its default cast too); a whole-value cast keeps the schema's name, version, doc and parameters.
 * A null key or value passes through untouched.
 */
function createCast(side: RecordSide, props: PluginConfig): Transformation {
  const config = CAST_CONFIG_DEF.parse(props);
  const casts = parseFieldTypes(config.getList(SPEC_CONFIG) ?? []);
  const wholeValueCastType = casts.get(WHOLE_VALUE);
  const fieldCasts = javaHashMapOrder(
    [...casts].filter((entry): entry is [string, SchemaType] => entry[0] !== null),
  );
  const replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT_CONFIG) ?? true;
  const cache = schemaCache();

  const updatedSchemaFor = (schema: Schema): Schema => {
    const cached = cache.get(schema);
    if (cached) return cached;
    let builder: SchemaBuilder;
    if (wholeValueCastType !== undefined) {
      builder = copySchemaBasics(schema, SchemaBuilder.type(wholeValueCastType));
    } else {
      builder = copySchemaBasics(schema, SchemaBuilder.struct());
      for (const field of structFields(schema)) {
        const target = casts.get(field.name);
        if (target === undefined) {
          builder.field(field.name, field.schema);
          continue;
        }
        const fieldBuilder = SchemaBuilder.type(target);
        if (field.schema.optional) fieldBuilder.optional();
        if (field.schema.defaultValue !== undefined && field.schema.defaultValue !== null) {
          fieldBuilder.defaultValue(castValueToType(field.schema, field.schema.defaultValue, target));
        }
        builder.field(field.name, fieldBuilder.build());
      }
    }
    if (schema.optional) builder.optional();
    if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
      builder.defaultValue(castValueToType(schema, schema.defaultValue, builder.type));
    }
    const updated = builder.build();
    cache.set(schema, updated);
    return updated;
  };

  return {
    apply(record) {
      const value = operatingValue(record, side);
      if (value === null) return record;
      const schema = operatingSchema(record, side);

      if (!schema) {
        if (wholeValueCastType !== undefined) {
          return withSide(record, side, undefined, castValueToType(undefined, value, wholeValueCastType));
        }
        const map = requireMap(value, PURPOSE);
        const updated = new Map(map);
        for (const [field, target] of fieldCasts) {
          updated.set(field, castValueToType(undefined, map.has(field) ? map.get(field) : null, target));
        }
        return withSide(record, side, undefined, updated);
      }

      const updatedSchema = updatedSchemaFor(schema);
      if (wholeValueCastType !== undefined) {
        return withSide(record, side, updatedSchema, castValueToType(schema, value, wholeValueCastType));
      }
      const struct = requireStruct(value, PURPOSE);
      const updated = new Struct(updatedSchema);
      for (const field of struct.schema.fields) {
        const original = replaceNullWithDefault ? struct.get(field) : struct.getWithoutDefault(field.name);
        const target = casts.get(field.name);
        const castValue = target === undefined ? original : castValueToType(field.schema, original, target);
        updated.put(updatedSchema.field(field.name) ?? field.name, castValue);
      }
      return withSide(record, side, updatedSchema, updated);
    },
  };
}

export const castPlugins: TransformationPlugin[] = keyValuePlugins('Cast', CAST_CONFIG_DEF, createCast);

// ---------------------------------------------------------------------------------------------
// Casting one value, as the JVM would

/** The Java object a Connect value is, as far as casting cares. */
type JavaValue =
  | { kind: 'integral'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'double'; value: number }
  | { kind: 'decimal'; value: Decimal }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'bytes'; value: Uint8Array }
  | { kind: 'date'; value: Date }
  | { kind: 'other'; value: unknown };

/** Thrown by the string parsers; Cast turns it into its "out of range" DataException. */
class NumberFormatError extends Error {}

/** Java's NumberFormatException quotes the text it could not read: record content. */
function numberFormatError(message: ContentMessage): NumberFormatError {
  return quotingContent(new NumberFormatError(message.text), message);
}

/** Cast.castValueToType: `value` (of `schema`, or schemaless) cast to `target`. */
function castValueToType(schema: Schema | undefined, value: unknown, target: SchemaType): unknown {
  if (value === null || value === undefined) return null;
  const inferred = schema ? schema.type : schemalessType(value);
  if (!inferred) {
    throw new DataError(
      `Cast transformation was passed a value of type ${javaClassOf(value)} which is not supported by Connect's data API`,
    );
  }
  validInputType(inferred);
  const source = javaValueOf(schema, value, target);
  try {
    switch (target) {
      case 'int8':
        return Number(BigInt.asIntN(8, integralOf(source, 'int8')));
      case 'int16':
        return Number(BigInt.asIntN(16, integralOf(source, 'int16')));
      case 'int32':
        return Number(BigInt.asIntN(32, integralOf(source, 'int32')));
      case 'int64':
        return normalizeInt64(BigInt.asIntN(64, integralOf(source, 'int64')));
      case 'float32':
        return float32Of(source);
      case 'float64':
        return float64Of(source);
      case 'boolean':
        return booleanOf(source);
      case 'string':
        return stringOf(source);
      default:
        throw new DataError(`${enumName(target)} is not supported in the Cast transformation.`);
    }
  } catch (error) {
    if (error instanceof NumberFormatError) {
      const message = contentMessage`Value (${String(value)}) was out of range for requested data type`;
      throw quotingContent(new DataError(message.text, { cause: error }), message);
    }
    throw error;
  }
}

/** `value.getClass()` as Java prints it (`class java.lang.String`). */
function javaClassOf(value: unknown): string {
  if (value instanceof Decimal) return 'class java.math.BigDecimal';
  if (typeof value === 'number')
    return Number.isSafeInteger(value) ? 'class java.lang.Long' : 'class java.lang.Double';
  return `class ${javaClassName(value)}`;
}

/**
 * The Java object casting starts from: numbers take their class from the schema (Byte … Double);
 * a Date, Time or Timestamp becomes its int/long encoding unless the target is a string.
 */
function javaValueOf(schema: Schema | undefined, value: unknown, target: SchemaType): JavaValue {
  if (value instanceof Date) {
    if (schema?.name !== undefined && target !== 'string') {
      switch (schema.logical) {
        case 'date':
          return { kind: 'integral', value: BigInt(DateType.fromLogical(schema, value)) };
        case 'time':
          return { kind: 'integral', value: BigInt(TimeType.fromLogical(schema, value)) };
        case 'timestamp':
          return { kind: 'integral', value: BigInt(TimestampType.fromLogical(schema, value)) };
        default:
          break;
      }
    }
    return { kind: 'date', value };
  }
  if (typeof value === 'bigint') return { kind: 'integral', value };
  if (typeof value === 'number') {
    const type = schema?.type ?? (Number.isSafeInteger(value) ? 'int64' : 'float64');
    if (type === 'float32') return { kind: 'float', value };
    if (type === 'float64' || !Number.isInteger(value)) return { kind: 'double', value };
    return { kind: 'integral', value: BigInt(value) };
  }
  if (value instanceof Decimal) return { kind: 'decimal', value };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  if (typeof value === 'string') return { kind: 'string', value };
  if (value instanceof Uint8Array) return { kind: 'bytes', value };
  return { kind: 'other', value };
}

function unexpectedType(source: JavaValue): DataError {
  const className = source.kind === 'bytes' ? 'class [B' : javaClassOf(source.value);
  return new DataError(`Unexpected type in Cast transformation: ${className}`);
}

const INT_RANGES = {
  int8: [-128n, 127n],
  int16: [-32768n, 32767n],
  int32: [-2147483648n, 2147483647n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
} as const;

/**
 * The integer `byteValue()` … `longValue()` start from (the caller keeps the low bits): integers
 * as they are, floating point through Java's saturating `(int)` or `(long)` conversion, decimals
 * truncated; booleans are 1 or 0; strings are parsed for the target's range.
 */
function integralOf(source: JavaValue, target: keyof typeof INT_RANGES): bigint {
  switch (source.kind) {
    case 'integral':
      return source.value;
    case 'float':
    case 'double':
      return target === 'int64' ? javaDoubleToLong(source.value) : BigInt(javaDoubleToInt(source.value));
    case 'decimal':
      return truncatedInteger(source.value);
    case 'boolean':
      return source.value ? 1n : 0n;
    case 'string': {
      const [min, max] = INT_RANGES[target];
      return parseJavaInteger(source.value, min, max);
    }
    default:
      throw unexpectedType(source);
  }
}

function float32Of(source: JavaValue): number {
  switch (source.kind) {
    case 'integral':
      return integerToFloat32(source.value);
    case 'float':
      return source.value;
    case 'double':
      return Math.fround(source.value);
    case 'decimal':
      return signedDecimalToFloat32(source.value.toString());
    case 'boolean':
      return source.value ? 1 : 0;
    case 'string':
      return parseJavaFloatingPoint(source.value, true);
    default:
      throw unexpectedType(source);
  }
}

function float64Of(source: JavaValue): number {
  switch (source.kind) {
    case 'integral':
      return Number(source.value);
    case 'float':
    case 'double':
      return source.value;
    case 'decimal':
      return Number(source.value.toString());
    case 'boolean':
      return source.value ? 1 : 0;
    case 'string':
      return parseJavaFloatingPoint(source.value, false);
    default:
      throw unexpectedType(source);
  }
}

/** castToBoolean: a number is true when its `longValue()` is not 0; a string when it is "true". */
function booleanOf(source: JavaValue): boolean {
  switch (source.kind) {
    case 'integral':
      return source.value !== 0n;
    case 'float':
    case 'double':
      return javaDoubleToLong(source.value) !== 0n;
    case 'decimal':
      return BigInt.asIntN(64, truncatedInteger(source.value)) !== 0n;
    case 'boolean':
      return source.value;
    case 'string':
      return /^true$/i.test(source.value);
    default:
      throw unexpectedType(source);
  }
}

/** castToString: `toString()`, Base64 for bytes, ISO-8601 text for dates. */
function stringOf(source: JavaValue): string {
  switch (source.kind) {
    case 'integral':
      return source.value.toString();
    case 'float':
      return javaFloatToString(source.value, 'LEGACY');
    case 'double':
      return javaDoubleToString(source.value, 'LEGACY');
    case 'decimal':
      return source.value.toString();
    case 'boolean':
      return String(source.value);
    case 'string':
      return source.value;
    case 'bytes':
      return Buffer.from(source.value.buffer, source.value.byteOffset, source.value.byteLength).toString(
        'base64',
      );
    case 'date':
      return isoDateText(source.value);
    default:
      return String(source.value);
  }
}

// Values.dateFormatFor: the JVM's default time zone, UTC on a Connect worker.
const ISO_TIME_FORMAT = new JavaSimpleDateFormat("HH:mm:ss.SSS'Z'");
const ISO_DATE_FORMAT = new JavaSimpleDateFormat('yyyy-MM-dd');
const ISO_TIMESTAMP_FORMAT = new JavaSimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
const MILLIS_PER_DAY = 86_400_000;

/** Values.dateFormatFor(date).format(date): a time before day one, a date at midnight, else both. */
function isoDateText(date: Date): string {
  const millis = date.getTime();
  if (millis < MILLIS_PER_DAY) return ISO_TIME_FORMAT.format(millis);
  if (millis % MILLIS_PER_DAY === 0) return ISO_DATE_FORMAT.format(millis);
  return ISO_TIMESTAMP_FORMAT.format(millis);
}

// ---------------------------------------------------------------------------------------------
// Java numeric conversions

const TWO_POW_63 = 2 ** 63;

/** Java's `(long) double`. */
function javaDoubleToLong(value: number): bigint {
  if (Number.isNaN(value)) return 0n;
  if (value >= TWO_POW_63) return 2n ** 63n - 1n;
  if (value <= -TWO_POW_63) return -(2n ** 63n);
  return BigInt(Math.trunc(value));
}

/** BigDecimal.toBigInteger(): the fraction dropped. */
function truncatedInteger(decimal: Decimal): bigint {
  if (decimal.scale <= 0) return decimal.unscaled * 10n ** BigInt(-decimal.scale);
  return decimal.unscaled / 10n ** BigInt(decimal.scale);
}

/** `(float) long`: one rounding from the exact integer. */
function integerToFloat32(value: bigint): number {
  if (value >= -(2n ** 53n) && value <= 2n ** 53n) return Math.fround(Number(value));
  return decimalTextToFloat32(value.toString());
}

/** The float nearest to decimal text, sign kept (negative zero included). */
function signedDecimalToFloat32(text: string): number {
  if (text.startsWith('-')) return -decimalTextToFloat32(text.slice(1));
  return decimalTextToFloat32(text.startsWith('+') ? text.slice(1) : text);
}

/**
 * `Integer.parseInt` / `Long.parseLong` (and `Byte`/`Short`) in base 10: an optional sign, then
 * one or more Unicode decimal digits, within `[min, max]`.
 */
function parseJavaInteger(text: string, min: bigint, max: bigint): bigint {
  if (text.length === 0) throw numberFormatError(contentMessage`For input string: "${text}"`);
  let index = 0;
  let negative = false;
  const first = text.charCodeAt(0);
  if (first < 48) {
    if (text[0] === '-') negative = true;
    else if (text[0] !== '+') throw numberFormatError(contentMessage`For input string: "${text}"`);
    if (text.length === 1) throw numberFormatError(contentMessage`For input string: "${text}"`);
    index = 1;
  }
  let magnitude = 0n;
  for (; index < text.length; index++) {
    const digit = javaDigit(text.charCodeAt(index));
    if (digit < 0) throw numberFormatError(contentMessage`For input string: "${text}"`);
    magnitude = magnitude * 10n + BigInt(digit);
  }
  const value = negative ? -magnitude : magnitude;
  if (value < min || value > max)
    throw numberFormatError(contentMessage`Value out of range. Value:"${text}" Radix:10`);
  return value;
}

const DECIMAL_FLOATING_POINT = /^([+-]?)((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFdD]?$/;
const HEX_FLOATING_POINT = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)[fFdD]?$/;

/** `Float.parseFloat` (`float32`) or `Double.parseDouble`: Java's literal syntax, correctly rounded. */
function parseJavaFloatingPoint(textIn: string, float32: boolean): number {
  const text = javaTrim(textIn);
  const signed = /^[+-]/.test(text);
  const negative = text.startsWith('-');
  const body = signed ? text.slice(1) : text;
  if (body === 'NaN') return Number.NaN;
  if (body === 'Infinity') return negative ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  const decimal = DECIMAL_FLOATING_POINT.exec(text);
  if (decimal) {
    const digits = decimal[2] as string;
    const magnitude = float32 ? decimalTextToFloat32(normalizeDecimalText(digits)) : Number(digits);
    return negative ? -magnitude : magnitude;
  }
  const hex = HEX_FLOATING_POINT.exec(text);
  if (hex && (hex[2] as string).length + (hex[3] as string).length > 0 && isJavaHexSignificand(text)) {
    const whole = hex[2] as string;
    const fraction = hex[3] as string;
    const significand = BigInt(`0x${whole}${fraction}`);
    const exponent = Number(hex[4]) - 4 * fraction.length;
    const magnitude = roundBinary(significand, exponent, float32);
    return negative ? -magnitude : magnitude;
  }
  throw text.length === 0
    ? new NumberFormatError('empty String')
    : numberFormatError(contentMessage`For input string: "${textIn}"`);
}

/** Java's hex literal needs digits before a bare point, or digits after one (`0x1.p1`, `0x.8p1`). */
function isJavaHexSignificand(text: string): boolean {
  return /0[xX](?:[0-9a-fA-F]+\.?|[0-9a-fA-F]*\.[0-9a-fA-F]+)[pP]/.test(text);
}

/** Decimal text the float rounding helper reads (it wants digits before any point). */
function normalizeDecimalText(text: string): string {
  const withWhole = text.startsWith('.') ? `0${text}` : text;
  return withWhole.replace(/\.(?=$|[eE])/, '');
}

/** `significand × 2^exponent` rounded to the nearest double or float, ties to even. */
function roundBinary(significand: bigint, exponent: number, float32: boolean): number {
  if (significand === 0n) return 0;
  const precision = float32 ? 24 : 53;
  const minExponent = float32 ? -149 : -1074;
  const bitLength = significand.toString(2).length;
  const lowestKept = Math.max(bitLength - 1 + exponent - (precision - 1), minExponent);
  const shift = lowestKept - exponent;
  let value: number;
  if (shift > 0) {
    const dropped = BigInt(shift);
    let kept = significand >> dropped;
    const remainder = significand - (kept << dropped);
    const half = 1n << (dropped - 1n);
    if (remainder > half || (remainder === half && (kept & 1n) === 1n)) kept += 1n;
    value = Number(kept) * 2 ** lowestKept;
  } else {
    // Few enough bits to be exact.
    value = Number(significand) * 2 ** exponent;
  }
  return float32 ? Math.fround(value) : value;
}

// ---------------------------------------------------------------------------------------------

/**
 * The order Java's `HashMap<String, …>` iterates keys in (by bucket of the spread hash, then by
 * insertion): the order Apache visits the spec's fields in, so the first failing field is the same.
 */
function javaHashMapOrder<V>(entries: readonly [string, V][]): [string, V][] {
  let capacity = 16;
  while (entries.length > capacity * 0.75) capacity *= 2;
  const bucketOf = (key: string) => {
    let hash = 0;
    for (let i = 0; i < key.length; i++) hash = (Math.imul(hash, 31) + key.charCodeAt(i)) | 0;
    return (hash ^ (hash >>> 16)) & (capacity - 1);
  };
  return entries
    .map((entry, index) => ({ entry, index, bucket: bucketOf(entry[0]) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map(({ entry }) => entry);
}
