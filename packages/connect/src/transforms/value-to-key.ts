import { ConfigDef } from '../config/config-def.js';
import { validList } from '../config/validators.js';
import { DataError } from '../data/data-error.js';
import type { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Struct } from '../data/struct.js';
import { distinctValues } from './distinct-values.js';
import {
  appendFieldSyntaxVersionConfig,
  fieldSyntaxVersionFromConfig,
  SingleFieldPath,
} from './field-path.js';
import { transformationPlugin } from './key-value-plugins.js';
import { requireMap, requireStruct } from './requirements.js';
import { schemaCache } from './schema-copy.js';
import {
  type PluginConfig,
  type Transformation,
  type TransformationPlugin,
  withChanges,
} from './transformation.js';

const FIELDS_CONFIG = 'fields';
const REPLACE_NULL_WITH_DEFAULT_CONFIG = 'replace.null.with.default';
const PURPOSE = 'copying fields from value to key';

/** `ValueToKey`'s keys, in Apache 4.4.0's order: fields, replace.null.with.default, field.syntax.version. */
export const VALUE_TO_KEY_CONFIG_DEF = appendFieldSyntaxVersionConfig(
  new ConfigDef()
    .define({
      name: FIELDS_CONFIG,
      type: 'LIST',
      validator: distinctValues(validList([], { emptyAllowed: false })),
      importance: 'HIGH',
      documentation: 'The value fields that make up the new key.',
    })
    .define({
      name: REPLACE_NULL_WITH_DEFAULT_CONFIG,
      type: 'BOOLEAN',
      default: true,
      importance: 'MEDIUM',
      documentation:
        'When a copied field is null and its schema has a default, use the default (true) or keep null (false).',
    }),
);

/**
 * `ValueToKey`: replaces the key with a Struct (schema: the listed fields, named as written in
 * `fields`, with the value fields' schemas) or, without a value schema, a Map of those entries.
 * With `field.syntax.version=V2` an entry may be a nested path (`a.b`); the key field keeps the
 * entry's text as its name. A listed field missing from the value schema fails
 * (`Field does not exist: <entry>`); the value must be a Struct (or a Map without schema), so
 * tombstones fail as in Apache.
 */
function createValueToKey(props: PluginConfig): Transformation {
  const config = VALUE_TO_KEY_CONFIG_DEF.parse(props);
  const fields = [...new Set(config.getList(FIELDS_CONFIG) ?? [])];
  const version = fieldSyntaxVersionFromConfig(config);
  const paths = fields.map((field) => new SingleFieldPath(field, version));
  const replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT_CONFIG) === true;
  const cache = schemaCache();

  function keySchemaFor(valueSchema: Schema): Schema {
    const builder = SchemaBuilder.struct();
    fields.forEach((field, i) => {
      const found = (paths[i] as SingleFieldPath).fieldFrom(valueSchema);
      if (!found) throw new DataError(`Field does not exist: ${field}`);
      builder.field(field, found.schema);
    });
    return builder.build();
  }

  return {
    apply(record) {
      if (!record.valueSchema) {
        const value = requireMap(record.value ?? null, PURPOSE);
        const key = new Map<string, unknown>();
        fields.forEach((field, i) => {
          key.set(field, (paths[i] as SingleFieldPath).valueFromMap(value));
        });
        return withChanges(record, { keySchema: undefined, key });
      }
      const value = requireStruct(record.value ?? null, PURPOSE);
      let keySchema = cache.get(value.schema);
      if (!keySchema) {
        keySchema = keySchemaFor(value.schema);
        cache.set(value.schema, keySchema);
      }
      const key = new Struct(keySchema);
      fields.forEach((field, i) => {
        key.put(field, (paths[i] as SingleFieldPath).valueFromStruct(value, replaceNullWithDefault));
      });
      return withChanges(record, { keySchema, key, valueSchema: value.schema, value });
    },
  };
}

export const valueToKeyPlugins: TransformationPlugin[] = [
  transformationPlugin('ValueToKey', VALUE_TO_KEY_CONFIG_DEF, createValueToKey),
];
