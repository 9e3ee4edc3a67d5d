import type { TableId } from '@msa-sync/sql';
import { type JdbcSinkConfig, TOPIC_PLACEHOLDER } from './jdbc-sink-config.js';
import type { SinkDialect } from './sink-dialect.js';

/**
 * The destination table of a topic: `topics.to.tables.mapping` when it names the topic, else
 * `table.name.format`. Dots written in the mapping or the format separate schema (or database) and
 * table; a dot inside the topic name never does, so `a.b.c` is one table named `a.b.c`. With
 * quote.sql.identifiers=never the parts are folded as the database folds unquoted names.
 */
export function tableIdFor(
  config: Pick<JdbcSinkConfig, 'tableNameFormat' | 'topicTables' | 'quoteIdentifiers' | 'url'>,
  dialect: SinkDialect,
  topic: string,
): TableId {
  const fold = (s: string) => (config.quoteIdentifiers ? s : dialect.foldIdentifier(s));
  const mapped = config.topicTables.get(topic);
  const parts = (mapped ?? config.tableNameFormat)
    .split('.')
    .map((p) => fold(mapped === undefined ? p.replaceAll(TOPIC_PLACEHOLDER, topic) : p));
  return dialect.tableId(parts, config.url.database);
}
