import { ConfigDef } from '../config/config-def.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Struct } from '../data/struct.js';
import { keyValuePlugins } from './key-value-plugins.js';
import { operatingSchema, operatingValue, type RecordSide, withSide } from './record-side.js';
import { schemaCache } from './schema-copy.js';
import type { PluginConfig, Transformation, TransformationPlugin } from './transformation.js';

const FIELD_CONFIG = 'field';

export const HOIST_FIELD_CONFIG_DEF = new ConfigDef().define({
  name: FIELD_CONFIG,
  type: 'STRING',
  importance: 'MEDIUM',
  documentation:
    'Name of the one field of the Struct (or entry of the Map) that will hold the original data.',
});

/**
 * `HoistField$Key` / `$Value`: wraps the key or value in a one-field Struct (schema `struct{field:
 * <original schema>}`, no name) or, without a schema, a one-entry Map. Null values are wrapped too;
 * a null under a required schema fails as Struct.put does.
 */
function createHoistField(side: RecordSide, props: PluginConfig): Transformation {
  const config = HOIST_FIELD_CONFIG_DEF.parse(props);
  const fieldName = config.getString(FIELD_CONFIG) as string;
  const cache = schemaCache();

  return {
    apply(record) {
      const schema = operatingSchema(record, side);
      const value = operatingValue(record, side);
      if (!schema) return withSide(record, side, undefined, new Map<string, unknown>([[fieldName, value]]));
      let updatedSchema = cache.get(schema);
      if (!updatedSchema) {
        updatedSchema = SchemaBuilder.struct().field(fieldName, schema).build();
        cache.set(schema, updatedSchema);
      }
      return withSide(record, side, updatedSchema, new Struct(updatedSchema).put(fieldName, value));
    },
  };
}

export const hoistFieldPlugins: TransformationPlugin[] = keyValuePlugins(
  'HoistField',
  HOIST_FIELD_CONFIG_DEF,
  createHoistField,
);
