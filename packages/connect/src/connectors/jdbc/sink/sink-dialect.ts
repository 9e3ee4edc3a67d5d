import { Decimal, type Schema } from '../../../data/index.js';
import type { DatabaseDialect, TableId } from '../dialect/database-dialect.js';
import type { SqlClient } from '../dialect/sql-client.js';
import { defaultBinder, timestampFormatter, type ValueBinder } from './column-values.js';
import type { SinkColumn } from './fields-metadata.js';

/**
 * What the sink needs from a database beyond the shared dialect: column types for CREATE/ALTER,
 * the statements it writes with, and how values are bound. This base holds the standard SQL;
 * each database overrides only what differs (dialect/<db>/<db>-sink.ts). Every identifier goes
 * through the dialect's quoting; values only ever travel as parameters (DDL defaults, which
 * cannot be parameters, are literals built by {@link SinkDialect.literal}).
 */
export abstract class SinkDialect {
  readonly db: DatabaseDialect;
  /** Most bind parameters one statement may carry. */
  abstract readonly maxParameters: number;
  /**
   * The driver binds many parameter rows to one single-row statement in one round trip (MariaDB's
   * bulk protocol); inserts then use that instead of a multi-row statement.
   */
  readonly bulkParameters: boolean = false;

  constructor(db: DatabaseDialect) {
    this.db = db;
  }

  /** The column type for a field when the sink creates or extends a table. */
  abstract sqlType(column: SinkColumn): string;

  /** INSERT that updates the non-key columns when a row with the same key exists. */
  abstract upsert(table: TableId, keys: readonly string[], nonKeys: readonly string[], rows: number): string;

  /** The table a `table.name.format` result names: `parts` are the dot-separated pieces of the format. */
  abstract tableId(parts: readonly string[], database: string): TableId;

  /** A name as the database stores an unquoted identifier (quote.sql.identifiers=never). */
  foldIdentifier(name: string): string {
    return name;
  }

  /** Whether a table column is the column for this field (databases differ in case sensitivity). */
  sameColumn(columnName: string, fieldName: string): boolean {
    return columnName === fieldName;
  }

  quote(name: string): string {
    return this.db.quoteIdentifier(name);
  }

  table(id: TableId): string {
    return this.db.tableRef(id);
  }

  /** `(?,?,?)` for `width` values starting at parameter `first` (1-based). */
  protected tuple(first: number, width: number): string {
    let out = '(';
    for (let i = 0; i < width; i++) out += (i === 0 ? '' : ',') + this.db.placeholder(first + i);
    return `${out})`;
  }

  protected valuesList(rows: number, width: number): string {
    const parts: string[] = new Array(rows);
    for (let r = 0; r < rows; r++) parts[r] = this.tuple(r * width + 1, width);
    return parts.join(',');
  }

  protected columnList(names: readonly string[]): string {
    return names.map((n) => this.quote(n)).join(',');
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
    const lines = columns.map((c) => this.columnDefinition(c));
    if (keys.length > 0) lines.push(`PRIMARY KEY(${this.columnList(keys)})`);
    return `CREATE TABLE IF NOT EXISTS ${this.table(table)} (\n${lines.map((l) => `  ${l}`).join(',\n')}\n)`;
  }

  /** The statements that add these columns (one ALTER TABLE where the database allows). */
  addColumns(table: TableId, columns: readonly SinkColumn[]): string[] {
    if (columns.length === 0) return [];
    return [
      `ALTER TABLE ${this.table(table)} ${columns.map((c) => `ADD COLUMN ${this.columnDefinition(c)}`).join(', ')}`,
    ];
  }

  /**
   * The statement failed because of the rows it wrote, not the database: a constraint (23xxx), a
   * value too long or of the wrong type (22xxx). Such a batch is split to find the bad records;
   * any other error is retried or fails the task.
   */
  isDataError(error: unknown): boolean {
    const state = this.db.classifyError(error).sqlState ?? '';
    return state.startsWith('22') || state.startsWith('23');
  }

  /**
   * Unique keys of the table besides the primary key, where the database's upsert would match
   * them too (MariaDB's ON DUPLICATE KEY): upserts into such a table take the safe path. Empty
   * where the upsert names its conflict target (ON CONFLICT (pk)).
   */
  async extraUniqueKeys(_client: SqlClient, _table: TableId): Promise<string[]> {
    return [];
  }

  /** INSERT that skips rows whose primary key exists already (insert.mode=insert.ignore), and only those. */
  insertIgnore(table: TableId, keys: readonly string[], nonKeys: readonly string[], rows: number): string {
    return `${this.insert(table, [...keys, ...nonKeys], rows)} ON CONFLICT (${this.columnList(keys)}) DO NOTHING`;
  }

  /**
   * One row's INSERT that does nothing when a row with its primary key exists; a clash on another
   * unique key still fails. Parameters: the row's values, then its key values.
   */
  insertMissing(table: TableId, keys: readonly string[], nonKeys: readonly string[]): string {
    const columns = [...keys, ...nonKeys];
    const values = columns.map((_, i) => this.db.placeholder(i + 1)).join(',');
    const where = keys
      .map((k, i) => `${this.quote(k)}=${this.db.placeholder(columns.length + i + 1)}`)
      .join(' AND ');
    return `INSERT INTO ${this.table(table)}(${this.columnList(columns)}) SELECT ${values} FROM (SELECT 1 AS one) AS single WHERE NOT EXISTS (SELECT 1 FROM ${this.table(table)} WHERE ${where})`;
  }

  insert(table: TableId, columns: readonly string[], rows: number): string {
    return `INSERT INTO ${this.table(table)}(${this.columnList(columns)}) VALUES ${this.valuesList(rows, columns.length)}`;
  }

  /** One row's UPDATE; parameters are the non-key values, then the key values. */
  update(table: TableId, keys: readonly string[], nonKeys: readonly string[]): string {
    const set = nonKeys.map((n, i) => `${this.quote(n)}=${this.db.placeholder(i + 1)}`).join(',');
    const where = keys
      .map((k, i) => `${this.quote(k)}=${this.db.placeholder(nonKeys.length + i + 1)}`)
      .join(' AND ');
    return `UPDATE ${this.table(table)} SET ${set} WHERE ${where}`;
  }

  /** Deletes `rows` rows by key; parameters are the key values row after row. */
  deleteRows(table: TableId, keys: readonly string[], rows: number): string {
    const target = keys.length === 1 ? this.quote(keys[0] as string) : `(${this.columnList(keys)})`;
    const list =
      keys.length === 1
        ? Array.from({ length: rows }, (_, r) => this.db.placeholder(r + 1)).join(',')
        : this.valuesList(rows, keys.length);
    return `DELETE FROM ${this.table(table)} WHERE ${target} IN (${list})`;
  }

  /** How values of this schema are handed to the driver. */
  binder(schema: Schema, timeZone: string): ValueBinder {
    return defaultBinder(schema, timeZone);
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
      return this.stringLiteral(text);
    }
    if (value instanceof Decimal) return value.toPlainString();
    if (value instanceof Uint8Array)
      return this.bytesLiteral(Buffer.from(value.buffer, value.byteOffset, value.length));
    switch (typeof value) {
      case 'number':
        return Number.isFinite(value) ? String(value) : undefined;
      case 'bigint':
        return value.toString();
      case 'boolean':
        return this.booleanLiteral(value);
      case 'string':
        return this.stringLiteral(value);
      default:
        return undefined;
    }
  }

  /** Standard SQL: quotes doubled. */
  protected stringLiteral(text: string): string {
    if (text.includes('\u0000')) throw new Error('A default value cannot contain a NUL character');
    return `'${text.replaceAll("'", "''")}'`;
  }

  protected booleanLiteral(value: boolean): string {
    return value ? 'TRUE' : 'FALSE';
  }

  protected bytesLiteral(bytes: Buffer): string {
    return `X'${bytes.toString('hex')}'`;
  }
}
