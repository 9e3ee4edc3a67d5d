import type { DialectName, JdbcUrl } from '../jdbc-url.js';
import type { SqlClient, SqlErrorInfo } from './sql-client.js';

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
 * What differs between databases at the connection and catalogue level. Sink and source
 * behaviour (type mapping, statements, queries) build on this in their own modules.
 */
export interface DatabaseDialect {
  readonly name: DialectName;
  /** Quotes an identifier so that no name, however hostile, can end the quoted word. */
  quoteIdentifier(name: string): string;
  /** A table reference, quoted part by part. */
  tableRef(id: TableId): string;
  /** The n-th (1-based) parameter placeholder. */
  placeholder(index: number): string;
  connect(url: JdbcUrl, options: ConnectOptions): Promise<SqlClient>;
  /** Tables (and views when asked) of the URL's database, sorted by name. */
  listTables(client: SqlClient, types: readonly ('TABLE' | 'VIEW')[]): Promise<TableId[]>;
  /** Columns and keys, or undefined when there is no such table. */
  describeTable(client: SqlClient, id: TableId): Promise<TableDescription | undefined>;
  /** The database's clock, so time windows never depend on the worker's clock. */
  currentTimestamp(client: SqlClient): Promise<Date>;
  /** Sorts a driver error into retriable or not. */
  classifyError(error: unknown): SqlErrorInfo;
  /** How this database names a table given as `name` (case folding, default schema). */
  parseTableId(name: string, url: JdbcUrl): TableId;
}

/** Doubles the quote character inside a name: the one safe way to quote any identifier. */
export function quoteWith(quote: string, name: string): string {
  if (name.includes('\u0000')) throw new Error('An identifier cannot contain a NUL character');
  return `${quote}${name.split(quote).join(quote + quote)}${quote}`;
}
