import type { Logger } from 'pino';
import type { ConnectorConfigMap, SinkTask, SinkTaskContext } from '../../../api/connector.js';
import { type SinkRecord, type TopicPartition, topicPartitionKey } from '../../../api/records.js';
import { getLogger } from '../../../logging/index.js';
import type { SqlClient } from '../dialect/sql-client.js';
import { redactUrl } from '../jdbc-url.js';
import { JdbcDbWriter } from './jdbc-db-writer.js';
import { type JdbcSinkConfig, parseJdbcSinkConfig } from './jdbc-sink-config.js';
import { OffsetsTable } from './offsets-table.js';
import type { SinkDialect } from './sink-dialect.js';
import { sinkDialectFor } from './sink-dialects.js';

type OffsetMap = Map<string, { topicPartition: TopicPartition; offset: bigint }>;

/** The task failed for good: the worker marks it FAILED with this message as its trace. */
export class JdbcSinkTaskError extends Error {
  readonly retriable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectException';
  }
}

/**
 * Writes each put() in one database transaction: DDL first (auto.create/auto.evolve), then
 * multi-row statements per table. Retriable database errors (lost connection, deadlock, lock
 * timeout) roll back, reconnect and retry the whole put up to max.retries times, retry.backoff.ms
 * apart; anything else fails the task with the table, SQL state and message. With
 * exactly.once.offsets.table, offsets are written in the same transaction and the consumer is
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

  /** With the exactly-once table: resume each partition from the offset stored next to the rows. */
  async open(partitions: TopicPartition[]): Promise<void> {
    if (!this.#offsets || partitions.length === 0) return;
    const client = await this.#connect();
    await this.#offsets.ensureRows(client, partitions);
    const stored = await this.#offsets.read(client, partitions, false);
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

  async put(records: SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    const { maxRetries, retryBackoffMs } = this.#config;
    const reported = new WeakSet<SinkRecord>();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#writeOnce(records, reported);
        return;
      } catch (error) {
        this.#writer.invalidate();
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
        throw this.#failure(records, error, retriable ? attempt : undefined);
      }
    }
  }

  async #writeOnce(records: readonly SinkRecord[], reported: WeakSet<SinkRecord>): Promise<void> {
    const client = await this.#connect();
    const prepared = await this.#writer.prepare(client, records, reported);
    const offsets = this.#offsets;
    if (!offsets) {
      if (prepared.length > 0) await client.transaction((tx) => this.#writer.write(tx, prepared));
      return;
    }
    const partitions = distinctPartitions(records);
    await offsets.ensureRows(client, partitions);
    await client.transaction(async (tx) => {
      const stored = await offsets.read(tx, partitions, true);
      const fresh = prepared.filter((r) => {
        const next = stored.get(
          topicPartitionKey({ topic: r.record.topic, partition: r.record.kafkaPartition }),
        );
        return next === undefined || r.record.kafkaOffset >= next;
      });
      if (fresh.length < prepared.length) {
        this.#log.info(
          { skipped: prepared.length - fresh.length },
          'skipping records already in the database',
        );
      }
      await this.#writer.write(tx, fresh);
      const next: OffsetMap = new Map();
      for (const r of records) {
        const key = topicPartitionKey({ topic: r.topic, partition: r.kafkaPartition });
        const offset = r.kafkaOffset + 1n;
        const known = next.get(key)?.offset ?? stored.get(key) ?? -1n;
        if (offset > known)
          next.set(key, { topicPartition: { topic: r.topic, partition: r.kafkaPartition }, offset });
      }
      await offsets.write(tx, next);
    });
  }

  /** Everything put() returned from is committed in the database. */
  preCommit(current: OffsetMap): OffsetMap {
    return current;
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
        this.#client = await this.#dialect.db.connect(url, {
          user,
          password: password?.value(),
          timeZone: dbTimezone,
        });
        return this.#client;
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

  #failure(records: readonly SinkRecord[], error: unknown, retries: number | undefined): Error {
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
    const tp = { topic: r.topic, partition: r.kafkaPartition };
    const key = topicPartitionKey(tp);
    if (!seen.has(key)) seen.set(key, tp);
  }
  return [...seen.values()];
}
