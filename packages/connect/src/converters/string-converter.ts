import { ConfigException } from '../config/config-types.js';
import { Decimal, type Schema, type SchemaAndValue, Schemas, Struct } from '../data/index.js';
import { type FloatFormat, javaDoubleToString, javaFloatToString } from '../data/java-number-text.js';
import type { Converter, ConverterConfig, HeaderConverter } from './converter.js';
import { stringConverterConfigDef } from './converter-config-defs.js';
import { parseConverterConfig, upperChoice } from './converter-config-values.js';

/** Java charset names (and the aliases Node knows) that map to a Node encoding. */
const ENCODINGS: Record<string, BufferEncoding> = {
  'UTF-8': 'utf8',
  UTF8: 'utf8',
  'ISO-8859-1': 'latin1',
  ISO8859_1: 'latin1',
  LATIN1: 'latin1',
  'US-ASCII': 'ascii',
  ASCII: 'ascii',
  'UTF-16LE': 'utf16le',
  UTF_16LE: 'utf16le',
};

const STRING_CONVERTER_DEF = stringConverterConfigDef();

/**
 * `org.apache.kafka.connect.storage.StringConverter`: a value is written as its text
 * (`converter.encoding`, UTF-8 by default) whatever its schema, and read back as an optional
 * string. Numbers in float32/float64 schemas are written as Java prints them (`1.0`), structs as
 * Connect's `Struct{…}`, decimals as `BigDecimal` text.
 */
export class StringConverter implements Converter, HeaderConverter {
  static readonly CLASS_NAME = 'org.apache.kafka.connect.storage.StringConverter';
  #encoding: BufferEncoding = 'utf8';
  #floatFormat: FloatFormat = 'LEGACY';

  configure(config: ConverterConfig, isKey = false): void {
    const parsed = parseConverterConfig(STRING_CONVERTER_DEF, config, isKey);
    const name = parsed.getString('converter.encoding') ?? '';
    const encoding = ENCODINGS[name.toUpperCase()];
    if (encoding === undefined) {
      throw new ConfigException(
        `Invalid value ${name} for configuration converter.encoding: unsupported encoding (supported: ${Object.keys(ENCODINGS).join(', ')})`,
      );
    }
    this.#encoding = encoding;
    this.#floatFormat = upperChoice<FloatFormat>(parsed, 'float.format');
  }

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    return Buffer.from(textOf(schema, value, this.#floatFormat), this.#encoding);
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    return {
      schema: Schemas.OPTIONAL_STRING,
      value: bytes === null || bytes === undefined ? null : bytes.toString(this.#encoding),
    };
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Buffer | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }

  close(): void {}
}

/** Java's `value.toString()` where the JavaScript value maps to a Java class, `String(value)` otherwise. */
function textOf(schema: Schema | null, value: unknown, floatFormat: FloatFormat): string {
  if (typeof value === 'number' && schema?.type === 'float64') return javaDoubleToString(value, floatFormat);
  if (typeof value === 'number' && schema?.type === 'float32') return javaFloatToString(value, floatFormat);
  if (value instanceof Struct || value instanceof Decimal) return value.toString();
  if (value instanceof Date) return javaDateText(value);
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.length).toString('utf8');
  return String(value);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `java.util.Date.toString()` on a JVM in UTC: `Tue Apr 04 21:22:51 UTC 2023`. */
function javaDateText(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${two(date.getUTCDate())} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} UTC ${date.getUTCFullYear()}`;
}
