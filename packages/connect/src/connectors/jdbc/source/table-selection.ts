import type { TableId } from '@msa-sync/sql';
import type { SourceSettings } from './jdbc-source-config.js';
import type { SourceDialect } from './source-dialect.js';

/**
 * Which of the database's tables the connector copies: table.whitelist / table.blacklist name
 * tables exactly (the table name or its qualified name, as Confluent matches them);
 * table.include.list / table.exclude.list are regular expressions over the same two names.
 */
export function selectTables(
  tables: readonly TableId[],
  settings: SourceSettings,
  dialect: SourceDialect,
): TableId[] {
  const names = (id: TableId) => [id.table, dialect.partitionTableName(id)];
  const exact = (list: string[]) => (id: TableId) => names(id).some((n) => list.includes(n));
  const patterns = (list: string[]) => {
    const regexes = list.map((p) => new RegExp(`^(?:${p})$`));
    return (id: TableId) => names(id).some((n) => regexes.some((r) => r.test(n)));
  };
  let selected = [...tables];
  if (settings.whitelist.length > 0) selected = selected.filter(exact(settings.whitelist));
  if (settings.includeList.length > 0) selected = selected.filter(patterns(settings.includeList));
  if (settings.blacklist.length > 0) selected = selected.filter((id) => !exact(settings.blacklist)(id));
  if (settings.excludeList.length > 0)
    selected = selected.filter((id) => !patterns(settings.excludeList)(id));
  return selected;
}

/** Whitelisted names that match no table of the database. */
export function missingWhitelisted(
  tables: readonly TableId[],
  settings: SourceSettings,
  dialect: SourceDialect,
): string[] {
  return settings.whitelist.filter(
    (name) => !tables.some((id) => id.table === name || dialect.partitionTableName(id) === name),
  );
}

/**
 * Tables spread over at most `maxTasks` groups in contiguous runs, as Connect's
 * `ConnectorUtils.groupPartitions` does: the first groups get one more when it does not divide.
 */
export function groupTables<T>(tables: readonly T[], maxTasks: number): T[][] {
  const groups = Math.min(maxTasks, tables.length);
  const result: T[][] = [];
  const per = Math.floor(tables.length / groups);
  const extra = tables.length % groups;
  let at = 0;
  for (let g = 0; g < groups; g++) {
    const size = per + (g < extra ? 1 : 0);
    result.push(tables.slice(at, at + size));
    at += size;
  }
  return result;
}

/** A stable text key of a table, for comparing table sets. */
export function tableKey(id: TableId): string {
  return JSON.stringify([id.catalog ?? null, id.schema ?? null, id.table]);
}
