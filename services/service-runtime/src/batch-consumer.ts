import {
  type ClientSettings,
  createConsumer,
  FetchIsolationLevels,
  type Message,
  type MessagesStream,
  MessagesStreamModes,
  type RawConsumer,
} from '@msa-sync/kafka';
import type { Logger } from 'pino';

export type ConsumedRecord = Message<Buffer | undefined, Buffer | undefined, string, Buffer>;

export interface BatchConsumerOptions {
  client: ClientSettings;
  groupId: string;
  topics: string[];
  logger: Logger;
  /** Most records handed to `handle` at once. */
  maxBatch?: number;
  /**
   * Handled offsets are committed at most this often (default 1000 ms; 0 commits after every
   * batch), and when the consumer stops. Each commit is a write to `__consumer_offsets`: under
   * load a commit per small batch was one in every six requests the broker served. A crash
   * re-delivers at most this much more, which idempotent handlers take once.
   */
  commitIntervalMs?: number;
  /**
   * A batch is handled once its first record has waited this long, or at once when `maxBatch`
   * records are there (default 100 ms; 0 handles what arrived at once). Each batch is a database
   * transaction of the handler: without a wait, every order-service transaction (one each ~20 ms
   * at 500 orders/s) was a batch of a few records (catalog-service CPU per order −30 % with it,
   * bench/RESULTS.md). Fetches still answer as soon as a record is there, so an idle consumer
   * wakes no more often; a record is handled at most this much later.
   */
  lingerMs?: number;
  /**
   * Handles records in partition order; resolves once their effects are durable. Offsets are
   * committed only after that, so a crash re-delivers (handlers are idempotent). A throw retries
   * the same records after a pause; a record that can never be handled must be skipped by the
   * handler itself.
   */
  handle: (records: ConsumedRecord[]) => Promise<void>;
}

const RETRY_MS = 1000;
const DEFAULT_LINGER_MS = 100;
const DEFAULT_COMMIT_INTERVAL_MS = 1000;
/** How long a stopping consumer waits for its last commit. */
const FINAL_COMMIT_MS = 3000;

type NextOffset = { topic: string; partition: number; offset: bigint };

/**
 * A consumer group member that processes before it commits (`autocommit: false`, see
 * docs/decisions/kafka-client.md: the client's autocommit commits at fetch time). Starts in the
 * background and keeps trying while Kafka is down, so a service serves HTTP without waiting for it.
 */
export class BatchConsumer {
  readonly #o: BatchConsumerOptions;
  #consumer: RawConsumer | undefined;
  #stream: MessagesStream<Buffer | undefined, Buffer | undefined, string, Buffer> | undefined;
  #buffer: ConsumedRecord[] = [];
  #wake: (() => void) | undefined;
  #running = false;
  #connected = false;
  #loop: Promise<void> | undefined;
  #restart = false;
  /** Handled but not yet committed: the next offset per partition. */
  #uncommitted = new Map<string, NextOffset>();
  #lastCommit = Number.NEGATIVE_INFINITY;
  /** When the oldest record in the buffer arrived. */
  #firstAt = 0;

  constructor(options: BatchConsumerOptions) {
    this.#o = options;
  }

  /** True while a consumer is in its group and streaming. */
  get connected(): boolean {
    return this.#connected;
  }

  start(): void {
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      try {
        await this.#connect();
        await this.#process();
      } catch (error) {
        this.#o.logger.warn({ err: error, topics: this.#o.topics }, 'consumer failed; reconnecting');
      }
      await this.#disconnect();
      if (this.#running) await this.#sleep(RETRY_MS);
    }
  }

  async #connect(): Promise<void> {
    const o = this.#o;
    this.#restart = false;
    this.#consumer = createConsumer({
      ...o.client,
      groupId: o.groupId,
      // Only committed transactions: order-service publishes each order's records in one, and
      // an aborted half must not take stock or set a status.
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
      maxWaitTime: 500,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      rebalanceTimeout: 20_000,
    });
    // The client emits 'error' on the consumer itself when rejoining the group fails (broker
    // down across a heartbeat); unheard, that event kills the process. Reconnect instead.
    this.#consumer.on('error', (error: unknown) => {
      o.logger.warn({ err: error }, 'consumer error');
      this.#restart = true;
      this.#wake?.();
    });
    const stream = await this.#consumer.consume({
      topics: o.topics,
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: 'earliest',
      autocommit: false,
    });
    const max = o.maxBatch ?? 500;
    stream.on('data', (record: ConsumedRecord) => {
      if (this.#buffer.length === 0) this.#firstAt = performance.now();
      this.#buffer.push(record);
      if (this.#buffer.length >= max * 2) stream.pause();
      // Wakes an idle wait at the first record, a linger once the batch is full.
      if (this.#buffer.length === 1 || this.#buffer.length === max) this.#wake?.();
    });
    stream.on('error', (error: unknown) => {
      o.logger.warn({ err: error }, 'consumer stream error');
      this.#restart = true;
      this.#wake?.();
    });
    this.#stream = stream;
    this.#connected = true;
    o.logger.info({ topics: o.topics, groupId: o.groupId }, 'consuming');
  }

  async #process(): Promise<void> {
    const max = this.#o.maxBatch ?? 500;
    const interval = this.#o.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS;
    while (this.#running && !this.#restart) {
      if (this.#buffer.length === 0) {
        const untilCommit = this.#lastCommit + interval - performance.now();
        if (this.#uncommitted.size > 0 && untilCommit <= 0) {
          await this.#commit();
          continue;
        }
        await this.#sleep(this.#uncommitted.size > 0 ? untilCommit : 1000);
        continue;
      }
      const lingerLeft = this.#firstAt + (this.#o.lingerMs ?? DEFAULT_LINGER_MS) - performance.now();
      if (lingerLeft > 0 && this.#buffer.length < max) {
        await this.#sleep(lingerLeft);
        continue;
      }
      const batch = this.#buffer.slice(0, max);
      try {
        await this.#o.handle(batch);
      } catch (error) {
        this.#o.logger.warn(
          { err: error, records: batch.length },
          'handling failed; retrying the same records',
        );
        await this.#sleep(RETRY_MS);
        continue;
      }
      this.#buffer.splice(0, batch.length);
      if (this.#buffer.length < max) this.#stream?.resume();
      for (const r of batch) {
        const key = `${r.topic}\u0000${r.partition}`;
        const seen = this.#uncommitted.get(key);
        if (!seen || seen.offset <= r.offset)
          this.#uncommitted.set(key, { topic: r.topic, partition: r.partition, offset: r.offset + 1n });
      }
      if (performance.now() - this.#lastCommit >= interval) await this.#commit();
    }
  }

  async #commit(): Promise<void> {
    const offsets = [...this.#uncommitted.values()].map((o) => ({ ...o, leaderEpoch: -1 }));
    this.#uncommitted.clear();
    this.#lastCommit = performance.now();
    try {
      await this.#consumer?.commit({ offsets });
    } catch (error) {
      // Partitions moved to another member: it re-reads from the last commit (handlers are idempotent).
      this.#o.logger.warn({ err: error }, 'offset commit failed; records may be re-delivered');
    }
  }

  async #disconnect(): Promise<void> {
    this.#connected = false;
    // A clean stop commits what was handled; after a failure the new member re-reads it.
    if (!this.#running && !this.#restart && this.#uncommitted.size > 0) {
      await Promise.race([this.#commit(), new Promise((r) => setTimeout(r, FINAL_COMMIT_MS).unref())]);
    }
    this.#uncommitted.clear();
    this.#buffer = [];
    await this.#stream?.close().catch(() => {});
    this.#stream = undefined;
    const consumer = this.#consumer;
    this.#consumer = undefined;
    if (consumer) await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
  }

  /** Waits `ms`, or less when woken: a first or a full batch's record, a stop, an error. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
