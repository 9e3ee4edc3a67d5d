import { parseJdbcUrl, redactUrl, type SqlClient, type TableId } from '@msa-sync/sql';
import type { Connector, ConnectorConfigMap, ConnectorContext } from '../../../api/connector.js';
import { getLogger } from '../../../logging/index.js';
import { parseSourceSettings, type SourceSettings } from './jdbc-source-config.js';
import { TASK_TABLES_CONFIG } from './jdbc-source-task.js';
import { type SourceDialect, sourceDialectFor } from './source-dialect.js';
import { groupTables, missingWhitelisted, selectTables, tableKey } from './table-selection.js';

export const JDBC_SOURCE_VERSION = '10.8.4';

const log = getLogger('io.confluent.connect.jdbc.JdbcSourceConnector');

/** Connects with the connector's settings (user, password, db.timezone). */
export function connectSource(settings: SourceSettings, dialect: SourceDialect): Promise<SqlClient> {
  return dialect.base.connect(parseJdbcUrl(settings.url), {
    user: settings.user,
    password: settings.password,
    timeZone: settings.timeZone,
  });
}

/** The tables the settings select, in the database's order. */
export async function discoverTables(
  client: SqlClient,
  settings: SourceSettings,
  dialect: SourceDialect,
): Promise<{ all: TableId[]; selected: TableId[] }> {
  const all = await dialect.base.listTables(client, settings.tableTypes);
  return { all, selected: selectTables(all, settings, dialect) };
}

/**
 * Confluent's JdbcSourceConnector: finds the tables to copy, spreads them over up to tasks.max
 * tasks, and looks for added or removed tables every table.poll.interval.ms, asking the worker to
 * reconfigure the tasks when the set changed. With a custom query there is one task.
 */
export class JdbcSourceConnector implements Connector {
  #config: ConnectorConfigMap = {};
  #settings: SourceSettings | undefined;
  #dialect: SourceDialect | undefined;
  #client: SqlClient | undefined;
  #tables: TableId[] = [];
  #timer: NodeJS.Timeout | undefined;
  #checking = false;
  #stopped = false;

  version(): string {
    return JDBC_SOURCE_VERSION;
  }

  async start(config: ConnectorConfigMap, context: ConnectorContext): Promise<void> {
    const settings = parseSourceSettings(config);
    const dialect = sourceDialectFor(parseJdbcUrl(settings.url).dialect);
    this.#config = config;
    this.#settings = settings;
    this.#dialect = dialect;
    if (settings.query !== '' || settings.mode === 'query') return;
    this.#client = await connectSource(settings, dialect);
    const { all, selected } = await discoverTables(this.#client, settings, dialect);
    this.#tables = selected;
    const missing = missingWhitelisted(all, settings, dialect);
    if (missing.length > 0) log.warn({ missing }, 'whitelisted tables not found in the database');
    log.info(
      { url: redactUrl(settings.url), tables: selected.map((t) => dialect.partitionTableName(t)) },
      'JDBC source connector started',
    );
    this.#timer = setInterval(() => void this.#checkTables(context), settings.tablePollIntervalMs);
    this.#timer.unref();
  }

  taskConfigs(maxTasks: number): ConnectorConfigMap[] {
    const settings = this.#settings as SourceSettings;
    if (settings.query !== '' || settings.mode === 'query') return [{ ...this.#config }];
    if (this.#tables.length === 0) {
      log.warn('no tables to copy (yet): no tasks until a table appears');
      return [];
    }
    return groupTables(this.#tables, maxTasks).map((group) => ({
      ...this.#config,
      [TASK_TABLES_CONFIG]: JSON.stringify(group),
    }));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.close().catch(() => {});
  }

  /** Confluent's TableMonitorThread: a changed table set reconfigures the tasks. */
  async #checkTables(context: ConnectorContext): Promise<void> {
    if (this.#checking || this.#stopped) return;
    this.#checking = true;
    const settings = this.#settings as SourceSettings;
    const dialect = this.#dialect as SourceDialect;
    try {
      this.#client ??= await connectSource(settings, dialect);
      const { selected } = await discoverTables(this.#client, settings, dialect);
      const before = this.#tables.map(tableKey).join('\n');
      if (selected.map(tableKey).join('\n') !== before && !this.#stopped) {
        log.info(
          { tables: selected.map((t) => dialect.partitionTableName(t)) },
          'the set of tables changed: reconfiguring tasks',
        );
        this.#tables = selected;
        context.requestTaskReconfiguration();
      }
    } catch (error) {
      log.warn(
        { err: dialect.base.classifyError(error).message },
        'could not list tables; trying again later',
      );
      const client = this.#client;
      this.#client = undefined;
      await client?.close().catch(() => {});
    } finally {
      this.#checking = false;
    }
  }
}
