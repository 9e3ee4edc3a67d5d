import type { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';

/**
 * Apache's `SchemaUtil.copySchemaBasics`: a builder of `schema`'s type carrying its name, version,
 * doc and parameters (and optional, unless `keepOptional` is false), without fields or default.
 */
export function copySchemaBasics(
  schema: Schema,
  builder: SchemaBuilder = SchemaBuilder.type(schema.type),
): SchemaBuilder {
  if (schema.name !== undefined) builder.name(schema.name);
  if (schema.version !== undefined) builder.version(schema.version);
  if (schema.doc !== undefined) builder.doc(schema.doc);
  // An empty map is kept too: Java's copy keeps whatever the schema had.
  if (schema.parameters !== undefined) {
    builder.parameters(Object.fromEntries(schema.parameters));
  }
  return builder;
}

/**
 * A cache of derived schemas keyed by the input schema's identity (Apache keeps an LRU of 16 by
 * equality; converters here hand out the same Schema object for the same schema, so identity hits).
 */
export function schemaCache(): {
  get(schema: Schema): Schema | undefined;
  set(schema: Schema, derived: Schema): void;
} {
  const cache = new WeakMap<Schema, Schema>();
  return { get: (schema) => cache.get(schema), set: (schema, derived) => void cache.set(schema, derived) };
}
