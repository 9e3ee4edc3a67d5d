import type { DialectName, JdbcUrl } from './jdbc-url.js';
import { redactUrl } from './jdbc-url.js';
import type { SqlClient, SqlErrorInfo } from './sql-client.js';
import type { PreciseInstant } from './zoned-time.js';

/** A table as databases name them: MariaDB's database is the catalog, PostgreSQL has schemas. */
export interface TableId {
  catalog?: string | undefined;
  schema?: string | undefined;
  table: string;
}

export interface ColumnDescription {
  name: string;
  /** The database's own type name, lower case (`int`, `varchar`, `timestamp with time zone`, `numeric`). */
  typeName: string;
  /** Full declared type where the database gives one (`varchar(20)`, `decimal(10,2)`, `int(11) unsigned`). */
  declaredType: string;
  nullable: boolean;
  /** Default as the database reports it (an expression text), or undefined. */
  defaultValue: string | undefined;
  autoIncrement: boolean;
  precision: number | undefined;
  scale: number | undefined;
  /** Character length for string types. */
  length: number | undefined;
}

export interface TableDescription {
  id: TableId;
  type: 'TABLE' | 'VIEW';
  columns: ColumnDescription[];
  primaryKey: string[];
  /** Unique keys other than the primary key, each as its column list. */
  uniqueKeys: string[][];
}

export interface ConnectOptions {
  user?: string | undefined;
  password?: string | undefined;
  /** Zone for values of zone-less datetime columns (db.timezone), e.g. 'UTC'. */
  timeZone?: string | undefined;
}

/**
 * What a column holds, in the terms Confluent's connector maps from JDBC types. Each dialect sorts
 * its own type names into these; the source connector turns them into Connect schemas and values.
 */
export type SourceTypeKind =
  | 'boolean'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float32'
  | 'float64'
  /** DECIMAL/NUMERIC with a known precision and scale: numeric.mapping applies. */
  | 'decimal'
  /** NUMERIC without precision (PostgreSQL `numeric`): no fixed scale fits every value. */
  | 'unbounded-decimal'
  | 'string'
  | 'bytes'
  | 'date'
  | 'time'
  /** A timestamp whose driver value is already the right instant. */
  | 'timestamp'
  /** A zone-less timestamp the driver read as UTC wall time: moved into db.timezone. */
  | 'timestamp-utc-wall'
  /**
   * A timestamp the driver built as a wall time of the worker process's own zone (MariaDB's
   * driver: `new Date(y, m, d, …)`): its local clock fields are the database's, in db.timezone.
   */
  | 'timestamp-local-wall';

export interface SourceColumnType {
  kind: SourceTypeKind;
  precision?: number | undefined;
  scale?: number | undefined;
}

/**
 * A column the sink creates or adds, in the terms of Connect's schema types (`int32`, `string`…)
 * and logical names (`decimal`, `date`, `time`, `timestamp`), without depending on Connect.
 */
export interface SinkColumnSpec {
  name: string;
  /** Connect's schema type: int8, int16, int32, int64, float32, float64, boolean, string, bytes. */
  type: string;
  /** Connect's logical type name, when the schema has one. */
  logical?: string | undefined;
  /** Digits after the point of a decimal. */
  scale?: number | undefined;
  isPrimaryKey: boolean;
}

/**
 * What values an existing column takes, for records that carry no schema (the sink's schemaless
 * shaping): the dialect sorts its type names into these families.
 */
export type ColumnValueType =
  /** `flag`: MariaDB's BOOLEAN is TINYINT(1), where "true"/"false" text is a flag. */
  | { kind: 'integer'; min: bigint; max: bigint; flag: boolean }
  | { kind: 'float' }
  | { kind: 'decimal' }
  | { kind: 'boolean' }
  | { kind: 'json' }
  | { kind: 'bytes' }
  | { kind: 'timestamp'; zoned: boolean }
  | { kind: 'date' }
  /** `maxLength`: the longest text the column keeps, where the database enforces one. */
  | { kind: 'string'; maxLength: number | undefined };

/** Bits of the integer types, signed ranges from these; `unsigned` columns start at 0. */
const INTEGER_BITS: Record<string, bigint> = {
  tinyint: 8n,
  smallint: 16n,
  mediumint: 24n,
  int: 32n,
  integer: 32n,
  bigint: 64n,
};
const FLOAT_TYPES = new Set(['float', 'real', 'double', 'double precision']);
const DECIMAL_TYPES = new Set(['decimal', 'numeric']);
const BOOLEAN_TYPES = new Set(['boolean', 'bool']);
const JSON_TYPES = new Set(['json', 'jsonb']);
const BOUNDED_STRING_TYPES = new Set(['varchar', 'char', 'character varying', 'character']);
const BYTES_TYPES = new Set(['binary', 'varbinary', 'blob', 'tinyblob', 'mediumblob', 'longblob', 'bytea']);
const ZONELESS_TIMESTAMP_TYPES = new Set(['datetime', 'timestamp', 'timestamp without time zone']);

/**
 * Everything that differs between databases, in the shape of Confluent's
 * `GenericDatabaseDialect`: this base holds the standard SQL and each database
 * (`<db>/<db>-dialect.ts`) overrides only what it does differently. Connection set-up and the
 * catalogue, DDL and DML statements, type names for the sink, the source and the services,
 * transactions (through {@link SqlClient}) and error classification by error code or SQL state.
 * Every identifier goes through {@link quoteIdentifier}; values only ever travel as parameters
 * (DDL defaults, which cannot be parameters, are literals built by the `*Literal` methods).
 */
export abstract class DatabaseDialect {
  abstract readonly name: DialectName;
  /** The database's name in messages. */
  abstract readonly displayName: string;
  /** Confluent's dialect classes this one stands for, as the sink's `dialect.name` takes them. */
  abstract readonly confluentClassNames: readonly string[];

  // --- connection and catalogue ---------------------------------------------------------------

  abstract connect(url: JdbcUrl, options: ConnectOptions): Promise<SqlClient>;
  /** Tables (and views when asked) of the URL's database, sorted by name. */
  abstract listTables(client: SqlClient, types: readonly ('TABLE' | 'VIEW')[]): Promise<TableId[]>;
  /** Columns and keys, or undefined when there is no such table. */
  abstract describeTable(client: SqlClient, id: TableId): Promise<TableDescription | undefined>;
  /** The database's clock, so time windows never depend on the worker's clock. */
  abstract currentTimestamp(client: SqlClient): Promise<Date>;
  /** Sorts a driver error into retriable or not. */
  abstract classifyError(error: unknown): SqlErrorInfo;
  /** How this database names a table given as `name` (case folding, default schema). */
  abstract parseTableId(name: string, url: JdbcUrl): TableId;

  /** Quotes an identifier so that no name, however hostile, can end the quoted word. */
  quoteIdentifier(name: string): string {
    return quoteWith('"', name);
  }

  /** A table reference, quoted part by part. */
  tableRef(id: TableId): string {
    return [id.schema, id.table]
      .filter((p): p is string => p !== undefined && p !== '')
      .map((p) => this.quoteIdentifier(p))
      .join('.');
  }

  /** The n-th (1-based) parameter placeholder. */
  placeholder(_index: number): string {
    return '?';
  }

  /**
   * The database lives in a file the driver opens (and creates): there is no server to wait for,
   * no database to create, and no other process holding locks for a frozen one.
   */
  readonly embedded: boolean = false;

  /**
   * Why a connection to `url` cannot be opened, or undefined when it can; checked without leaving
   * anything behind (a validation must not create databases or files).
   */
  async connectionProblem(url: JdbcUrl, options: ConnectOptions): Promise<string | undefined> {
    try {
      const client = await this.connect(url, options);
      await client.close();
      return undefined;
    } catch (error) {
      return `Cannot connect to ${redactUrl(url.url)}: ${this.classifyError(error).message}`;
    }
  }

  /** The statement broke a unique or primary key (SQL state 23505, unique_violation). */
  isUniqueViolation(error: unknown): boolean {
    return this.classifyError(error).sqlState === '23505';
  }

  /** The error says the URL's database does not exist (the server does). */
  isUnknownDatabase(_error: unknown): boolean {
    return false;
  }

  /** Creates the URL's database on its server when it is missing (another process may race us). */
  async createDatabase(_url: JdbcUrl, _options: ConnectOptions): Promise<void> {}

  /**
   * The statement that ends a transaction left idle for `seconds`, so a frozen (zombie) task does
   * not hold its row locks for ever; undefined where no other process can be blocked.
   */
  idleTransactionTimeoutSql(_seconds: number): string | undefined {
    return undefined;
  }

  /** What a SELECT ends with to lock the rows it reads until the transaction ends. */
  get lockRowsClause(): string {
    return ' FOR UPDATE';
  }

  // --- services' vocabulary --------------------------------------------------------------------

  varcharType(length: number): string {
    return `VARCHAR(${length})`;
  }

  get intType(): string {
    return 'INTEGER';
  }

  /** A millisecond timestamp column type. */
  abstract get timestampType(): string;

  /** `DEFAULT <now>` for a {@link timestampType} column. */
  abstract get nowDefault(): string;

  /** What follows the closing parenthesis of a CREATE TABLE (engine, character set). */
  get tableOptions(): string {
    return '';
  }

  // --- sink: type names, DDL, DML --------------------------------------------------------------

  /** Most bind parameters one statement may carry. */
  abstract readonly maxParameters: number;
  /**
   * The driver binds many parameter rows to one single-row statement in one round trip (MariaDB's
   * bulk protocol); inserts then use that instead of a multi-row statement.
   */
  readonly bulkParameters: boolean = false;
  /**
   * Timestamps are bound with db.timezone's offset (`…+09:00`) rather than as zone-less clock
   * text: PostgreSQL, where a `timestamptz` column then stores the right instant.
   */
  readonly bindsTimestampOffset: boolean = false;
  /** An existing column's type can be changed (auto.evolve widening); not where types are affinities. */
  readonly widensColumns: boolean = true;

  /** The column type for a field when the sink creates or extends a table. */
  abstract sinkColumnType(column: SinkColumnSpec): string;

  /** The table a `table.name.format` result names: `parts` are the dot-separated pieces of the format. */
  abstract tableId(parts: readonly string[], database: string): TableId;

  /**
   * INSERT of `columns` (row after row of parameters) that updates the columns other than `keys`
   * when a row with the same key exists.
   */
  abstract upsert(table: TableId, columns: readonly string[], keys: readonly string[], rows: number): string;

  /** A name as the database stores an unquoted identifier (quote.sql.identifiers=never). */
  foldIdentifier(name: string): string {
    return name;
  }

  /** Whether a table column is the column for this field (databases differ in case sensitivity). */
  sameColumn(columnName: string, fieldName: string): boolean {
    return columnName === fieldName;
  }

  /** `(?,?,?)` for `width` values starting at parameter `first` (1-based). */
  protected tuple(first: number, width: number): string {
    let out = '(';
    for (let i = 0; i < width; i++) out += (i === 0 ? '' : ',') + this.placeholder(first + i);
    return `${out})`;
  }

  protected valuesList(rows: number, width: number): string {
    const parts: string[] = new Array(rows);
    for (let r = 0; r < rows; r++) parts[r] = this.tuple(r * width + 1, width);
    return parts.join(',');
  }

  columnList(names: readonly string[]): string {
    return names.map((n) => this.quoteIdentifier(n)).join(',');
  }

  /** CREATE TABLE of column definitions (`col TYPE NOT NULL DEFAULT x`) and a primary key. */
  createTable(table: TableId, definitions: readonly string[], keys: readonly string[]): string {
    const lines = [...definitions];
    if (keys.length > 0) lines.push(`PRIMARY KEY(${this.columnList(keys)})`);
    return `CREATE TABLE IF NOT EXISTS ${this.tableRef(table)} (\n${lines.map((l) => `  ${l}`).join(',\n')}\n)`;
  }

  /** The statements that add these column definitions (one ALTER TABLE where the database allows). */
  addColumns(table: TableId, definitions: readonly string[]): string[] {
    if (definitions.length === 0) return [];
    return [`ALTER TABLE ${this.tableRef(table)} ${definitions.map((d) => `ADD COLUMN ${d}`).join(', ')}`];
  }

  /**
   * The DDL that changes a column's type and keeps the rest of its definition, or undefined where
   * types cannot change. The standard form changes the type alone.
   */
  async widenColumnSql(
    _client: SqlClient,
    id: TableId,
    column: ColumnDescription,
    sqlType: string,
  ): Promise<string | undefined> {
    return `ALTER TABLE ${this.tableRef(id)} ALTER COLUMN ${this.quoteIdentifier(column.name)} TYPE ${sqlType}`;
  }

  /**
   * The statement failed because of the rows it wrote, not the database: a constraint (23xxx), a
   * value too long or of the wrong type (22xxx). Such a batch is split to find the bad records;
   * any other error is retried or fails the task.
   */
  isDataError(error: unknown): boolean {
    const state = this.classifyError(error).sqlState ?? '';
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
    const values = columns.map((_, i) => this.placeholder(i + 1)).join(',');
    const where = keys
      .map((k, i) => `${this.quoteIdentifier(k)}=${this.placeholder(columns.length + i + 1)}`)
      .join(' AND ');
    return `INSERT INTO ${this.tableRef(table)}(${this.columnList(columns)}) SELECT ${values} FROM (SELECT 1 AS one) AS single WHERE NOT EXISTS (SELECT 1 FROM ${this.tableRef(table)} WHERE ${where})`;
  }

  insert(table: TableId, columns: readonly string[], rows: number): string {
    return `INSERT INTO ${this.tableRef(table)}(${this.columnList(columns)}) VALUES ${this.valuesList(rows, columns.length)}`;
  }

  /** One row's UPDATE; parameters are the non-key values, then the key values. */
  update(table: TableId, keys: readonly string[], nonKeys: readonly string[]): string {
    const set = nonKeys.map((n, i) => `${this.quoteIdentifier(n)}=${this.placeholder(i + 1)}`).join(',');
    const where = keys
      .map((k, i) => `${this.quoteIdentifier(k)}=${this.placeholder(nonKeys.length + i + 1)}`)
      .join(' AND ');
    return `UPDATE ${this.tableRef(table)} SET ${set} WHERE ${where}`;
  }

  /** Deletes `rows` rows by key; parameters are the key values row after row. */
  deleteRows(table: TableId, keys: readonly string[], rows: number): string {
    const target = keys.length === 1 ? this.quoteIdentifier(keys[0] as string) : `(${this.columnList(keys)})`;
    const list =
      keys.length === 1
        ? Array.from({ length: rows }, (_, r) => this.placeholder(r + 1)).join(',')
        : this.valuesList(rows, keys.length);
    return `DELETE FROM ${this.tableRef(table)} WHERE ${target} IN (${list})`;
  }

  /** Standard SQL: quotes doubled. */
  stringLiteral(text: string): string {
    if (text.includes('\u0000')) throw new Error('A default value cannot contain a NUL character');
    return `'${text.replaceAll("'", "''")}'`;
  }

  booleanLiteral(value: boolean): string {
    return value ? 'TRUE' : 'FALSE';
  }

  bytesLiteral(bytes: Buffer): string {
    return `X'${bytes.toString('hex')}'`;
  }

  /** What values an existing column takes from a record without a schema. */
  columnValueType(column: ColumnDescription): ColumnValueType {
    const type = column.typeName;
    const bits = INTEGER_BITS[type];
    if (bits !== undefined) {
      const unsigned = column.declaredType.includes('unsigned');
      return {
        kind: 'integer',
        min: unsigned ? 0n : -(2n ** (bits - 1n)),
        max: unsigned ? 2n ** bits - 1n : 2n ** (bits - 1n) - 1n,
        flag: column.declaredType.startsWith('tinyint(1)'),
      };
    }
    if (FLOAT_TYPES.has(type)) return { kind: 'float' };
    if (DECIMAL_TYPES.has(type)) return { kind: 'decimal' };
    if (BOOLEAN_TYPES.has(type)) return { kind: 'boolean' };
    if (JSON_TYPES.has(type)) return { kind: 'json' };
    if (BYTES_TYPES.has(type)) return { kind: 'bytes' };
    if (ZONELESS_TIMESTAMP_TYPES.has(type)) return { kind: 'timestamp', zoned: false };
    if (type === 'timestamp with time zone') return { kind: 'timestamp', zoned: true };
    if (type === 'date') return { kind: 'date' };
    return { kind: 'string', maxLength: BOUNDED_STRING_TYPES.has(type) ? column.length : undefined };
  }

  // --- source ----------------------------------------------------------------------------------

  /** Digits of second fractions kept in the timestamp cursor text. */
  readonly cursorFractionDigits: number = 6;

  /** The column's type for the source, or undefined when Connect has no mapping (the column is left out). */
  abstract sourceColumnType(column: ColumnDescription): SourceColumnType | undefined;

  /** SQL that compares and orders timestamps of `expr`; compared against cursor text parameters. */
  comparableTimestamp(expr: string): string {
    return expr;
  }

  /** SQL reading `expr` as `YYYY-MM-DD HH:MM:SS.ffffff` text in the session zone, for the cursor. */
  abstract timestampText(expr: string): string;

  /** The table name in the offset partition, as Confluent writes it (`db.table`, `schema.table`, `table`). */
  partitionTableName(id: TableId): string {
    return [id.schema, id.table].filter((p) => p !== undefined && p !== '').join('.');
  }

  /** Columns of the rows a custom query returns, in order. */
  abstract describeQuery(client: SqlClient, query: string): Promise<ColumnDescription[]>;

  /** The database clock (minus nothing), read at full precision as wall time in `zone`. */
  abstract databaseNow(client: SqlClient, zone: string): Promise<PreciseInstant>;

  /** Whether an error says the table (or a column) no longer exists, as after a DROP. */
  abstract isMissingObject(error: unknown): boolean;
}

export function numberOrUndefined(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
/** Doubles the quote character inside a name: the one safe way to quote any identifier. */
export function quoteWith(quote: string, name: string): string {
  if (name.includes('\u0000')) throw new Error('An identifier cannot contain a NUL character');
  return `${quote}${name.split(quote).join(quote + quote)}${quote}`;
}
