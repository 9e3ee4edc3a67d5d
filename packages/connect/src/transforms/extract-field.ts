import { ConfigDef } from '../config/config-def.js';
import {
  appendFieldSyntaxVersionConfig,
  fieldSyntaxVersionFromConfig,
  SingleFieldPath,
} from './field-path.js';
import { keyValuePlugins } from './key-value-plugins.js';
import { operatingSchema, operatingValue, type RecordSide, withSide } from './record-side.js';
import { requireMapOrNull, requireStructOrNull } from './requirements.js';
import type { PluginConfig, Transformation, TransformationPlugin } from './transformation.js';

const FIELD_CONFIG = 'field';
const REPLACE_NULL_WITH_DEFAULT_CONFIG = 'replace.null.with.default';
const PURPOSE = 'field extraction';

/** `ExtractField`'s keys, in Apache's order: field, replace.null.with.default, field.syntax.version. */
export const EXTRACT_FIELD_CONFIG_DEF = appendFieldSyntaxVersionConfig(
  new ConfigDef()
    .define({
      name: FIELD_CONFIG,
      type: 'STRING',
      importance: 'MEDIUM',
      documentation: 'The field whose value becomes the whole key or value.',
    })
    .define({
      name: REPLACE_NULL_WITH_DEFAULT_CONFIG,
      type: 'BOOLEAN',
      default: true,
      importance: 'MEDIUM',
      documentation:
        'When the extracted field is null and its schema has a default, output the default (true) or null (false).',
    }),
);

/** Apache throws a plain `IllegalArgumentException` for an unknown field; this mirrors it. */
export class IllegalArgumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IllegalArgumentException';
  }
}

/**
 * `ExtractField$Key` / `$Value`: replaces the key or value with one of its fields (a Struct field
 * and its schema, or a Map entry). A null key/value stays null. With a schema, a path that names no
 * field fails (`Unknown field: <path>`), even for a null value; without one it gives null.
 */
function createExtractField(side: RecordSide, props: PluginConfig): Transformation {
  const config = EXTRACT_FIELD_CONFIG_DEF.parse(props);
  const originalPath = config.getString(FIELD_CONFIG) as string;
  const path = new SingleFieldPath(originalPath, fieldSyntaxVersionFromConfig(config));
  const replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT_CONFIG) === true;

  return {
    apply(record) {
      const schema = operatingSchema(record, side);
      if (!schema) {
        const value = requireMapOrNull(operatingValue(record, side), PURPOSE);
        return withSide(record, side, undefined, value === null ? null : path.valueFromMap(value));
      }
      const value = requireStructOrNull(operatingValue(record, side), PURPOSE);
      const field = path.fieldFrom(schema);
      if (!field) throw new IllegalArgumentError(`Unknown field: ${originalPath}`);
      return withSide(
        record,
        side,
        field.schema,
        value === null ? null : path.valueFromStruct(value, replaceNullWithDefault),
      );
    },
  };
}

export const extractFieldPlugins: TransformationPlugin[] = keyValuePlugins(
  'ExtractField',
  EXTRACT_FIELD_CONFIG_DEF,
  createExtractField,
);
