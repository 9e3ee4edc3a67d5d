import type * as mariadb from 'mariadb';
import {
  type ColumnDescription,
  type ConnectOptions,
  DatabaseDialect,
  numberOrUndefined,
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
import { modifyColumnSql, readColumnDefinition } from './mariadb-modify-column.js';

/** Errors after which the same statement may well succeed: lost connections, deadlocks, lock timeouts. */
const RETRIABLE_ERRNO = new Set([1205, 1213, 2002, 2006, 2013, 1040, 1053, 1927, 45009, 45012, 45028]);

class MariaDbClient implements SqlClient {
  readonly #conn: mariadb.Connection;
  constructor(conn: mariadb.Connection) {
    this.#conn = conn;
  }

  async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const rows = (await this.#conn.query({ sql, rowsAsArray: false }, params as unknown[])) as T[];
    return Array.isArray(rows) ? [...rows] : [];
  }

  async execute(sql: string, params: readonly unknown[] = []): Promise<{ affectedRows: number }> {
    const result = (await this.#conn.query(sql, params as unknown[])) as { affectedRows?: number };
    return { affectedRows: Number(result.affectedRows ?? 0) };
  }

  async executeMany(sql: string, rows: readonly (readonly unknown[])[]): Promise<{ affectedRows: number }> {
    if (rows.length === 0) return { affectedRows: 0 };
    const result = (await this.#conn.batch(sql, rows as unknown[][])) as
      | { affectedRows?: number }
      | { affectedRows?: number }[];
    const list = Array.isArray(result) ? result : [result];
    return { affectedRows: list.reduce((n, r) => n + Number(r.affectedRows ?? 0), 0) };
  }

  async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
    await this.#conn.beginTransaction();
    try {
      const result = await work(this);
      await this.#conn.commit();
      return result;
    } catch (error) {
      await this.#conn.rollback().catch(() => {});
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.#conn.end().catch(() => this.#conn.destroy());
  }
}

/** MariaDB keeps at most 38 digits after the point, and 65 in all. */
const MAX_SCALE = 38;

/**
 * Errors about a row's values: 1048 NULL into NOT NULL, 1062 duplicate key, 1136 column count,
 * 1264 out of range, 1265 truncated, 1292 bad date/number, 1366 wrong value for a column,
 * 1406 too long, 1451/1452 foreign key, 3819/4025 CHECK.
 */
const DATA_ERRNOS = new Set([1048, 1062, 1264, 1265, 1292, 1366, 1406, 1451, 1452, 3819, 4025]);

const STRING_TYPES = new Set([
  'char',
  'varchar',
  'tinytext',
  'text',
  'mediumtext',
  'longtext',
  'enum',
  'set',
  'json',
  'uuid',
  'inet4',
  'inet6',
]);
const BYTES_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob']);

/**
 * MariaDB (and MySQL, which MariaDB's driver serves): backquoted names, `?` placeholders, the
 * database as the catalog. For the sink as Confluent's MySQL dialect maps types: TEXT for strings
 * (a VARCHAR(256) when the column is part of the key, since TEXT cannot be indexed whole),
 * DATETIME(3) for timestamps, DECIMAL(65,scale); upsert as INSERT … ON DUPLICATE KEY UPDATE.
 */
export class MariaDbDialect extends DatabaseDialect {
  readonly name = 'mariadb';
  readonly displayName = 'MariaDB';
  readonly confluentClassNames = ['MySqlDatabaseDialect', 'MariaDbDatabaseDialect'];
  readonly maxParameters = 65_535;
  /** COM_STMT_BULK_EXECUTE: measured twice as fast as a multi-row INSERT of the same rows (bench/sink). */
  override readonly bulkParameters = true;
  #queryTables = 0;

  override quoteIdentifier(name: string): string {
    return quoteWith('`', name);
  }

  override tableRef(id: TableId): string {
    return [id.catalog, id.table]
      .filter((p): p is string => p !== undefined && p !== '')
      .map((p) => quoteWith('`', p))
      .join('.');
  }

  // The driver is imported here, on the first connection: a process that never talks to MariaDB
  // (a worker with other connectors, a service on another database) starts without loading it.
  async connect(url: JdbcUrl, options: ConnectOptions): Promise<SqlClient> {
    const zone = zoneOffset(options.timeZone ?? 'UTC');
    const conn = await (await import('mariadb')).createConnection({
      host: url.host,
      port: url.port,
      user: options.user ?? url.params.get('user'),
      password: options.password ?? url.params.get('password'),
      database: url.database || undefined,
      // DATETIME values are read and written as instants in db.timezone, like Connect's db.timezone.
      timezone: zone,
      // Exact values: BIGINT as bigint, DECIMAL as text.
      bigIntAsNumber: false,
      decimalAsNumber: false,
      insertIdAsNumber: true,
      checkDuplicate: false,
      // Errors name the statement, never its parameters (the driver's default appends them).
      logParam: false,
      connectTimeout: 10_000,
      // One statement per call, always: SQL from a config (a source `query`) must never smuggle
      // `; DROP TABLE …` in. The driver's default, written down so no URL or option turns it on.
      multipleStatements: false,
    });
    // A server closing an idle connection (restart, wait_timeout) must not crash the worker:
    // the next statement reports it and is retried on a new connection.
    conn.on('error', () => {});
    return withMaskedErrors(new MariaDbClient(conn));
  }

  async listTables(client: SqlClient, types: readonly ('TABLE' | 'VIEW')[]): Promise<TableId[]> {
    const wanted = types.map((t) => (t === 'TABLE' ? 'BASE TABLE' : 'VIEW'));
    const rows = await client.query<{ TABLE_SCHEMA: string; TABLE_NAME: string }>(
      `SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES
       WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN (${wanted.map(() => '?').join(',')}) ORDER BY TABLE_NAME`,
      wanted,
    );
    return rows.map((r) => ({ catalog: r.TABLE_SCHEMA, table: r.TABLE_NAME }));
  }

  async describeTable(client: SqlClient, id: TableId): Promise<TableDescription | undefined> {
    const schemaExpr = id.catalog ? '?' : 'DATABASE()';
    const schemaParam = id.catalog ? [id.catalog] : [];
    const tables = await client.query<{ TABLE_SCHEMA: string; TABLE_TYPE: string }>(
      `SELECT TABLE_SCHEMA, TABLE_TYPE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${schemaExpr} AND TABLE_NAME = ?`,
      [...schemaParam, id.table],
    );
    const table = tables[0];
    if (!table) return undefined;
    const columns = await client.query<Record<string, unknown>>(
      `SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA,
              NUMERIC_PRECISION, NUMERIC_SCALE, CHARACTER_MAXIMUM_LENGTH, DATETIME_PRECISION
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
      [table.TABLE_SCHEMA, id.table],
    );
    const keys = await client.query<{ INDEX_NAME: string; COLUMN_NAME: string }>(
      `SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS
       WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0 ORDER BY INDEX_NAME, SEQ_IN_INDEX`,
      [table.TABLE_SCHEMA, id.table],
    );
    const byIndex = new Map<string, string[]>();
    for (const k of keys) byIndex.set(k.INDEX_NAME, [...(byIndex.get(k.INDEX_NAME) ?? []), k.COLUMN_NAME]);
    return {
      id: { catalog: table.TABLE_SCHEMA, table: id.table },
      type: table.TABLE_TYPE === 'VIEW' ? 'VIEW' : 'TABLE',
      columns: columns.map(
        (c): ColumnDescription => ({
          name: String(c.COLUMN_NAME),
          typeName: String(c.DATA_TYPE).toLowerCase(),
          declaredType: String(c.COLUMN_TYPE).toLowerCase(),
          nullable: c.IS_NULLABLE === 'YES',
          defaultValue:
            c.COLUMN_DEFAULT === null || c.COLUMN_DEFAULT === undefined
              ? undefined
              : String(c.COLUMN_DEFAULT),
          autoIncrement: String(c.EXTRA ?? '').includes('auto_increment'),
          precision: numberOrUndefined(c.NUMERIC_PRECISION ?? c.DATETIME_PRECISION),
          scale: numberOrUndefined(c.NUMERIC_SCALE),
          length: numberOrUndefined(c.CHARACTER_MAXIMUM_LENGTH),
        }),
      ),
      primaryKey: byIndex.get('PRIMARY') ?? [],
      uniqueKeys: [...byIndex].filter(([name]) => name !== 'PRIMARY').map(([, cols]) => cols),
    };
  }

  async currentTimestamp(client: SqlClient): Promise<Date> {
    const rows = await client.query<{ now: Date }>('SELECT CURRENT_TIMESTAMP(3) AS now');
    return rows[0]?.now as Date;
  }

  classifyError(error: unknown): SqlErrorInfo {
    // An error that did not come through a client (connecting) is masked here: the message goes on.
    const e = maskSqlError(error) as {
      errno?: number;
      sqlState?: string;
      fatal?: boolean;
      code?: string;
      message?: string;
    };
    const retriable =
      e.fatal === true ||
      (e.errno !== undefined && RETRIABLE_ERRNO.has(e.errno)) ||
      /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ER_GET_CONNECTION_TIMEOUT|ER_SOCKET_UNEXPECTED_CLOSE|ER_CONNECTION_ALREADY_CLOSED/.test(
        e.code ?? '',
      );
    return { retriable, sqlState: e.sqlState, message: e.message ?? String(error) };
  }

  parseTableId(name: string, url: JdbcUrl): TableId {
    const parts = name.split('.');
    return parts.length >= 2
      ? { catalog: parts.slice(0, -1).join('.'), table: parts.at(-1) as string }
      : { catalog: url.database || undefined, table: name };
  }

  /** 1062 ER_DUP_ENTRY (its SQL state, 23000, covers every integrity violation). */
  override isUniqueViolation(error: unknown): boolean {
    return (error as { errno?: number } | undefined)?.errno === 1062;
  }

  /** 1049 ER_BAD_DB_ERROR. */
  override isUnknownDatabase(error: unknown): boolean {
    const e = error as { errno?: number; code?: string } | undefined;
    return e?.errno === 1049 || e?.code === 'ER_BAD_DB_ERROR';
  }

  /** Connects to the server without a database and creates it; IF NOT EXISTS settles a race. */
  override async createDatabase(url: JdbcUrl, options: ConnectOptions): Promise<void> {
    const server = await this.connect({ ...url, database: '' }, options);
    try {
      await server.execute(`CREATE DATABASE IF NOT EXISTS ${this.quoteIdentifier(url.database)}`);
    } finally {
      await server.close();
    }
  }

  /** MySQL and MariaDB before 10.3 lack the variable (the caller warns and goes on). */
  override idleTransactionTimeoutSql(seconds: number): string {
    return `SET SESSION idle_transaction_timeout = ${seconds}`;
  }

  // --- services' vocabulary

  override get intType(): string {
    return 'INT';
  }

  get timestampType(): string {
    return 'DATETIME(3)';
  }

  get nowDefault(): string {
    return 'DEFAULT CURRENT_TIMESTAMP(3)';
  }

  override get tableOptions(): string {
    return ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4';
  }

  // --- sink

  sinkColumnType(column: SinkColumnSpec): string {
    switch (column.logical) {
      case 'decimal':
        return `DECIMAL(65,${Math.min(MAX_SCALE, Math.max(0, column.scale ?? 0))})`;
      case 'date':
        return 'DATE';
      case 'time':
        return 'TIME(3)';
      case 'timestamp':
        return 'DATETIME(3)';
      default:
        break;
    }
    switch (column.type) {
      case 'int8':
        return 'TINYINT';
      case 'int16':
        return 'SMALLINT';
      case 'int32':
        return 'INT';
      case 'int64':
        return 'BIGINT';
      case 'float32':
        return 'FLOAT';
      case 'float64':
        return 'DOUBLE';
      case 'boolean':
        return 'TINYINT';
      case 'string':
        return column.isPrimaryKey ? 'VARCHAR(256)' : 'TEXT';
      case 'bytes':
        return column.isPrimaryKey ? 'VARBINARY(1024)' : 'BLOB';
      default:
        throw new Error(`No MariaDB column type for ${column.type.toUpperCase()} field '${column.name}'`);
    }
  }

  upsert(table: TableId, columns: readonly string[], keys: readonly string[], rows: number): string {
    const nonKeys = columns.filter((c) => !keys.includes(c));
    const updated = (nonKeys.length > 0 ? nonKeys : keys)
      .map((c) => `${this.quoteIdentifier(c)}=VALUES(${this.quoteIdentifier(c)})`)
      .join(',');
    return `${this.insert(table, columns, rows)} ON DUPLICATE KEY UPDATE ${updated}`;
  }

  /**
   * MariaDB errors on the rows whose SQL state is not class 22/23: wrong value for a column
   * (1366, ER_TRUNCATED_WRONG_VALUE_FOR_FIELD, state HY000), data truncated (1265), CHECK (4025)...
   */
  override isDataError(error: unknown): boolean {
    const errno = (error as { errno?: unknown } | undefined)?.errno;
    return (typeof errno === 'number' && DATA_ERRNOS.has(errno)) || super.isDataError(error);
  }

  /**
   * ON DUPLICATE KEY UPDATE fires on a clash with ANY unique key: a record with a new primary key
   * but another row's unique email would overwrite that other row. Such tables are found here.
   */
  override async extraUniqueKeys(client: SqlClient, table: TableId): Promise<string[]> {
    const rows = await client.query<{ name: string }>(
      'SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS ' +
        "WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY' " +
        'ORDER BY INDEX_NAME',
      [table.catalog ?? null, table.table],
    );
    return rows.map((r) => String(r.name));
  }

  /** Only a primary key duplicate is skipped (INSERT IGNORE would also swallow truncation and NULLs). */
  override insertIgnore(
    table: TableId,
    keys: readonly string[],
    nonKeys: readonly string[],
    rows: number,
  ): string {
    const key = this.quoteIdentifier(keys[0] as string);
    return `${this.insert(table, [...keys, ...nonKeys], rows)} ON DUPLICATE KEY UPDATE ${key}=${key}`;
  }

  tableId(parts: readonly string[], database: string): TableId {
    const table = parts.at(-1) ?? '';
    return parts.length >= 2 ? { catalog: parts.at(-2), table } : { catalog: database || undefined, table };
  }

  /** Column names are case-insensitive in MariaDB. */
  override sameColumn(columnName: string, fieldName: string): boolean {
    return columnName.toLowerCase() === fieldName.toLowerCase();
  }

  /**
   * MODIFY restates the whole column, so its full definition is read back from the catalogue
   * first (AUTO_INCREMENT, UNSIGNED, comment, default, nullability), and a column it cannot
   * restate is refused.
   */
  override async widenColumnSql(
    client: SqlClient,
    id: TableId,
    column: ColumnDescription,
    sqlType: string,
  ): Promise<string> {
    const table = this.tableRef(id);
    const current = await readColumnDefinition(client, id.catalog, id.table, column.name);
    if (!current) throw new Error(`Column '${column.name}' of ${table} disappeared while widening it`);
    return modifyColumnSql(table, this.quoteIdentifier(column.name), column.name, sqlType, current);
  }

  /** Backslashes are escapes in MariaDB strings unless NO_BACKSLASH_ESCAPES is set: double them too. */
  override stringLiteral(text: string): string {
    if (text.includes('\u0000')) throw new Error('A default value cannot contain a NUL character');
    return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
  }

  // --- source: MariaDB (and MySQL) column types as MariaDB Connector/J reports them to Confluent's connector

  sourceColumnType(column: ColumnDescription): SourceColumnType | undefined {
    const unsigned = /\bunsigned\b/.test(column.declaredType);
    switch (column.typeName) {
      case 'tinyint':
        return { kind: unsigned ? 'int16' : 'int8' };
      case 'smallint':
        return { kind: unsigned ? 'int32' : 'int16' };
      case 'mediumint':
      case 'int':
      case 'integer':
        return { kind: unsigned ? 'int64' : 'int32' };
      case 'bigint':
        return { kind: 'int64' };
      case 'year':
        return { kind: 'int16' };
      case 'float':
        return { kind: 'float32' };
      case 'double':
      case 'real':
        return { kind: 'float64' };
      case 'decimal':
      case 'numeric':
        return { kind: 'decimal', precision: column.precision, scale: column.scale ?? 0 };
      case 'bit':
        // BIT(1) is JDBC BIT (Connect int8); wider bit strings are bytes.
        return (column.precision ?? 1) <= 1 ? { kind: 'int8' } : { kind: 'bytes' };
      case 'date':
        return { kind: 'date' };
      case 'time':
        return { kind: 'time' };
      case 'datetime':
      case 'timestamp':
        // The session zone is db.timezone; the driver builds a Date from the text in the process's zone.
        return { kind: 'timestamp-local-wall' };
      default:
        if (STRING_TYPES.has(column.typeName)) return { kind: 'string' };
        if (BYTES_TYPES.has(column.typeName)) return { kind: 'bytes' };
        return undefined;
    }
  }

  timestampText(expr: string): string {
    return `DATE_FORMAT(${expr}, '%Y-%m-%d %H:%i:%s.%f')`;
  }

  override partitionTableName(id: TableId): string {
    return [id.catalog, id.table].filter((p) => p !== undefined && p !== '').join('.');
  }

  async describeQuery(client: SqlClient, query: string): Promise<ColumnDescription[]> {
    // A temporary table shaped like the query's rows: SHOW COLUMNS tells their types.
    const name = this.quoteIdentifier(`msa_source_query_${process.pid}_${++this.#queryTables}`);
    await client.execute(`CREATE TEMPORARY TABLE ${name} AS SELECT * FROM (${query}) msa_q LIMIT 0`);
    try {
      const rows = await client.query<{ Field: string; Type: string; Null: string }>(
        `SHOW COLUMNS FROM ${name}`,
      );
      return rows.map((r) => describeShownColumn(r.Field, String(r.Type), r.Null === 'YES'));
    } finally {
      await client.execute(`DROP TEMPORARY TABLE IF EXISTS ${name}`);
    }
  }

  async databaseNow(client: SqlClient, zone: string) {
    // The session zone is db.timezone (the dialect connects with it).
    const rows = await client.query<{ now: string }>(
      "SELECT DATE_FORMAT(NOW(6), '%Y-%m-%d %H:%i:%s.%f') AS now",
    );
    return parseWallText(String(rows[0]?.now), zone);
  }

  isMissingObject(error: unknown): boolean {
    const errno = (error as { errno?: number }).errno;
    // ER_NO_SUCH_TABLE, ER_BAD_FIELD_ERROR, ER_BAD_DB_ERROR
    return errno === 1146 || errno === 1054 || errno === 1049;
  }
}

export const mariadbDialect = new MariaDbDialect();

/** `decimal(10,2) unsigned` → its parts, for columns read from SHOW COLUMNS. */
function describeShownColumn(field: string, type: string, nullable: boolean): ColumnDescription {
  const declared = type.toLowerCase();
  const m = /^([a-z0-9 ]+?)(?:\((\d+)(?:,(\d+))?\))?(?:\s|$)/.exec(declared);
  const typeName = (m?.[1] ?? declared).trim();
  const first = m?.[2] === undefined ? undefined : Number(m[2]);
  const isText = /char|binary/.test(typeName);
  return {
    name: field,
    typeName,
    declaredType: declared,
    nullable,
    defaultValue: undefined,
    autoIncrement: false,
    precision: isText ? undefined : first,
    scale: m?.[3] === undefined ? (typeName === 'decimal' ? 0 : undefined) : Number(m[3]),
    length: isText ? first : undefined,
  };
}

/** MariaDB wants an offset ('+00:00') or 'Z'; db.timezone takes IANA names as Connect does. */
export function zoneOffset(timeZone: string): string {
  if (/^(UTC|GMT|Z|Etc\/UTC)$/i.test(timeZone)) return 'Z';
  if (/^[+-]\d{2}:\d{2}$/.test(timeZone)) return timeZone;
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(
    new Date(),
  );
  const offset = parts.find((p) => p.type === 'timeZoneName')?.value.replace('GMT', '') ?? '';
  return offset === '' ? 'Z' : offset;
}
