import type { Logger } from 'pino';
import type { ErrantRecordReporter } from '../../../api/connector.js';
import type { SinkRecord } from '../../../api/records.js';
import { Struct } from '../../../data/index.js';
import type { TableId } from '../dialect/database-dialect.js';
import type { SqlClient } from '../dialect/sql-client.js';
import { RecordShapeError, structValue } from './fields-metadata.js';
import { type JdbcSinkConfig, TOPIC_PLACEHOLDER } from './jdbc-sink-config.js';
import type { SinkDialect } from './sink-dialect.js';
import { TableStructure } from './table-structure.js';
import { buildPlan, PlanCache, type PreparedRecord, prepareRecord, type WritePlan } from './write-plan.js';

/** Rough cap on the bytes of values in one statement, well under MariaDB's 16 MB max_allowed_packet. */
const MAX_STATEMENT_BYTES = 4 * 1024 * 1024;

/** A statement failed; says on which table, with the database's SQL state and message. */
export class SinkWriteError extends Error {
  readonly retriable: boolean;
  readonly sqlState: string | undefined;
  readonly table: string;
  constructor(
    table: string,
    info: { retriable: boolean; sqlState: string | undefined; message: string },
    cause: unknown,
  ) {
    super(`Writing to table ${table} failed (SQL state ${info.sqlState ?? 'unknown'}): ${info.message}`, {
      cause,
    });
    this.name = 'SinkWriteError';
    this.retriable = info.retriable;
    this.sqlState = info.sqlState;
    this.table = table;
  }
}

/**
 * Writes records the way Confluent's JdbcDbWriter and BufferedRecords do, with multi-row
 * statements: records are buffered per table and flushed at batch.size, and early when the
 * schema changes or a write follows a delete (so a re-insert after a delete is not lost).
 *
 * Two passes: {@link prepare} runs the DDL (auto.create/auto.evolve, outside any transaction,
 * since MariaDB commits implicitly on DDL) and binds every value; {@link write} then runs only
 * data statements, inside the caller's transaction.
 */
export class JdbcDbWriter {
  readonly #config: JdbcSinkConfig;
  readonly #dialect: SinkDialect;
  readonly #log: Logger;
  readonly #reporter: ErrantRecordReporter | undefined;
  readonly #structure: TableStructure;
  readonly #plans = new PlanCache();
  readonly #tables = new Map<string, { id: TableId; key: string }>();
  /** The plan each table last wrote with: tombstones carry no value schema and use it. */
  readonly #currentPlan = new Map<string, WritePlan>();
  droppedTombstones = 0;

  constructor(config: JdbcSinkConfig, dialect: SinkDialect, log: Logger, reporter?: ErrantRecordReporter) {
    this.#config = config;
    this.#dialect = dialect;
    this.#log = log;
    this.#reporter = reporter;
    this.#structure = new TableStructure(dialect, config, log);
  }

  /** After a failed write: check every table again before the next one. */
  invalidate(): void {
    this.#structure.invalidate();
    this.#plans.unensureAll();
  }

  /** The destination table of a topic, from table.name.format (dots in the topic are never separators). */
  tableFor(topic: string): { id: TableId; key: string } {
    let table = this.#tables.get(topic);
    if (!table) {
      const fold = (s: string) => (this.#config.quoteIdentifiers ? s : this.#dialect.foldIdentifier(s));
      const parts = this.#config.tableNameFormat
        .split('.')
        .map((p) => fold(p.replaceAll(TOPIC_PLACEHOLDER, topic)));
      const id = this.#dialect.tableId(parts, this.#config.url.database);
      table = { id, key: JSON.stringify([id.catalog ?? null, id.schema ?? null, id.table]) };
      this.#tables.set(topic, table);
    }
    return table;
  }

  /**
   * Plans, creates or evolves tables, and binds values. A record that cannot be written fails
   * here, or goes to the errant record reporter when the worker gives one (once: `reported`
   * remembers it across retries of the same put).
   */
  async prepare(
    client: SqlClient,
    records: readonly SinkRecord[],
    reported: WeakSet<SinkRecord> = new WeakSet(),
  ): Promise<PreparedRecord[]> {
    const prepared: PreparedRecord[] = [];
    for (const record of records) {
      if (reported.has(record)) continue;
      const isDelete = record.value === null || record.value === undefined;
      if (isDelete && !this.#config.deleteEnabled) {
        this.droppedTombstones++;
        this.#log.warn(
          { topic: record.topic, partition: record.kafkaPartition, offset: String(record.kafkaOffset) },
          'tombstone record dropped: delete.enabled is false',
        );
        continue;
      }
      try {
        // Confluent's RecordValidator: a value must be a Struct with its schema (schemaless JSON is not).
        if (!isDelete && (!(record.value instanceof Struct) || !record.valueSchema)) structValue(record);
        const table = this.tableFor(record.topic);
        const plan = await this.#planFor(client, table, record, isDelete);
        prepared.push(prepareRecord(plan, this.#config.pkMode, record, isDelete));
      } catch (error) {
        if (!(error instanceof RecordShapeError || error instanceof TypeError) || !this.#reporter)
          throw error;
        await this.#reporter.report(record, error);
        reported.add(record);
      }
    }
    return prepared;
  }

  async #planFor(
    client: SqlClient,
    table: { id: TableId; key: string },
    record: SinkRecord,
    isDelete: boolean,
  ): Promise<WritePlan> {
    const current = this.#currentPlan.get(table.key);
    const valueSchema = isDelete ? current?.valueSchema : record.valueSchema;
    let plan =
      current && current.keySchema === record.keySchema && current.valueSchema === valueSchema
        ? current
        : this.#plans.find(table.key, record.keySchema, valueSchema);
    if (!plan) {
      plan = buildPlan(this.#dialect, this.#config, table.id, record.keySchema, valueSchema);
      this.#plans.add(table.key, plan);
    }
    if (!plan.ensured) {
      await this.#structure.ensure(client, plan.table, plan.columns, plan.keyColumns);
      plan.ensured = true;
    }
    this.#currentPlan.set(table.key, plan);
    return plan;
  }

  /** Runs the data statements for prepared records, table by table, in record order per table. */
  async write(tx: SqlClient, records: readonly PreparedRecord[]): Promise<void> {
    const byTable = new Map<string, PreparedRecord[]>();
    for (const r of records) {
      const list = byTable.get(r.plan.tableName);
      if (list) list.push(r);
      else byTable.set(r.plan.tableName, [r]);
    }
    for (const list of byTable.values()) {
      let batch: PreparedRecord[] = [];
      let deletes = false;
      for (const r of list) {
        const plan = batch[0]?.plan;
        if (plan && (r.plan !== plan || (deletes && !r.isDelete))) {
          await this.#flush(tx, batch);
          batch = [];
          deletes = false;
        }
        batch.push(r);
        if (r.isDelete) deletes = true;
        if (batch.length >= this.#config.batchSize) {
          await this.#flush(tx, batch);
          batch = [];
          deletes = false;
        }
      }
      if (batch.length > 0) await this.#flush(tx, batch);
    }
  }

  /** One buffer's worth: the writes first, then the deletes (a write after a delete starts a new buffer). */
  async #flush(tx: SqlClient, batch: readonly PreparedRecord[]): Promise<void> {
    const plan = (batch[0] as PreparedRecord).plan;
    const writes = batch.filter((r) => !r.isDelete);
    const deletes = batch.filter((r) => r.isDelete);
    try {
      if (writes.length > 0) {
        switch (this.#config.insertMode) {
          case 'insert':
            await this.#multiRow(tx, plan, 'insert', writes);
            break;
          case 'upsert':
            await this.#multiRow(tx, plan, 'upsert', lastPerKey(writes));
            break;
          case 'update':
            await this.#update(tx, plan, writes);
            break;
        }
      }
      if (deletes.length > 0) await this.#delete(tx, plan, lastPerKey(deletes));
    } catch (error) {
      if (error instanceof SinkWriteError) throw error;
      throw new SinkWriteError(plan.tableName, this.#dialect.db.classifyError(error), error);
    }
  }

  async #multiRow(
    tx: SqlClient,
    plan: WritePlan,
    kind: 'insert' | 'upsert',
    rows: readonly PreparedRecord[],
  ): Promise<void> {
    const columns = [...plan.keyColumns, ...plan.nonKeyColumns];
    const statement = (n: number) =>
      this.#sql(plan, `${kind}:${n}`, () =>
        kind === 'insert'
          ? this.#dialect.insert(plan.table, columns, n)
          : this.#dialect.upsert(plan.table, plan.keyColumns, plan.nonKeyColumns, n),
      );
    if (this.#dialect.bulkParameters) {
      // One single-row statement, all rows bound at once: the driver sends them in one round trip.
      for (const [start, end] of this.#chunks(rows, 1)) {
        await tx.executeMany(
          statement(1),
          rows.slice(start, end).map((r) => r.row),
        );
      }
      return;
    }
    const width = columns.length;
    for (const [start, end] of this.#chunks(rows, width)) {
      const n = end - start;
      const params: unknown[] = new Array(n * width);
      let p = 0;
      for (let i = start; i < end; i++) for (const v of (rows[i] as PreparedRecord).row) params[p++] = v;
      await tx.execute(statement(n), params);
    }
  }

  async #update(tx: SqlClient, plan: WritePlan, rows: readonly PreparedRecord[]): Promise<void> {
    if (plan.nonKeyColumns.length === 0) return;
    const sql = this.#sql(plan, 'update', () =>
      this.#dialect.update(plan.table, plan.keyColumns, plan.nonKeyColumns),
    );
    const k = plan.keyColumns.length;
    await tx.executeMany(
      sql,
      rows.map((r) => [...r.row.slice(k), ...r.row.slice(0, k)]),
    );
  }

  async #delete(tx: SqlClient, plan: WritePlan, rows: readonly PreparedRecord[]): Promise<void> {
    const width = plan.keyColumns.length;
    for (const [start, end] of this.#chunks(rows, width)) {
      const n = end - start;
      const sql = this.#sql(plan, `delete:${n}`, () =>
        this.#dialect.deleteRows(plan.table, plan.keyColumns, n),
      );
      const params: unknown[] = [];
      for (let i = start; i < end; i++) params.push(...(rows[i] as PreparedRecord).row.slice(0, width));
      await tx.execute(sql, params);
    }
  }

  /** Row ranges that fit the dialect's parameter limit, batch.size and a byte budget. */
  *#chunks(rows: readonly PreparedRecord[], width: number): Generator<[number, number]> {
    const maxRows = Math.max(
      1,
      Math.min(this.#config.batchSize, Math.floor(this.#dialect.maxParameters / Math.max(1, width))),
    );
    let start = 0;
    while (start < rows.length) {
      let end = start;
      let bytes = 0;
      while (end < rows.length && end - start < maxRows) {
        bytes += approximateBytes(rows[end] as PreparedRecord);
        if (end > start && bytes > MAX_STATEMENT_BYTES) break;
        end++;
      }
      yield [start, end];
      start = end;
    }
  }

  #sql(plan: WritePlan, key: string, build: () => string): string {
    let sql = plan.sql.get(key);
    if (sql === undefined) {
      sql = build();
      // Full chunks repeat; odd tails vary. Keep the cache from growing without bound.
      if (plan.sql.size > 64) plan.sql.clear();
      plan.sql.set(key, sql);
    }
    return sql;
  }
}

/** Upserts and deletes keep the last record per key: a statement may touch a row only once. */
function lastPerKey(rows: readonly PreparedRecord[]): readonly PreparedRecord[] {
  if (rows.length < 2) return rows;
  const byKey = new Map<string, PreparedRecord>();
  for (const r of rows) {
    const key = r.row.slice(0, r.plan.keyColumns.length).map(keyText).join('\u0000');
    byKey.delete(key);
    byKey.set(key, r);
  }
  return byKey.size === rows.length ? rows : [...byKey.values()];
}

function keyText(v: unknown): string {
  if (Buffer.isBuffer(v)) return `x${v.toString('hex')}`;
  if (typeof v === 'bigint') return `${v}`;
  return `${typeof v}:${String(v)}`;
}

function approximateBytes(r: PreparedRecord): number {
  let n = 16;
  for (const v of r.row) n += valueBytes(v);
  return n;
}

function valueBytes(v: unknown): number {
  if (typeof v === 'string') return v.length * 2;
  if (v instanceof Uint8Array) return v.length * 2;
  return 8;
}
