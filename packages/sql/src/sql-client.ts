/**
 * One database connection, the same for every driver: the JDBC connectors (and tests) talk to
 * MariaDB, PostgreSQL and SQLite through this alone. Placeholders are the dialect's own
 * (`?` or `$1`): build them with `DatabaseDialect.placeholder`.
 */
export type Row = Record<string, unknown>;

export interface SqlClient {
  /** Rows of a statement that returns rows. */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** A statement run for its effect; resolves with the rows it changed. */
  execute(sql: string, params?: readonly unknown[]): Promise<{ affectedRows: number }>;
  /** The same statement for many parameter rows, as fast as the driver allows (bulk protocol where there is one). */
  executeMany(sql: string, rows: readonly (readonly unknown[])[]): Promise<{ affectedRows: number }>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Whether a driver error is worth retrying (connection lost, deadlock, server going away). */
export interface SqlErrorInfo {
  retriable: boolean;
  /** SQLSTATE when the driver gives one. */
  sqlState: string | undefined;
  message: string;
}
