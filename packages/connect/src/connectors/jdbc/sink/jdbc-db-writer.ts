import type { SqlClient, TableId } from '@msa-sync/sql';
import type { Logger } from 'pino';
import type { ErrantRecordReporter } from '../../../api/connector.js';
import type { SinkRecord } from '../../../api/records.js';
import { Struct } from '../../../data/index.js';
import { DeleteDecider } from './delete-markers.js';
import { RecordShapeError, structValue } from './fields-metadata.js';
import type { JdbcSinkConfig } from './jdbc-sink-config.js';
import { SchemalessShaper } from './schemaless-shape.js';
import type { SinkDialect } from './sink-dialect.js';
import { tableIdFor } from './table-names.js';
import { TableStructure } from './table-structure.js';
import {
  buildPlan,
  ensurePlan,
  PlanCache,
  type PreparedRecord,
  prepareRecord,
  type WritePlan,
} from './write-plan.js';

/** Rough cap on the bytes of values in one statement, well under MariaDB's 16 MB max_allowed_packet. */
const MAX_STATEMENT_BYTES = 4 * 1024 * 1024;

/** A statement failed; says on which table, with the database's SQL state and message. */
export class SinkWriteError extends Error {
  readonly retriable: boolean;
  readonly sqlState: string | undefined;
  readonly table: string;
  /** The rows were at fault (constraint, value too long, wrong type), not the database. */
  readonly dataError: boolean;
  /** Extra dead letter queue context headers (`__connect.errors.<name>`) for a reported record. */
  readonly contextHeaders: Record<string, string>;
  constructor(
    table: string,
    info: { retriable: boolean; sqlState: string | undefined; message: string },
    cause: unknown,
    dataError = false,
  ) {
    super(`Writing to table ${table} failed (SQL state ${info.sqlState ?? 'unknown'}): ${info.message}`, {
      cause,
    });
    this.name = 'SinkWriteError';
    this.retriable = info.retriable;
    this.sqlState = info.sqlState;
    this.table = table;
    this.dataError = dataError && !info.retriable;
    this.contextHeaders = { 'jdbc.table': table, 'jdbc.sql.state': info.sqlState ?? '' };
  }
}

/** How {@link JdbcDbWriter.write} runs: the fast path, or splitting failed statements to find bad records. */
export interface WriteOptions {
  /**
   * Run each statement under a savepoint; when it fails on a data error, split its rows in halves
   * until the bad records are alone, hand those to the reporter and write the others.
   */
  isolate: boolean;
  /** Records already sent to the reporter in this put (across retries). */
  reported: WeakSet<SinkRecord>;
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
  /** Per table: whether upserts must take the safe path (unique keys besides the primary key). */
  readonly #extraUniqueKeys = new Map<string, Promise<string[]>>();
  /** Statements sent and rows they carried, for tests and metrics of batching. */
  readonly statementStats = { statements: 0, rows: 0, largest: 0 };
  /** Tombstones and delete markers: which records delete, which deletes are dropped (with a WARN). */
  readonly #deletes: DeleteDecider;
  /** Schemaless (plain JSON) records shaped to the table's columns. */
  readonly #shaper: SchemalessShaper;

  constructor(config: JdbcSinkConfig, dialect: SinkDialect, log: Logger, reporter?: ErrantRecordReporter) {
    this.#config = config;
    this.#dialect = dialect;
    this.#log = log;
    this.#reporter = reporter;
    this.#structure = new TableStructure(dialect, config, log);
    this.#deletes = new DeleteDecider(config, log);
    this.#shaper = new SchemalessShaper(dialect, this.#structure, config);
  }

  /** Deletes dropped so far (tombstones without delete.enabled, deletes the pk.mode cannot key). */
  get droppedTombstones(): number {
    return this.#deletes.dropped;
  }

  /** After a failed write: check every table again before the next one. */
  invalidate(): void {
    this.#structure.invalidate();
    this.#plans.unensureAll();
    this.#extraUniqueKeys.clear();
  }

  /** The destination table of a topic (table-names.ts: mapping or table.name.format). */
  tableFor(topic: string): { id: TableId; key: string } {
    let table = this.#tables.get(topic);
    if (!table) {
      const id = tableIdFor(this.#config, this.#dialect, topic);
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
      const action = this.#deletes.decide(record);
      if (action === 'drop') continue;
      const isDelete = action === 'delete';
      try {
        const table = this.tableFor(record.topic);
        const shaped = SchemalessShaper.needsShaping(record, this.#config.pkMode)
          ? await this.#shaper.shape(client, table.id, record, isDelete)
          : record;
        // Confluent's RecordValidator: a value to write must be a Struct with its schema.
        if (!isDelete && (!(shaped.value instanceof Struct) || !shaped.valueSchema)) structValue(shaped);
        // Records of one schema in a row: the table's current plan, without a turn of the event loop.
        const plan =
          this.#currentPlanOf(table, shaped, isDelete) ??
          (await this.#planFor(client, table, shaped, isDelete));
        prepared.push(prepareRecord(plan, this.#config.pkMode, shaped, isDelete));
      } catch (error) {
        if (!(error instanceof RecordShapeError || error instanceof TypeError) || !this.#reporter)
          throw error;
        await this.#reporter.report(record, error);
        reported.add(record);
      }
    }
    return prepared;
  }

  /** The table's current plan when it fits this record and its table was checked already. */
  #currentPlanOf(table: { key: string }, record: SinkRecord, isDelete: boolean): WritePlan | undefined {
    const current = this.#currentPlan.get(table.key);
    if (!current?.ensured || current.keySchema !== record.keySchema) return undefined;
    const tombstone = record.value === null || record.value === undefined;
    const valueSchema = isDelete && tombstone ? current.valueSchema : record.valueSchema;
    return current.valueSchema === valueSchema ? current : undefined;
  }

  async #planFor(
    client: SqlClient,
    table: { id: TableId; key: string },
    record: SinkRecord,
    isDelete: boolean,
  ): Promise<WritePlan> {
    const current = this.#currentPlan.get(table.key);
    // A tombstone has no value schema: it deletes with the table's current plan. A delete marker does.
    const tombstone = record.value === null || record.value === undefined;
    const valueSchema = isDelete && tombstone ? current?.valueSchema : record.valueSchema;
    let plan =
      current && current.keySchema === record.keySchema && current.valueSchema === valueSchema
        ? current
        : this.#plans.find(table.key, record.keySchema, valueSchema);
    if (!plan) {
      plan = buildPlan(this.#dialect, this.#config, table.id, record.keySchema, valueSchema);
      this.#plans.add(table.key, plan);
    }
    if (!plan.ensured) {
      await ensurePlan(this.#structure, client, this.#dialect, this.#config, plan);
    }
    this.#currentPlan.set(table.key, plan);
    return plan;
  }

  /** Runs the data statements for prepared records, table by table, in record order per table. */
  async write(
    tx: SqlClient,
    records: readonly PreparedRecord[],
    options: WriteOptions = { isolate: false, reported: new WeakSet() },
  ): Promise<void> {
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
          await this.#flush(tx, batch, options);
          batch = [];
          deletes = false;
        }
        batch.push(r);
        if (r.isDelete) deletes = true;
        if (batch.length >= this.#config.batchSize) {
          await this.#flush(tx, batch, options);
          batch = [];
          deletes = false;
        }
      }
      if (batch.length > 0) await this.#flush(tx, batch, options);
    }
  }

  /** One buffer's worth: the writes first, then the deletes (a write after a delete starts a new buffer). */
  async #flush(tx: SqlClient, batch: readonly PreparedRecord[], options: WriteOptions): Promise<void> {
    const plan = (batch[0] as PreparedRecord).plan;
    const writes = batch.filter((r) => !r.isDelete && !options.reported.has(r.record));
    const deletes = batch.filter((r) => r.isDelete && !options.reported.has(r.record));
    type Step = (rows: readonly PreparedRecord[]) => Promise<void>;
    const run = options.isolate
      ? (rows: readonly PreparedRecord[], step: Step) =>
          this.#isolated(tx, plan, rows, step, options.reported)
      : (rows: readonly PreparedRecord[], step: Step) => this.#guarded(plan, () => step(rows));
    if (writes.length > 0) {
      switch (this.#config.insertMode) {
        case 'insert':
          await run(writes, (rows) => this.#multiRow(tx, plan, 'insert', rows));
          break;
        case 'upsert':
          await run(lastPerKey(writes), (rows) => this.#multiRow(tx, plan, 'upsert', rows));
          break;
        case 'insert.ignore':
          await run(writes, (rows) => this.#multiRow(tx, plan, 'ignore', rows));
          break;
        case 'update':
          await run(writes, (rows) => this.#update(tx, plan, rows));
          break;
      }
    }
    if (deletes.length > 0) await run(lastPerKey(deletes), (rows) => this.#delete(tx, plan, rows));
  }

  /** The fast path: a driver error becomes a {@link SinkWriteError} naming the table. */
  async #guarded(plan: WritePlan, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      throw this.#writeError(plan, error);
    }
  }

  #writeError(plan: WritePlan, error: unknown): SinkWriteError {
    if (error instanceof SinkWriteError) return error;
    return new SinkWriteError(
      plan.tableName,
      this.#dialect.db.classifyError(error),
      error,
      this.#dialect.isDataError(error),
    );
  }

  /**
   * Runs `step` on `rows` under a savepoint (in PostgreSQL a failed statement aborts the whole
   * transaction otherwise). On a data error: back to the savepoint, then each half on its own,
   * down to single records, which go to the reporter. Other errors end the put.
   */
  async #isolated(
    tx: SqlClient,
    plan: WritePlan,
    rows: readonly PreparedRecord[],
    step: (rows: readonly PreparedRecord[]) => Promise<void>,
    reported: WeakSet<SinkRecord>,
  ): Promise<void> {
    if (rows.length === 0) return;
    await tx.execute('SAVEPOINT sink_rows');
    let failure: SinkWriteError;
    try {
      await step(rows);
      await tx.execute('RELEASE SAVEPOINT sink_rows');
      return;
    } catch (error) {
      failure = this.#writeError(plan, error);
      if (!failure.dataError) throw failure;
      await tx.execute('ROLLBACK TO SAVEPOINT sink_rows');
      await tx.execute('RELEASE SAVEPOINT sink_rows');
    }
    if (rows.length === 1) {
      const record = (rows[0] as PreparedRecord).record;
      if (!this.#reporter) throw failure;
      this.#log.warn(
        {
          topic: record.topic,
          partition: record.kafkaPartition,
          offset: String(record.kafkaOffset),
          table: plan.tableName,
          sqlState: failure.sqlState,
        },
        `record not written, reported: ${failure.message}`,
      );
      await this.#reporter.report(record, failure);
      reported.add(record);
      return;
    }
    const half = Math.ceil(rows.length / 2);
    await this.#isolated(tx, plan, rows.slice(0, half), step, reported);
    await this.#isolated(tx, plan, rows.slice(half), step, reported);
  }

  async #multiRow(
    tx: SqlClient,
    plan: WritePlan,
    kind: 'insert' | 'upsert' | 'ignore',
    rows: readonly PreparedRecord[],
  ): Promise<void> {
    if (kind !== 'insert' && (await this.#needsSafeUpsert(tx, plan))) {
      await this.#safeUpsert(tx, plan, kind, rows);
      return;
    }
    const columns = [...plan.keyColumns, ...plan.nonKeyColumns];
    const statement = (n: number) =>
      this.#sql(plan, `${kind}:${n}`, () => {
        switch (kind) {
          case 'insert':
            return this.#dialect.insert(plan.table, columns, n);
          case 'upsert':
            return this.#dialect.upsert(plan.table, plan.keyColumns, plan.nonKeyColumns, n);
          case 'ignore':
            return this.#dialect.insertIgnore(plan.table, plan.keyColumns, plan.nonKeyColumns, n);
        }
      });
    if (this.#dialect.bulkParameters) {
      // One single-row statement, all rows bound at once: the driver sends them in one round trip.
      for (const [start, end] of this.#chunks(rows, 1)) {
        this.#count(end - start);
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
      this.#count(n);
      await tx.execute(statement(n), params);
    }
  }

  #count(rows: number): void {
    this.statementStats.statements++;
    this.statementStats.rows += rows;
    if (rows > this.statementStats.largest) this.statementStats.largest = rows;
  }

  /** Whether the table has unique keys the dialect's upsert would also match, besides the primary key. */
  async #needsSafeUpsert(tx: SqlClient, plan: WritePlan): Promise<boolean> {
    let keys = this.#extraUniqueKeys.get(plan.tableName);
    if (!keys) {
      keys = this.#dialect.extraUniqueKeys(tx, plan.table);
      this.#extraUniqueKeys.set(plan.tableName, keys);
      const names = await keys.catch(() => []);
      if (names.length > 0) {
        this.#log.info(
          { table: plan.tableName, uniqueKeys: names },
          'table has unique keys besides the primary key: rows are updated by primary key and only missing ones inserted, so a clash on another unique key fails instead of overwriting that row',
        );
      }
    }
    return (await keys).length > 0;
  }

  /**
   * Upsert that matches the primary key only, for tables with other unique keys: UPDATE by key,
   * then INSERT the rows whose key is still missing. A record clashing with another row on a
   * secondary unique key fails with the duplicate-key error (naming the key) instead of silently
   * overwriting that row. insert.ignore only inserts the missing rows. Slower than the one
   * statement (an INSERT per row), so only for tables that need it.
   */
  async #safeUpsert(
    tx: SqlClient,
    plan: WritePlan,
    kind: 'upsert' | 'ignore',
    rows: readonly PreparedRecord[],
  ): Promise<void> {
    const k = plan.keyColumns.length;
    for (const [start, end] of this.#chunks(rows, 1)) {
      const chunk = rows.slice(start, end);
      if (kind === 'upsert' && plan.nonKeyColumns.length > 0) {
        const update = this.#sql(plan, 'update', () =>
          this.#dialect.update(plan.table, plan.keyColumns, plan.nonKeyColumns),
        );
        await tx.executeMany(
          update,
          chunk.map((r) => [...r.row.slice(k), ...r.row.slice(0, k)]),
        );
      }
      const insert = this.#sql(plan, 'insert-missing', () =>
        this.#dialect.insertMissing(plan.table, plan.keyColumns, plan.nonKeyColumns),
      );
      // Row by row: MariaDB's bulk protocol refuses INSERT … SELECT (ER_UNSUPPORTED_PS).
      for (const r of chunk) {
        this.#count(1);
        await tx.execute(insert, [...r.row, ...r.row.slice(0, k)]);
      }
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
