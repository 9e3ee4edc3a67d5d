import { mariadbSinkDialect } from '../dialect/mariadb/mariadb-sink.js';
import { postgresSinkDialect } from '../dialect/postgres/postgres-sink.js';
import { sqliteSinkDialect } from '../dialect/sqlite/sqlite-sink.js';
import type { DialectName } from '../jdbc-url.js';
import type { SinkDialect } from './sink-dialect.js';

const sinkDialects: Record<DialectName, SinkDialect> = {
  mariadb: mariadbSinkDialect,
  postgres: postgresSinkDialect,
  sqlite: sqliteSinkDialect,
};

/** The sink side of the dialect a JDBC URL names. */
export function sinkDialectFor(name: DialectName): SinkDialect {
  return sinkDialects[name];
}
