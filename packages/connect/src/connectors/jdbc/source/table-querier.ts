import type { ColumnDescription, Row, SqlClient, TableId } from '@msa-sync/sql';
import type { Logger } from 'pino';
import type { SourceRecord } from '../../../api/records.js';
import type { SourceSettings } from './jdbc-source-config.js';
import { RowMapper, signatureOf } from './row-mapper.js';
import type { SourceDialect } from './source-dialect.js';
import { QUERY_PARTITION, tablePartition } from './source-offsets.js';
import { customQuerySource, type QueryShape, type Statement } from './source-queries.js';

export interface QuerierOptions {
  dialect: SourceDialect;
  settings: SourceSettings;
  /** The table read, or undefined for the custom `query`. */
  table: TableId | undefined;
  /** The offset stored for this querier's partition, if any. */
  storedOffset: Record<string, unknown> | null;
  log: Logger;
}

/**
 * A failure of the source that retrying will not mend: the table or a column the mode needs is
 * gone, a value cannot be a position, or the database stayed unreachable. The task fails with it.
 */
export class JdbcSourceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JdbcSourceError';
  }
}

/**
 * One table (or the custom query) read in one mode. A scan starts each poll.interval.ms: it
 * re-reads the table's columns (a changed table changes the schema), fixes the scan's bounds, then
 * returns a page of at most batch.max.rows records per call until the scan is done.
 */
export abstract class TableQuerier {
  readonly topic: string;
  readonly partition: Record<string, string>;
  /** For logs and errors: `table mydb.users1` or `the query`. */
  readonly description: string;
  /** When the last scan ended (ms); the next starts poll.interval.ms later. */
  lastUpdate = 0;
  /** A scan is in progress: the querier is due again at once. */
  querying = false;

  protected readonly dialect: SourceDialect;
  protected readonly settings: SourceSettings;
  protected readonly table: TableId | undefined;
  protected readonly log: Logger;
  protected mapper: RowMapper | undefined;
  protected tableColumns: readonly ColumnDescription[] = [];
  protected primaryKey: readonly string[] = [];
  /** The timestamp columns as the table spells them. */
  protected timestampColumns: readonly string[] = [];
  #queryColumns: readonly ColumnDescription[] | undefined;
  #prefetched: Promise<{ records: SourceRecord[]; done: boolean }> | undefined;

  constructor(options: QuerierOptions) {
    this.dialect = options.dialect;
    this.settings = options.settings;
    this.table = options.table;
    this.log = options.log;
    if (options.table) {
      const name = options.dialect.partitionTableName(options.table);
      this.topic = options.settings.topicPrefix + options.table.table;
      this.partition = tablePartition(name);
      this.description = `table ${name}`;
    } else {
      this.topic = options.settings.topicPrefix;
      this.partition = { ...QUERY_PARTITION };
      this.description = 'the query';
    }
  }

  /** The next page of records; ends the scan when the page is the last one. */
  async nextBatch(client: SqlClient): Promise<SourceRecord[]> {
    let result: { records: SourceRecord[]; done: boolean };
    const prefetched = this.#prefetched;
    this.#prefetched = undefined;
    if (prefetched) {
      result = await prefetched;
    } else {
      if (!this.querying) {
        await this.#describe(client);
        await this.beginScan(client);
        this.querying = true;
      }
      result = await this.page(client);
    }
    if (result.done) {
      this.querying = false;
      this.lastUpdate = Date.now();
      this.endScan();
    } else {
      // Read the next page while the worker sends this one. Its records are built from the
      // position this page left, so the order is the same as reading it later; after an error
      // or a stop the read is dropped, and a restart starts again from the stored offsets.
      const next = this.page(client);
      next.catch(() => {});
      this.#prefetched = next;
    }
    return result.records;
  }

  /** Abandons a scan after an error: the next call starts over from the last position. */
  reset(): void {
    this.#prefetched = undefined;
    this.querying = false;
    this.lastUpdate = Date.now();
  }

  protected abstract beginScan(client: SqlClient): Promise<void>;
  protected abstract page(client: SqlClient): Promise<{ records: SourceRecord[]; done: boolean }>;
  protected endScan(): void {}

  protected get shape(): QueryShape {
    return {
      dialect: this.dialect,
      from: this.table ? this.dialect.base.tableRef(this.table) : customQuerySource(this.settings.query),
      columns: (this.mapper as RowMapper).columns,
      timestampColumns: this.timestampColumns,
    };
  }

  protected async run(client: SqlClient, statement: Statement): Promise<Row[]> {
    return client.query(statement.sql, statement.params);
  }

  protected record(row: Row, offset: Record<string, unknown> | null): SourceRecord {
    const mapper = this.mapper as RowMapper;
    return {
      sourcePartition: this.partition,
      // Bulk rows carry no position (null, as Confluent's); Connect's offset writer stores it as is.
      sourceOffset: offset as Record<string, unknown>,
      topic: this.topic,
      valueSchema: mapper.schema,
      value: mapper.toStruct(row),
    };
  }

  /** A column the mode needs, checked against what the table (or query) has. */
  protected requireColumn(name: string, key: string): string {
    const found =
      this.tableColumns.find((c) => c.name === name) ??
      this.tableColumns.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (!found) {
      throw new JdbcSourceError(
        `Column '${name}' (${key}) not found in ${this.description}; its columns are: ${this.tableColumns.map((c) => c.name).join(', ')}`,
      );
    }
    return found.name;
  }

  /** incrementing.column.name, or the auto-increment column when it is empty (as Confluent's). */
  protected incrementingColumnName(): string {
    const configured = this.settings.incrementingColumn;
    if (configured !== '') return this.requireColumn(configured, 'incrementing.column.name');
    const auto = this.tableColumns.find((c) => c.autoIncrement);
    if (!auto) {
      throw new JdbcSourceError(
        `${this.description} has no auto-increment column to use as the incrementing column: set incrementing.column.name`,
      );
    }
    return auto.name;
  }

  /** timestamp.column.name, each checked against the table's columns. */
  protected resolveTimestampColumns(): void {
    this.timestampColumns = this.settings.timestampColumns.map((c) =>
      this.requireColumn(c, 'timestamp.column.name'),
    );
  }

  async #describe(client: SqlClient): Promise<void> {
    let columns: readonly ColumnDescription[];
    if (this.table) {
      const described = await this.dialect.base.describeTable(client, this.table);
      // No columns is a table being dropped: MariaDB's catalogue can still list a table whose
      // columns are already gone (seen in CI), and no SQL table has zero columns.
      if (!described || described.columns.length === 0) {
        throw new JdbcSourceError(
          `Table ${this.dialect.partitionTableName(this.table)} does not exist (was it dropped while the connector was running?)`,
        );
      }
      columns = described.columns;
      this.primaryKey = described.primaryKey;
    } else {
      this.#queryColumns ??= await this.dialect.describeQuery(client, this.settings.query);
      columns = this.#queryColumns;
    }
    this.tableColumns = columns;
    if (this.mapper?.signature === signatureOf(columns)) return;
    if (this.mapper)
      this.log.info({ source: this.description }, 'columns changed: records get the new schema');
    this.mapper = new RowMapper(columns, this.dialect, {
      numericMapping: this.settings.numericMapping,
      timeZone: this.settings.timeZone,
      schemaName: this.table?.table,
      where: this.description,
      log: this.log,
    });
  }
}
