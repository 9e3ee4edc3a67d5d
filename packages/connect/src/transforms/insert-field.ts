import { ConfigDef, type ConfigKeyDefinition } from '../config/config-def.js';
import { ConfigException } from '../config/config-types.js';
import { DataError } from '../data/data-error.js';
import { normalizeInt64 } from '../data/int64.js';
import type { Field, Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Schemas } from '../data/schemas.js';
import { Struct } from '../data/struct.js';
import { TimestampType } from '../data/temporal-types.js';
import { keyValuePlugins } from './key-value-plugins.js';
import { operatingSchema, operatingValue, type RecordSide, withSide } from './record-side.js';
import { requireMap, requireStruct } from './requirements.js';
import { copySchemaBasics, schemaCache } from './schema-copy.js';
import type { ConnectRecord, PluginConfig, Transformation, TransformationPlugin } from './transformation.js';

const TOPIC_FIELD = 'topic.field';
const PARTITION_FIELD = 'partition.field';
const OFFSET_FIELD = 'offset.field';
const TIMESTAMP_FIELD = 'timestamp.field';
const STATIC_FIELD = 'static.field';
const STATIC_VALUE = 'static.value';
const REPLACE_NULL_WITH_DEFAULT = 'replace.null.with.default';
const PURPOSE = 'field insertion';

const SUFFIX_DOC =
  'End the name with <code>!</code> for a required field, or with <code>?</code> (or nothing) for an optional one.';

function optionalString(name: string, documentation: string): ConfigKeyDefinition {
  return { name, type: 'STRING', default: null, importance: 'MEDIUM', documentation };
}

export const INSERT_FIELD_CONFIG_DEF = new ConfigDef()
  .define(optionalString(TOPIC_FIELD, `Name of the field that receives the record's topic. ${SUFFIX_DOC}`))
  .define(
    optionalString(PARTITION_FIELD, `Name of the field that receives the record's partition. ${SUFFIX_DOC}`),
  )
  .define(
    optionalString(
      OFFSET_FIELD,
      `Name of the field that receives the record's Kafka offset (sink connectors only).<br/>${SUFFIX_DOC}`,
    ),
  )
  .define(
    optionalString(TIMESTAMP_FIELD, `Name of the field that receives the record's timestamp. ${SUFFIX_DOC}`),
  )
  .define(
    optionalString(STATIC_FIELD, `Name of the field that receives the fixed value below. ${SUFFIX_DOC}`),
  )
  .define(optionalString(STATIC_VALUE, 'The fixed value written into the static field, when one is named.'))
  .define({
    name: REPLACE_NULL_WITH_DEFAULT,
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    documentation:
      'When copying a null field whose schema has a default, write the default (true) or keep null (false).',
  });

/** A field to insert: its name, and whether its schema is optional (the default; `!` makes it required). */
interface InsertionSpec {
  readonly name: string;
  readonly optional: boolean;
}

function parseSpec(spec: string | null): InsertionSpec | null {
  if (spec === null) return null;
  if (spec.endsWith('?')) return { name: spec.slice(0, -1), optional: true };
  if (spec.endsWith('!')) return { name: spec.slice(0, -1), optional: false };
  return { name: spec, optional: true };
}

/**
 * `InsertField$Key` / `$Value`: adds fields holding the record's topic, partition, Kafka offset
 * (sink records only; other records fail), timestamp, or a fixed string. With a schema the struct
 * schema gains the fields at its end (`string`, `int32`, `int64`, Timestamp, `string`, optional
 * unless the name ends in `!`); without one the Map gains entries (the timestamp as epoch millis).
 * A null key/value passes through untouched; partition and timestamp are skipped when absent.
 */
function createInsertField(side: RecordSide, props: PluginConfig): Transformation {
  const config = INSERT_FIELD_CONFIG_DEF.parse(props);
  const topicField = parseSpec(config.getString(TOPIC_FIELD));
  const partitionField = parseSpec(config.getString(PARTITION_FIELD));
  const offsetField = parseSpec(config.getString(OFFSET_FIELD));
  const timestampField = parseSpec(config.getString(TIMESTAMP_FIELD));
  const staticField = parseSpec(config.getString(STATIC_FIELD));
  const staticValue = config.getString(STATIC_VALUE);
  const replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT) === true;

  if (!topicField && !partitionField && !offsetField && !timestampField && !staticField) {
    throw new ConfigException('No field insertion configured');
  }
  if (staticField && staticValue === null) {
    // Apache prints the spec object itself (`InsertField$InsertionSpec@<identity hash>`).
    throw ConfigException.invalid(
      STATIC_VALUE,
      null,
      'No value specified for static field: org.apache.kafka.connect.transforms.InsertField$InsertionSpec@0',
    );
  }

  const cache = schemaCache();

  /** The sink record's Kafka offset; a source record fails with Apache's Requirements message. */
  function kafkaOffset(record: ConnectRecord): unknown {
    if (!('kafkaOffset' in record)) {
      throw new DataError(
        `Only SinkRecord supported for [${PURPOSE}], found: org.apache.kafka.connect.source.SourceRecord`,
      );
    }
    const offset = (record as ConnectRecord & { kafkaOffset: unknown }).kafkaOffset;
    return typeof offset === 'bigint' ? normalizeInt64(offset) : offset;
  }

  function makeUpdatedSchema(schema: Schema): Schema {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const field of schema.fields) builder.field(field.name, field.schema);
    if (topicField)
      builder.field(topicField.name, topicField.optional ? Schemas.OPTIONAL_STRING : Schemas.STRING);
    if (partitionField) {
      builder.field(partitionField.name, partitionField.optional ? Schemas.OPTIONAL_INT32 : Schemas.INT32);
    }
    if (offsetField)
      builder.field(offsetField.name, offsetField.optional ? Schemas.OPTIONAL_INT64 : Schemas.INT64);
    if (timestampField) {
      builder.field(
        timestampField.name,
        timestampField.optional ? TimestampType.OPTIONAL_SCHEMA : TimestampType.SCHEMA,
      );
    }
    if (staticField)
      builder.field(staticField.name, staticField.optional ? Schemas.OPTIONAL_STRING : Schemas.STRING);
    return builder.build();
  }

  function fieldValue(value: Struct, field: Field): unknown {
    return replaceNullWithDefault ? value.get(field) : value.getWithoutDefault(field.name);
  }

  function applySchemaless<R extends ConnectRecord>(record: R): R {
    const value = requireMap(operatingValue(record, side), PURPOSE);
    const updated = new Map<unknown, unknown>(value);
    if (topicField) updated.set(topicField.name, record.topic);
    if (partitionField && record.kafkaPartition != null)
      updated.set(partitionField.name, record.kafkaPartition);
    if (offsetField) updated.set(offsetField.name, kafkaOffset(record));
    if (timestampField && record.timestamp != null) updated.set(timestampField.name, record.timestamp);
    if (staticField && staticValue !== null) updated.set(staticField.name, staticValue);
    return withSide(record, side, undefined, updated);
  }

  function applyWithSchema<R extends ConnectRecord>(record: R): R {
    const value = requireStruct(operatingValue(record, side), PURPOSE);
    let updatedSchema = cache.get(value.schema);
    if (!updatedSchema) {
      updatedSchema = makeUpdatedSchema(value.schema);
      cache.set(value.schema, updatedSchema);
    }
    const updated = new Struct(updatedSchema);
    for (const field of value.schema.fields) updated.put(field.name, fieldValue(value, field));
    if (topicField) updated.put(topicField.name, record.topic);
    if (partitionField && record.kafkaPartition != null)
      updated.put(partitionField.name, record.kafkaPartition);
    if (offsetField) updated.put(offsetField.name, kafkaOffset(record));
    if (timestampField && record.timestamp != null)
      updated.put(timestampField.name, new Date(record.timestamp));
    if (staticField && staticValue !== null) updated.put(staticField.name, staticValue);
    return withSide(record, side, updatedSchema, updated);
  }

  return {
    apply(record) {
      if (operatingValue(record, side) === null) return record;
      return operatingSchema(record, side) ? applyWithSchema(record) : applySchemaless(record);
    },
  };
}

export const insertFieldPlugins: TransformationPlugin[] = keyValuePlugins(
  'InsertField',
  INSERT_FIELD_CONFIG_DEF,
  createInsertField,
);
