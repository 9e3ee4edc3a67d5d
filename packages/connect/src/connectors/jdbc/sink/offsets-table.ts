import type { SqlClient, TableId } from '@msa-sync/sql';
import { type TopicPartition, topicPartitionKey } from '../../../api/records.js';
import { Schemas } from '../../../data/index.js';
import type { SinkColumn } from './fields-metadata.js';
import type { SinkDialect } from './sink-dialect.js';

const COLUMNS: readonly SinkColumn[] = [
  { name: 'connector', schema: Schemas.STRING, isPrimaryKey: true },
  { name: 'topic', schema: Schemas.STRING, isPrimaryKey: true },
  { name: 'kafka_partition', schema: Schemas.INT32, isPrimaryKey: true },
  // Null until the first write: the row exists so that writers can lock it.
  { name: 'next_offset', schema: Schemas.OPTIONAL_INT64, isPrimaryKey: false },
];
const KEYS = ['connector', 'topic', 'kafka_partition'];

/**
 * The exactly-once option's table (`exactly.once.offsets.table`): per connector, topic and
 * partition, the next offset to write. It is read and updated in the same transaction as the
 * rows, with the partition's row locked first, so a record is in the database exactly when its
 * offset is below the stored one, and two tasks that both believe they own a partition (a
 * zombie after a rebalance) take turns and skip what the other wrote.
 */
export class OffsetsTable {
  readonly #dialect: SinkDialect;
  readonly #id: TableId;
  readonly #connector: string;
  readonly #ref: string;
  readonly #known = new Set<string>();

  constructor(dialect: SinkDialect, id: TableId, connector: string) {
    this.#dialect = dialect;
    this.#id = id;
    this.#connector = connector;
    this.#ref = dialect.table(id);
  }

  async create(client: SqlClient): Promise<void> {
    try {
      await client.execute(this.#dialect.createTable(this.#id, COLUMNS));
    } catch (error) {
      // Two tasks creating it at once: fine when it exists now.
      if (!(await this.#dialect.db.describeTable(client, this.#id))) throw error;
    }
  }

  /**
   * Makes sure each partition has a row (outside the data transaction), so it can be locked. Rows
   * that exist are found with a plain read: the upsert locks an existing row, and a task frozen
   * inside a write transaction (a zombie) would make a new owner's open() wait on that lock.
   */
  async ensureRows(client: SqlClient, partitions: readonly TopicPartition[]): Promise<void> {
    const unknown = partitions.filter((tp) => !this.#known.has(topicPartitionKey(tp)));
    if (unknown.length === 0) return;
    const existing = await this.#select(client, unknown, false);
    for (const key of existing.keys()) this.#known.add(key);
    const missing = unknown.filter((tp) => !existing.has(topicPartitionKey(tp)));
    if (missing.length === 0) return;
    const sql = this.#dialect.upsert(this.#id, KEYS, [], missing.length);
    await client.execute(
      sql,
      missing.flatMap((tp) => [this.#connector, tp.topic, tp.partition]),
    );
    for (const tp of missing) this.#known.add(topicPartitionKey(tp));
  }

  /** Stored next offsets of these partitions; locks their rows when `forUpdate` (inside a transaction). */
  async read(
    client: SqlClient,
    partitions: readonly TopicPartition[],
    forUpdate: boolean,
  ): Promise<Map<string, bigint>> {
    const stored = new Map<string, bigint>();
    for (const [key, offset] of await this.#select(client, partitions, forUpdate)) {
      if (offset !== null) stored.set(key, offset);
    }
    return stored;
  }

  /** The rows of these partitions that exist, with their next offset (null before the first write). */
  async #select(
    client: SqlClient,
    partitions: readonly TopicPartition[],
    forUpdate: boolean,
  ): Promise<Map<string, bigint | null>> {
    const rowsByKey = new Map<string, bigint | null>();
    if (partitions.length === 0) return rowsByKey;
    const p = (i: number) => this.#dialect.db.placeholder(i);
    const q = (n: string) => this.#dialect.quote(n);
    const conditions = partitions.map(
      (_, i) => `(${q('topic')}=${p(2 * i + 2)} AND ${q('kafka_partition')}=${p(2 * i + 3)})`,
    );
    const lock = forUpdate ? this.#dialect.db.lockRowsClause : '';
    const rows = await client.query<Record<string, unknown>>(
      `SELECT ${q('topic')} AS t, ${q('kafka_partition')} AS p, ${q('next_offset')} AS o FROM ${this.#ref} ` +
        `WHERE ${q('connector')}=${p(1)} AND (${conditions.join(' OR ')})${lock}`,
      [this.#connector, ...partitions.flatMap((tp) => [tp.topic, tp.partition])],
    );
    for (const row of rows) {
      rowsByKey.set(
        topicPartitionKey({ topic: String(row.t), partition: Number(row.p) }),
        row.o === null || row.o === undefined ? null : BigInt(row.o as bigint),
      );
    }
    return rowsByKey;
  }

  /** Records the next offset of each partition written in this transaction. */
  async write(
    tx: SqlClient,
    next: ReadonlyMap<string, { topicPartition: TopicPartition; offset: bigint }>,
  ): Promise<void> {
    if (next.size === 0) return;
    const sql = this.#dialect.upsert(this.#id, KEYS, ['next_offset'], next.size);
    await tx.execute(
      sql,
      [...next.values()].flatMap(({ topicPartition, offset }) => [
        this.#connector,
        topicPartition.topic,
        topicPartition.partition,
        offset,
      ]),
    );
  }
}
