import { DataError } from '../data/data-error.js';
import type { Field, Schema, SchemaType } from '../data/schema.js';
import { Struct } from '../data/struct.js';
import { isPlainObject } from '../data/value-shapes.js';
import type { ConnectRecord } from './transformation.js';

/**
 * The type checks of Apache's `transforms.util.Requirements`, with its messages: a schemaless
 * value must be a `Map`, a schemaful one a `Struct`.
 */
export function requireSchema(schema: Schema | undefined | null, purpose: string): Schema {
  if (!schema) throw new DataError(`Schema required for [${purpose}]`);
  return schema;
}

export function requireMap(value: unknown, purpose: string): Map<string, unknown> {
  if (!(value instanceof Map)) {
    throw new DataError(
      `Only Map objects supported in absence of schema for [${purpose}], found: ${javaClassName(value, 'java.lang.Long')}`,
    );
  }
  return value as Map<string, unknown>;
}

export function requireMapOrNull(value: unknown, purpose: string): Map<string, unknown> | null {
  return value === null || value === undefined ? null : requireMap(value, purpose);
}

export function requireStruct(value: unknown, purpose: string): Struct {
  if (!(value instanceof Struct)) {
    throw new DataError(
      `Only Struct objects supported for [${purpose}], found: ${javaClassName(value, 'java.lang.Integer')}`,
    );
  }
  return value;
}

export function requireStructOrNull(value: unknown, purpose: string): Struct | null {
  return value === null || value === undefined ? null : requireStruct(value, purpose);
}

/** Sink records carry a Kafka offset; `TimestampRouter`-style checks that need one use this. */
export function requireSinkRecord(record: ConnectRecord, purpose: string): void {
  if (!('kafkaOffset' in record)) {
    throw new DataError(
      `Only SinkRecord supported for [${purpose}], found: org.apache.kafka.connect.source.SourceRecord`,
    );
  }
}

/**
 * The Java class Apache's messages would name for a value msa-sync holds. A whole number is a Long
 * where it came from schemaless JSON (the JsonConverter reads those as INT64) and most often an
 * Integer where a schema said INT32: callers say which is likelier where they are.
 */
export function javaClassName(value: unknown, wholeNumberClass = 'java.lang.Long'): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  if (typeof value === 'bigint') return 'java.lang.Long';
  if (typeof value === 'number') return Number.isInteger(value) ? wholeNumberClass : 'java.lang.Double';
  if (value instanceof Struct) return 'org.apache.kafka.connect.data.Struct';
  if (value instanceof Map) return 'java.util.HashMap';
  if (Array.isArray(value)) return 'java.util.ArrayList';
  if (value instanceof Uint8Array) return '[B';
  if (value instanceof Date) return 'java.util.Date';
  return (value as object).constructor?.name ?? typeof value;
}

/** ConnectSchema.fields(): only a struct schema has fields to list. */
export function structFields(schema: Schema): readonly Field[] {
  if (schema.type !== 'struct') throw new DataError('Cannot list fields on non-struct type');
  return schema.fields;
}

/**
 * ConnectSchema.schemaType(value.getClass()) for the values msa-sync holds without a schema;
 * undefined where Connect's data API has no type for the value.
 */
export function schemalessType(value: unknown): SchemaType | undefined {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'bigint':
      return 'int64';
    case 'number':
      // Schemaless JSON numbers are Longs when integral, Doubles otherwise.
      return Number.isSafeInteger(value) ? 'int64' : 'float64';
    default:
      if (value instanceof Uint8Array) return 'bytes';
      if (Array.isArray(value)) return 'array';
      if (value instanceof Map || isPlainObject(value)) return 'map';
      if (value instanceof Struct) return 'struct';
      return undefined;
  }
}
