import { redactUrl, type SqlClient } from '@msa-sync/sql';
import type { Logger } from 'pino';
import type { ConnectorConfigMap, SinkTask, SinkTaskContext } from '../../../api/connector.js';
import { consumedAt, type SinkRecord, type TopicPartition, topicPartitionKey } from '../../../api/records.js';
import { getLogger } from '../../../logging/index.js';
import { JdbcDbWriter, SinkWriteError, type WriteOptions } from './jdbc-db-writer.js';
import { type JdbcSinkConfig, parseJdbcSinkConfig } from './jdbc-sink-config.js';
import { OffsetsTable } from './offsets-table.js';
import type { SinkDialect } from './sink-dialect.js';
import { sinkDialectFor } from './sink-dialects.js';

type OffsetMap = Map<string, { topicPartition: TopicPartition; offset: bigint }>;

/**
 * The server ends a sink connection that sits idle inside a transaction this long. The task's
 * transactions never wait on the client between statements for that long; a task frozen mid-write
 * (a stopped process, a stalled VM: a zombie) does, and would keep the offsets row and the rows it
 * wrote locked, so their next owner could not write until it thawed. Killed, its write rolls back;
 * when it thaws, its retry goes through the offsets check like any other write.
 */
const IDLE_TRANSACTION_TIMEOUT_S = 10;

/** The task failed for good: the worker marks it FAILED with this message as its trace. */
export class JdbcSinkTaskError extends Error {
  readonly retriable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectException';
  }
}

/**
 * Buffers records across put() calls up to batch.size (when the worker flushes through empty
 * puts and preCommit) and writes each buffer in one database transaction: DDL first
 * (auto.create/auto.evolve), then multi-row statements per table. Retriable database errors (lost
 * connection, deadlock, lock timeout) roll back, reconnect and retry the whole buffer up to
 * max.retries times, retry.backoff.ms apart. A data error (constraint, value too long, bad type)
 * with an errant record reporter rolls back and writes again, splitting failed statements to
 * report just the bad records; anything else fails the task with the table, SQL state and message.
 * With exactly.once.offsets.table, offsets are written in the same transaction and the consumer is
 * rewound to them when partitions are assigned.
 */
export class JdbcSinkTask implements SinkTask {
  #config!: JdbcSinkConfig;
  #dialect!: SinkDialect;
  #context!: SinkTaskContext;
  #log: Logger = getLogger('io.confluent.connect.jdbc.sink.JdbcSinkTask');
  #writer!: JdbcDbWriter;
  #client: SqlClient | undefined;
  #offsets: OffsetsTable | undefined;
  #stopping = false;
  /** Records put but not written yet (only when the worker flushes: context.buffersAcrossPuts). */
  #buffer: SinkRecord[] = [];
  #bufferedSince = 0;
  /** A buffered write failed: its records are gone from the buffer, so the task cannot go on. */
  #failure: Error | undefined;

  async start(config: ConnectorConfigMap, context: SinkTaskContext): Promise<void> {
    this.#config = parseJdbcSinkConfig(config);
    this.#context = context;
    this.#log = this.#log.child({ connector: context.connector, task: context.taskId });
    this.#dialect = sinkDialectFor(this.#config.url.dialect);
    this.#writer = new JdbcDbWriter(this.#config, this.#dialect, this.#log, context.errantRecordReporter);
    const client = await this.#connect();
    if (this.#config.exactlyOnceOffsetsTable) {
      const parts = this.#config.exactlyOnceOffsetsTable.split('.');
      this.#offsets = new OffsetsTable(
        this.#dialect,
        this.#dialect.tableId(parts, this.#config.url.database),
        context.connector,
      );
      await this.#offsets.create(client);
    }
    this.#log.info(
      {
        url: redactUrl(this.#config.url.url),
        insertMode: this.#config.insertMode,
        pkMode: this.#config.pkMode,
        exactlyOnce: Boolean(this.#offsets),
      },
      'JDBC sink task started',
    );
  }

  /**
   * With the exactly-once table: resume each partition from the offset stored next to the rows.
   * Takes no row lock, so a previous owner frozen inside a write (a zombie) does not hold it up;
   * that owner's write, if it still commits, is skipped by the check in the write transaction.
   * A failure is thrown: the worker retries open() and delivers nothing for the partitions before.
   */
  async open(partitions: TopicPartition[]): Promise<void> {
    if (!this.#offsets || partitions.length === 0) return;
    let stored: Map<string, bigint>;
    try {
      const client = await this.#connect();
      await this.#offsets.ensureRows(client, partitions);
      stored = await this.#offsets.read(client, partitions, false);
    } catch (error) {
      // The next attempt starts on a new connection (this one may be the cause).
      await this.#closeClient();
      throw error;
    }
    if (stored.size === 0) return;
    const rewind: OffsetMap = new Map();
    for (const tp of partitions) {
      const offset = stored.get(topicPartitionKey(tp));
      if (offset !== undefined) rewind.set(topicPartitionKey(tp), { topicPartition: tp, offset });
    }
    this.#log.info(
      { offsets: [...rewind.values()].map((o) => `${topicPartitionKey(o.topicPartition)}@${o.offset}`) },
      'resuming from offsets stored in the database',
    );
    this.#context.offset(rewind);
  }

  /**
   * Without a flushing worker (tests, direct callers) every put is written before it returns.
   * With one, records wait for more up to batch.size, and are written when the worker has
   * nothing more to deliver (an empty put), when the oldest waited batch.max.wait.ms, and in
   * preCommit before the worker commits their offsets.
   */
  async put(records: SinkRecord[]): Promise<void> {
    if (this.#failure) throw this.#failure;
    if (!this.#context.buffersAcrossPuts) {
      if (records.length > 0) await this.#writeRecords(records);
      return;
    }
    if (records.length > 0) {
      if (this.#buffer.length === 0) this.#bufferedSince = Date.now();
      for (const r of records) this.#buffer.push(r);
    }
    if (this.#buffer.length === 0) return;
    const { batchSize, batchMaxWaitMs } = this.#config;
    if (
      records.length === 0 ||
      this.#buffer.length >= batchSize ||
      Date.now() - this.#bufferedSince >= batchMaxWaitMs
    ) {
      await this.#flushBuffer();
    }
  }

  async #flushBuffer(): Promise<void> {
    const records = this.#buffer;
    this.#buffer = [];
    try {
      await this.#writeRecords(records);
    } catch (error) {
      this.#failure = error instanceof Error ? error : new Error(String(error));
      throw error;
    }
  }

  /** Buffered records of partitions taken away are dropped: their offsets were never committed. */
  close(partitions: TopicPartition[]): void {
    if (this.#buffer.length === 0) return;
    const lost = new Set(partitions.map(topicPartitionKey));
    this.#buffer = this.#buffer.filter((r) => !lost.has(topicPartitionKey(consumedAt(r))));
  }

  /** One transaction for these records, retried as a whole; data errors reported record by record. */
  async #writeRecords(records: SinkRecord[]): Promise<void> {
    const { maxRetries, retryBackoffMs } = this.#config;
    const options: WriteOptions = { isolate: false, reported: new WeakSet<SinkRecord>() };
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#writeOnce(records, options);
        return;
      } catch (error) {
        this.#writer.invalidate();
        if (
          !options.isolate &&
          this.#context.errantRecordReporter &&
          error instanceof SinkWriteError &&
          error.dataError
        ) {
          // Only now pay for savepoints and splitting: the fast path stays one statement per chunk.
          this.#log.info(
            { table: error.table, sqlState: error.sqlState, records: records.length },
            'a statement failed on its data; writing again, splitting to report the bad records',
          );
          options.isolate = true;
          attempt--;
          continue;
        }
        const retriable = this.#isRetriable(error);
        if (retriable && attempt < maxRetries && !this.#stopping) {
          this.#log.warn(
            { err: error, attempt: attempt + 1, maxRetries, backoffMs: retryBackoffMs },
            `writing ${records.length} records failed; retrying`,
          );
          await this.#closeClient();
          await new Promise((r) => setTimeout(r, retryBackoffMs));
          continue;
        }
        throw this.#taskError(records, error, retriable ? attempt : undefined);
      }
    }
  }

  async #writeOnce(records: readonly SinkRecord[], options: WriteOptions): Promise<void> {
    const client = await this.#connect();
    const prepared = await this.#writer.prepare(client, records, options.reported);
    const offsets = this.#offsets;
    if (!offsets) {
      if (prepared.length > 0) await client.transaction((tx) => this.#writer.write(tx, prepared, options));
      return;
    }
    const partitions = distinctPartitions(records);
    await offsets.ensureRows(client, partitions);
    await client.transaction(async (tx) => {
      const stored = await offsets.read(tx, partitions, true);
      // A record is written when its offset is at or past the stored one, and once: a batch can
      // hold an offset twice when the consumer re-read records after a rebalance.
      const seen = new Set<string>();
      const fresh = prepared.filter((r) => {
        const at = consumedAt(r.record);
        const key = topicPartitionKey(at);
        const next = stored.get(key);
        if (next !== undefined && at.offset < next) return false;
        const id = `${key}@${at.offset}`;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
      if (fresh.length < prepared.length) {
        this.#log.info(
          { skipped: prepared.length - fresh.length },
          'skipping records already in the database',
        );
      }
      await this.#writer.write(tx, fresh, options);
      const next: OffsetMap = new Map();
      for (const r of records) {
        const at = consumedAt(r);
        const key = topicPartitionKey(at);
        const offset = at.offset + 1n;
        const known = next.get(key)?.offset ?? stored.get(key) ?? -1n;
        if (offset > known)
          next.set(key, { topicPartition: { topic: at.topic, partition: at.partition }, offset });
      }
      await offsets.write(tx, next);
    });
  }

  /** Writes what is buffered; then everything put so far is committed in the database. */
  async preCommit(current: OffsetMap): Promise<OffsetMap> {
    if (this.#failure) throw this.#failure;
    if (this.#buffer.length > 0) await this.#flushBuffer();
    return current;
  }

  /** Statements the writer sent and the rows they carried (batching shows here). */
  get statementStats(): Readonly<{ statements: number; rows: number; largest: number }> {
    return this.#writer.statementStats;
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#closeClient();
  }

  async #connect(): Promise<SqlClient> {
    if (this.#client) return this.#client;
    const { url, user, password, dbTimezone, connectionAttempts, connectionBackoffMs } = this.#config;
    for (let attempt = 1; ; attempt++) {
      try {
        const client = await this.#dialect.db.connect(url, {
          user,
          password: password?.value(),
          timeZone: dbTimezone,
        });
        const idleTimeout = this.#dialect.db.idleTransactionTimeoutSql(IDLE_TRANSACTION_TIMEOUT_S);
        if (idleTimeout) {
          await client.execute(idleTimeout).catch((error: unknown) => {
            // MySQL and MariaDB before 10.3 lack the variable: writes work, zombies keep locks.
            this.#log.warn(
              { err: error },
              'could not set the idle transaction timeout; a task frozen mid-write keeps its locks until it thaws',
            );
          });
        }
        this.#client = client;
        return client;
      } catch (error) {
        const info = this.#dialect.db.classifyError(error);
        if (attempt >= connectionAttempts || this.#stopping) {
          throw Object.assign(
            new JdbcSinkTaskError(
              `Could not connect to ${redactUrl(url.url)} after ${attempt} attempt(s): ${this.#scrub(info.message)}`,
            ),
            // A database that is down is worth retrying at the put() level as well.
            { retriable: info.retriable },
          );
        }
        this.#log.warn(
          { attempt, connectionAttempts, err: error },
          'connecting to the database failed; retrying',
        );
        await new Promise((r) => setTimeout(r, connectionBackoffMs));
      }
    }
  }

  async #closeClient(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.close().catch(() => {});
  }

  #taskError(records: readonly SinkRecord[], error: unknown, retries: number | undefined): Error {
    const first = records[0] as SinkRecord;
    const last = records.at(-1) as SinkRecord;
    const where = `${records.length} record(s) from ${first.topic}-${first.kafkaPartition}@${first.kafkaOffset}..${last.topic}-${last.kafkaPartition}@${last.kafkaOffset}`;
    const reason = this.#scrub(this.#reasonOf(error));
    const after =
      retries === undefined
        ? ''
        : ` (gave up after ${retries} retr${retries === 1 ? 'y' : 'ies'}, max.retries=${this.#config.maxRetries})`;
    return new JdbcSinkTaskError(`JDBC sink failed writing ${where}${after}: ${reason}`, { cause: error });
  }

  /** Our own errors carry a `retriable` flag; a driver's error is sorted by the dialect. */
  #isRetriable(error: unknown): boolean {
    const flag =
      error && typeof error === 'object' ? (error as { retriable?: unknown }).retriable : undefined;
    return typeof flag === 'boolean' ? flag : this.#dialect.db.classifyError(error).retriable;
  }

  /** Our errors say what failed already; a driver's error gets its SQL state in front. */
  #reasonOf(error: unknown): string {
    if (!(error instanceof Error)) return String(error);
    if ('retriable' in error) return error.message;
    const info = this.#dialect.db.classifyError(error);
    return info.sqlState ? `SQL state ${info.sqlState}: ${info.message}` : `${error.name}: ${info.message}`;
  }

  /** The password never appears in a message, whatever a driver put into its error. */
  #scrub(text: string): string {
    const secret = this.#config.password?.value();
    return secret && secret.length >= 3 ? text.replaceAll(secret, '[hidden]') : text;
  }
}

function distinctPartitions(records: readonly SinkRecord[]): TopicPartition[] {
  const seen = new Map<string, TopicPartition>();
  for (const r of records) {
    const { topic, partition } = consumedAt(r);
    const tp = { topic, partition };
    const key = topicPartitionKey(tp);
    if (!seen.has(key)) seen.set(key, tp);
  }
  return [...seen.values()];
}
