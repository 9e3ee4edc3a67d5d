import { hasProtocolError, type OutgoingMessage } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { SourceRecord } from '../api/records.js';
import type { OffsetEntry } from '../storage/connector-offset-store.js';
import {
  DEFAULT_SIZE_LIMITS,
  latestOffsets,
  type SourceDeliveryContext,
  type SourceRecordDelivery,
  splitUnderLimit,
  topicsOf,
} from './source-record-delivery.js';

/**
 * What an exactly-once task needs of its producer (the client's transactional producer; a fake in
 * unit tests): transactions of sequential sends, committed or aborted.
 */
export interface SourceTransaction {
  send(options: { messages: OutgoingMessage[] }): Promise<unknown>;
  commit(): Promise<unknown>;
  abort(): Promise<unknown>;
  /** Forgets a transaction client-side; the broker never heard of it (nothing was sent in it). */
  cancel(): Promise<unknown>;
}
export interface TransactionalSourceProducer {
  beginTransaction(): Promise<SourceTransaction>;
  close(): Promise<unknown>;
}

/**
 * How long {@link claimTransactionalId} keeps trying while the coordinator cannot
 * answer yet (the client's own few retries end within a second): Apache's initTransactions keeps
 * retrying these for max.block.ms, 60 s by default.
 */
const INIT_TIMEOUT_MS = 60_000;
const INIT_RETRY_MS = 500;

/**
 * The answers to InitProducerId that mean "not yet", as Apache's TransactionManager treats them:
 * the previous instance's transaction still completing, or the coordinator for the id moving or
 * still loading (as when __transaction_state is created by a broker's first transactional id).
 */
const INIT_RETRIABLE = [
  'CONCURRENT_TRANSACTIONS',
  'NOT_COORDINATOR',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
] as const;

/**
 * Asks for the producer id of the producer's transactional id (InitProducerId, epoch bumped), as
 * Apache's initTransactions: the client does it on its first begin, so a begin cancelled at once
 * does just that. Every older holder of the id is fenced (a commit of theirs fails, an open
 * transaction is aborted); it returns once their last transaction is complete (the coordinator
 * answers CONCURRENT_TRANSACTIONS until its markers are written), retrying what means "not yet"
 * for up to a minute.
 */
export async function claimTransactionalId(
  producer: Pick<TransactionalSourceProducer, 'beginTransaction'>,
  options: { log: Pick<Logger, 'info'>; now: () => number },
): Promise<void> {
  const deadline = options.now() + INIT_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      const tx = await producer.beginTransaction();
      await tx.cancel();
      return;
    } catch (error) {
      const notYet = INIT_RETRIABLE.find((id) => hasProtocolError(error, id));
      if (!notYet || options.now() >= deadline) throw error;
      options.log.info({ attempt, error: notYet }, 'the transaction coordinator cannot answer yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, INIT_RETRY_MS));
    }
  }
}

/** Apache's refusal: the task's next offsets read would wait for its own open transaction. */
export const OWN_OFFSETS_TOPIC_MESSAGE =
  'Source tasks may not produce to their own offsets topics when exactly-once support is enabled';

export interface ExactlyOnceOptions {
  /**
   * `poll` commits each poll's records with their offsets in one transaction; `interval` keeps one
   * transaction open over several polls and commits it once `intervalMs` has passed (and on pause
   * and stop).
   */
  boundary: 'poll' | 'interval';
  intervalMs: number;
  /** Clock of the interval boundary. */
  now: () => number;
}

/**
 * Exactly once, as Apache's ExactlyOnceWorkerSourceTask: records and the offsets they reach go to
 * Kafka in one transaction of the task's transactional id, so they become visible together or not
 * at all, and a newer instance of the task fences this one. Offsets are written to the
 * connector's offsets topic inside the transaction, then copied to the worker's.
 *
 * Unlike Apache, whose task thread waits for each commit, the Kafka side of a poll is handed off
 * (at most one piece of work in flight: a poll's transaction, an interval transaction's send, or
 * its commit) and the task polls and converts its next records meanwhile. Nothing of the next
 * work starts before the previous one succeeded: a producer has one transaction at a time, and a
 * transaction's offsets must come after the previous one's. When work in flight fails, the task
 * fails, as Apache's does on a failed commit: what it polled since is dropped, and the next run
 * reads it again from the last committed offsets.
 */
export class ExactlyOnceSourceDelivery implements SourceRecordDelivery {
  readonly #c: SourceDeliveryContext;
  readonly #producer: TransactionalSourceProducer;
  readonly #x: ExactlyOnceOptions;
  /** The interval boundary's open transaction and the offsets its records reach (latest per partition). */
  #open: OpenTransaction | undefined;
  #lastCommit: number;
  /** The work handed off and not finished yet; it never rejects (its failure is kept in #failure). */
  #inFlight: Promise<void> | undefined;
  #failure: { error: unknown } | undefined;
  readonly #failed = new AbortController();

  constructor(
    context: SourceDeliveryContext,
    producer: TransactionalSourceProducer,
    options: ExactlyOnceOptions,
  ) {
    this.#c = context;
    this.#producer = producer;
    this.#x = options;
    this.#lastCommit = options.now();
  }

  get failed(): AbortSignal {
    return this.#failed.signal;
  }

  /**
   * Apache's initTransactions, which ExactlyOnceWorkerSourceTask runs before the task reads its
   * offsets ({@link claimTransactionalId}). A commit returns before its markers are written, and a
   * read_committed read of the offsets topic does not see its offsets until then; offsets read
   * before the previous instance's last transaction completed could miss its last commit, and its
   * records would be sent again.
   */
  initialize(): Promise<void> {
    return claimTransactionalId(this.#producer, { log: this.#c.log, now: this.#x.now });
  }

  async send(messages: OutgoingMessage[], records: SourceRecord[]): Promise<void> {
    if (messages.some((m) => m.topic === this.#c.offsets.primaryTopic))
      throw new Error(OWN_OFFSETS_TOPIC_MESSAGE);
    const limits = this.#c.sizeLimits ?? DEFAULT_SIZE_LIMITS;
    if (messages.length > 0) await limits.load(topicsOf(messages));
    if (this.#x.boundary === 'interval') {
      // Split before the wait: a record too large fails the task before it joins the transaction.
      const groups = splitUnderLimit(messages, limits);
      await this.drain();
      this.#sendInOpenTransaction(groups, records);
    } else {
      const latest = latestOffsets(this.#c.connector, records, new Map());
      const groups = splitUnderLimit(
        messages.length === 0 ? this.#offsetMessages(latest) : [...messages, ...this.#offsetMessages(latest)],
        limits,
      );
      await this.drain();
      this.#handOff(() => this.#transaction(groups, latest));
    }
  }

  /**
   * Checked after every poll, an empty one too, as Apache's interval boundary does; with nothing
   * open the interval starts again all the same. Work in flight that failed fails the task here.
   */
  async afterPoll(): Promise<void> {
    if (this.#failure) throw this.#failure.error;
    if (this.#x.boundary === 'interval' && this.#x.now() >= this.#lastCommit + this.#x.intervalMs) {
      this.#lastCommit = this.#x.now();
      await this.drain();
      const open = this.#open;
      this.#open = undefined;
      if (open) this.#handOff(() => this.#commit(open));
    }
  }

  async drain(): Promise<void> {
    await this.#inFlight;
    this.#inFlight = undefined;
    if (this.#failure) throw this.#failure.error;
  }

  /** As Apache on pause: no transaction hangs open (and times out) while the task waits. */
  async beforePause(): Promise<void> {
    await this.drain();
    await this.#commitOpen();
  }

  startInterval(): void {
    this.#lastCommit = this.#x.now();
  }

  /** Offsets are committed with their records: nothing is ever pending. */
  async flush(): Promise<void> {}

  /** The interval boundary's last transaction, as Apache's final commit (a failed task aborted its own). */
  async finish(): Promise<void> {
    try {
      await this.drain();
      await this.#commitOpen();
    } catch (error) {
      this.#c.log.warn(
        { err: error },
        'final transaction commit failed; its records will be sent again by the next run',
      );
    }
  }

  /** Nothing of a failed task's open transaction may become visible. */
  async abandon(): Promise<void> {
    // The producer's one transaction: work in flight ends (or fails and aborts) first.
    await this.#inFlight;
    await this.#abortOpen();
  }

  async close(): Promise<void> {
    await this.#producer.close().catch(() => {});
  }

  /** Runs `work` in the background; its failure fails the task at its next step. */
  #handOff(work: () => Promise<void>): void {
    this.#inFlight = work().catch((error: unknown) => {
      this.#failure ??= { error };
      this.#failed.abort(error);
    });
  }

  /** Offsets as records of the connector's offsets topic, as Apache writes them. */
  #offsetMessages(latest: Map<string, OffsetEntry>): OutgoingMessage[] {
    const topic = this.#c.offsets.primaryTopic;
    // Exactly-once runs in distributed mode only, where offsets always live in a topic.
    if (topic === undefined) throw new Error('exactly-once source offsets need an offsets topic');
    return [...latest.values()].map(({ partition, offset }) => ({
      topic,
      key: Buffer.from(JSON.stringify([this.#c.connector, partition])),
      value: Buffer.from(JSON.stringify(offset)),
    }));
  }

  /**
   * The poll boundary: records and the offsets they reach (in the last group), committed together
   * or not at all. The groups are sent one after the other: the client must not have two produce
   * requests in flight.
   */
  async #transaction(groups: OutgoingMessage[][], latest: Map<string, OffsetEntry>): Promise<void> {
    const started = performance.now();
    const tx = await this.#producer.beginTransaction();
    try {
      for (const group of groups) await tx.send({ messages: group });
      await tx.commit();
    } catch (error) {
      await tx.abort().catch(() => {});
      throw error;
    }
    this.#c.metrics.commitLatency.observe((performance.now() - started) / 1000);
    await this.#afterCommit([...latest.values()]);
  }

  /**
   * The interval boundary: the records go out in the open transaction (begun by the first of
   * them); their offsets wait for the commit, which writes them in the same transaction. They
   * move the offsets forward now: a failed send fails the task before any commit.
   */
  #sendInOpenTransaction(groups: OutgoingMessage[][], records: SourceRecord[]): void {
    this.#open ??= { tx: undefined, offsets: new Map(), records: 0 };
    const open = this.#open;
    latestOffsets(this.#c.connector, records, open.offsets);
    if (groups.length === 0) return;
    this.#handOff(async () => {
      open.tx ??= await this.#producer.beginTransaction();
      for (const group of groups) {
        await open.tx.send({ messages: group });
        open.records += group.length;
      }
    });
  }

  /** Commits the open transaction with the offsets its records reach; on failure it is aborted. */
  async #commitOpen(): Promise<void> {
    const open = this.#open;
    this.#open = undefined;
    if (open) await this.#commit(open);
  }

  async #commit(open: OpenTransaction): Promise<void> {
    if (!open.tx && open.offsets.size === 0) return;
    const started = performance.now();
    try {
      open.tx ??= await this.#producer.beginTransaction();
      if (open.offsets.size > 0) {
        const limits = this.#c.sizeLimits ?? DEFAULT_SIZE_LIMITS;
        const offsets = this.#offsetMessages(open.offsets);
        await limits.load(topicsOf(offsets));
        for (const group of splitUnderLimit(offsets, limits)) await open.tx.send({ messages: group });
      }
      await open.tx.commit();
    } catch (error) {
      await this.#abort(open);
      throw error;
    }
    this.#c.log.debug({ records: open.records, partitions: open.offsets.size }, 'transaction committed');
    this.#c.metrics.commitLatency.observe((performance.now() - started) / 1000);
    await this.#afterCommit([...open.offsets.values()]);
  }

  async #abortOpen(): Promise<void> {
    const open = this.#open;
    this.#open = undefined;
    if (open) await this.#abort(open);
  }

  async #abort(open: OpenTransaction): Promise<void> {
    await open.tx?.abort().catch((error: unknown) => {
      // The next instance of the producer's transactional id aborts it at the broker anyway.
      this.#c.log.warn({ err: error }, 'aborting the open transaction failed');
    });
  }

  /** After a commit: the copy to the worker's offsets topic (own topic only), then the task's hook. */
  async #afterCommit(entries: OffsetEntry[]): Promise<void> {
    await this.#c.offsets.copyToWorkerTopic(this.#c.connector, entries);
    await this.#c.task.commit?.();
  }
}

/** The interval boundary's transaction: begun by its first records, or by the commit. */
interface OpenTransaction {
  tx: SourceTransaction | undefined;
  offsets: Map<string, OffsetEntry>;
  records: number;
}
