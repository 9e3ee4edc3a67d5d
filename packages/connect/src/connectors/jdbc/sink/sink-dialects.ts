import { type DialectName, dialectFor } from '@msa-sync/sql';
import { SinkDialect } from './sink-dialect.js';

const sinkDialects = new Map<DialectName, SinkDialect>();

/** The sink side of the dialect a JDBC URL names (one per database, shared like the dialects). */
export function sinkDialectFor(name: DialectName): SinkDialect {
  let dialect = sinkDialects.get(name);
  if (!dialect) {
    dialect = new SinkDialect(dialectFor(name));
    sinkDialects.set(name, dialect);
  }
  return dialect;
}
