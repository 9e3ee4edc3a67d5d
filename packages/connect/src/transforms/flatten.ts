import { ConfigDef } from '../config/config-def.js';
import { DataError } from '../data/data-error.js';
import { Decimal } from '../data/decimal.js';
import { isPrimitiveType, type Schema, type SchemaType } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Struct } from '../data/struct.js';
import { isPlainObject, mapEntries } from '../data/value-shapes.js';
import { keyValuePlugins } from './key-value-plugins.js';
import { operatingSchema, operatingValue, type RecordSide, withSide } from './record-side.js';
import {
  javaClassName,
  requireMap,
  requireStructOrNull,
  schemalessType,
  structFields,
} from './requirements.js';
import { copySchemaBasics, schemaCache } from './schema-copy.js';
import type { PluginConfig, Transformation, TransformationPlugin } from './transformation.js';

const DELIMITER_CONFIG = 'delimiter';
const PURPOSE = 'flattening';

export const FLATTEN_CONFIG_DEF = new ConfigDef().define({
  name: DELIMITER_CONFIG,
  type: 'STRING',
  default: '.',
  importance: 'MEDIUM',
  documentation:
    'What to put between the names of a nested field and the fields around it when building the flat field name.',
});

/** Schema types Flatten copies as they are: the primitives, and arrays (which it does not flatten). */
function isLeafType(type: SchemaType): boolean {
  return isPrimitiveType(type) || type === 'array';
}

/**
 * `Flatten$Key` / `$Value`: nested structs (with a schema) or maps (without one) become one level
 * of fields named by joining the names on the way down with `delimiter`. Arrays and their contents
 * stay as they are; a map inside a struct is refused. A flattened field is optional when it or any
 * struct around it is optional, and takes its default from its own schema or else from the
 * default of a struct around it. The flat schema keeps the original's name, version, doc and
 * parameters, but not its optional flag. A null key or value passes through untouched.
 */
function createFlatten(side: RecordSide, props: PluginConfig): Transformation {
  const config = FLATTEN_CONFIG_DEF.parse(props);
  const delimiter = config.getString(DELIMITER_CONFIG) ?? '.';
  const cache = schemaCache();
  const fieldName = (prefix: string, name: string) => (prefix === '' ? name : prefix + delimiter + name);

  const flattenMap = (
    entries: Iterable<[unknown, unknown]>,
    prefix: string,
    out: Map<string, unknown>,
  ): void => {
    for (const [key, value] of entries) {
      const name = fieldName(prefix, String(key));
      if (value === null || value === undefined) {
        out.set(name, null);
        continue;
      }
      const type = schemalessType(value);
      if (type === undefined) {
        throw new DataError(
          `Flatten transformation was passed a value of type ${javaClassOf(value)} which is not supported by Connect's data API`,
        );
      }
      if (isLeafType(type)) {
        out.set(name, value);
      } else if (type === 'map') {
        flattenMap(mapEntries(value as object), name, out);
      } else {
        throw new DataError(
          `Flatten transformation does not support ${javaClassOf(value)} for record without schemas (for field ${name}).`,
        );
      }
    }
  };

  /** Adds the flattened fields of `schema` to `builder` (Flatten.buildUpdatedSchema). */
  const addFlattenedFields = (
    schema: Schema,
    prefix: string,
    builder: SchemaBuilder,
    optional: boolean,
    defaultFromParent: Struct | null,
  ): void => {
    for (const field of structFields(schema)) {
      const name = fieldName(prefix, field.name);
      const fieldIsOptional = optional || field.schema.optional;
      let fieldDefault: unknown = null;
      if (field.schema.defaultValue !== undefined && field.schema.defaultValue !== null) {
        fieldDefault = field.schema.defaultValue;
      } else if (defaultFromParent !== null) {
        fieldDefault = defaultFromParent.get(field);
      }
      if (isLeafType(field.schema.type)) {
        builder.field(name, flattenedFieldSchema(field.schema, fieldIsOptional, fieldDefault));
      } else if (field.schema.type === 'struct') {
        addFlattenedFields(
          field.schema,
          name,
          builder,
          fieldIsOptional,
          (fieldDefault as Struct | null) ?? null,
        );
      } else {
        throw unsupportedSchemaType(field.schema, name);
      }
    }
  };

  /** Copies the leaves of `struct` into `out` (Flatten.buildWithSchema). */
  const copyFlattenedValues = (struct: Struct | null, prefix: string, out: Struct): void => {
    if (struct === null) return;
    for (const field of struct.schema.fields) {
      const name = fieldName(prefix, field.name);
      if (isLeafType(field.schema.type)) {
        out.put(name, struct.get(field));
      } else if (field.schema.type === 'struct') {
        copyFlattenedValues(struct.getStruct(field.name), name, out);
      } else {
        throw unsupportedSchemaType(field.schema, name);
      }
    }
  };

  const flattenedSchema = (schema: Schema): Schema => {
    const cached = cache.get(schema);
    if (cached) return cached;
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    const defaultValue = (schema.defaultValue as Struct | undefined) ?? null;
    addFlattenedFields(schema, '', builder, schema.optional, defaultValue);
    const updated = builder.build();
    cache.set(schema, updated);
    return updated;
  };

  return {
    apply(record) {
      const value = operatingValue(record, side);
      if (value === null) return record;
      const schema = operatingSchema(record, side);
      if (!schema) {
        const entries =
          value instanceof Map || isPlainObject(value) ? mapEntries(value) : requireMap(value, PURPOSE);
        const out = new Map<string, unknown>();
        flattenMap(entries, '', out);
        return withSide(record, side, undefined, out);
      }
      const struct = requireStructOrNull(value, PURPOSE);
      const updatedSchema = flattenedSchema(schema);
      if (struct === null) return withSide(record, side, updatedSchema, null);
      const updated = new Struct(updatedSchema);
      copyFlattenedValues(struct, '', updated);
      return withSide(record, side, updatedSchema, updated);
    },
  };
}

export const flattenPlugins: TransformationPlugin[] = keyValuePlugins(
  'Flatten',
  FLATTEN_CONFIG_DEF,
  createFlatten,
);

/** Flatten.convertFieldSchema: the field's schema with the optional flag and default it inherits. */
function flattenedFieldSchema(original: Schema, optional: boolean, defaultValue: unknown): Schema {
  const builder = copySchemaBasics(
    original,
    original.type === 'array'
      ? SchemaBuilder.array(original.valueSchema as Schema)
      : SchemaBuilder.type(original.type),
  );
  if (optional) builder.optional();
  if (defaultValue !== null && defaultValue !== undefined) builder.defaultValue(defaultValue);
  return builder.build();
}

function unsupportedSchemaType(schema: Schema, name: string): DataError {
  return new DataError(
    `Flatten transformation does not support ${schema.type.toUpperCase()} for record with schemas (for field ${name}).`,
  );
}

/** `value.getClass()` as Java prints it. */
function javaClassOf(value: unknown): string {
  if (value instanceof Decimal) return 'class java.math.BigDecimal';
  return `class ${javaClassName(value)}`;
}
