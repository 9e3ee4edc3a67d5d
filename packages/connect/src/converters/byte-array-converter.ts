import { DataError, type Schema, type SchemaAndValue, Schemas } from '../data/index.js';
import { describeValue } from '../data/value-shapes.js';
import type { Converter, ConverterConfig, HeaderConverter } from './converter.js';

/**
 * `org.apache.kafka.connect.converters.ByteArrayConverter`: bytes pass through unchanged; read
 * back as optional bytes.
 */
export class ByteArrayConverter implements Converter, HeaderConverter {
  static readonly CLASS_NAME = 'org.apache.kafka.connect.converters.ByteArrayConverter';

  configure(_config: ConverterConfig, _isKey = false): void {}

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Buffer | null {
    if (schema !== null && schema.type !== 'bytes') {
      throw new DataError(`Invalid schema type for ByteArrayConverter: ${schema.type.toUpperCase()}`);
    }
    if (value === null || value === undefined) return null;
    if (!(value instanceof Uint8Array)) {
      throw new DataError(
        `ByteArrayConverter is not compatible with objects of type ${describeValue(value)}`,
      );
    }
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.length);
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    return { schema: Schemas.OPTIONAL_BYTES, value: bytes ?? null };
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Buffer | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, bytes: Buffer | null): SchemaAndValue {
    return this.toConnectData(topic, bytes);
  }

  close(): void {}
}
