import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import {
  type ColumnDescription,
  type ColumnValueType,
  type ConnectOptions,
  DatabaseDialect,
  quoteWith,
  type SinkColumnSpec,
  type SourceColumnType,
  type TableDescription,
  type TableId,
} from '../database-dialect.js';
import type { JdbcUrl } from '../jdbc-url.js';
import type { Row, SqlClient, SqlErrorInfo } from '../sql-client.js';
import { maskSqlError, withMaskedErrors } from '../sql-error-masking.js';
import { parseWallText } from '../zoned-time.js';

/**
 * better-sqlite3 is synchronous; wrapping it in promises keeps one interface for all dialects.
 * Integers come back as bigint so int64 keys survive exactly.
 */
class SqliteClient implements SqlClient {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql).safeIntegers(true);
      if (this.#statements.size > 500) this.#statements.clear();
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.#prepare(sql).all(...params.map(toSqlite)) as T[];
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<{ affectedRows: number }> {
    const statement = this.#prepare(sql);
    if (statement.reader) {
      statement.all(...params.map(toSqlite));
      return { affectedRows: 0 };
    }
    return { affectedRows: statement.run(...params.map(toSqlite)).changes };
  }

  async executeMany(sql: string, rows: readonly (readonly unknown[])[]): Promise<{ affectedRows: number }> {
    const statement = this.#prepare(sql);
    let affectedRows = 0;
    for (const row of rows) affectedRows += statement.run(...row.map(toSqlite)).changes;
    return { affectedRows };
  }

  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const result = await work(this);
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

/** SQLite binds numbers, bigints, strings, buffers and null; the rest is given a natural form. */
function toSqlite(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value;
}

/** SQLite compares text: every timestamp is brought to one canonical form before comparing. */
const canonical = (expr: string) => `strftime('%Y-%m-%d %H:%M:%f', ${expr})`;

/**
 * SQLite: one file, no server. For the sink INTEGER, REAL, TEXT, BLOB and NUMERIC affinities as
 * Confluent's SQLite dialect; temporal columns are declared DATE/TIME/DATETIME and hold ISO text;
 * one ADD COLUMN per ALTER TABLE; upsert as INSERT … ON CONFLICT (key) DO UPDATE. Column types
 * are affinities: any length fits a VARCHAR(n), and a column's type is never changed.
 */
export class SqliteDialect extends DatabaseDialect {
  readonly name = 'sqlite';
  readonly displayName = 'SQLite';
  readonly confluentClassNames = ['SqliteDatabaseDialect'];
  /** SQLITE_MAX_VARIABLE_NUMBER since 3.32. */
  readonly maxParameters = 32_766;
  override readonly embedded = true;
  override readonly widensColumns = false;
  override readonly cursorFractionDigits = 3;
  #queryViews = 0;

  override tableRef(id: TableId): string {
    return quoteWith('"', id.table);
  }

  async connect(url: JdbcUrl, _options: ConnectOptions): Promise<SqlClient> {
    if (url.database !== ':memory:') mkdirSync(dirname(url.database), { recursive: true });
    // Imported here, on the first connection: a process on another database never loads the addon.
    const { default: BetterSqlite3 } = await import('better-sqlite3');
    const db = new BetterSqlite3(url.database);
    // WAL lets services read while a connector writes; waiting beats failing on a busy file.
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 10000');
    return withMaskedErrors(new SqliteClient(db));
  }

  /** Validation must not create files: checks that the file could be created or opened. */
  override async connectionProblem(url: JdbcUrl): Promise<string | undefined> {
    if (url.database !== ':memory:' && !existsSync(url.database) && !creatable(dirname(url.database))) {
      return `Cannot create the SQLite database ${url.database}: its folder is not writable`;
    }
    return undefined;
  }

  async listTables(client: SqlClient, types: readonly ('TABLE' | 'VIEW')[]): Promise<TableId[]> {
    const wanted = types.map((t) => t.toLowerCase());
    const rows = await client.query<{ name: string }>(
      `SELECT name FROM sqlite_master WHERE type IN (${wanted.map(() => '?').join(',')})
       AND name NOT LIKE 'sqlite_%' ORDER BY name`,
      wanted,
    );
    return rows.map((r) => ({ table: r.name }));
  }

  async describeTable(client: SqlClient, id: TableId): Promise<TableDescription | undefined> {
    const master = await client.query<{ type: string; sql: string | null }>(
      "SELECT type, sql FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?",
      [id.table],
    );
    const entry = master[0];
    if (!entry) return undefined;
    const quoted = quoteWith('"', id.table);
    const info = await client.query<{
      name: string;
      type: string;
      notnull: bigint;
      dflt_value: string | null;
      pk: bigint;
    }>(`PRAGMA table_info(${quoted})`);
    const pk = info
      .filter((c) => Number(c.pk) > 0)
      .sort((a, b) => Number(a.pk) - Number(b.pk))
      .map((c) => c.name);
    const indexes = await client.query<{ name: string; unique: bigint; origin: string }>(
      `PRAGMA index_list(${quoted})`,
    );
    const uniqueKeys: string[][] = [];
    for (const index of indexes) {
      if (Number(index.unique) !== 1 || index.origin === 'pk') continue;
      const cols = await client.query<{ name: string }>(`PRAGMA index_info(${quoteWith('"', index.name)})`);
      uniqueKeys.push(cols.map((c) => c.name));
    }
    // An INTEGER PRIMARY KEY is the rowid: it numbers itself.
    const rowidAlias = pk.length === 1 && /^integer$/i.test(info.find((c) => c.name === pk[0])?.type ?? '');
    return {
      id: { table: id.table },
      type: entry.type === 'view' ? 'VIEW' : 'TABLE',
      columns: info.map((c): ColumnDescription => {
        const declared = (c.type || '').toLowerCase();
        const m = /^([a-z ]+?)\s*(?:\((\d+)(?:\s*,\s*(\d+))?\))?$/.exec(declared);
        const base = m?.[1]?.trim() ?? declared;
        return {
          name: c.name,
          typeName: base,
          declaredType: declared,
          nullable: Number(c.notnull) === 0 && !pk.includes(c.name),
          defaultValue: c.dflt_value ?? undefined,
          autoIncrement: rowidAlias && c.name === pk[0],
          precision: m?.[2] ? Number(m[2]) : undefined,
          scale: m?.[3] ? Number(m[3]) : undefined,
          length: m?.[2] && /char|text/.test(base) ? Number(m[2]) : undefined,
        };
      }),
      primaryKey: pk,
      uniqueKeys,
    };
  }

  async currentTimestamp(client: SqlClient): Promise<Date> {
    const rows = await client.query<{ now: string }>("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now') AS now");
    return new Date(rows[0]?.now as string);
  }

  classifyError(error: unknown): SqlErrorInfo {
    // An error that did not come through a client (connecting) is masked here: the message goes on.
    const e = maskSqlError(error) as { code?: string; message?: string };
    return {
      retriable: e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED',
      sqlState: undefined,
      message: e.message ?? String(error),
    };
  }

  parseTableId(name: string): TableId {
    return { table: name };
  }

  /** better-sqlite3's extended result codes; SQLite has no SQL states. */
  override isUniqueViolation(error: unknown): boolean {
    return /^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/.test(
      (error as { code?: string } | undefined)?.code ?? '',
    );
  }

  /** One process holds the file: nothing to lock against. */
  override get lockRowsClause(): string {
    return '';
  }

  // --- services' vocabulary: ISO text for timestamps

  override varcharType(): string {
    return 'TEXT';
  }

  get timestampType(): string {
    return 'TEXT';
  }

  get nowDefault(): string {
    return "DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))";
  }

  // --- sink

  sinkColumnType(column: SinkColumnSpec): string {
    switch (column.logical) {
      case 'decimal':
        return 'NUMERIC';
      case 'date':
        return 'DATE';
      case 'time':
        return 'TIME';
      case 'timestamp':
        return 'DATETIME';
      default:
        break;
    }
    switch (column.type) {
      case 'int8':
      case 'int16':
      case 'int32':
      case 'int64':
      case 'boolean':
        return 'INTEGER';
      case 'float32':
      case 'float64':
        return 'REAL';
      case 'string':
        return 'TEXT';
      case 'bytes':
        return 'BLOB';
      default:
        throw new Error(`No SQLite column type for ${column.type.toUpperCase()} field '${column.name}'`);
    }
  }

  upsert(table: TableId, columns: readonly string[], keys: readonly string[], rows: number): string {
    const nonKeys = columns.filter((c) => !keys.includes(c));
    const action =
      nonKeys.length === 0
        ? 'DO NOTHING'
        : `DO UPDATE SET ${nonKeys.map((c) => `${this.quoteIdentifier(c)}=excluded.${this.quoteIdentifier(c)}`).join(',')}`;
    return `${this.insert(table, columns, rows)} ON CONFLICT (${this.columnList(keys)}) ${action}`;
  }

  /** better-sqlite3 gives SQLite's extended result codes: constraints, type mismatches, oversized values. */
  override isDataError(error: unknown): boolean {
    const code = (error as { code?: unknown } | undefined)?.code;
    return typeof code === 'string' && /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code);
  }

  tableId(parts: readonly string[]): TableId {
    return { table: parts.at(-1) ?? '' };
  }

  /** SQLite adds one column per ALTER TABLE. */
  override addColumns(table: TableId, definitions: readonly string[]): string[] {
    return definitions.map((d) => `ALTER TABLE ${this.tableRef(table)} ADD COLUMN ${d}`);
  }

  /** Type affinity: a column's declared type is a hint, never changed. */
  override async widenColumnSql(): Promise<undefined> {
    return undefined;
  }

  /** Column names are case-insensitive in SQLite. */
  override sameColumn(columnName: string, fieldName: string): boolean {
    return columnName.toLowerCase() === fieldName.toLowerCase();
  }

  override booleanLiteral(value: boolean): string {
    return value ? '1' : '0';
  }

  /** SQLite stores any length in a VARCHAR(n) (type affinity); the others reject or cut longer text. */
  override columnValueType(column: ColumnDescription): ColumnValueType {
    const type = super.columnValueType(column);
    return type.kind === 'string' ? { kind: 'string', maxLength: undefined } : type;
  }

  // --- source: declared type names, read as sqlite-jdbc reports them to Confluent's connector

  /**
   * `INTEGER` → int32, `BIGINT` → int64, ..., with the affinity rules for names it does not know.
   * Floating point is always float64: SQLite stores every REAL in 8 bytes.
   */
  sourceColumnType(column: ColumnDescription): SourceColumnType | undefined {
    const name = column.typeName;
    switch (name) {
      case 'boolean':
      case 'bool':
        return { kind: 'boolean' };
      case 'tinyint':
        return { kind: 'int8' };
      case 'smallint':
        return { kind: 'int16' };
      case 'int':
      case 'integer':
      case 'mediumint':
        return { kind: 'int32' };
      case 'bigint':
        return { kind: 'int64' };
      case 'date':
        return { kind: 'date' };
      case 'time':
        return { kind: 'time' };
      case 'datetime':
      case 'timestamp':
        return { kind: 'timestamp' };
      case 'decimal':
      case 'numeric':
        return column.precision === undefined
          ? { kind: 'unbounded-decimal' }
          : { kind: 'decimal', precision: column.precision, scale: column.scale ?? 0 };
      default:
        if (name.includes('int')) return { kind: 'int64' };
        if (/char|clob|text/.test(name) || name === '') return { kind: 'string' };
        if (name.includes('blob')) return { kind: 'bytes' };
        if (/real|floa|doub/.test(name)) return { kind: 'float64' };
        return undefined;
    }
  }

  override comparableTimestamp(expr: string): string {
    return canonical(expr);
  }

  timestampText(expr: string): string {
    return canonical(expr);
  }

  override partitionTableName(id: TableId): string {
    return id.table;
  }

  async describeQuery(client: SqlClient, query: string): Promise<ColumnDescription[]> {
    const view = quoteWith('"', `msa_source_query_${process.pid}_${++this.#queryViews}`);
    await client.execute(`CREATE TEMP VIEW ${view} AS ${query}`);
    try {
      const info = await client.query<{ name: string; type: string; notnull: bigint }>(
        `PRAGMA temp.table_info(${view})`,
      );
      return info.map((c): ColumnDescription => {
        const declared = (c.type || '').toLowerCase();
        const m = /^([a-z ]+?)\s*(?:\((\d+)(?:\s*,\s*(\d+))?\))?$/.exec(declared);
        return {
          name: c.name,
          typeName: m?.[1]?.trim() ?? declared,
          declaredType: declared,
          nullable: Number(c.notnull) === 0,
          defaultValue: undefined,
          autoIncrement: false,
          precision: m?.[2] ? Number(m[2]) : undefined,
          scale: m?.[3] ? Number(m[3]) : undefined,
          length: undefined,
        };
      });
    } finally {
      await client.execute(`DROP VIEW IF EXISTS temp.${view}`);
    }
  }

  async databaseNow(client: SqlClient) {
    // SQLite's clock is UTC ('now'); CURRENT_TIMESTAMP defaults write UTC text as well.
    const rows = await client.query<{ now: string }>("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now') AS now");
    return parseWallText(String(rows[0]?.now), 'UTC');
  }

  /** better-sqlite3 reports both as SQLITE_ERROR: the message is all there is. */
  isMissingObject(error: unknown): boolean {
    return /no such (table|column)/i.test((error as { message?: string }).message ?? '');
  }
}

export const sqliteDialect = new SqliteDialect();

/** The nearest existing folder on the way up is writable, so the file's folders could be made. */
function creatable(folder: string): boolean {
  let current = folder;
  for (;;) {
    if (existsSync(current)) {
      try {
        accessSync(current, constants.W_OK);
        return true;
      } catch {
        return false;
      }
    }
    const parent = dirname(current);
    if (parent === current) return false;
    current = parent;
  }
}
