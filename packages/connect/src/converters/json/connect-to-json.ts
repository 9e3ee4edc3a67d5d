import {
  DataError,
  DateType,
  Decimal,
  DecimalType,
  type Field,
  int64ToString,
  isInt64,
  type Schema,
  type SchemaType,
  Struct,
  schemaEquals,
  TimestampType,
  TimeType,
} from '../../data/index.js';
import { type FloatFormat, javaDoubleToString, javaFloatToString } from '../../data/java-number-text.js';
import { describeValue, isPlainObject, mapEntries } from '../../data/value-shapes.js';
import { jsonStringText } from './json-string-text.js';

export type DecimalFormat = 'BASE64' | 'NUMERIC';

export interface WriteSettings {
  readonly decimalFormat: DecimalFormat;
  readonly replaceNullWithDefault: boolean;
  readonly floatFormat: FloatFormat;
}

const JSON_TYPE_NAMES: Record<SchemaType, string> = {
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  float32: 'float',
  float64: 'double',
  boolean: 'boolean',
  string: 'string',
  bytes: 'bytes',
  array: 'array',
  map: 'map',
  struct: 'struct',
};

/**
 * Writes Connect schemas and values as the exact JSON text Kafka's JsonConverter (Jackson)
 * writes: no whitespace, schema members in the order `type`, `items` | `keys`,`values` |
 * `fields`, `optional`, `name`, `version`, `doc`, `parameters`, `default` (and `field` last in a
 * struct's field), numbers as Java prints them. Schema text is computed once per schema object.
 */
export class ConnectJsonWriter {
  readonly #settings: WriteSettings;
  readonly #schemaText = new WeakMap<Schema, string>();
  readonly #fieldPrefixes = new WeakMap<Schema, string[]>();

  constructor(settings: WriteSettings) {
    this.#settings = settings;
  }

  /** `JsonConverter.asJsonSchema`, as text. */
  schemaText(schema: Schema): string {
    let text = this.#schemaText.get(schema);
    if (text === undefined) {
      text = this.#buildSchemaText(schema);
      this.#schemaText.set(schema, text);
    }
    return text;
  }

  #buildSchemaText(schema: Schema): string {
    let text = `{"type":"${JSON_TYPE_NAMES[schema.type]}"`;
    switch (schema.type) {
      case 'array':
        text += `,"items":${this.#nested(schema.valueSchema)}`;
        break;
      case 'map':
        text += `,"keys":${this.#nested(schema.keySchema)},"values":${this.#nested(schema.valueSchema)}`;
        break;
      case 'struct':
        text += `,"fields":[${schema.fields.map((field) => this.#fieldSchemaText(field)).join(',')}]`;
        break;
      default:
        break;
    }
    text += schema.optional ? ',"optional":true' : ',"optional":false';
    if (schema.name !== undefined) text += `,"name":${jsonStringText(schema.name)}`;
    if (schema.version !== undefined) text += `,"version":${schema.version}`;
    if (schema.doc !== undefined) text += `,"doc":${jsonStringText(schema.doc)}`;
    if (schema.parameters !== undefined) {
      const entries = Array.from(schema.parameters, ([k, v]) => `${jsonStringText(k)}:${jsonStringText(v)}`);
      text += `,"parameters":{${entries.join(',')}}`;
    }
    if (schema.defaultValue !== undefined)
      text += `,"default":${this.valueText(schema, schema.defaultValue)}`;
    return `${text}}`;
  }

  /**
   * An element, key or value schema. Connect lets an array or map schema leave it out (the header
   * converter infers `[]` as such an array); Apache's converter then writes `null` there.
   */
  #nested(schema: Schema | undefined): string {
    return schema ? this.schemaText(schema) : 'null';
  }

  #fieldSchemaText(field: Field): string {
    const text = this.schemaText(field.schema);
    return `${text.slice(0, -1)},"field":${jsonStringText(field.name)}}`;
  }

  /** `JsonConverter.convertToJson`, as text; a null schema infers the type from the value. */
  valueText(schema: Schema | null, value: unknown, fieldName?: string): string {
    if (value === null || value === undefined) {
      if (schema === null) return 'null';
      if (schema.defaultValue !== undefined && this.#settings.replaceNullWithDefault) {
        return this.valueText(schema, schema.defaultValue, fieldName);
      }
      if (schema.optional) return 'null';
      throw new DataError(
        `Conversion error: null value for ${where(fieldName)} that is required and has no default value`,
      );
    }
    if (schema !== null && schema.logical !== undefined) return this.#logicalText(schema, value, fieldName);
    const type = schema === null ? inferType(value) : schema.type;
    switch (type) {
      case 'int8':
      case 'int16':
      case 'int32':
        if (!isIntegerOf(type, value)) throw invalidType(type, value, fieldName);
        return String(value);
      case 'int64':
        if (!isInt64(value)) throw invalidType(type, value, fieldName);
        return int64ToString(value);
      case 'float32':
        if (typeof value !== 'number') throw invalidType(type, value, fieldName);
        return Number.isFinite(value)
          ? javaFloatToString(value, this.#settings.floatFormat)
          : `"${javaFloatToString(value, this.#settings.floatFormat)}"`;
      case 'float64':
        if (typeof value !== 'number') throw invalidType(type, value, fieldName);
        return Number.isFinite(value)
          ? javaDoubleToString(value, this.#settings.floatFormat)
          : `"${javaDoubleToString(value, this.#settings.floatFormat)}"`;
      case 'boolean':
        if (typeof value !== 'boolean') throw invalidType(type, value, fieldName);
        return value ? 'true' : 'false';
      case 'string':
        if (typeof value !== 'string') throw invalidType(type, value, fieldName);
        return jsonStringText(value);
      case 'bytes':
        if (!(value instanceof Uint8Array)) throw invalidType(type, value, fieldName);
        return `"${base64(value)}"`;
      case 'array':
        return this.#arrayText(schema, value, fieldName);
      case 'map':
        return this.#mapText(schema, value, fieldName);
      case 'struct':
        return this.#structText(schema, value, fieldName);
    }
  }

  #logicalText(schema: Schema, value: unknown, fieldName: string | undefined): string {
    switch (schema.logical) {
      case 'decimal':
        if (!(value instanceof Decimal)) {
          throw new DataError(
            `Invalid type for Decimal, expected Decimal but was ${describeValue(value)} (${where(fieldName)})`,
          );
        }
        return this.#settings.decimalFormat === 'NUMERIC'
          ? value.toString()
          : `"${DecimalType.fromLogical(schema, value).toString('base64')}"`;
      case 'date':
        return String(DateType.fromLogical(schema, asDate(value, 'Date', fieldName)));
      case 'time':
        return String(TimeType.fromLogical(schema, asDate(value, 'Time', fieldName)));
      default:
        return String(TimestampType.fromLogical(schema, asDate(value, 'Timestamp', fieldName)));
    }
  }

  #arrayText(schema: Schema | null, value: unknown, fieldName: string | undefined): string {
    if (!Array.isArray(value)) throw invalidType('array', value, fieldName);
    const elementSchema = schema === null ? null : (schema.valueSchema ?? null);
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) text += ',';
      text += this.valueText(elementSchema, value[i], fieldName);
    }
    return `${text}]`;
  }

  #mapText(schema: Schema | null, value: unknown, fieldName: string | undefined): string {
    if (!(value instanceof Map) && !isPlainObject(value)) throw invalidType('map', value, fieldName);
    const keySchema = schema === null ? null : (schema.keySchema ?? null);
    const valueSchema = schema === null ? null : (schema.valueSchema ?? null);
    const entries = mapEntries(value);
    let objectMode: boolean;
    if (schema === null) {
      objectMode = true;
      for (const [key] of mapEntries(value)) {
        if (typeof key !== 'string') {
          objectMode = false;
          break;
        }
      }
    } else {
      objectMode = keySchema?.type === 'string';
    }
    let text = objectMode ? '{' : '[';
    let first = true;
    for (const [key, entry] of entries) {
      if (!first) text += ',';
      first = false;
      const keyText = this.valueText(keySchema, key, fieldName);
      const entryText = this.valueText(valueSchema, entry, fieldName);
      if (objectMode) {
        // Jackson uses the key node's text: a string's own text, "null" for a null key.
        text += `${typeof key === 'string' ? keyText : jsonStringText(String(key))}:${entryText}`;
      } else {
        text += `[${keyText},${entryText}]`;
      }
    }
    return text + (objectMode ? '}' : ']');
  }

  #structText(schema: Schema | null, value: unknown, fieldName: string | undefined): string {
    if (!(value instanceof Struct)) throw invalidType('struct', value, fieldName);
    if (schema === null || (value.schema !== schema && !schemaEquals(value.schema, schema))) {
      throw new DataError(`Mismatching schema${fieldName === undefined ? '' : ` for field "${fieldName}"`}.`);
    }
    const prefixes = this.#prefixes(schema);
    const fields = schema.fields;
    let text = '{';
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as Field;
      text += `${prefixes[i]}${this.valueText(field.schema, value.getWithoutDefault(field), field.name)}`;
    }
    return `${text}}`;
  }

  /** `"name":` per field, with the separating comma for all but the first. */
  #prefixes(schema: Schema): string[] {
    let prefixes = this.#fieldPrefixes.get(schema);
    if (!prefixes) {
      prefixes = schema.fields.map((field, i) => `${i === 0 ? '' : ','}${jsonStringText(field.name)}:`);
      this.#fieldPrefixes.set(schema, prefixes);
    }
    return prefixes;
  }
}

/** The schema type Java infers from a value's class when there is no schema. */
function inferType(value: unknown): SchemaType {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) && isInt64(value) ? 'int64' : 'float64';
    case 'bigint':
      return 'int64';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    default:
      if (value instanceof Uint8Array) return 'bytes';
      if (Array.isArray(value)) return 'array';
      if (value instanceof Map || isPlainObject(value)) return 'map';
      if (value instanceof Struct) return 'struct';
      throw new DataError(`${describeValue(value)} does not have a corresponding schema type.`);
  }
}

function isIntegerOf(type: 'int8' | 'int16' | 'int32', value: unknown): boolean {
  if (typeof value !== 'number' || !Number.isInteger(value)) return false;
  const bound = type === 'int8' ? 128 : type === 'int16' ? 32768 : 2147483648;
  return value >= -bound && value < bound;
}

function asDate(value: unknown, what: string, fieldName: string | undefined): Date {
  if (value instanceof Date) return value;
  throw new DataError(
    `Invalid type for ${what}, expected Date but was ${describeValue(value)} (${where(fieldName)})`,
  );
}

function invalidType(type: SchemaType, value: unknown, fieldName: string | undefined): DataError {
  return new DataError(
    `Invalid type for ${type.toUpperCase()}: ${describeValue(value)} (${where(fieldName)})`,
  );
}

function base64(bytes: Uint8Array): string {
  return (
    Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  ).toString('base64');
}

function where(fieldName: string | undefined): string {
  return fieldName === undefined ? 'value' : `field "${fieldName}"`;
}
