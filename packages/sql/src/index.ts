import type { DatabaseDialect } from './database-dialect.js';
import type { DialectName } from './jdbc-url.js';
import { mariadbDialect } from './mariadb/mariadb-dialect.js';
import { postgresDialect } from './postgres/postgres-dialect.js';
import { sqliteDialect } from './sqlite/sqlite-dialect.js';

export { isConnectionLost, isDatabaseUnavailable } from './connection-lost.js';
export * from './database-dialect.js';
export * from './jdbc-url.js';
export { MariaDbDialect } from './mariadb/mariadb-dialect.js';
export { PostgresDialect } from './postgres/postgres-dialect.js';
export * from './sql-client.js';
export { MASKED_VALUE, maskSqlError } from './sql-error-masking.js';
export { SqliteDialect } from './sqlite/sqlite-dialect.js';
export * from './zoned-time.js';

const dialects: Record<DialectName, DatabaseDialect> = {
  mariadb: mariadbDialect,
  postgres: postgresDialect,
  sqlite: sqliteDialect,
};

/** The dialect a JDBC URL names (chosen by `parseJdbcUrl`). */
export function dialectFor(name: DialectName): DatabaseDialect {
  return dialects[name];
}

/** Confluent's dialect class names (`MySqlDatabaseDialect`…) that some dialect here stands for. */
export const confluentDialectClassNames: readonly string[] = Object.values(dialects).flatMap(
  (d) => d.confluentClassNames,
);

/** The dialect standing for one of Confluent's dialect classes, or undefined. */
export function dialectForClass(className: string): DatabaseDialect | undefined {
  return Object.values(dialects).find((d) => d.confluentClassNames.includes(className));
}
