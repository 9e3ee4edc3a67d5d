import type { Schema } from './schema.js';

/** A value with its schema; both null for a tombstone or schemaless null (Connect's `SchemaAndValue`). */
export interface SchemaAndValue {
  readonly schema: Schema | null;
  readonly value: unknown;
}

export const NULL_SCHEMA_AND_VALUE: SchemaAndValue = Object.freeze({ schema: null, value: null });
