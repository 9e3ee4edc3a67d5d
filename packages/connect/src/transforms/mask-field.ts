import { ConfigDef } from '../config/config-def.js';
import { nonEmptyString, validList } from '../config/validators.js';
import { DataError } from '../data/data-error.js';
import { Decimal } from '../data/decimal.js';
import { normalizeInt64 } from '../data/int64.js';
import type { Schema } from '../data/schema.js';
import { Struct } from '../data/struct.js';
import { isPlainObject } from '../data/value-shapes.js';
import { distinctValues } from './distinct-values.js';
import { keyValuePlugins } from './key-value-plugins.js';
import { operatingSchema, operatingValue, type RecordSide, withSide } from './record-side.js';
import { requireMap, requireStruct } from './requirements.js';
import type { PluginConfig, Transformation, TransformationPlugin } from './transformation.js';

const FIELDS_CONFIG = 'fields';
const REPLACEMENT_CONFIG = 'replacement';
const REPLACE_NULL_WITH_DEFAULT_CONFIG = 'replace.null.with.default';
const PURPOSE = 'mask fields';

export const MASK_FIELD_CONFIG_DEF = new ConfigDef()
  .define({
    name: FIELDS_CONFIG,
    type: 'LIST',
    validator: distinctValues(validList([], { emptyAllowed: false })),
    importance: 'HIGH',
    documentation: 'The fields whose values are masked.',
  })
  .define({
    name: REPLACEMENT_CONFIG,
    type: 'STRING',
    default: null,
    validator: nonEmptyString(),
    importance: 'LOW',
    documentation:
      'A value to put in every masked field instead of the empty value of its type; only numeric and ' +
      'string fields (non-empty text) accept one, converted to the field type.',
  })
  .define({
    name: REPLACE_NULL_WITH_DEFAULT_CONFIG,
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    documentation:
      'When a field is null and its schema has a default, read the default (true) or keep null (false).',
  });

/**
 * The Java class a Connect value has in Apache's runtime, which is what MaskField dispatches on.
 * With a schema it follows from the (logical) type; without one from the JavaScript value, numbers
 * as the JSON converter yields them (integers int64 `Long`, others `Double`).
 */
type JavaKind =
  | 'Boolean'
  | 'Byte'
  | 'Short'
  | 'Integer'
  | 'Long'
  | 'Float'
  | 'Double'
  | 'BigDecimal'
  | 'Date'
  | 'String'
  | 'List'
  | 'Map'
  | 'Other';

interface JavaType {
  readonly kind: JavaKind;
  /** `Class.toString()` of the value's class: `class java.lang.Boolean`. */
  readonly className: string;
}

const JAVA_CLASSES: Record<Exclude<JavaKind, 'Other'>, string> = {
  Boolean: 'java.lang.Boolean',
  Byte: 'java.lang.Byte',
  Short: 'java.lang.Short',
  Integer: 'java.lang.Integer',
  Long: 'java.lang.Long',
  Float: 'java.lang.Float',
  Double: 'java.lang.Double',
  BigDecimal: 'java.math.BigDecimal',
  Date: 'java.util.Date',
  String: 'java.lang.String',
  List: 'java.util.ArrayList',
  Map: 'java.util.HashMap',
};

function javaType(kind: Exclude<JavaKind, 'Other'>): JavaType {
  return { kind, className: `class ${JAVA_CLASSES[kind]}` };
}

function otherType(className: string): JavaType {
  return { kind: 'Other', className: `class ${className}` };
}

function javaTypeFromSchema(schema: Schema): JavaType {
  switch (schema.logical) {
    case 'decimal':
      return javaType('BigDecimal');
    case 'date':
    case 'time':
    case 'timestamp':
      return javaType('Date');
    default:
      break;
  }
  switch (schema.type) {
    case 'int8':
      return javaType('Byte');
    case 'int16':
      return javaType('Short');
    case 'int32':
      return javaType('Integer');
    case 'int64':
      return javaType('Long');
    case 'float32':
      return javaType('Float');
    case 'float64':
      return javaType('Double');
    case 'boolean':
      return javaType('Boolean');
    case 'string':
      return javaType('String');
    case 'bytes':
      return otherType('[B');
    case 'array':
      return javaType('List');
    case 'map':
      return javaType('Map');
    case 'struct':
      return otherType('org.apache.kafka.connect.data.Struct');
  }
}

function javaTypeFromValue(value: unknown): JavaType {
  if (typeof value === 'boolean') return javaType('Boolean');
  if (typeof value === 'string') return javaType('String');
  if (typeof value === 'bigint') return javaType('Long');
  if (typeof value === 'number') return javaType(Number.isInteger(value) ? 'Long' : 'Double');
  if (Array.isArray(value)) return javaType('List');
  if (value instanceof Map || isPlainObject(value)) return javaType('Map');
  if (value instanceof Decimal) return javaType('BigDecimal');
  if (value instanceof Date) return javaType('Date');
  if (value instanceof Uint8Array) return otherType('[B');
  if (value instanceof Struct) return otherType('org.apache.kafka.connect.data.Struct');
  return otherType(typeof value);
}

/** The value Apache masks to without a replacement: the type's empty value. */
function emptyValue(type: JavaType): unknown {
  switch (type.kind) {
    case 'Boolean':
      return false;
    case 'Byte':
    case 'Short':
    case 'Integer':
    case 'Long':
    case 'Float':
    case 'Double':
      return 0;
    case 'BigDecimal':
      return new Decimal(0n, 0);
    case 'Date':
      return new Date(0);
    case 'String':
      return '';
    case 'List':
      return [];
    case 'Map':
      return new Map();
    case 'Other':
      throw new DataError(`Cannot mask value of type: ${type.className}`);
  }
}

/** Java's `BigDecimal(String)` syntax: sign, digits with at most one point, optional exponent. */
const BIG_DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?)(\d+))?$/;
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

interface ParsedDecimal {
  readonly unscaled: bigint;
  readonly scale: number;
  /** Digits of the unscaled value, leading zeros dropped (at least one). */
  readonly precision: number;
}

/** Parses as `new BigDecimal(text)` would, or returns undefined where it throws NumberFormatException. */
function parseBigDecimal(text: string): ParsedDecimal | undefined {
  const match = BIG_DECIMAL.exec(text);
  if (!match) return undefined;
  const [, sign = '', whole = '', fraction = '', expSign = '', expDigits] = match;
  if (whole.length + fraction.length === 0) return undefined;
  let exponent = 0;
  if (expDigits !== undefined) {
    const significant = expDigits.replace(/^0+(?=.)/, '');
    if (significant.length > 10) return undefined;
    exponent = Number(significant) * (expSign === '-' ? -1 : 1);
    if (exponent < INT_MIN || exponent > INT_MAX) return undefined;
  }
  const scale = fraction.length - exponent;
  if (scale < INT_MIN || scale > INT_MAX) return undefined;
  const digits = `${whole}${fraction}`.replace(/^0+(?=.)/, '');
  const magnitude = BigInt(digits);
  return { unscaled: sign === '-' ? -magnitude : magnitude, scale, precision: digits.length };
}

/** `BigDecimal.longValue()`: the integer part, wrapped to its low 64 bits. */
function longValue(decimal: ParsedDecimal): bigint {
  const { unscaled, scale, precision } = decimal;
  if (unscaled === 0n || scale <= -64 || (scale > 0 && precision <= scale)) return 0n;
  const integer = scale > 0 ? unscaled / 10n ** BigInt(scale) : unscaled * 10n ** BigInt(-scale);
  return BigInt.asIntN(64, integer);
}

function unableToConvert(replacement: string): DataError {
  return new DataError(`Unable to convert ${replacement} (class java.lang.String) to a number`);
}

/** `Values.convertTo<Type>(null, replacement)`: a decimal string, truncated and narrowed as Java casts. */
function integralReplacement(replacement: string, bits: 8 | 16 | 32 | 64): unknown {
  const parsed = parseBigDecimal(replacement);
  if (!parsed) throw unableToConvert(replacement);
  const wrapped = BigInt.asIntN(bits, longValue(parsed));
  return bits === 64 ? normalizeInt64(wrapped) : Number(wrapped);
}

function floatingReplacement(replacement: string, float32: boolean): number {
  if (!parseBigDecimal(replacement)) throw unableToConvert(replacement);
  const value = Number(replacement);
  return float32 ? Math.fround(value) : value;
}

function replacementValue(type: JavaType, replacement: string): unknown {
  switch (type.kind) {
    case 'Byte':
      return integralReplacement(replacement, 8);
    case 'Short':
      return integralReplacement(replacement, 16);
    case 'Integer':
      return integralReplacement(replacement, 32);
    case 'Long':
      return integralReplacement(replacement, 64);
    case 'Float':
      return floatingReplacement(replacement, true);
    case 'Double':
      return floatingReplacement(replacement, false);
    case 'String':
      return replacement;
    case 'BigDecimal':
      if (!parseBigDecimal(replacement)) {
        throw new DataError(`Unable to convert ${replacement} (class java.lang.String) to number`);
      }
      return Decimal.fromString(replacement);
    default:
      throw new DataError(`Cannot mask value of type ${type.className} with custom replacement.`);
  }
}

/**
 * `MaskField$Key` / `$Value`: replaces the listed fields' values with the empty value of their type
 * (false, 0, 0.0, "", BigDecimal 0, epoch Date, empty list/map), or with `replacement` converted to
 * the field's numeric type (or taken as is for strings). Nulls stay null. Other types (bytes, structs,
 * and with a replacement booleans, dates, lists, maps) fail with Apache's messages. Without a schema,
 * a listed field the map lacks is added with a null value. Null keys/values fail (Map or Struct
 * required), as in Apache.
 */
function createMaskField(side: RecordSide, props: PluginConfig): Transformation {
  const config = MASK_FIELD_CONFIG_DEF.parse(props);
  const maskedFields = new Set(config.getList(FIELDS_CONFIG) ?? []);
  const replacement = config.getString(REPLACEMENT_CONFIG);
  const replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT_CONFIG) === true;

  function masked(value: unknown, type: () => JavaType): unknown {
    if (value === null || value === undefined) return null;
    return replacement === null ? emptyValue(type()) : replacementValue(type(), replacement);
  }

  return {
    apply(record) {
      const schema = operatingSchema(record, side);
      if (!schema) {
        const value = requireMap(operatingValue(record, side), PURPOSE);
        const updated = new Map<unknown, unknown>(value);
        for (const field of maskedFields) {
          const original = value.get(field);
          updated.set(
            field,
            masked(original, () => javaTypeFromValue(original)),
          );
        }
        return withSide(record, side, schema, updated);
      }
      const value = requireStruct(operatingValue(record, side), PURPOSE);
      const updated = new Struct(value.schema);
      for (const field of value.schema.fields) {
        const original = replaceNullWithDefault ? value.get(field) : value.getWithoutDefault(field.name);
        updated.put(
          field,
          maskedFields.has(field.name) ? masked(original, () => javaTypeFromSchema(field.schema)) : original,
        );
      }
      return withSide(record, side, schema, updated);
    },
  };
}

export const maskFieldPlugins: TransformationPlugin[] = keyValuePlugins(
  'MaskField',
  MASK_FIELD_CONFIG_DEF,
  createMaskField,
);
