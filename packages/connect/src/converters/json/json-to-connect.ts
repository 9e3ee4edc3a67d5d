import {
  DataError,
  DateType,
  DecimalType,
  type Field,
  type Schema,
  Struct,
  TimestampType,
  TimeType,
} from '../../data/index.js';
import {
  decimalFromNumber,
  float32FromNumber,
  float64FromNumber,
  int32FromNumber,
  int64FromNumber,
} from './json-number-values.js';
import type { JsonKind, JsonReader } from './json-reader.js';

export interface ReadSettings {
  readonly replaceNullWithDefault: boolean;
}

/**
 * Reads the next JSON value as a Connect value of `schema` (Kafka's
 * `JsonConverter.convertToConnect`), or as a schemaless value when `schema` is null: integers
 * become int64, other numbers float64, objects `Map`s.
 *
 * Where Java silently turns a JSON value of the wrong kind into 0, false or null (a string where
 * a number belongs), this throws a `DataError` naming the field. Floats also accept the strings
 * `"NaN"`, `"Infinity"` and `"-Infinity"`, which is how Jackson writes those values.
 */
export function readConnectValue(
  reader: JsonReader,
  schema: Schema | null,
  settings: ReadSettings,
  fieldName?: string,
): unknown {
  if (schema === null) return readSchemaless(reader);
  if (reader.tryNull()) return nullValue(schema, settings, fieldName);
  if (schema.logical !== undefined) return readLogical(reader, schema, fieldName);
  switch (schema.type) {
    case 'int8':
      return (int32FromNumber(expectNumber(reader, schema, fieldName)) << 24) >> 24;
    case 'int16':
      return (int32FromNumber(expectNumber(reader, schema, fieldName)) << 16) >> 16;
    case 'int32':
      return int32FromNumber(expectNumber(reader, schema, fieldName));
    case 'int64':
      return int64FromNumber(expectNumber(reader, schema, fieldName));
    case 'float32':
      return reader.kind() === 'string'
        ? nonFiniteFloat(reader.readString(), schema, fieldName)
        : float32FromNumber(expectNumber(reader, schema, fieldName));
    case 'float64':
      return reader.kind() === 'string'
        ? nonFiniteFloat(reader.readString(), schema, fieldName)
        : float64FromNumber(expectNumber(reader, schema, fieldName));
    case 'boolean':
      expectKind(reader, 'boolean', schema, fieldName);
      return reader.readBoolean();
    case 'string':
      expectKind(reader, 'string', schema, fieldName);
      return reader.readString();
    case 'bytes':
      expectKind(reader, 'string', schema, fieldName);
      return decodeBase64(reader.readString(), fieldName);
    case 'array':
      return readArray(reader, schema, settings, fieldName);
    case 'map':
      return readMap(reader, schema, settings, fieldName);
    case 'struct':
      return readStruct(reader, schema, settings, fieldName);
  }
}

/** What a null (or missing) JSON value means for a schema: its default, null, or an error. */
export function nullValue(schema: Schema, settings: ReadSettings, fieldName?: string): unknown {
  if (schema.defaultValue !== undefined && settings.replaceNullWithDefault) return schema.defaultValue;
  if (schema.optional) return null;
  throw new DataError(`Invalid null value for required ${schema.type.toUpperCase()} ${where(fieldName)}`);
}

function readLogical(reader: JsonReader, schema: Schema, fieldName: string | undefined): unknown {
  const kind = reader.kind();
  switch (schema.logical) {
    case 'decimal':
      if (kind === 'number') {
        reader.readNumber();
        return decimalFromNumber(reader);
      }
      if (kind === 'string') {
        const text = reader.readString();
        try {
          return DecimalType.toLogical(schema, decodeBase64(text, fieldName));
        } catch (error) {
          throw new DataError(`Invalid bytes for Decimal ${where(fieldName)}`, { cause: error });
        }
      }
      throw new DataError(
        `Invalid type for Decimal, underlying representation should be numeric or bytes but was ${nodeType(kind)} (${where(fieldName)})`,
      );
    case 'date':
    case 'time': {
      const name = schema.logical === 'date' ? 'Date' : 'Time';
      const count = kind === 'number' ? readInt(reader) : undefined;
      if (count === undefined) {
        throw new DataError(
          `Invalid type for ${name}, underlying representation should be integer but was ${nodeType(kind)} (${where(fieldName)})`,
        );
      }
      return schema.logical === 'date'
        ? DateType.toLogical(schema, count)
        : TimeType.toLogical(schema, count);
    }
    default: {
      if (kind === 'number') {
        reader.readNumber();
        if (reader.numberIntegral) return TimestampType.toLogical(schema, int64FromNumber(reader));
      }
      throw new DataError(
        `Invalid type for Timestamp, underlying representation should be integral but was ${nodeType(kind)} (${where(fieldName)})`,
      );
    }
  }
}

/** An integral number token within int32 range (Jackson's `isInt()`), else undefined. */
function readInt(reader: JsonReader): number | undefined {
  reader.readNumber();
  if (!reader.numberIntegral) return undefined;
  const value = reader.smallIntegerValue() ?? Number(reader.numberText());
  return value >= -2147483648 && value <= 2147483647 ? value + 0 : undefined;
}

function readArray(
  reader: JsonReader,
  schema: Schema,
  settings: ReadSettings,
  fieldName?: string,
): unknown[] {
  expectKind(reader, 'array', schema, fieldName);
  const elementSchema = schema.valueSchema ?? null;
  const result: unknown[] = [];
  reader.beginArray();
  while (reader.nextElement()) result.push(readConnectValue(reader, elementSchema, settings, fieldName));
  return result;
}

function readMap(
  reader: JsonReader,
  schema: Schema,
  settings: ReadSettings,
  fieldName?: string,
): Map<unknown, unknown> {
  const keySchema = schema.keySchema ?? null;
  const valueSchema = schema.valueSchema ?? null;
  const result = new Map<unknown, unknown>();
  const kind = reader.kind();
  if (keySchema === null || keySchema.type === 'string') {
    if (kind !== 'object') {
      throw new DataError(
        `Maps with string fields should be encoded as JSON objects, but found ${nodeType(kind)} (${where(fieldName)})`,
      );
    }
    reader.beginObject();
    for (let key = reader.nextKey(); key !== undefined; key = reader.nextKey()) {
      result.set(key, readConnectValue(reader, valueSchema, settings, fieldName));
    }
    return result;
  }
  if (kind !== 'array') {
    throw new DataError(
      `Maps with non-string fields should be encoded as JSON array of tuples, but found ${nodeType(kind)} (${where(fieldName)})`,
    );
  }
  reader.beginArray();
  while (reader.nextElement()) {
    const entryKind = reader.kind();
    if (entryKind !== 'array') {
      throw new DataError(
        `Found invalid map entry instead of array tuple: ${nodeType(entryKind)} (${where(fieldName)})`,
      );
    }
    reader.beginArray();
    const entry: unknown[] = [];
    while (reader.nextElement()) {
      entry.push(readConnectValue(reader, entry.length === 0 ? keySchema : valueSchema, settings, fieldName));
      if (entry.length > 2) {
        throw new DataError(
          `Found invalid map entry, expected length 2 but found more (${where(fieldName)})`,
        );
      }
    }
    if (entry.length !== 2) {
      throw new DataError(
        `Found invalid map entry, expected length 2 but found :${entry.length} (${where(fieldName)})`,
      );
    }
    result.set(entry[0], entry[1]);
  }
  return result;
}

/** Field names as raw UTF-8, for matching keys without decoding them (none where escapes could be involved). */
const fieldNameBytes = new WeakMap<Schema, (Buffer | undefined)[]>();
// biome-ignore lint/suspicious/noControlCharactersInRegex: such names may be escaped in JSON, so never match raw
const ESCAPABLE = /["\\\u0000-\u001f]/;

function namesOf(schema: Schema): (Buffer | undefined)[] {
  let names = fieldNameBytes.get(schema);
  if (!names) {
    names = schema.fields.map((field) =>
      ESCAPABLE.test(field.name) ? undefined : Buffer.from(field.name, 'utf8'),
    );
    fieldNameBytes.set(schema, names);
  }
  return names;
}

function readStruct(reader: JsonReader, schema: Schema, settings: ReadSettings, fieldName?: string): Struct {
  const kind = reader.kind();
  if (kind !== 'object') {
    throw new DataError(
      `Structs should be encoded as JSON objects, but found ${nodeType(kind)} (${where(fieldName)})`,
    );
  }
  const fields = schema.fields;
  const names = namesOf(schema);
  const values: unknown[] = new Array(fields.length);
  let expected = 0;
  reader.beginObject();
  for (;;) {
    const expectedName = names[expected];
    const key = expectedName === undefined ? reader.nextKey() : reader.nextKeyMatching(expectedName);
    if (key === undefined) break;
    const field: Field | undefined = key === true ? fields[expected] : schema.field(key);
    if (field === undefined) {
      reader.skipValue();
      continue;
    }
    values[field.index] = readConnectValue(reader, field.schema, settings, field.name);
    expected = field.index + 1;
  }
  for (let i = 0; i < fields.length; i++) {
    if (values[i] === undefined) {
      const field = fields[i] as Field;
      values[i] = nullValue(field.schema, settings, field.name);
    }
  }
  return Struct.fromValidValues(schema, values);
}

function readSchemaless(reader: JsonReader): unknown {
  switch (reader.kind()) {
    case 'null':
      reader.readNull();
      return null;
    case 'boolean':
      return reader.readBoolean();
    case 'number':
      reader.readNumber();
      return reader.numberIntegral ? int64FromNumber(reader) : float64FromNumber(reader);
    case 'string':
      return reader.readString();
    case 'array': {
      const result: unknown[] = [];
      reader.beginArray();
      while (reader.nextElement()) result.push(readSchemaless(reader));
      return result;
    }
    case 'object': {
      const result = new Map<string, unknown>();
      reader.beginObject();
      for (let key = reader.nextKey(); key !== undefined; key = reader.nextKey()) {
        result.set(key, readSchemaless(reader));
      }
      return result;
    }
  }
}

function expectNumber(reader: JsonReader, schema: Schema, fieldName: string | undefined): JsonReader {
  expectKind(reader, 'number', schema, fieldName);
  reader.readNumber();
  return reader;
}

function expectKind(reader: JsonReader, kind: JsonKind, schema: Schema, fieldName: string | undefined): void {
  const found = reader.kind();
  if (found !== kind) {
    throw new DataError(
      `Invalid JSON ${nodeType(found)} for ${schema.type.toUpperCase()} ${where(fieldName)}: expected ${nodeType(kind)}`,
    );
  }
}

function nonFiniteFloat(text: string, schema: Schema, fieldName: string | undefined): number {
  switch (text) {
    case 'NaN':
      return Number.NaN;
    case 'Infinity':
      return Number.POSITIVE_INFINITY;
    case '-Infinity':
      return Number.NEGATIVE_INFINITY;
    default:
      throw new DataError(
        `Invalid JSON STRING for ${schema.type.toUpperCase()} ${where(fieldName)}: expected NUMBER (or "NaN", "Infinity", "-Infinity")`,
      );
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64_UNIT =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Jackson lets control characters and spaces separate quads
  /[\u0000-\u0020]*([A-Za-z0-9+/]{4}|[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)|[\u0000-\u0020]+$/y;

/**
 * Base64 as Jackson's default variant reads it: the standard alphabet with padding required;
 * spaces and control characters may separate 4-character units, and a padded unit may be
 * followed by more units.
 */
export function decodeBase64(text: string, fieldName?: string): Buffer {
  if (BASE64.test(text)) return Buffer.from(text, 'base64');
  const chunks: Buffer[] = [];
  BASE64_UNIT.lastIndex = 0;
  while (BASE64_UNIT.lastIndex < text.length) {
    const match = BASE64_UNIT.exec(text);
    if (!match) throw new DataError(`Invalid bytes ${where(fieldName)}: not valid base64`);
    if (match[1] !== undefined) chunks.push(Buffer.from(match[1], 'base64'));
  }
  return Buffer.concat(chunks);
}

function where(fieldName: string | undefined): string {
  return fieldName === undefined ? 'value' : `field "${fieldName}"`;
}

/** Jackson's `JsonNodeType` names, used in Connect's messages. */
function nodeType(kind: JsonKind): string {
  return kind === 'object'
    ? 'OBJECT'
    : kind === 'array'
      ? 'ARRAY'
      : kind === 'string'
        ? 'STRING'
        : kind === 'number'
          ? 'NUMBER'
          : kind === 'boolean'
            ? 'BOOLEAN'
            : 'NULL';
}
