import { parseJdbcUrl, redactUrl, type SqlClient, type TableId } from '@msa-sync/sql';
import type { SourceTask, SourceTaskContext } from '../../../api/connector.js';
import type { SourceRecord } from '../../../api/records.js';
import { getLogger } from '../../../logging/index.js';
import { BulkQuerier } from './bulk-querier.js';
import { IncrementingQuerier } from './incrementing-querier.js';
import { parseSourceSettings, type SourceSettings } from './jdbc-source-config.js';
import { type SourceDialect, sourceDialectFor } from './source-dialect.js';
import { legacyTablePartition, QUERY_PARTITION, tablePartition } from './source-offsets.js';
import { JdbcSourceError, type QuerierOptions, type TableQuerier } from './table-querier.js';
import { TimestampIncrementingQuerier } from './timestamp-incrementing-querier.js';
import { TimestampQuerier } from './timestamp-querier.js';

/** The task config key holding the task's tables (JSON array of table ids), as Confluent's `tables`. */
export const TASK_TABLES_CONFIG = 'tables';

const log = getLogger('io.confluent.connect.jdbc.source.JdbcSourceTask');

/** The longest a poll() waits before it returns empty, so the worker can flush offsets and stop. */
const MAX_IDLE_MS = 500;

/**
 * Confluent's JdbcSourceTask: one querier per table (or one for the custom query), each scanned
 * every poll.interval.ms, the one waiting longest first. A lost connection is retried
 * (connection.attempts, connection.backoff.ms); any other SQL error, a dropped table or a value
 * that does not convert fails the task with the reason.
 */
export class JdbcSourceTask implements SourceTask {
  #settings: SourceSettings | undefined;
  #dialect: SourceDialect | undefined;
  #queriers: TableQuerier[] = [];
  #client: SqlClient | undefined;
  #current: TableQuerier | undefined;
  #stopped = false;

  start(config: Record<string, string>, context: SourceTaskContext): void {
    const settings = parseSourceSettings(config);
    const dialect = sourceDialectFor(parseJdbcUrl(settings.url).dialect);
    this.#settings = settings;
    this.#dialect = dialect;
    const taskLog = log.child({ connector: context.connector, task: context.taskId });
    const tables = JSON.parse(config[TASK_TABLES_CONFIG] ?? '[]') as TableId[];
    const usesQuery = settings.query !== '' || settings.mode === 'query';
    if (usesQuery === tables.length > 0) {
      throw new Error(
        'Invalid configuration: each JdbcSourceTask must have at least one table assigned to it or one query specified',
      );
    }
    const targets: (TableId | undefined)[] = usesQuery ? [undefined] : tables;
    const reader = context.offsetStorageReader;
    const positional = settings.mode !== 'bulk' && settings.mode !== 'query';
    this.#queriers = targets.map((table) => {
      const partition = table ? tablePartition(dialect.partitionTableName(table)) : { ...QUERY_PARTITION };
      const storedOffset = positional
        ? (reader.offset(partition) ?? (table ? reader.offset(legacyTablePartition(table.table)) : null))
        : null;
      return createQuerier({ dialect, settings, table, storedOffset, log: taskLog });
    });
    taskLog.info(
      { sources: this.#queriers.map((q) => q.description), mode: settings.mode },
      'JDBC source task started',
    );
  }

  async poll(signal: AbortSignal): Promise<SourceRecord[]> {
    const settings = this.#settings as SourceSettings;
    const idleUntil = Date.now() + MAX_IDLE_MS;
    while (!signal.aborted && !this.#stopped) {
      const querier = this.#next();
      if (!querier) return [];
      const wait = querier.querying ? 0 : querier.lastUpdate + settings.pollIntervalMs - Date.now();
      if (wait > 0) {
        const idle = Math.min(wait, idleUntil - Date.now());
        if (idle <= 0) return [];
        await sleep(idle, signal);
        continue;
      }
      this.#current = querier;
      try {
        const client = await this.#connection(signal);
        const records = await querier.nextBatch(client);
        if (records.length > 0) return records;
      } catch (error) {
        querier.reset();
        await this.#handle(error, querier, signal);
        return [];
      }
    }
    return [];
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#closeConnection();
  }

  /** The querier mid-scan, else the one whose last scan ended longest ago. */
  #next(): TableQuerier | undefined {
    if (this.#current?.querying) return this.#current;
    let best: TableQuerier | undefined;
    for (const q of this.#queriers) if (!best || q.lastUpdate < best.lastUpdate) best = q;
    return best;
  }

  async #connection(signal: AbortSignal): Promise<SqlClient> {
    if (this.#client) return this.#client;
    const settings = this.#settings as SourceSettings;
    const dialect = this.#dialect as SourceDialect;
    let lastError: unknown;
    for (let attempt = 1; attempt <= settings.connectionAttempts; attempt++) {
      try {
        this.#client = await dialect.base.connect(parseJdbcUrl(settings.url), {
          user: settings.user,
          password: settings.password,
          timeZone: settings.timeZone,
        });
        return this.#client;
      } catch (error) {
        lastError = error;
        log.warn(
          { url: redactUrl(settings.url), attempt, err: dialect.base.classifyError(error).message },
          'could not connect to the database',
        );
        if (attempt < settings.connectionAttempts) await sleep(settings.connectionBackoffMs, signal);
        if (signal.aborted) break;
      }
    }
    throw new JdbcSourceError(
      `Could not connect to ${redactUrl(settings.url)} after ${settings.connectionAttempts} attempt(s): ${
        dialect.base.classifyError(lastError).message
      }`,
      { cause: lastError },
    );
  }

  async #closeConnection(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.close().catch(() => {});
  }

  /** Retriable errors wait and try again; anything else fails the task with a clear reason. */
  async #handle(error: unknown, querier: TableQuerier, signal: AbortSignal): Promise<void> {
    const dialect = this.#dialect as SourceDialect;
    if (error instanceof JdbcSourceError) throw error;
    const info = dialect.base.classifyError(error);
    if (dialect.isMissingObject(error)) {
      throw new JdbcSourceError(
        `Reading ${querier.description} failed because the table or a column is gone (dropped while the connector was running?): ${info.message}`,
        { cause: error },
      );
    }
    if (info.retriable) {
      log.warn({ source: querier.description, err: info.message }, 'query failed; reconnecting');
      await this.#closeConnection();
      await sleep(Math.min((this.#settings as SourceSettings).connectionBackoffMs, 5000), signal);
      return;
    }
    if (info.sqlState !== undefined || (error as { errno?: unknown }).errno !== undefined) {
      throw new Error(`Query on ${querier.description} failed: ${info.message}`, { cause: error });
    }
    throw error;
  }
}

export function createQuerier(options: QuerierOptions): TableQuerier {
  switch (options.settings.mode) {
    case 'bulk':
    case 'query':
      return new BulkQuerier(options);
    case 'incrementing':
      return new IncrementingQuerier(options);
    case 'timestamp':
      return new TimestampQuerier(options);
    case 'timestamp+incrementing':
      return new TimestampIncrementingQuerier(options);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
