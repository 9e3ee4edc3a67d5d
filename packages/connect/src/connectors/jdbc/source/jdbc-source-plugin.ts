import { type ColumnDescription, JdbcUrlError, parseJdbcUrl, redactUrl, type SqlClient } from '@msa-sync/sql';
import type { ConnectorConfigMap, ConnectorPlugin } from '../../../api/connector.js';
import { badRequest } from '../../../errors/connect-error.js';
import {
  jdbcSourceConfigDef,
  parseSourceSettings,
  type SourceSettings,
  usesIncrementing,
  usesTimestamp,
} from './jdbc-source-config.js';
import {
  connectSource,
  discoverTables,
  JDBC_SOURCE_VERSION,
  JdbcSourceConnector,
} from './jdbc-source-connector.js';
import { JdbcSourceTask } from './jdbc-source-task.js';
import { type SourceDialect, sourceDialectFor } from './source-dialect.js';
import { checkSourceOffsets } from './source-offsets.js';
import { missingWhitelisted } from './table-selection.js';

/** Tables whose columns validation checks; more would make validation slow on big schemas. */
const MAX_TABLES_CHECKED = 50;

type Problems = Map<string, string[]>;

function add(problems: Problems, key: string, message: string): void {
  problems.set(key, [...(problems.get(key) ?? []), message]);
}

/**
 * Checks beyond single keys, each answered on the key to fix: mode combinations, then the
 * database itself (reachable, tables exist, the mode's columns exist, are not nullable and can
 * order rows).
 */
async function validate(config: ConnectorConfigMap): Promise<Problems> {
  const problems: Problems = new Map();
  const keyErrors = jdbcSourceConfigDef.validateAll(config);
  const failed = new Set([...keyErrors.values()].filter((r) => r.errors.length > 0).map((r) => r.name));
  if (failed.has('connection.url') || failed.has('mode')) return problems;
  // Keys that failed their own checks are reported by the config definition; use defaults here.
  const usable: Record<string, string> = { ...config };
  for (const key of failed) delete usable[key];
  if (failed.has('topic.prefix')) usable['topic.prefix'] = 'validation';
  let settings: SourceSettings;
  try {
    settings = parseSourceSettings(usable);
  } catch {
    return problems;
  }
  let dialect: SourceDialect;
  try {
    dialect = sourceDialectFor(parseJdbcUrl(settings.url).dialect);
  } catch (error) {
    add(problems, 'connection.url', error instanceof JdbcUrlError ? error.message : String(error));
    return problems;
  }

  checkCombinations(settings, problems);

  let client: SqlClient;
  try {
    client = await connectSource(settings, dialect);
  } catch (error) {
    const who = settings.user ? ` as ${settings.user}` : '';
    add(
      problems,
      'connection.url',
      `Could not connect to the database at ${redactUrl(settings.url)}${who}: ${dialect.base.classifyError(error).message}`,
    );
    return problems;
  }
  try {
    if (settings.query !== '' || settings.mode === 'query') {
      if (settings.query !== '') await checkQuery(client, settings, dialect, problems);
      return problems;
    }
    const { all, selected } = await discoverTables(client, settings, dialect);
    const database = parseJdbcUrl(settings.url).database;
    for (const name of missingWhitelisted(all, settings, dialect)) {
      add(
        problems,
        'table.whitelist',
        `Table '${name}' in table.whitelist was not found in database ${database} (${settings.tableTypes.join('/')}: ${
          all.map((t) => dialect.partitionTableName(t)).join(', ') || 'none'
        })`,
      );
    }
    for (const table of selected.slice(0, MAX_TABLES_CHECKED)) {
      const described = await dialect.base.describeTable(client, table);
      if (described) checkColumns(dialect.partitionTableName(table), described.columns, settings, problems);
    }
  } catch (error) {
    add(
      problems,
      'connection.url',
      `Reading the database's tables failed: ${dialect.base.classifyError(error).message}`,
    );
  } finally {
    await client.close().catch(() => {});
  }
  return problems;
}

function checkCombinations(settings: SourceSettings, problems: Problems): void {
  const legacy = settings.whitelist.length > 0 || settings.blacklist.length > 0;
  const lists = settings.includeList.length > 0 || settings.excludeList.length > 0;
  if (settings.whitelist.length > 0 && settings.blacklist.length > 0) {
    const message =
      'table.whitelist and table.blacklist cannot both be set: list the tables to copy or the ones to skip';
    add(problems, 'table.whitelist', message);
    add(problems, 'table.blacklist', message);
  }
  if (legacy && lists) {
    add(
      problems,
      'table.include.list',
      'Use either table.whitelist/table.blacklist or table.include.list/table.exclude.list, not both',
    );
  }
  for (const key of ['table.include.list', 'table.exclude.list'] as const) {
    for (const pattern of key === 'table.include.list' ? settings.includeList : settings.excludeList) {
      try {
        new RegExp(pattern);
      } catch (error) {
        add(problems, key, `'${pattern}' is not a valid regular expression: ${(error as Error).message}`);
      }
    }
  }
  if (settings.query !== '' && (legacy || lists)) {
    add(
      problems,
      'query',
      'query cannot be combined with table.whitelist, table.blacklist, table.include.list or table.exclude.list: a query names its own tables',
    );
  }
  if (settings.mode === 'query' && settings.query === '') {
    add(problems, 'query', 'mode query needs a query to run');
  }
  if (usesTimestamp(settings.mode) && settings.timestampColumns.length === 0) {
    add(
      problems,
      'timestamp.column.name',
      `Mode ${settings.mode} needs timestamp.column.name: the column(s) holding each row's last change time`,
    );
  }
}

/** The mode's columns on one table (or the query's rows). */
function checkColumns(
  where: string,
  columns: readonly ColumnDescription[],
  settings: SourceSettings,
  problems: Problems,
): void {
  const names = columns.map((c) => c.name).join(', ');
  const find = (name: string) =>
    columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (usesIncrementing(settings.mode)) {
    const key = 'incrementing.column.name';
    const column =
      settings.incrementingColumn === ''
        ? columns.find((c) => c.autoIncrement)
        : find(settings.incrementingColumn);
    if (!column) {
      add(
        problems,
        key,
        settings.incrementingColumn === ''
          ? `${where} has no auto-increment column to use as the incrementing column; set incrementing.column.name (columns: ${names})`
          : `Incrementing column '${settings.incrementingColumn}' not found in ${where} (columns: ${names})`,
      );
    } else {
      const integral =
        /int|serial/.test(column.typeName) ||
        (/^(decimal|numeric)$/.test(column.typeName) &&
          (column.scale ?? 0) === 0 &&
          column.precision !== undefined);
      if (!integral) {
        add(
          problems,
          key,
          `Incrementing column '${column.name}' of ${where} has type ${column.declaredType}; it must be an integer type`,
        );
      } else if (settings.validateNonNull && column.nullable) {
        add(
          problems,
          key,
          `Cannot make incremental queries using incrementing column ${column.name} on ${where} because this column is nullable (or set validate.non.null=false)`,
        );
      }
    }
  }
  if (usesTimestamp(settings.mode) && settings.timestampColumns.length > 0) {
    const key = 'timestamp.column.name';
    const found = settings.timestampColumns.map((name) => ({ name, column: find(name) }));
    for (const { name, column } of found) {
      if (!column) add(problems, key, `Timestamp column '${name}' not found in ${where} (columns: ${names})`);
    }
    const present = found.flatMap((f) => (f.column ? [f.column] : []));
    if (settings.validateNonNull && present.length === found.length && present.every((c) => c.nullable)) {
      add(
        problems,
        key,
        `Cannot make incremental queries using timestamp columns [${settings.timestampColumns.join(', ')}] on ${where} because all of these columns are nullable (or set validate.non.null=false)`,
      );
    }
  }
}

async function checkQuery(
  client: SqlClient,
  settings: SourceSettings,
  dialect: SourceDialect,
  problems: Problems,
): Promise<void> {
  let columns: ColumnDescription[];
  try {
    columns = await dialect.describeQuery(client, settings.query);
  } catch (error) {
    add(problems, 'query', `The query cannot run: ${dialect.base.classifyError(error).message}`);
    return;
  }
  // A query's columns carry no NOT NULL: only their presence is checked.
  checkColumns('the query', columns, { ...settings, validateNonNull: false }, problems);
}

/**
 * The incremental modes keep an offset per table (the last id and/or timestamp sent): committed in
 * the transaction of the records, it says exactly which rows a restarted task has already sent, so
 * none is sent twice. `bulk` keeps no offset and copies the whole table at every poll: rows appear
 * again by design, and a restart mid-copy starts the copy over.
 */
function exactlyOnceSupport(config: ConnectorConfigMap): 'SUPPORTED' | 'UNSUPPORTED' {
  const mode = (config.mode ?? '').trim();
  return mode === 'incrementing' || mode === 'timestamp' || mode === 'timestamp+incrementing'
    ? 'SUPPORTED'
    : 'UNSUPPORTED';
}

export const jdbcSourcePlugin: ConnectorPlugin = {
  className: 'io.confluent.connect.jdbc.JdbcSourceConnector',
  taskClassName: 'io.confluent.connect.jdbc.source.JdbcSourceTask',
  aliases: ['JdbcSourceConnector', 'JdbcSource'],
  type: 'source',
  version: JDBC_SOURCE_VERSION,
  configDef: jdbcSourceConfigDef,
  validate,
  exactlyOnceSupport,
  alterOffsets: (config, offsets) => {
    try {
      checkSourceOffsets(config, offsets);
    } catch (error) {
      throw badRequest((error as Error).message);
    }
  },
  createConnector: () => new JdbcSourceConnector(),
  createTask: () => new JdbcSourceTask(),
};
