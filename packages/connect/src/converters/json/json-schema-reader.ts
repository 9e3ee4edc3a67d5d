import { DataError, type Schema, SchemaBuilder } from '../../data/index.js';
import { int32FromNumber } from './json-number-values.js';
import type { JsonReader } from './json-reader.js';
import { type ReadSettings, readConnectValue } from './json-to-connect.js';

/**
 * Reads a schema in the JSON converter's format (`JsonConverter.asConnectSchema`) from the next
 * value: JSON null is no schema. Nested schemas (items, keys, values, fields) and the default are
 * read after the attributes they depend on, so keys may come in any order; a repeated key counts
 * once, with its last value, as in Jackson's tree.
 */
export function readJsonSchema(reader: JsonReader, settings: ReadSettings): Schema | null {
  if (reader.tryNull()) return null;
  if (reader.kind() !== 'object') {
    reader.skipValue();
    throw new DataError("Schema must contain 'type' field");
  }
  let type: string | undefined;
  let optional = false;
  let name: string | undefined;
  let version: number | undefined;
  let doc: string | undefined;
  let parameters: Map<string, string> | undefined;
  let items: number | undefined;
  let keys: number | undefined;
  let values: number | undefined;
  let fields: number | undefined;
  let defaultAt: number | undefined;
  reader.beginObject();
  for (let key = reader.nextKey(); key !== undefined; key = reader.nextKey()) {
    switch (key) {
      case 'type':
        type = readText(reader);
        break;
      case 'optional':
        optional = reader.kind() === 'boolean' ? reader.readBoolean() : skipFalse(reader);
        break;
      case 'name':
        name = readText(reader);
        break;
      case 'version':
        version = readIntegral(reader);
        break;
      case 'doc':
        doc = readText(reader);
        break;
      case 'parameters':
        parameters = readParameters(reader);
        break;
      case 'items':
        items = positionAndSkip(reader);
        break;
      case 'keys':
        keys = positionAndSkip(reader);
        break;
      case 'values':
        values = positionAndSkip(reader);
        break;
      case 'fields':
        fields = positionAndSkip(reader);
        break;
      case 'default':
        defaultAt = positionAndSkip(reader);
        break;
      default:
        reader.skipValue();
    }
  }
  const end = reader.pos;

  const builder = builderFor(reader, type, { items, keys, values, fields }, settings);
  if (optional) builder.optional();
  else builder.required();
  if (name !== undefined) builder.name(name);
  if (version !== undefined) builder.version(version);
  if (doc !== undefined) builder.doc(doc);
  if (parameters !== undefined) builder.parameters(parameters);
  if (defaultAt !== undefined) {
    reader.pos = defaultAt;
    const value = readConnectValue(reader, builder.build(), settings);
    builder.defaultValue(value);
  }
  reader.pos = end;
  return builder.build();
}

interface Children {
  items: number | undefined;
  keys: number | undefined;
  values: number | undefined;
  fields: number | undefined;
}

function builderFor(
  reader: JsonReader,
  type: string | undefined,
  children: Children,
  settings: ReadSettings,
): SchemaBuilder {
  switch (type) {
    case undefined:
      throw new DataError("Schema must contain 'type' field");
    case 'boolean':
      return SchemaBuilder.bool();
    case 'int8':
      return SchemaBuilder.int8();
    case 'int16':
      return SchemaBuilder.int16();
    case 'int32':
      return SchemaBuilder.int32();
    case 'int64':
      return SchemaBuilder.int64();
    case 'float':
      return SchemaBuilder.float32();
    case 'double':
      return SchemaBuilder.float64();
    case 'bytes':
      return SchemaBuilder.bytes();
    case 'string':
      return SchemaBuilder.string();
    case 'array': {
      if (children.items === undefined || isNullAt(reader, children.items)) {
        throw new DataError('Array schema did not specify the element type');
      }
      return SchemaBuilder.array(nestedSchema(reader, children.items, settings));
    }
    case 'map': {
      if (children.keys === undefined) throw new DataError('Map schema did not specify the key type');
      if (children.values === undefined) throw new DataError('Map schema did not specify the value type');
      return SchemaBuilder.map(
        nestedSchema(reader, children.keys, settings, 'keySchema'),
        nestedSchema(reader, children.values, settings, 'valueSchema'),
      );
    }
    case 'struct': {
      const builder = SchemaBuilder.struct();
      if (children.fields !== undefined) reader.pos = children.fields;
      if (children.fields === undefined || reader.kind() !== 'array') {
        throw new DataError('Struct schema\'s "fields" argument is not an array.');
      }
      reader.beginArray();
      while (reader.nextElement()) {
        const start = reader.pos;
        const name = reader.kind() === 'object' ? fieldNameAt(reader) : undefined;
        reader.pos = start;
        if (name === undefined) throw new DataError("Struct schema's field name not specified properly");
        const fieldSchema = readJsonSchema(reader, settings);
        if (fieldSchema === null) throw new DataError("Struct schema's field name not specified properly");
        builder.field(name, fieldSchema);
      }
      return builder;
    }
    default:
      throw new DataError(`Unknown schema type: ${type}`);
  }
}

function nestedSchema(reader: JsonReader, at: number, settings: ReadSettings, what = 'valueSchema'): Schema {
  reader.pos = at;
  const schema = readJsonSchema(reader, settings);
  if (schema === null) throw new DataError(`${what} cannot be null.`);
  return schema;
}

/** The textual `field` member of the object at the reader, or undefined. */
function fieldNameAt(reader: JsonReader): string | undefined {
  let name: string | undefined;
  reader.beginObject();
  for (let key = reader.nextKey(); key !== undefined; key = reader.nextKey()) {
    if (key === 'field') name = readText(reader);
    else reader.skipValue();
  }
  return name;
}

function isNullAt(reader: JsonReader, at: number): boolean {
  reader.pos = at;
  return reader.kind() === 'null';
}

function positionAndSkip(reader: JsonReader): number {
  reader.peek();
  const position = reader.pos;
  reader.skipValue();
  return position;
}

/** A string value, or undefined (after skipping) for any other kind, as Jackson's `isTextual` checks. */
function readText(reader: JsonReader): string | undefined {
  if (reader.kind() === 'string') return reader.readString();
  reader.skipValue();
  return undefined;
}

function readIntegral(reader: JsonReader): number | undefined {
  if (reader.kind() !== 'number') {
    reader.skipValue();
    return undefined;
  }
  reader.readNumber();
  return reader.numberIntegral ? int32FromNumber(reader) : undefined;
}

function skipFalse(reader: JsonReader): false {
  reader.skipValue();
  return false;
}

function readParameters(reader: JsonReader): Map<string, string> | undefined {
  if (reader.kind() !== 'object') {
    reader.skipValue();
    return undefined;
  }
  const parameters = new Map<string, string>();
  reader.beginObject();
  for (let key = reader.nextKey(); key !== undefined; key = reader.nextKey()) {
    if (reader.kind() !== 'string') throw new DataError('Schema parameters must have string values.');
    parameters.set(key, reader.readString());
  }
  return parameters;
}
