import type { Logger } from 'pino';
import type { SinkTask } from '../api/connector.js';
import { type TopicPartition, topicPartitionKey } from '../api/records.js';
import type { TaskMetrics } from './worker-metrics.js';

export type OffsetMap = Map<string, { topicPartition: TopicPartition; offset: bigint }>;
export type CommittedOffset = TopicPartition & { offset: bigint; leaderEpoch: number };

/**
 * A sink task's offsets, as Apache's WorkerSinkTask keeps them: what was handed to put() per
 * partition (`current`), what was last committed to the group, and the rewinds the task asked
 * for. Only what the task says is durable (preCommit) is committed, so a crash re-delivers
 * instead of losing (at-least-once).
 */
export class SinkOffsetCommit {
  readonly #task: SinkTask;
  readonly #log: Logger;
  readonly #metrics: TaskMetrics;
  /** Next offset per partition of what was handed to put() (or skipped as handled). */
  #current: OffsetMap = new Map();
  #lastCommitted = new Map<string, bigint>();
  /** Rewinds asked for through SinkTaskContext.offset(), applied by the loop before the next put. */
  #pendingSeeks: OffsetMap = new Map();

  constructor(task: SinkTask, log: Logger, metrics: TaskMetrics) {
    this.#task = task;
    this.#log = log;
    this.#metrics = metrics;
  }

  /** The next offset put() expects of this partition, if it was given any of it. */
  next(key: string): bigint | undefined {
    return this.#current.get(key)?.offset;
  }

  get hasDelivered(): boolean {
    return this.#current.size > 0;
  }

  /** A batch was handled: per partition, the offset after it. */
  handledUpTo(next: ReadonlyMap<string, { topicPartition: TopicPartition; offset: bigint }>): void {
    for (const [key, entry] of next) this.#current.set(key, entry);
  }

  /** Revoked partitions: their offsets are no longer ours to commit. */
  forget(keys: Iterable<string>): void {
    for (const key of keys) this.#current.delete(key);
  }

  /** What the task was given, for preCommit before a consumer is rebuilt. */
  async flushTask(): Promise<void> {
    if (this.#current.size > 0 && this.#task.preCommit) await this.#task.preCommit(new Map(this.#current));
  }

  requestSeeks(offsets: OffsetMap): void {
    for (const [key, entry] of offsets) this.#pendingSeeks.set(key, entry);
  }

  get hasSeeks(): boolean {
    return this.#pendingSeeks.size > 0;
  }

  /** The rewinds asked for, of the partitions assigned now; the others are dropped. */
  takeSeeks(assigned: ReadonlySet<string>): { topicPartition: TopicPartition; offset: bigint }[] {
    const seeks = [...this.#pendingSeeks.values()].filter((s) =>
      assigned.has(topicPartitionKey(s.topicPartition)),
    );
    this.#pendingSeeks.clear();
    return seeks;
  }

  /** The group's offsets were set to these rewinds: put() starts from them again. */
  rewound(seeks: readonly { topicPartition: TopicPartition; offset: bigint }[]): void {
    for (const seek of seeks) {
      const key = topicPartitionKey(seek.topicPartition);
      this.#current.set(key, seek);
      this.#lastCommitted.set(key, seek.offset);
    }
  }

  /**
   * preCommit, then commits what the task returned and was not committed yet through `send` (the
   * consumer's commit). A preCommit failure fails the task: it could not make what it was given
   * durable. A failed commit does not: a rebalance took partitions away, and their new owner
   * re-reads from the last commit; the rest is committed again next time.
   */
  async commit(send: (offsets: CommittedOffset[]) => Promise<void>): Promise<void> {
    if (this.#current.size === 0) return;
    const snapshot: OffsetMap = new Map(this.#current);
    let committable: OffsetMap;
    try {
      committable = this.#task.preCommit ? await this.#task.preCommit(snapshot) : snapshot;
    } catch (error) {
      this.#log.error({ err: error }, 'preCommit failed; offsets not committed');
      throw error;
    }
    const offsets = [...committable.values()]
      .filter(
        ({ topicPartition, offset }) => this.#lastCommitted.get(topicPartitionKey(topicPartition)) !== offset,
      )
      .map(({ topicPartition, offset }) => ({ ...topicPartition, offset, leaderEpoch: -1 }));
    if (offsets.length === 0) return;
    const started = performance.now();
    try {
      await send(offsets);
      for (const o of offsets) this.#lastCommitted.set(topicPartitionKey(o), o.offset);
      this.#metrics.commitLatency.observe((performance.now() - started) / 1000);
    } catch (error) {
      this.#log.warn(
        { err: error },
        'offset commit failed; records since the last commit may be re-delivered',
      );
    }
  }
}
