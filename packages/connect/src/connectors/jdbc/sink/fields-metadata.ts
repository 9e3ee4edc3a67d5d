import type { SinkRecord } from '../../../api/records.js';
import { type Schema, Schemas, Struct } from '../../../data/index.js';
import { DEFAULT_KAFKA_PK_NAMES, type PkMode } from './jdbc-sink-config.js';

/** A column the sink writes: its name, the Connect schema its values have, and whether it is key. */
export interface SinkColumn {
  name: string;
  schema: Schema;
  isPrimaryKey: boolean;
}

/** Which record fields become which columns, for one table and one key/value schema pair. */
export interface FieldsMetadata {
  keyFieldNames: readonly string[];
  nonKeyFieldNames: readonly string[];
  /** Every column, value-schema order first, then the rest by name (as Confluent orders them). */
  allFields: ReadonlyMap<string, SinkColumn>;
}

/** A record that cannot be written as configured (schema missing, wrong type...). */
export class RecordShapeError extends Error {
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = 'ConnectException';
  }
}

export interface FieldsSettings {
  pkMode: PkMode;
  pkFields: readonly string[];
  fieldsWhitelist: readonly string[];
  /** Control fields never written as columns (the delete marker fields). */
  deleteMarkerFields?: readonly string[];
  /** Fields the table has no column for and that are left out (schema.evolution.unknown.fields=ignore). */
  ignoredFields?: ReadonlySet<string>;
}

/**
 * Confluent's FieldsMetadata.extract: the key columns per pk.mode and pk.fields, the non-key
 * columns from the value schema (minus key names, filtered by fields.whitelist).
 */
export function extractFields(
  tableName: string,
  settings: FieldsSettings,
  keySchema: Schema | undefined,
  valueSchema: Schema | undefined,
): FieldsMetadata {
  if (valueSchema && valueSchema.type !== 'struct') {
    throw new RecordShapeError(`Value schema must be of type Struct, not ${valueSchema.type.toUpperCase()}`);
  }
  const all = new Map<string, SinkColumn>();
  const keyNames: string[] = [];
  const { pkMode, pkFields } = settings;
  const key = (name: string, schema: Schema) => {
    keyNames.push(name);
    all.set(name, { name, schema, isPrimaryKey: true });
  };
  switch (pkMode) {
    case 'none':
      break;
    case 'kafka': {
      const names = pkFields.length === 0 ? DEFAULT_KAFKA_PK_NAMES : pkFields;
      if (names.length !== 3) {
        throw new RecordShapeError(
          "PK mode for table '" +
            tableName +
            "' is kafka so there should either be no field names defined for defaults " +
            `${DEFAULT_KAFKA_PK_NAMES.join(', ')} to be applicable, or exactly 3, defined fields are: ${pkFields.join(', ')}`,
        );
      }
      key(names[0] as string, Schemas.STRING);
      key(names[1] as string, Schemas.INT32);
      key(names[2] as string, Schemas.INT64);
      break;
    }
    case 'record_key': {
      if (!keySchema) {
        throw new RecordShapeError(
          `PK mode for table '${tableName}' is record_key, but record key schema is missing`,
        );
      }
      if (keySchema.type !== 'struct') {
        if (keySchema.type === 'array' || keySchema.type === 'map') {
          throw new RecordShapeError(
            `Key schema of type ${keySchema.type.toUpperCase()} cannot be a primary key`,
          );
        }
        if (pkFields.length !== 1) {
          throw new RecordShapeError(
            'Need exactly one PK column defined since the key schema for records is a primitive type, defined columns are: ' +
              `[${pkFields.join(', ')}]`,
          );
        }
        key(pkFields[0] as string, keySchema);
      } else if (pkFields.length === 0) {
        for (const field of keySchema.fields) key(field.name, field.schema);
      } else {
        for (const name of pkFields) {
          const field = keySchema.field(name);
          if (!field) {
            throw new RecordShapeError(
              `PK mode for table '${tableName}' is record_key with configured PK fields [${pkFields.join(', ')}], ` +
                `but record key schema does not contain field: ${name}`,
            );
          }
          key(name, field.schema);
        }
      }
      break;
    }
    case 'record_value': {
      if (!valueSchema) {
        throw new RecordShapeError(
          `PK mode for table '${tableName}' is record_value, but record value schema is missing`,
        );
      }
      const names = pkFields.length === 0 ? valueSchema.fields.map((f) => f.name) : pkFields;
      for (const name of names) {
        const field = valueSchema.field(name);
        if (!field) {
          throw new RecordShapeError(
            `PK mode for table '${tableName}' is record_value with configured PK fields [${pkFields.join(', ')}], ` +
              `but record value schema does not contain field: ${name}`,
          );
        }
        key(name, field.schema);
      }
      break;
    }
  }
  const keySet = new Set(keyNames);
  const nonKeyNames: string[] = [];
  const whitelist = new Set(settings.fieldsWhitelist);
  const markers = settings.deleteMarkerFields ?? [];
  for (const field of valueSchema?.fields ?? []) {
    if (keySet.has(field.name)) continue;
    if (whitelist.size > 0 && !whitelist.has(field.name)) continue;
    if (markers.includes(field.name) || settings.ignoredFields?.has(field.name)) continue;
    nonKeyNames.push(field.name);
    all.set(field.name, { name: field.name, schema: field.schema, isPrimaryKey: false });
  }
  if (all.size === 0) {
    throw new RecordShapeError(`No fields found using key and value schemas for table: ${tableName}`);
  }
  for (const column of all.values()) {
    const impossible = impossibleIdentifier(column.name);
    if (impossible) {
      throw new RecordShapeError(
        `Field ${JSON.stringify(column.name)} of table '${tableName}' ${impossible}`,
      );
    }
    if (column.schema.type === 'struct' || column.schema.type === 'array' || column.schema.type === 'map') {
      throw new RecordShapeError(
        `Field '${column.name}' of table '${tableName}' is of type ${column.schema.type.toUpperCase()}, which has no column type; ` +
          'flatten it (e.g. with the Flatten transform) or leave it out with fields.whitelist',
      );
    }
  }
  const ordered = new Map<string, SinkColumn>();
  for (const field of valueSchema?.fields ?? []) {
    const column = all.get(field.name);
    if (column) ordered.set(field.name, column);
  }
  for (const name of [...all.keys()].sort()) {
    if (!ordered.has(name)) ordered.set(name, all.get(name) as SinkColumn);
  }
  return { keyFieldNames: keyNames, nonKeyFieldNames: nonKeyNames, allFields: ordered };
}

/**
 * Why no database can have a column of this name, or undefined. A NUL ends a C string (PostgreSQL
 * refuses it, MariaDB cuts the name at it); a lone UTF-16 surrogate has no UTF-8 encoding; an
 * empty or blank name is not an identifier. Such a record is a per-record error (the dead letter
 * queue under errors.tolerance=all), never a failed batch or DDL.
 */
export function impossibleIdentifier(name: string): string | undefined {
  if (name.includes('\u0000')) return 'contains a NUL character, which no database allows in a column name';
  if (name.trim() === '') return 'is empty: a column needs a name';
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(name))
    return 'contains an unpaired UTF-16 surrogate, which has no UTF-8 encoding';
  return undefined;
}

/**
 * Reads the key column values of a record in `keyFieldNames` order, per pk.mode. Values of a
 * struct come with their field defaults applied (Struct.get), as in Confluent.
 */
export function keyValues(record: SinkRecord, pkMode: PkMode, fields: FieldsMetadata): unknown[] {
  switch (pkMode) {
    case 'none':
      return [];
    case 'kafka':
      return [record.topic, record.kafkaPartition, record.kafkaOffset];
    case 'record_key': {
      if (record.key instanceof Struct)
        return fields.keyFieldNames.map((name) => (record.key as Struct).get(name));
      if (record.key === null || record.key === undefined) throw missingKeyError(record);
      return [record.key];
    }
    case 'record_value': {
      const value = structValue(record);
      return fields.keyFieldNames.map((name) => value.get(name));
    }
  }
}

/** The non-key column values of a record, in `nonKeyFieldNames` order. */
export function nonKeyValues(record: SinkRecord, fields: FieldsMetadata): unknown[] {
  if (fields.nonKeyFieldNames.length === 0) return [];
  const value = structValue(record);
  return fields.nonKeyFieldNames.map((name) => value.get(name));
}

/** The record's value as a Struct, or an error saying what the record holds instead. */
export function structValue(record: SinkRecord): Struct {
  if (!(record.value instanceof Struct) || !record.valueSchema) {
    throw new RecordShapeError(
      `Sink connector requires records with a non-null Struct value and non-null Struct schema, but found record at ` +
        `(topic='${record.topic}',partition=${record.kafkaPartition},offset=${record.kafkaOffset}) with a ` +
        `${describe(record.value)} value and ${record.valueSchema ? record.valueSchema.type : 'null'} value schema.`,
    );
  }
  return record.value;
}

export function missingKeyError(record: SinkRecord): RecordShapeError {
  return new RecordShapeError(
    `Record at (topic='${record.topic}',partition=${record.kafkaPartition},offset=${record.kafkaOffset}) has a null key, ` +
      'but pk.mode is record_key',
  );
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Map) return 'Map';
  if (Array.isArray(value)) return 'List';
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}
