import type { ColumnDescription, DatabaseDialect, SqlClient, TableId } from '../dialect/index.js';
import { mariadbSourceDialect } from '../dialect/mariadb/mariadb-source.js';
import { postgresSourceDialect } from '../dialect/postgres/postgres-source.js';
import { sqliteSourceDialect } from '../dialect/sqlite/sqlite-source.js';
import type { DialectName } from '../jdbc-url.js';
import type { PreciseInstant } from '../zoned-time.js';

/**
 * What a column holds, in the terms Confluent's connector maps from JDBC types. Each dialect sorts
 * its own type names into these; `column-types.ts` turns them into Connect schemas and values.
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
 * The source connector's per-database knowledge, on top of the shared {@link DatabaseDialect}:
 * type names, how timestamps are compared and read at full precision, how tables are named in
 * offsets, and how a custom query's columns are found.
 */
export interface SourceDialect {
  readonly base: DatabaseDialect;
  /** Digits of second fractions kept in the timestamp cursor text. */
  readonly cursorFractionDigits: number;
  /** The column's type for the source, or undefined when Connect has no mapping (the column is left out). */
  columnType(column: ColumnDescription): SourceColumnType | undefined;
  /** SQL that compares and orders timestamps of `expr`; compared against cursor text parameters. */
  comparableTimestamp(expr: string): string;
  /** SQL reading `expr` as `YYYY-MM-DD HH:MM:SS.ffffff` text in the session zone, for the cursor. */
  timestampText(expr: string): string;
  /** The table name in the offset partition, as Confluent writes it (`db.table`, `schema.table`, `table`). */
  partitionTableName(id: TableId): string;
  /** Columns of the rows a custom query returns, in order. */
  describeQuery(client: SqlClient, query: string): Promise<ColumnDescription[]>;
  /** The database clock (minus nothing), read at full precision as wall time in `zone`. */
  databaseNow(client: SqlClient, zone: string): Promise<PreciseInstant>;
  /** Whether an error says the table (or a column) no longer exists, as after a DROP. */
  isMissingObject(error: unknown): boolean;
}

const sourceDialects: Record<DialectName, SourceDialect> = {
  mariadb: mariadbSourceDialect,
  postgres: postgresSourceDialect,
  sqlite: sqliteSourceDialect,
};

/** The source side of the dialect a JDBC URL names. */
export function sourceDialectFor(name: DialectName): SourceDialect {
  return sourceDialects[name];
}
