import type { SinkRecord, SourceRecord } from '../api/records.js';
import type { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Schemas } from '../data/schemas.js';
import { Struct } from '../data/struct.js';

// Records and helpers the transformations' unit tests share. Not a test file itself (vitest runs
// only *.test.ts); it needs nothing but the package, so it also compiles with the package.

/** A sink record (topic 'topic', partition 3, offset 42, no key) carrying `value`. */
export function sink(valueSchema: Schema | undefined, value: unknown): SinkRecord {
  return {
    topic: 'topic',
    kafkaPartition: 3,
    kafkaOffset: 42n,
    keySchema: undefined,
    key: null,
    valueSchema,
    value,
    timestamp: 1_700_000_000_000,
    headers: [],
  };
}

/** A source record (topic 'topic', partition 0, string key 'k') carrying `value`. */
export function record(valueSchema: Schema | undefined, value: unknown): SourceRecord {
  return {
    sourcePartition: {},
    sourceOffset: {},
    topic: 'topic',
    kafkaPartition: 0,
    keySchema: Schemas.STRING,
    key: 'k',
    valueSchema,
    value,
    timestamp: 1_700_000_000_000,
    headers: [],
  };
}

/**
 * A struct schema with a nested struct, a required field and an optional one with a default
 * (ExtractField's and ValueToKey's tests read fields of it), and a value of it whose optional
 * fields are null.
 */
export const nested = SchemaBuilder.struct()
  .name('inner')
  .field('b', Schemas.INT64)
  .field('c', SchemaBuilder.string().optional().defaultValue('dflt').build())
  .build();
export const outer = SchemaBuilder.struct()
  .name('outer')
  .version(2)
  .doc('d')
  .field('a', nested)
  .field('magic', Schemas.INT32)
  .field('opt', SchemaBuilder.int32().optional().defaultValue(7).build())
  .build();
export const outerValue = new Struct(outer)
  .put('a', new Struct(nested).put('b', 5).put('c', null))
  .put('magic', 42)
  .put('opt', null);

/** The error `fn` throws; throws itself when `fn` returns. */
export function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

export function asStruct(value: unknown): Struct {
  return value as Struct;
}

/** A struct schema's fields as [name, schema] pairs. */
export const fieldsOf = (schema: Schema | undefined) => schema?.fields.map((f) => [f.name, f.schema]);

/** A struct's values in field order, defaults not applied. */
export const valuesOf = (value: unknown) => {
  const struct = value as Struct;
  return struct.schema.fields.map((f) => struct.getWithoutDefault(f.name));
};
