import type { Schema, SchemaAndValue } from '../data/index.js';

/**
 * Converter configuration as a worker hands it over: the converter's own keys with the
 * `key.converter.` / `value.converter.` prefix already removed. Values are normally strings;
 * booleans and numbers from JSON configs are accepted too.
 */
export type ConverterConfig = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * Translates between Connect data (schema + value) and the bytes of a Kafka record key or value
 * (Connect's `org.apache.kafka.connect.storage.Converter`).
 */
export interface Converter {
  configure(config: ConverterConfig, isKey: boolean): void;
  /** Serialises a value; null for a null value (with no schema, or as the converter defines). */
  fromConnectData(topic: string, schema: Schema | null, value: unknown): Buffer | null;
  /** Deserialises record bytes; null bytes (a tombstone) give a null schema and value. */
  toConnectData(topic: string, bytes: Buffer | null): SchemaAndValue;
  close(): void;
}

/** The same for record headers (Connect's `HeaderConverter`). */
export interface HeaderConverter {
  fromConnectHeader(topic: string, headerKey: string, schema: Schema | null, value: unknown): Buffer | null;
  toConnectHeader(topic: string, headerKey: string, bytes: Buffer | null): SchemaAndValue;
}
