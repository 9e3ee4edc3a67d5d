import {
  type ColumnDescription,
  type DatabaseDialect,
  type DialectName,
  dialectFor,
  type PreciseInstant,
  type SourceColumnType,
  type SqlClient,
  type TableId,
} from '@msa-sync/sql';

export type { SourceColumnType, SourceTypeKind } from '@msa-sync/sql';

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

const sourceDialects = new Map<DialectName, SourceDialect>();

/** The source side of the dialect a JDBC URL names: its database's dialect, seen as the source needs it. */
export function sourceDialectFor(name: DialectName): SourceDialect {
  let dialect = sourceDialects.get(name);
  if (!dialect) {
    dialect = sourceView(dialectFor(name));
    sourceDialects.set(name, dialect);
  }
  return dialect;
}

function sourceView(db: DatabaseDialect): SourceDialect {
  return {
    base: db,
    cursorFractionDigits: db.cursorFractionDigits,
    columnType: (column) => db.sourceColumnType(column),
    comparableTimestamp: (expr) => db.comparableTimestamp(expr),
    timestampText: (expr) => db.timestampText(expr),
    partitionTableName: (id) => db.partitionTableName(id),
    describeQuery: (client, query) => db.describeQuery(client, query),
    databaseNow: (client, zone) => db.databaseNow(client, zone),
    isMissingObject: (error) => db.isMissingObject(error),
  };
}
