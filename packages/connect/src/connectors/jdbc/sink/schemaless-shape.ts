import type { ColumnDescription, ColumnValueType, SqlClient, TableDescription, TableId } from '@msa-sync/sql';
import type { SinkRecord } from '../../../api/records.js';
import { type Schema, SchemaBuilder, Schemas, Struct, TimestampType } from '../../../data/index.js';
import { RecordShapeError, structValue } from './fields-metadata.js';
import type { JdbcSinkConfig } from './jdbc-sink-config.js';
import type { SinkDialect } from './sink-dialect.js';
import type { TableStructure } from './table-structure.js';

export type ShapeSettings = Pick<
  JdbcSinkConfig,
  | 'pkMode'
  | 'pkFields'
  | 'fieldsWhitelist'
  | 'deleteMarkerFields'
  | 'unknownFields'
  | 'autoEvolve'
  | 'insertMode'
>;

/** One field of a shaped record: the column it goes to, its schema and its converted value. */
interface ShapedField {
  name: string;
  schema: Schema;
  value: unknown;
}

/** Schemas are cached per table and field signature; a table sees few distinct shapes. */
const MAX_CACHED_SCHEMAS = 256;

const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER_TEXT = /^[+-]?\d+$/;
const ZONELESS_DATETIME_TEXT = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/;
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}/;

/**
 * Turns schemaless records (plain JSON read with `schemas.enable=false`: Maps or objects, no
 * schema) into Structs shaped to the destination table: fields are matched to the table's columns
 * (exact name first, then case-insensitively), values converted to the column types, and a field
 * that cannot fit fails the record with a {@link RecordShapeError} naming it (dead letter queue
 * when errors.tolerance=all). Without a table, with auto.create, the schema is inferred from the
 * record. The column metadata comes from {@link TableStructure}'s cache, read again when a field
 * has no column (the table may have changed) and after DDL. Structs with schemas never come here.
 */
export class SchemalessShaper {
  readonly #dialect: SinkDialect;
  readonly #structure: TableStructure;
  readonly #settings: ShapeSettings;
  readonly #schemas = new Map<string, Schema>();

  constructor(dialect: SinkDialect, structure: TableStructure, settings: ShapeSettings) {
    this.#dialect = dialect;
    this.#structure = structure;
    this.#settings = settings;
  }

  /** The record carries a value or (for pk.mode=record_key) a key without a schema. */
  static needsShaping(record: SinkRecord, pkMode: JdbcSinkConfig['pkMode']): boolean {
    if (record.value !== null && record.value !== undefined && !record.valueSchema) return true;
    return pkMode === 'record_key' && record.key !== null && record.key !== undefined && !record.keySchema;
  }

  /** The record with a Struct value (and key) and their schemas, shaped to table `id`. */
  async shape(client: SqlClient, id: TableId, record: SinkRecord, isDelete: boolean): Promise<SinkRecord> {
    let { key, keySchema, value, valueSchema } = record;
    const tableKey = JSON.stringify([id.catalog ?? null, id.schema ?? null, id.table]);
    if (value !== null && value !== undefined && !valueSchema) {
      const fields = await this.#valueFields(client, id, record, isDelete);
      [valueSchema, value] = this.#struct(tableKey, 'v', fields);
    }
    if (this.#settings.pkMode === 'record_key' && key !== null && key !== undefined && !keySchema) {
      [keySchema, key] = await this.#key(client, id, tableKey, record);
    }
    return { ...record, key, keySchema, value, valueSchema };
  }

  async #valueFields(
    client: SqlClient,
    id: TableId,
    record: SinkRecord,
    isDelete: boolean,
  ): Promise<ShapedField[]> {
    const entries = entriesOf(record.value);
    if (!entries) {
      // Throws Confluent's message for a value that is no row at all (a bare string, number or array).
      structValue(record);
      return [];
    }
    const s = this.#settings;
    const tableName = this.#dialect.table(id);
    const whitelist = new Set(s.fieldsWhitelist);
    const valueKeys = s.pkMode === 'record_value' ? s.pkFields : [];
    let table = await this.#structure.describe(client, id);
    let refreshed = false;
    const fields: ShapedField[] = [];
    for (const [name, raw] of entries) {
      if (s.deleteMarkerFields.includes(name)) continue;
      if (whitelist.size > 0 && !whitelist.has(name) && !valueKeys.includes(name)) continue;
      if (!table) {
        fields.push(inferred(name, raw, record));
        continue;
      }
      let column = this.#column(table, name);
      if (!column && !refreshed) {
        // The cached columns may be stale: another task or a person may have added the column.
        refreshed = true;
        table = (await this.#structure.describe(client, id, true)) ?? table;
        column = this.#column(table, name);
      }
      if (!column) {
        if (isDelete || s.unknownFields === 'ignore') continue;
        if (s.unknownFields === 'fail') {
          throw new RecordShapeError(
            `Field '${name}' of record at ${where(record)} has no column in table ${tableName} ` +
              '(schema.evolution.unknown.fields=fail)',
          );
        }
        fields.push(inferred(name, raw, record));
        continue;
      }
      if (fields.some((f) => f.name === column.name)) {
        throw new RecordShapeError(
          `Fields of record at ${where(record)} name column ${column.name} twice: '${name}'`,
        );
      }
      if (raw === null || raw === undefined) {
        // A NOT NULL column with a default takes its default when the record says null.
        if (!column.nullable && (column.defaultValue !== undefined || column.autoIncrement)) continue;
        if (!column.nullable && !isDelete) {
          throw new RecordShapeError(
            `Field '${name}' of record at ${where(record)} is null, but column ${column.name} of table ${tableName} is NOT NULL`,
          );
        }
        fields.push({ name: column.name, schema: columnSchema(this.#valueType(column)), value: null });
        continue;
      }
      let shaped = toColumn(column, this.#valueType(column), raw);
      if (
        shaped === TOO_LONG &&
        this.#settings.autoEvolve &&
        !isDelete &&
        !table.primaryKey.includes(column.name)
      ) {
        table = (await this.#structure.widen(client, id, column, 'TEXT')) ?? table;
        const widened = this.#column(table, name) ?? column;
        shaped = toColumn(widened, this.#valueType(widened), raw);
      }
      if (shaped === TOO_LONG) {
        throw new RecordShapeError(
          `Field '${name}' of record at ${where(record)} is longer than column ${column.name} (${column.declaredType}) ` +
            `of table ${tableName}${this.#settings.autoEvolve ? '' : '; auto.evolve=true widens it to TEXT'}`,
        );
      }
      if (typeof shaped === 'string') {
        throw new RecordShapeError(
          `Field '${name}' of record at ${where(record)} cannot be written to column ${column.name} ` +
            `(${column.declaredType}) of table ${tableName}: ${shaped}`,
        );
      }
      fields.push({ name: column.name, schema: shaped.schema, value: shaped.value });
    }
    if (table && !isDelete && s.insertMode !== 'update')
      this.#checkRequired(table, fields, record, tableName);
    return fields;
  }

  /** A NOT NULL column without a default that the record leaves out would fail the whole batch in the database. */
  #checkRequired(
    table: TableDescription,
    fields: readonly ShapedField[],
    record: SinkRecord,
    tableName: string,
  ) {
    const keyFromElsewhere = this.#settings.pkMode === 'record_key' || this.#settings.pkMode === 'kafka';
    for (const column of table.columns) {
      if (column.nullable || column.defaultValue !== undefined || column.autoIncrement) continue;
      if (keyFromElsewhere && table.primaryKey.includes(column.name)) continue;
      if (fields.some((f) => f.name === column.name)) continue;
      throw new RecordShapeError(
        `Field '${column.name}' is missing from record at ${where(record)}: column ${column.name} of table ${tableName} ` +
          'is NOT NULL without a default',
      );
    }
  }

  async #key(
    client: SqlClient,
    id: TableId,
    tableKey: string,
    record: SinkRecord,
  ): Promise<[Schema, unknown]> {
    const table = await this.#structure.describe(client, id);
    const entries = entriesOf(record.key);
    const fit = (name: string, raw: unknown): ShapedField => {
      if (raw === null || raw === undefined)
        throw new RecordShapeError(`Key field '${name}' of record at ${where(record)} is null`);
      const column = table && this.#column(table, name);
      if (!column) return inferred(name, raw, record);
      const shaped = toColumn(column, this.#valueType(column), raw);
      if (typeof shaped === 'string' || shaped === TOO_LONG) {
        throw new RecordShapeError(
          `Key field '${name}' of record at ${where(record)} cannot be written to column ${column.name} ` +
            `(${column.declaredType}): ${shaped === TOO_LONG ? 'too long' : shaped}`,
        );
      }
      return { name: column.name, schema: shaped.schema, value: shaped.value };
    };
    if (!entries) {
      // A primitive key is the one pk.fields column.
      const shaped = fit(this.#settings.pkFields[0] ?? 'key', record.key);
      return [shaped.schema, shaped.value];
    }
    const wanted = this.#settings.pkFields;
    const fields = entries
      .filter(([name]) => wanted.length === 0 || wanted.includes(name))
      .map(([name, raw]) => fit(name, raw));
    return this.#struct(tableKey, 'k', fields);
  }

  /** The dialect's type table says what values the column takes. */
  #valueType(column: ColumnDescription): ColumnValueType {
    return this.#dialect.db.columnValueType(column);
  }

  #column(table: TableDescription, name: string): ColumnDescription | undefined {
    const exact = table.columns.find((c) => c.name === name);
    if (exact) return exact;
    // JSON field names rarely match the database's case (PostgreSQL folds unquoted names to lower case).
    const lower = name.toLowerCase();
    const matches = table.columns.filter((c) => c.name.toLowerCase() === lower);
    return matches.length === 1 ? matches[0] : undefined;
  }

  /** A Struct of the fields, with a schema shared by every record of the same shape (plan cache hits). */
  #struct(tableKey: string, kind: string, fields: readonly ShapedField[]): [Schema, Struct] {
    let signature = `${kind}${tableKey}`;
    for (const f of fields) signature += `\u0000${f.name}\u0001${schemaSignature(f.schema)}`;
    let schema = this.#schemas.get(signature);
    if (!schema) {
      const builder = SchemaBuilder.struct();
      for (const f of fields) builder.field(f.name, f.schema);
      schema = builder.build();
      if (this.#schemas.size >= MAX_CACHED_SCHEMAS) this.#schemas.clear();
      this.#schemas.set(signature, schema);
    }
    const struct = new Struct(schema);
    for (const f of fields) struct.put(f.name, f.value);
    return [schema, struct];
  }
}

/** Marks a string value that is longer than its bounded column. */
const TOO_LONG = Symbol('too long');

/** A value converted for its column, a reason it cannot be, or TOO_LONG. */
function toColumn(
  column: ColumnDescription,
  type: ColumnValueType,
  raw: unknown,
): { schema: Schema; value: unknown } | string | typeof TOO_LONG {
  if (type.kind === 'integer') {
    let n: bigint;
    if (typeof raw === 'boolean') n = raw ? 1n : 0n;
    else if (typeof raw === 'bigint') n = raw;
    else if (typeof raw === 'number' && Number.isInteger(raw)) n = BigInt(raw);
    else if (typeof raw === 'string' && INTEGER_TEXT.test(raw.trim())) n = BigInt(raw.trim());
    // MariaDB's BOOLEAN is TINYINT(1): "true"/"false" text is a flag there.
    else if (typeof raw === 'string' && type.flag && /^(true|false)$/i.test(raw.trim()))
      n = raw.trim().toLowerCase() === 'true' ? 1n : 0n;
    else return `${show(raw)} is not an integer`;
    if (n < type.min || n > type.max) return `the value is out of range for ${column.declaredType}`;
    // Unsigned BIGINT above 2^63 does not fit a Connect int64: bind it as exact text.
    if (n > 2n ** 63n - 1n) return { schema: Schemas.OPTIONAL_STRING, value: n.toString() };
    return { schema: Schemas.OPTIONAL_INT64, value: Number.isSafeInteger(Number(n)) ? Number(n) : n };
  }
  if (type.kind === 'float') {
    const n =
      typeof raw === 'number' || typeof raw === 'bigint'
        ? Number(raw)
        : typeof raw === 'string' && NUMERIC_TEXT.test(raw.trim())
          ? Number(raw)
          : Number.NaN;
    if (!Number.isFinite(n)) return `${show(raw)} is not a finite number`;
    return { schema: Schemas.OPTIONAL_FLOAT64, value: n };
  }
  if (type.kind === 'decimal') {
    const text =
      typeof raw === 'number' && Number.isFinite(raw)
        ? String(raw)
        : typeof raw === 'bigint'
          ? raw.toString()
          : typeof raw === 'string' && NUMERIC_TEXT.test(raw.trim())
            ? raw.trim()
            : undefined;
    if (text === undefined) return `${show(raw)} is not a number`;
    // Exact text: the database parses it into the decimal without a float in between.
    return { schema: Schemas.OPTIONAL_STRING, value: text };
  }
  if (type.kind === 'boolean') {
    if (typeof raw === 'boolean') return { schema: Schemas.OPTIONAL_BOOLEAN, value: raw };
    if (raw === 0 || raw === 1) return { schema: Schemas.OPTIONAL_BOOLEAN, value: raw === 1 };
    if (typeof raw === 'string' && /^(true|false)$/i.test(raw.trim()))
      return { schema: Schemas.OPTIONAL_BOOLEAN, value: raw.trim().toLowerCase() === 'true' };
    return `${show(raw)} is not a boolean`;
  }
  if (type.kind === 'json') return { schema: Schemas.OPTIONAL_STRING, value: jsonText(raw) };
  if (type.kind === 'bytes') {
    if (raw instanceof Uint8Array) return { schema: Schemas.OPTIONAL_BYTES, value: raw };
    // JSON carries bytes as base64, as the JsonConverter writes them.
    if (typeof raw === 'string') return { schema: Schemas.OPTIONAL_BYTES, value: Buffer.from(raw, 'base64') };
    return `${show(raw)} is not base64 text`;
  }
  if (type.kind === 'timestamp') {
    const zoned = type.zoned;
    if (typeof raw === 'string') {
      const text = raw.trim();
      // Clock time without a zone is written as it reads.
      if (ZONELESS_DATETIME_TEXT.test(text))
        return { schema: Schemas.OPTIONAL_STRING, value: text.replace('T', ' ') };
      const ms = Date.parse(text);
      if (Number.isNaN(ms)) return `${show(raw)} is not an ISO-8601 timestamp`;
      return instant(new Date(ms), zoned);
    }
    if (typeof raw === 'number' && Number.isFinite(raw)) return instant(new Date(raw), zoned);
    if (raw instanceof Date) return instant(raw, zoned);
    return `${show(raw)} is not a timestamp (ISO-8601 text or epoch milliseconds)`;
  }
  if (type.kind === 'date') {
    if (typeof raw === 'string' && DATE_TEXT.test(raw.trim()))
      return { schema: Schemas.OPTIONAL_STRING, value: raw.trim().slice(0, 10) };
    return `${show(raw)} is not an ISO-8601 date`;
  }
  const text = typeof raw === 'string' ? raw : isStructured(raw) ? jsonText(raw) : String(raw);
  const maxLength = type.kind === 'string' ? type.maxLength : undefined;
  if (maxLength !== undefined && text.length > maxLength && [...text].length > maxLength) {
    return TOO_LONG;
  }
  return { schema: Schemas.OPTIONAL_STRING, value: text };
}

/** An instant: a Timestamp (written as db.timezone clock time), or ISO text with Z for zoned columns. */
function instant(date: Date, zoned: boolean): { schema: Schema; value: unknown } {
  return zoned
    ? { schema: Schemas.OPTIONAL_STRING, value: date.toISOString() }
    : { schema: TimestampType.OPTIONAL_SCHEMA, value: date };
}

/** The column a field gets when the sink creates or extends the table (all optional: nulls are allowed). */
function inferred(name: string, raw: unknown, record: SinkRecord): ShapedField {
  if (raw === null || raw === undefined) return { name, schema: Schemas.OPTIONAL_STRING, value: null };
  switch (typeof raw) {
    case 'boolean':
      return { name, schema: Schemas.OPTIONAL_BOOLEAN, value: raw };
    case 'bigint':
      return { name, schema: Schemas.OPTIONAL_INT64, value: raw };
    case 'number':
      if (Number.isSafeInteger(raw)) return { name, schema: Schemas.OPTIONAL_INT64, value: raw };
      if (!Number.isFinite(raw))
        throw new RecordShapeError(
          `Field '${name}' of record at ${where(record)} is ${raw}, which no column holds`,
        );
      return { name, schema: Schemas.OPTIONAL_FLOAT64, value: raw };
    case 'string':
      return { name, schema: Schemas.OPTIONAL_STRING, value: raw };
    default:
      if (raw instanceof Uint8Array) return { name, schema: Schemas.OPTIONAL_BYTES, value: raw };
      return { name, schema: Schemas.OPTIONAL_STRING, value: jsonText(raw) };
  }
}

/** The schema of a column's null value. */
function columnSchema(type: ColumnValueType): Schema {
  switch (type.kind) {
    case 'integer':
      return Schemas.OPTIONAL_INT64;
    case 'float':
      return Schemas.OPTIONAL_FLOAT64;
    case 'boolean':
      return Schemas.OPTIONAL_BOOLEAN;
    case 'bytes':
      return Schemas.OPTIONAL_BYTES;
    default:
      return Schemas.OPTIONAL_STRING;
  }
}

function schemaSignature(schema: Schema): string {
  return `${schema.type}:${schema.logical ?? ''}`;
}

/** The fields of a schemaless object (the JsonConverter reads objects as Maps), or undefined. */
function entriesOf(value: unknown): [string, unknown][] | undefined {
  if (value instanceof Map) return [...value].map(([k, v]) => [String(k), v]);
  if (isPlainObject(value)) return Object.entries(value);
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isStructured(value: unknown): boolean {
  return value instanceof Map || Array.isArray(value) || isPlainObject(value);
}

/** JSON text of a schemaless value: Maps as objects, bigints as plain numbers. */
export function jsonText(value: unknown): string {
  const bigints: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Map) return Object.fromEntries(v);
    if (typeof v === 'bigint') {
      bigints.push(v.toString());
      return `\u0000big${bigints.length - 1}\u0000`;
    }
    if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.length).toString('base64');
    return v;
  });
  if (text === undefined) return 'null';
  // Bigints become bare JSON numbers (JSON.stringify has no form for them).
  return bigints.length === 0
    ? text
    : text.replace(/"\\u0000big(\d+)\\u0000"/g, (_m, i: string) => bigints[Number(i)] as string);
}

function where(record: SinkRecord): string {
  return `(topic='${record.topic}',partition=${record.kafkaPartition},offset=${record.kafkaOffset})`;
}

/**
 * What a value is, never what it holds: these messages reach logs, task traces and DLQ headers,
 * where record content stays out (errors.log.include.messages logs the record itself).
 */
function show(value: unknown): string {
  if (typeof value === 'string')
    return `a string of ${value.length} character${value.length === 1 ? '' : 's'}`;
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'bytes';
  if (isStructured(value)) return 'an object';
  if (value === null || value === undefined) return 'null';
  return `a ${typeof value}`;
}
