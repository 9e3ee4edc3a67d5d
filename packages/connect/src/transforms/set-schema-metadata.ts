import { ConfigDef } from '../config/config-def.js';
import { ConfigException } from '../config/config-types.js';
import { DataError } from '../data/data-error.js';
import { Schema } from '../data/schema.js';
import { Struct } from '../data/struct.js';
import { keyValuePlugins } from './key-value-plugins.js';
import { operatingSchema, operatingValue, type RecordSide, withSide } from './record-side.js';
import { requireSchema } from './requirements.js';
import type { PluginConfig, Transformation, TransformationPlugin } from './transformation.js';

const SCHEMA_NAME = 'schema.name';
const SCHEMA_VERSION = 'schema.version';
const REPLACE_NULL_WITH_DEFAULT = 'replace.null.with.default';

export const SET_SCHEMA_METADATA_CONFIG_DEF = new ConfigDef()
  .define({
    name: SCHEMA_NAME,
    type: 'STRING',
    default: null,
    importance: 'HIGH',
    documentation: 'The name to give the schema; the current name is kept when unset.',
  })
  .define({
    name: SCHEMA_VERSION,
    type: 'INT',
    default: null,
    importance: 'HIGH',
    documentation: 'The version to give the schema; the current version is kept when unset.',
  })
  .define({
    name: REPLACE_NULL_WITH_DEFAULT,
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    documentation:
      'When copying a null struct field whose schema has a default, write the default (true) or keep null (false).',
  });

/**
 * `SetSchemaMetadata$Key` / `$Value`: gives the key or value schema a new name and/or version,
 * keeping everything else (optional, default, doc, parameters, fields), and rebuilds a Struct value
 * on the new schema. A record with neither schema nor value passes through; a value without a schema
 * fails (`Schema required for [updating schema metadata]`). As in Apache 4.4.0, which lists the
 * schema's fields unconditionally, a schema that is not a struct fails with
 * `Cannot list fields on non-struct type`.
 */
function createSetSchemaMetadata(side: RecordSide, props: PluginConfig): Transformation {
  const config = SET_SCHEMA_METADATA_CONFIG_DEF.parse(props);
  const schemaName = config.getString(SCHEMA_NAME);
  const schemaVersion = config.getNumber(SCHEMA_VERSION);
  const replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT) === true;
  if (schemaName === null && schemaVersion === null) {
    throw new ConfigException('Neither schema name nor version configured');
  }

  function updateSchemaIn(keyOrValue: unknown, updatedSchema: Schema): unknown {
    if (!(keyOrValue instanceof Struct)) return keyOrValue;
    const updated = new Struct(updatedSchema);
    for (const field of updatedSchema.fields) {
      // The new schema has the old one's fields, so the same positions hold the same fields.
      const source = keyOrValue.schema.fields[field.index];
      const value =
        source === undefined
          ? keyOrValue.getWithoutDefault(field.name)
          : replaceNullWithDefault
            ? (keyOrValue.getWithoutDefault(source) ?? field.schema.defaultValue ?? null)
            : keyOrValue.getWithoutDefault(field.name);
      updated.put(field, value);
    }
    return updated;
  }

  return {
    apply(record) {
      const value = operatingValue(record, side);
      const schema = operatingSchema(record, side);
      if (value === null && !schema) return record;
      const original = requireSchema(schema, 'updating schema metadata');
      if (original.type !== 'struct') throw new DataError('Cannot list fields on non-struct type');
      const updatedSchema = new Schema({
        type: original.type,
        optional: original.optional,
        defaultValue: original.defaultValue,
        name: schemaName ?? original.name,
        version: schemaVersion ?? original.version,
        doc: original.doc,
        parameters: original.parameters,
        fields: original.fields,
      });
      return withSide(record, side, updatedSchema, updateSchemaIn(value, updatedSchema));
    },
  };
}

export const setSchemaMetadataPlugins: TransformationPlugin[] = keyValuePlugins(
  'SetSchemaMetadata',
  SET_SCHEMA_METADATA_CONFIG_DEF,
  createSetSchemaMetadata,
);
