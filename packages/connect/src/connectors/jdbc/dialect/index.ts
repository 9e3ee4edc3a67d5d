import type { DialectName } from '../jdbc-url.js';
import type { DatabaseDialect } from './database-dialect.js';
import { mariadbDialect } from './mariadb/mariadb-dialect.js';
import { postgresDialect } from './postgres/postgres-dialect.js';
import { sqliteDialect } from './sqlite/sqlite-dialect.js';

export * from './database-dialect.js';
export * from './sql-client.js';
export { MASKED_VALUE, maskSqlError } from './sql-error-masking.js';

const dialects: Record<DialectName, DatabaseDialect> = {
  mariadb: mariadbDialect,
  postgres: postgresDialect,
  sqlite: sqliteDialect,
};

/** The dialect a JDBC URL names (chosen by `parseJdbcUrl`). */
export function dialectFor(name: DialectName): DatabaseDialect {
  return dialects[name];
}
