import { ConfigDef } from '../config/config-def.js';
import { ConfigException } from '../config/config-types.js';
import { validString } from '../config/validators.js';
import { DataError } from '../data/data-error.js';
import { isInt64, normalizeInt64 } from '../data/int64.js';
import { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Schemas } from '../data/schemas.js';
import { Struct } from '../data/struct.js';
import { DateType, TimestampType, TimeType } from '../data/temporal-types.js';
import { ConnectError } from '../errors/connect-error.js';
import { contentMessage, NotContent, quotingContent } from '../errors/record-content.js';
import { InvalidDatePatternError, JavaSimpleDateFormat } from './java-simple-date-format.js';
import { keyValuePlugins } from './key-value-plugins.js';
import { operatingSchema, operatingValue, type RecordSide, withSide } from './record-side.js';
import { javaClassName, requireMap, requireStructOrNull, structFields } from './requirements.js';
import { copySchemaBasics, schemaCache } from './schema-copy.js';
import type { PluginConfig, Transformation, TransformationPlugin } from './transformation.js';

const FIELD_CONFIG = 'field';
const TARGET_TYPE_CONFIG = 'target.type';
const FORMAT_CONFIG = 'format';
const UNIX_PRECISION_CONFIG = 'unix.precision';
const REPLACE_NULL_WITH_DEFAULT_CONFIG = 'replace.null.with.default';
const PURPOSE = 'converting timestamp formats';

type TimestampKind = 'string' | 'unix' | 'Date' | 'Time' | 'Timestamp';
const TIMESTAMP_KINDS: readonly TimestampKind[] = ['string', 'unix', 'Date', 'Time', 'Timestamp'];

type UnixPrecision = 'nanoseconds' | 'microseconds' | 'milliseconds' | 'seconds';
const UNIX_PRECISIONS: readonly UnixPrecision[] = ['nanoseconds', 'microseconds', 'milliseconds', 'seconds'];

export const TIMESTAMP_CONVERTER_CONFIG_DEF = new ConfigDef()
  .define({
    name: FIELD_CONFIG,
    type: 'STRING',
    default: '',
    importance: 'HIGH',
    documentation:
      'The top-level field holding the timestamp; leave empty when the whole key or value is the timestamp.',
  })
  .define({
    name: TARGET_TYPE_CONFIG,
    type: 'STRING',
    validator: validString(...TIMESTAMP_KINDS),
    importance: 'HIGH',
    documentation:
      'What the timestamp becomes: string (formatted with format), unix (epoch number, see unix.precision), ' +
      'or the Connect logical types Date, Time or Timestamp.',
  })
  .define({
    name: FORMAT_CONFIG,
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'A java.text.SimpleDateFormat pattern, applied in UTC: it writes the timestamp when target.type is ' +
      'string, and reads timestamps that arrive as strings. Required for target.type=string.',
  })
  .define({
    name: UNIX_PRECISION_CONFIG,
    type: 'STRING',
    default: 'milliseconds',
    validator: validString(...UNIX_PRECISIONS),
    importance: 'LOW',
    documentation:
      'The unit of epoch numbers, both written (target.type=unix) and read (int64 input): seconds, ' +
      'milliseconds, microseconds or nanoseconds. Converting keeps millisecond precision only, so finer ' +
      'digits are dropped on the way.',
  })
  .define({
    name: REPLACE_NULL_WITH_DEFAULT_CONFIG,
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    documentation:
      'When true, a null field whose schema has a default value is read as that default; when false it stays null.',
  });

interface ConverterSettings {
  readonly field: string;
  readonly target: TimestampKind;
  readonly format: JavaSimpleDateFormat | undefined;
  readonly unixPrecision: UnixPrecision;
}

/**
 * `TimestampConverter$Key` / `$Value`: converts a timestamp (the whole key or value, or one top-
 * level field) between formatted text, epoch numbers and Connect's Date, Time and Timestamp
 * types. The source kind comes from the schema (logical name, else string or int64), or without a
 * schema from the value (a Date is a Timestamp, an integer is epoch time, a string is text).
 * Text is read and written with a Java SimpleDateFormat pattern in UTC; Date drops the time of
 * day, Time drops the date. Epoch numbers are converted with Java's TimeUnit rules (truncating
 * towards zero, saturating on overflow).
 */
function createTimestampConverter(side: RecordSide, props: PluginConfig): Transformation {
  const parsed = TIMESTAMP_CONVERTER_CONFIG_DEF.parse(props);
  const target = parsed.getString(TARGET_TYPE_CONFIG) as TimestampKind;
  const pattern = parsed.getString(FORMAT_CONFIG) ?? '';
  const replaceNullWithDefault = parsed.getBoolean(REPLACE_NULL_WITH_DEFAULT_CONFIG) ?? true;
  if (target === 'string' && isBlank(pattern)) {
    throw new ConfigException(
      'TimestampConverter requires format option to be specified when using string timestamps',
    );
  }
  const settings: ConverterSettings = {
    field: parsed.getString(FIELD_CONFIG) ?? '',
    target,
    format: isBlank(pattern) ? undefined : compileFormat(pattern),
    unixPrecision: parsed.getString(UNIX_PRECISION_CONFIG) as UnixPrecision,
  };
  const cache = schemaCache();

  const fieldValue = (struct: Struct, name: string): unknown =>
    replaceNullWithDefault ? struct.get(name) : struct.getWithoutDefault(name);

  /** The struct with the configured field converted, laid out on `updatedSchema`. */
  const convertStruct = (struct: Struct | null, updatedSchema: Schema): Struct | null => {
    if (struct === null) return null;
    const updated = new Struct(updatedSchema);
    for (const field of struct.schema.fields) {
      const value =
        field.name === settings.field
          ? convertTimestamp(settings, fieldValue(struct, field.name), kindOfSchema(field.schema))
          : fieldValue(struct, field.name);
      updated.put(field.name, value);
    }
    return updated;
  };

  const updatedStructSchema = (schema: Schema): Schema => {
    const cached = cache.get(schema);
    if (cached) return cached;
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const field of structFields(schema)) {
      builder.field(
        field.name,
        field.name === settings.field ? targetSchema(settings.target, field.schema.optional) : field.schema,
      );
    }
    if (schema.optional) builder.optional();
    let updated = builder.build();
    if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
      // Apache converts the default struct against the schema being built and keeps it as the default.
      const defaultValue = convertStruct(schema.defaultValue as Struct, updated);
      updated = withDefault(updated, defaultValue);
    }
    cache.set(schema, updated);
    return updated;
  };

  return {
    apply(record) {
      const schema = operatingSchema(record, side);
      const value = operatingValue(record, side);
      if (!schema) {
        if (value === null || settings.field === '') {
          return withSide(record, side, undefined, convertTimestamp(settings, value, undefined));
        }
        const map = requireMap(value, PURPOSE);
        const updated = new Map(map);
        updated.set(
          settings.field,
          convertTimestamp(settings, map.has(settings.field) ? map.get(settings.field) : null, undefined),
        );
        return withSide(record, side, undefined, updated);
      }
      if (settings.field === '') {
        const updatedSchema = targetSchema(settings.target, schema.optional);
        return withSide(record, side, updatedSchema, convertTimestamp(settings, value, kindOfSchema(schema)));
      }
      const struct = requireStructOrNull(value, PURPOSE);
      const updatedSchema = updatedStructSchema(schema);
      return withSide(record, side, updatedSchema, convertStruct(struct, updatedSchema));
    },
  };
}

export const timestampConverterPlugins: TransformationPlugin[] = keyValuePlugins(
  'TimestampConverter',
  TIMESTAMP_CONVERTER_CONFIG_DEF,
  createTimestampConverter,
);

/** Kafka's `Utils.isBlank`: nothing but characters up to U+0020. */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 32) return false;
  return true;
}

/** `new SimpleDateFormat(pattern)`, with Apache's ConfigException for a pattern Java refuses. */
function compileFormat(pattern: string): JavaSimpleDateFormat {
  try {
    return new JavaSimpleDateFormat(pattern);
  } catch (error) {
    if (error instanceof InvalidDatePatternError) {
      // Apache passes the exception as the "value" of the (name, value) ConfigException constructor.
      throw ConfigException.invalid(
        `TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: ${pattern}`,
        `java.lang.IllegalArgumentException: ${error.message}`,
      );
    }
    throw error;
  }
}

/** The schema a converted timestamp gets: the target kind's standard schema, optional or not. */
function targetSchema(kind: TimestampKind, optional: boolean): Schema {
  switch (kind) {
    case 'string':
      return optional ? Schemas.OPTIONAL_STRING : Schemas.STRING;
    case 'unix':
      return optional ? Schemas.OPTIONAL_INT64 : Schemas.INT64;
    case 'Date':
      return optional ? DateType.OPTIONAL_SCHEMA : DateType.SCHEMA;
    case 'Time':
      return optional ? TimeType.OPTIONAL_SCHEMA : TimeType.SCHEMA;
    case 'Timestamp':
      return optional ? TimestampType.OPTIONAL_SCHEMA : TimestampType.SCHEMA;
  }
}

/** TimestampConverter.timestampTypeFromSchema. */
function kindOfSchema(schema: Schema): TimestampKind {
  switch (schema.logical) {
    case 'timestamp':
      return 'Timestamp';
    case 'date':
      return 'Date';
    case 'time':
      return 'Time';
    default:
      if (schema.type === 'string') return 'string';
      if (schema.type === 'int64') return 'unix';
      throw new ConnectError(
        'INTERNAL',
        `Schema ${schema.toString()} does not correspond to a known timestamp type format`,
      );
  }
}

/** TimestampConverter.inferTimestampType, for schemaless values. */
function kindOfValue(value: unknown): TimestampKind {
  if (value instanceof Date) return 'Timestamp';
  if (isJavaLong(value)) return 'unix';
  if (typeof value === 'string') return 'string';
  throw new DataError(`TimestampConverter does not support ${javaClassOf(value)} objects as timestamps`);
}

/** Whether the value is what Java holds as a `Long` (schemaless integers are Longs). */
function isJavaLong(value: unknown): value is number | bigint {
  return typeof value === 'bigint' || (typeof value === 'number' && Number.isSafeInteger(value));
}

function javaClassOf(value: unknown): string {
  if (typeof value === 'number')
    return Number.isSafeInteger(value) ? 'class java.lang.Long' : 'class java.lang.Double';
  return `class ${javaClassName(value)}`;
}

/** The timestamp converted to the target kind (null stays null); `kind` is inferred when absent. */
function convertTimestamp(
  settings: ConverterSettings,
  value: unknown,
  kind: TimestampKind | undefined,
): unknown {
  if (value === null || value === undefined) return null;
  const millis = toMillis(settings, kind ?? kindOfValue(value), value);
  return fromMillis(settings, millis);
}

const MILLIS_PER_DAY = 86_400_000n;
const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);

/** A TimestampTranslator's toRaw: the instant, as the long a java.util.Date holds. */
function toMillis(settings: ConverterSettings, kind: TimestampKind, value: unknown): bigint {
  switch (kind) {
    case 'string': {
      if (typeof value !== 'string') {
        throw new DataError(`Expected string timestamp to be a String, but found ${javaClassOf(value)}`);
      }
      if (!settings.format) {
        throw new TypeError(
          'Cannot invoke "java.text.SimpleDateFormat.parse(String)" because "config.format" is null',
        );
      }
      const millis = settings.format.parse(value);
      if (millis === undefined) {
        const pattern = new NotContent(settings.format.toPattern());
        const message = contentMessage`Could not parse timestamp: value (${value}) does not match pattern (${pattern})`;
        throw quotingContent(new DataError(message.text), message);
      }
      return millis;
    }
    case 'unix': {
      if (!isJavaLong(value) && !(typeof value === 'number' && isInt64(value))) {
        throw new DataError(`Expected Unix timestamp to be a Long, but found ${javaClassOf(value)}`);
      }
      const unix = BigInt(value);
      switch (settings.unixPrecision) {
        case 'seconds':
          return saturate(unix * 1000n);
        case 'microseconds':
          return unix / 1000n;
        case 'nanoseconds':
          return unix / 1_000_000n;
        default:
          return unix;
      }
    }
    default: {
      if (!(value instanceof Date)) {
        throw new DataError(`Expected ${kind} to be a java.util.Date, but found ${javaClassOf(value)}`);
      }
      return BigInt(value.getTime());
    }
  }
}

/** A TimestampTranslator's toType for the configured target. */
function fromMillis(settings: ConverterSettings, millis: bigint): unknown {
  switch (settings.target) {
    case 'string':
      return (settings.format as JavaSimpleDateFormat).format(millis);
    case 'unix':
      switch (settings.unixPrecision) {
        case 'seconds':
          return normalizeInt64(millis / 1000n);
        case 'microseconds':
          return normalizeInt64(saturate(millis * 1000n));
        case 'nanoseconds':
          return normalizeInt64(saturate(millis * 1_000_000n));
        default:
          return normalizeInt64(millis);
      }
    case 'Date':
      return TimestampType.toLogical(TimestampType.SCHEMA, floorDiv(millis, MILLIS_PER_DAY) * MILLIS_PER_DAY);
    case 'Time':
      return new Date(Number(millis - floorDiv(millis, MILLIS_PER_DAY) * MILLIS_PER_DAY));
    case 'Timestamp':
      return TimestampType.toLogical(TimestampType.SCHEMA, millis);
  }
}

/** TimeUnit conversions saturate at the long range. */
function saturate(value: bigint): bigint {
  return value > LONG_MAX ? LONG_MAX : value < LONG_MIN ? LONG_MIN : value;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const quotient = a / b;
  return a % b !== 0n && a < 0n ? quotient - 1n : quotient;
}

/** A copy of a built struct schema with a default value (the builder refuses struct defaults). */
function withDefault(schema: Schema, defaultValue: Struct | null): Schema {
  return new Schema({
    type: schema.type,
    optional: schema.optional,
    defaultValue,
    name: schema.name,
    version: schema.version,
    doc: schema.doc,
    parameters: schema.parameters,
    fields: schema.fields.map((field) => ({ name: field.name, schema: field.schema })),
  });
}
