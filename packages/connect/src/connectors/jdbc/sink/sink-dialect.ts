import type { DatabaseDialect, SinkColumnSpec, SqlClient, TableId } from '@msa-sync/sql';
import { Decimal, DecimalType, type Schema } from '../../../data/index.js';
import {
  defaultBinder,
  offsetTimestampBinder,
  timestampFormatter,
  type ValueBinder,
} from './column-values.js';
import type { SinkColumn } from './fields-metadata.js';

/**
 * The sink's view of a {@link DatabaseDialect}: what needs Connect's data types stays here (a
 * field's schema as a column definition, default values as literals, how values are bound), the
 * rest is the dialect's. Every identifier goes through the dialect's quoting; values only ever
 * travel as parameters (DDL defaults, which cannot be parameters, are literals built by
 * {@link SinkDialect.literal}). No database is named here: each one's differences are in its dialect.
 */
export class SinkDialect {
  readonly db: DatabaseDialect;

  constructor(db: DatabaseDialect) {
    this.db = db;
  }

  /** Most bind parameters one statement may carry. */
  get maxParameters(): number {
    return this.db.maxParameters;
  }

  /** The driver binds many parameter rows to one single-row statement in one round trip. */
  get bulkParameters(): boolean {
    return this.db.bulkParameters;
  }

  /** The column type for a field when the sink creates or extends a table. */
  sqlType(column: SinkColumn): string {
    const schema = column.schema;
    const spec: SinkColumnSpec = {
      name: column.name,
      type: schema.type,
      logical: schema.logical,
      scale: schema.logical === 'decimal' ? DecimalType.scaleOf(schema) : undefined,
      isPrimaryKey: column.isPrimaryKey,
    };
    return this.db.sinkColumnType(spec);
  }

  /** INSERT that updates the non-key columns when a row with the same key exists. */
  upsert(table: TableId, keys: readonly string[], nonKeys: readonly string[], rows: number): string {
    return this.db.upsert(table, [...keys, ...nonKeys], keys, rows);
  }

  /** The table a `table.name.format` result names: `parts` are the dot-separated pieces of the format. */
  tableId(parts: readonly string[], database = ''): TableId {
    return this.db.tableId(parts, database);
  }

  /** A name as the database stores an unquoted identifier (quote.sql.identifiers=never). */
  foldIdentifier(name: string): string {
    return this.db.foldIdentifier(name);
  }

  /** Whether a table column is the column for this field (databases differ in case sensitivity). */
  sameColumn(columnName: string, fieldName: string): boolean {
    return this.db.sameColumn(columnName, fieldName);
  }

  quote(name: string): string {
    return this.db.quoteIdentifier(name);
  }

  table(id: TableId): string {
    return this.db.tableRef(id);
  }

  /** `col TYPE NOT NULL DEFAULT x` for CREATE TABLE and ADD COLUMN. */
  columnDefinition(column: SinkColumn): string {
    const schema = column.schema;
    let sql = `${this.quote(column.name)} ${this.sqlType(column)}`;
    sql += schema.optional && !column.isPrimaryKey ? ' NULL' : ' NOT NULL';
    if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
      const literal = this.literal(schema, schema.defaultValue);
      if (literal !== undefined) sql += ` DEFAULT ${literal}`;
    }
    return sql;
  }

  /** `keys` in primary key order; by default the key columns in column order. */
  createTable(
    table: TableId,
    columns: readonly SinkColumn[],
    keys: readonly string[] = columns.filter((c) => c.isPrimaryKey).map((c) => c.name),
  ): string {
    return this.db.createTable(
      table,
      columns.map((c) => this.columnDefinition(c)),
      keys,
    );
  }

  /** The statements that add these columns (one ALTER TABLE where the database allows). */
  addColumns(table: TableId, columns: readonly SinkColumn[]): string[] {
    return this.db.addColumns(
      table,
      columns.map((c) => this.columnDefinition(c)),
    );
  }

  /** The statement failed because of the rows it wrote (split the batch), not the database. */
  isDataError(error: unknown): boolean {
    return this.db.isDataError(error);
  }

  /** Unique keys besides the primary key that the database's upsert would match too. */
  extraUniqueKeys(client: SqlClient, table: TableId): Promise<string[]> {
    return this.db.extraUniqueKeys(client, table);
  }

  insertIgnore(table: TableId, keys: readonly string[], nonKeys: readonly string[], rows: number): string {
    return this.db.insertIgnore(table, keys, nonKeys, rows);
  }

  insertMissing(table: TableId, keys: readonly string[], nonKeys: readonly string[]): string {
    return this.db.insertMissing(table, keys, nonKeys);
  }

  insert(table: TableId, columns: readonly string[], rows: number): string {
    return this.db.insert(table, columns, rows);
  }

  update(table: TableId, keys: readonly string[], nonKeys: readonly string[]): string {
    return this.db.update(table, keys, nonKeys);
  }

  deleteRows(table: TableId, keys: readonly string[], rows: number): string {
    return this.db.deleteRows(table, keys, rows);
  }

  /** How values of this schema are handed to the driver. */
  binder(schema: Schema, timeZone: string): ValueBinder {
    return (
      (this.db.bindsTimestampOffset ? offsetTimestampBinder(schema, timeZone) : undefined) ??
      defaultBinder(schema, timeZone)
    );
  }

  /**
   * A SQL literal for a column default, or undefined when the value has no safe literal form
   * (the column is then created without a default).
   */
  literal(schema: Schema, value: unknown): string | undefined {
    if (value === null || value === undefined) return 'NULL';
    if (value instanceof Date) {
      const text =
        schema.logical === 'date'
          ? value.toISOString().slice(0, 10)
          : schema.logical === 'time'
            ? value.toISOString().slice(11, 23)
            : timestampFormatter('UTC')(value);
      return this.db.stringLiteral(text);
    }
    if (value instanceof Decimal) return value.toPlainString();
    if (value instanceof Uint8Array)
      return this.db.bytesLiteral(Buffer.from(value.buffer, value.byteOffset, value.length));
    switch (typeof value) {
      case 'number':
        return Number.isFinite(value) ? String(value) : undefined;
      case 'bigint':
        return value.toString();
      case 'boolean':
        return this.db.booleanLiteral(value);
      case 'string':
        return this.db.stringLiteral(value);
      default:
        return undefined;
    }
  }
}
