import type { ConnectHeader } from '../api/records.js';
import { ConfigDef } from '../config/config-def.js';
import { ConfigException } from '../config/config-types.js';
import { lambda, validString } from '../config/validators.js';
import { DataError } from '../data/data-error.js';
import type { Field, Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Struct } from '../data/struct.js';
import { keyValuePlugins } from './key-value-plugins.js';
import { operatingSchema, operatingValue, type RecordSide, withSide } from './record-side.js';
import { requireMap, requireStruct } from './requirements.js';
import { copySchemaBasics, schemaCache } from './schema-copy.js';
import {
  type PluginConfig,
  type Transformation,
  type TransformationPlugin,
  withChanges,
} from './transformation.js';

const FIELDS = 'fields';
const HEADERS = 'headers';
const OPERATION = 'operation';
const REPLACE_NULL_WITH_DEFAULT = 'replace.null.with.default';
const MOVE = 'move';
const COPY = 'copy';

/** Apache's `NonEmptyListValidator`. */
const nonEmptyList = lambda('non-empty list', (value) =>
  value === null || (Array.isArray(value) && value.length === 0) ? 'Empty list' : undefined,
);

export const HEADER_FROM_CONFIG_DEF = new ConfigDef()
  .define({
    name: FIELDS,
    type: 'LIST',
    validator: nonEmptyList,
    importance: 'HIGH',
    documentation: 'Names of the key or value fields whose values go into headers.',
  })
  .define({
    name: HEADERS,
    type: 'LIST',
    validator: nonEmptyList,
    importance: 'HIGH',
    documentation: 'Header keys, one per entry of fields and in the same order.',
  })
  .define({
    name: OPERATION,
    type: 'STRING',
    validator: validString(MOVE, COPY),
    importance: 'HIGH',
    documentation: 'move takes the fields out of the key or value; copy leaves them in place.',
  })
  .define({
    name: REPLACE_NULL_WITH_DEFAULT,
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    documentation:
      'For a null struct field that has a default value: true uses the default (in the header and in the moved value), false keeps null.',
  });

/** A Java NullPointerException, with the JDK's helpful message. */
class NullPointerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NullPointerException';
  }
}

/**
 * `HeaderFrom$Key` / `$Value`: copies or moves the listed fields of the key or value into headers
 * (appended in the order of `fields`, with the field's schema, or no schema for a schemaless
 * map). Moving removes the fields: a schemaless map loses the keys, a struct is rebuilt on a schema
 * without them (same name, version, doc and parameters, not optional, as Apache's
 * `SchemaUtil.copySchemaBasics` makes it). The key/value must be a struct (with a schema) or a map
 * (without); anything else, tombstones included, fails with Apache's Requirements message. As in
 * Apache 4.4.0, a listed field missing from the schema fails with a NullPointerException, and a
 * null field value whose schema is required fails (`A null value requires an optional schema`).
 * 4.4.0's HeaderFrom has no `field.syntax.version`: names are plain top-level field names.
 */
function createHeaderFrom(side: RecordSide, props: PluginConfig): Transformation {
  const config = HEADER_FROM_CONFIG_DEF.parse(props);
  const fields = config.getList(FIELDS) ?? [];
  const headers = config.getList(HEADERS) ?? [];
  if (headers.length !== fields.length) {
    throw new ConfigException(
      `'${FIELDS}' config must have the same number of elements as '${HEADERS}' config.`,
    );
  }
  const operation = config.getString(OPERATION) ?? COPY;
  const replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT) === true;
  const purpose = `header ${operation}`;
  const moveSchemas = schemaCache();

  const fieldValue = (struct: Struct, field: Field | string): unknown =>
    replaceNullWithDefault ? struct.get(field) : struct.getWithoutDefault(field);

  const moveSchema = (schema: Schema): Schema => {
    let moved = moveSchemas.get(schema);
    if (moved === undefined) {
      const builder = copySchemaBasics(schema, SchemaBuilder.struct());
      for (const field of schema.fields) {
        if (!fields.includes(field.name)) builder.field(field.name, field.schema);
      }
      moved = builder.build();
      moveSchemas.set(schema, moved);
    }
    return moved;
  };

  return {
    apply(record) {
      const value = operatingValue(record, side);
      const schema = operatingSchema(record, side);
      const updatedHeaders: ConnectHeader[] = [...(record.headers ?? [])];

      if (!schema) {
        const map = requireMap(value, purpose);
        const updated = new Map(map);
        fields.forEach((name, i) => {
          const fieldValue = map.has(name) ? map.get(name) : null;
          if (operation === MOVE) updated.delete(name);
          updatedHeaders.push({ key: headers[i] as string, schema: undefined, value: fieldValue ?? null });
        });
        return withChanges(withSide(record, side, undefined, updated), { headers: updatedHeaders });
      }

      const struct = requireStruct(value, purpose);
      let updatedSchema = schema;
      let updatedValue = struct;
      if (operation === MOVE) {
        updatedSchema = moveSchema(schema);
        updatedValue = new Struct(updatedSchema);
        for (const field of updatedSchema.fields) updatedValue.put(field, fieldValue(struct, field.name));
      }
      fields.forEach((name, i) => {
        const headerValue = struct.schema.field(name) !== undefined ? fieldValue(struct, name) : null;
        const field = schema.field(name);
        if (field === undefined) {
          throw new NullPointerError(
            'Cannot invoke "org.apache.kafka.connect.data.Field.schema()" because the return value of "org.apache.kafka.connect.data.Schema.field(String)" is null',
          );
        }
        if ((headerValue === null || headerValue === undefined) && !field.schema.optional) {
          throw new DataError(`A null value requires an optional schema but was ${field.schema.toString()}`);
        }
        updatedHeaders.push({ key: headers[i] as string, schema: field.schema, value: headerValue ?? null });
      });
      return withChanges(withSide(record, side, updatedSchema, updatedValue), { headers: updatedHeaders });
    },
  };
}

export const headerFromPlugins: TransformationPlugin[] = keyValuePlugins(
  'HeaderFrom',
  HEADER_FROM_CONFIG_DEF,
  createHeaderFrom,
);
