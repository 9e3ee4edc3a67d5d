import { isUtf8 } from 'node:buffer';
import { DataError, NULL_SCHEMA_AND_VALUE, type Schema, type SchemaAndValue } from '../../data/index.js';
import type { FloatFormat } from '../../data/java-number-text.js';
import type { Converter, ConverterConfig, HeaderConverter } from '../converter.js';
import { jsonConverterConfigDef } from '../converter-config-defs.js';
import { parseConverterConfig, upperChoice } from '../converter-config-values.js';
import { ConnectJsonWriter, type DecimalFormat } from './connect-to-json.js';
import { JsonReader, JsonSyntaxError, type ReaderMark } from './json-reader.js';
import { readJsonSchema } from './json-schema-reader.js';
import { type ReadSettings, readConnectValue } from './json-to-connect.js';
import { SchemaCache } from './schema-cache.js';

export interface JsonConverterSettings {
  readonly schemasEnable: boolean;
  readonly schemasCacheSize: number;
  readonly decimalFormat: DecimalFormat;
  readonly replaceNullWithDefault: boolean;
  readonly floatFormat: FloatFormat;
  /** `schema.content`: a schema's JSON; null when unset or empty. */
  readonly schemaContent: string | null;
}

/** Connect's `JsonConverterConfig` keys, plus `float.format`, which is ours. */
export const JsonConverterKeys = Object.freeze({
  SCHEMAS_ENABLE: 'schemas.enable',
  SCHEMAS_CACHE_SIZE: 'schemas.cache.size',
  DECIMAL_FORMAT: 'decimal.format',
  REPLACE_NULL_WITH_DEFAULT: 'replace.null.with.default',
  SCHEMA_CONTENT: 'schema.content',
  /**
   * Which JVM's number text to reproduce byte for byte: `LEGACY` (default) is Java 8–18, as the
   * Kafka worker of this project runs on Java 17; `SHORTEST` is Java 19 and later.
   */
  FLOAT_FORMAT: 'float.format',
});

export const ENVELOPE_REQUIRED_MESSAGE =
  'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields.' +
  ' If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.';

const SCHEMA_KEY = Buffer.from('schema');
const PAYLOAD_KEY = Buffer.from('payload');
const OPEN_BRACE = 0x7b;

const JSON_CONVERTER_DEF = jsonConverterConfigDef();

/** The settings of a JSON converter, parsed with its ConfigDef (defaults and checks are there). */
export function jsonConverterSettings(config: ConverterConfig = {}, isKey = false): JsonConverterSettings {
  const parsed = parseConverterConfig(JSON_CONVERTER_DEF, config, isKey);
  return {
    schemasEnable: parsed.getBoolean(JsonConverterKeys.SCHEMAS_ENABLE) as boolean,
    schemasCacheSize: parsed.getNumber(JsonConverterKeys.SCHEMAS_CACHE_SIZE) as number,
    decimalFormat: upperChoice<DecimalFormat>(parsed, JsonConverterKeys.DECIMAL_FORMAT),
    replaceNullWithDefault: parsed.getBoolean(JsonConverterKeys.REPLACE_NULL_WITH_DEFAULT) as boolean,
    floatFormat: upperChoice<FloatFormat>(parsed, JsonConverterKeys.FLOAT_FORMAT),
    // Apache treats an empty schema.content as unset.
    schemaContent: parsed.getString(JsonConverterKeys.SCHEMA_CONTENT) || null,
  };
}

/**
 * `org.apache.kafka.connect.json.JsonConverter`: with `schemas.enable` (the default) records are
 * `{"schema":…,"payload":…}` envelopes, without it bare JSON read as schemaless values. With
 * `schema.content` (and schemas.enable) every message read is the bare payload of that schema. The
 * bytes written are identical to Kafka's own converter's for the same schema and value.
 *
 * Reading converts the JSON straight into Connect values (int64 and decimals exact); schemas are
 * parsed once per distinct schema text and kept in an LRU cache of `schemas.cache.size`.
 * Usable unconfigured, with the defaults.
 */
export class JsonConverter implements Converter, HeaderConverter {
  static readonly CLASS_NAME = 'org.apache.kafka.connect.json.JsonConverter';

  #settings: JsonConverterSettings = jsonConverterSettings();
  #writer = new ConnectJsonWriter(this.#settings);
  #schemas = new SchemaCache(this.#settings.schemasCacheSize);
  /** The last schema read, by its exact bytes, checked before anything is parsed. */
  #recent: { bytes: Buffer; schema: Schema | null } | undefined;
  /** The schema of `schema.content`: with schemas.enable, every message read is its bare payload. */
  #fixedSchema: Schema | null = null;

  get settings(): JsonConverterSettings {
    return this.#settings;
  }

  configure(config: ConverterConfig, isKey = false): void {
    this.#settings = jsonConverterSettings(config, isKey);
    this.#writer = new ConnectJsonWriter(this.#settings);
    this.#schemas = new SchemaCache(this.#settings.schemasCacheSize);
    this.#recent = undefined;
    this.#fixedSchema = null;
    const content = this.#settings.schemaContent;
    if (content !== null) {
      // Parsed whether or not schemas.enable is on, as Apache does: a bad schema fails configure.
      try {
        this.#fixedSchema = this.schemaFromJson(content);
      } catch (error) {
        if (!(error instanceof JsonSyntaxError)) throw error;
        throw new DataError(
          `Failed to parse schema in converter config due to serialization error: ${error.message}`,
          { cause: error },
        );
      }
    }
  }

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Buffer | null {
    if (schema === null && (value === null || value === undefined)) return null;
    const payload = this.#writer.valueText(schema, value);
    if (!this.#settings.schemasEnable) return Buffer.from(payload, 'utf8');
    const schemaText = schema === null ? 'null' : this.#writer.schemaText(schema);
    return Buffer.from(`{"schema":${schemaText},"payload":${payload}}`, 'utf8');
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    if (bytes === null || bytes === undefined) return NULL_SCHEMA_AND_VALUE;
    try {
      if (!isUtf8(bytes)) throw new JsonSyntaxError('Invalid UTF-8 in the JSON input');
      const reader = new JsonReader(bytes, startOffset(bytes));
      if (!this.#settings.schemasEnable) return this.#readBare(reader);
      return this.#fixedSchema === null
        ? this.#readEnvelope(reader)
        : this.#readFixed(reader, this.#fixedSchema);
    } catch (error) {
      if (error instanceof JsonSyntaxError) {
        throw new DataError(
          `Converting byte[] to Kafka Connect data failed due to serialization error: ${error.message}`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Buffer | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }

  close(): void {}

  /** Parses and caches a schema text (exposed for tests and for callers that hold schema JSON). */
  schemaFromJson(json: string | Buffer): Schema | null {
    const reader = new JsonReader(typeof json === 'string' ? Buffer.from(json, 'utf8') : json);
    const schema = this.#resolveSchema(reader);
    finishRoot(reader, false);
    return schema;
  }

  /** The schema JSON this converter writes for a schema. */
  schemaToJson(schema: Schema): string {
    return this.#writer.schemaText(schema);
  }

  #readBare(reader: JsonReader): SchemaAndValue {
    if (reader.peek() === -1) return NULL_SCHEMA_AND_VALUE;
    const rootIsNumber = reader.kind() === 'number';
    const value = readConnectValue(reader, null, this.#readSettings());
    finishRoot(reader, rootIsNumber);
    return { schema: null, value };
  }

  /** With `schema.content`: the whole message is the payload of that schema (no envelope). */
  #readFixed(reader: JsonReader, schema: Schema): SchemaAndValue {
    if (reader.peek() === -1) {
      // Apache reads empty bytes as Jackson's MissingNode and makes 0, false or an empty struct of it.
      throw new DataError(
        'JsonConverter with schema.content cannot read an empty message: it has no payload.',
      );
    }
    const rootIsNumber = reader.kind() === 'number';
    const value = readConnectValue(reader, schema, this.#readSettings());
    finishRoot(reader, rootIsNumber);
    return { schema, value };
  }

  /**
   * The envelope: exactly the two members, in any order. Errors come in Java's order: syntax,
   * then the envelope's shape, then the schema, then the payload; the payload is converted while
   * scanning when the schema is already known, and its error (if any) held back until then.
   */
  #readEnvelope(reader: JsonReader): SchemaAndValue {
    if (reader.peek() !== OPEN_BRACE) {
      if (reader.peek() !== -1) {
        const rootIsNumber = reader.kind() === 'number';
        reader.skipValue();
        finishRoot(reader, rootIsNumber);
      }
      throw new DataError(ENVELOPE_REQUIRED_MESSAGE);
    }
    const settings = this.#readSettings();
    let schemaSeen = false;
    let schema: Schema | null = null;
    let schemaError: unknown;
    let payloadAt: ReaderMark | undefined;
    let value: unknown;
    let valueRead = false;
    let valueError: unknown;
    let otherKeys: Set<string> | undefined;

    reader.beginObject();
    for (;;) {
      const key = reader.nextKeyMatching(schemaSeen ? PAYLOAD_KEY : SCHEMA_KEY);
      if (key === undefined) break;
      const name = key === true ? (schemaSeen ? 'payload' : 'schema') : key;
      if (name === 'schema') {
        schemaSeen = true;
        const at = reader.mark();
        try {
          schema = this.#resolveSchema(reader);
          schemaError = undefined;
        } catch (error) {
          if (error instanceof JsonSyntaxError) throw error;
          schemaError = error;
          reader.rewind(at);
          reader.skipValue();
        }
        valueRead = false;
      } else if (name === 'payload') {
        payloadAt = reader.mark();
        valueRead = false;
        if (schemaSeen && schemaError === undefined) {
          try {
            value = readConnectValue(reader, schema, settings);
            valueError = undefined;
          } catch (error) {
            if (error instanceof JsonSyntaxError) throw error;
            valueError = error;
            reader.rewind(payloadAt);
            reader.skipValue();
          }
          valueRead = true;
        } else {
          reader.skipValue();
        }
      } else {
        otherKeys ??= new Set();
        otherKeys.add(name);
        reader.skipValue();
      }
    }
    if (!schemaSeen || payloadAt === undefined || otherKeys !== undefined)
      throw new DataError(ENVELOPE_REQUIRED_MESSAGE);
    if (schemaError !== undefined) throw schemaError;
    if (!valueRead) {
      reader.rewind(payloadAt);
      value = readConnectValue(reader, schema, settings);
    } else if (valueError !== undefined) {
      throw valueError;
    }
    return { schema, value };
  }

  /** The schema at the reader: the recent one if the bytes match, else from the cache or parsed. */
  #resolveSchema(reader: JsonReader): Schema | null {
    const bytes = reader.bytes;
    reader.peek();
    const start = reader.pos;
    const recent = this.#recent;
    if (
      recent !== undefined &&
      start + recent.bytes.length <= bytes.length &&
      recent.bytes.compare(bytes, start, start + recent.bytes.length) === 0
    ) {
      // A complete JSON object is never the prefix of a different value, so this is the schema.
      reader.pos = start + recent.bytes.length;
      return recent.schema;
    }
    reader.skipValue();
    const end = reader.pos;
    const text = bytes.toString('latin1', start, end);
    let schema = this.#schemas.get(text);
    if (schema === undefined) {
      reader.pos = start;
      schema = readJsonSchema(reader, this.#readSettings());
      reader.pos = end;
      this.#schemas.set(text, schema);
    }
    if (bytes[start] === OPEN_BRACE)
      this.#recent = { bytes: Buffer.from(bytes.subarray(start, end)), schema };
    return schema;
  }

  #readSettings(): ReadSettings {
    return this.#settings;
  }
}

/** Skips a UTF-8 byte order mark, as Jackson does. */
function startOffset(bytes: Buffer): number {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

/**
 * Jackson reads the first root value and ignores what follows, except that a root-level number
 * must be followed by whitespace or the end.
 */
function finishRoot(reader: JsonReader, rootIsNumber: boolean): void {
  if (!rootIsNumber) return;
  const next = reader.bytes[reader.pos];
  if (next !== undefined && next !== 0x20 && next !== 0x0a && next !== 0x0d && next !== 0x09) {
    reader.unexpected('space separating root-level values');
  }
}
