import type { ClientSettings, KafkaClients, KafkaProducer } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { SinkTask, SinkTaskContext } from '../api/connector.js';
import { type TopicPartition, topicPartitionKey } from '../api/records.js';
import type { TransformationChain } from '../transforms/transformation-chain.js';
import type { RecordConverter } from './converter-contract.js';
import {
  DeadLetterQueueReporter,
  type ErrorHandlingConfig,
  isRetriableError,
  ToleranceOperator,
} from './error-handling.js';
import { SinkConsumer } from './sink-consumer.js';
import { DEFAULT_SINK_MAX_BATCH } from './sink-consumer-config.js';
import { type ConvertedBatch, SinkDelivery } from './sink-delivery.js';
import { SinkOffsetCommit } from './sink-offset-commit.js';
import type { StatusReporter } from './task-status.js';
import type { TaskMetrics } from './worker-metrics.js';
import { WorkerTask } from './worker-task.js';

/** How often a sink looks for its topics (created later, or new topics.regex matches). */
const TOPIC_CHECK_INTERVAL_MS = 2000;
/**
 * After a delivery, how long no new record must arrive before the task gets an empty put() (as
 * Connect's worker after an empty poll): a task buffering across puts writes then.
 */
const IDLE_PUT_MS = 20;
/** open() of newly assigned partitions: attempts before the task fails, and the back-off between them. */
const OPEN_ATTEMPTS = 10;
const OPEN_BACKOFF_MS = { first: 500, max: 10_000 };
/**
 * How long stop() lets the loop finish (and commit) while the consumer stays in the group; after
 * that the consumer leaves, so a put() blocked on the database does not hold partitions away from
 * their new owner.
 */
const STOP_GRACE_MS = 5000;
/**
 * How long a member about to rejoin its group waits for the task to write and commit what it was
 * given. The member sends no heartbeat meanwhile, so this stays well under the session timeout.
 */
const REJOIN_FLUSH_MAX_MS = 5000;
/**
 * A consumer that failed for good (its group rejoin ran out of retries, its stream died) is
 * rebuilt: attempts before the task fails, and the back-off between them (about 4 minutes in all).
 */
const REBUILD_ATTEMPTS = 10;
const REBUILD_BACKOFF_MS = { first: 1000, max: 30_000 };
/**
 * Converting the next batch while put() writes the current one: records converted between two
 * turns of the event loop, so the write's statements (and fetches) go on in between.
 */
const CONVERT_SLICE = 256;

export interface SinkTaskRunnerOptions {
  connector: string;
  taskId: number;
  task: SinkTask;
  taskConfig: Record<string, string>;
  topics: string[];
  topicsRegex: string | undefined;
  client: ClientSettings;
  /** Builds the task's consumer, admin client and dead letter queue producer. */
  clients: KafkaClients;
  keyConverter: RecordConverter;
  valueConverter: RecordConverter;
  errors: ErrorHandlingConfig;
  /** The connector's single message transforms, applied after conversion and before put(). */
  transformations?: TransformationChain;
  offsetCommitIntervalMs: number;
  logger: Logger;
  report: StatusReporter;
  metrics: TaskMetrics;
  /** Most records handed to one put(). */
  maxBatch?: number;
  /** `consumer.override.isolation.level`; unset keeps the client's default (read_committed). */
  isolationLevel?: 'read_committed' | 'read_uncommitted';
  /** Called once per topic this task consumed a record from (the connector's active topics). */
  onTopicUsed: (topic: string) => void;
  /** `consumer.override.auto.offset.reset`: where a partition without a committed offset starts. */
  fallbackMode?: 'earliest' | 'latest' | 'fail';
  /** The connector's other client overrides, as client options (see config/client-overrides.ts). */
  consumerOverrides?: Record<string, unknown>;
  producerOverrides?: Record<string, unknown>;
  adminOverrides?: Record<string, unknown>;
}

/**
 * Runs one sink task: consumes its share of the topics in the connector's consumer group
 * (`connect-<name>`, sink-consumer.ts), converts and puts (sink-delivery.ts), and commits offsets
 * only for what the task says is durable (sink-offset-commit.ts), so a crash re-delivers instead
 * of losing (at-least-once, as in Connect). This class holds the loop that ties them together:
 * assignments applied between deliveries, rewinds, the flush before a rejoin, the rebuild of a
 * failed consumer, and stop.
 */
export class WorkerSinkTask extends WorkerTask {
  protected readonly kind = 'sink';
  readonly #o: SinkTaskRunnerOptions;
  readonly #maxBatch: number;
  readonly #offsets: SinkOffsetCommit;
  readonly #consumer: SinkConsumer;
  #delivery: SinkDelivery | undefined;
  #dlqProducer: KafkaProducer | undefined;
  #wake: (() => void) | undefined;
  /** Ends a back-off wait early (stop()). */
  #interrupt: (() => void) | undefined;
  #commitRequested = false;
  /**
   * Serializes what touches the task and the offsets: the loop's steps (open/close, put, commit),
   * the flush before a group rejoin, and the last commit on stop. The task is never called twice
   * at once, and a commit never runs in the middle of a put().
   */
  #lock: Promise<void> = Promise.resolve();
  /**
   * Set when the consumer is about to rejoin its group: nothing is delivered until the new
   * assignment arrived, so no record of a partition about to move is written after the commit.
   */
  #holdDelivery = false;
  /** The consumer (or its stream) failed for good: the loop rebuilds it. */
  #broken: { error: unknown } | undefined;
  /**
   * The next batch, converted while put() wrote the previous one: not handed to the task and its
   * offsets not recorded until its own put() returned. Revoked partitions' records are dropped
   * from it, and all of it on a rewind or a rebuilt consumer (the records are read again).
   */
  #ahead: ConvertedBatch | undefined;
  /**
   * A batch whose put() threw a RetriableException: put again, before anything else, once
   * `at` passed (Connect pauses consumption and redelivers the same batch at its next poll).
   */
  #redeliver: { batch: ConvertedBatch; at: number } | undefined;

  constructor(options: SinkTaskRunnerOptions) {
    super(options);
    this.#o = options;
    this.#maxBatch = options.maxBatch ?? DEFAULT_SINK_MAX_BATCH;
    this.#offsets = new SinkOffsetCommit(options.task, this.log, options.metrics);
    this.#consumer = new SinkConsumer({
      connector: options.connector,
      taskId: options.taskId,
      client: options.client,
      clients: options.clients,
      topics: options.topics,
      topicsRegex: options.topicsRegex,
      isolationLevel: options.isolationLevel,
      fallbackMode: options.fallbackMode,
      consumerOverrides: options.consumerOverrides,
      adminOverrides: options.adminOverrides,
      maxBatch: this.#maxBatch,
      log: this.log,
      onMessages: () => this.#wake?.(),
      onAssigned: () => {
        // The loop applies this assignment (close()/open()) before it delivers anything again.
        this.#holdDelivery = false;
        this.#wake?.();
      },
      beforeRejoin: (proceed, ownCall) => this.#beforeRejoin(proceed, ownCall),
      onFailure: (error) => this.#onConsumerFailure(error),
    });
  }

  protected async initialize(): Promise<void> {
    const o = this.#o;
    if (o.errors.dlqTopic) {
      this.#dlqProducer = o.clients.createProducer({
        ...o.client,
        clientId: `${o.client.clientId}-dlq`,
        autocreateTopics: true,
        ...o.producerOverrides,
      });
    }
    const tolerance = new ToleranceOperator(
      o.errors,
      this.log,
      this.#dlqProducer
        ? new DeadLetterQueueReporter(this.#dlqProducer, o.errors, o.connector, o.taskId)
        : undefined,
    );
    this.#consumer.start(this.paused);
    const delivery = new SinkDelivery(
      {
        task: o.task,
        keyConverter: o.keyConverter,
        valueConverter: o.valueConverter,
        errors: o.errors,
        transformations: o.transformations,
        tolerance,
        metrics: o.metrics,
        onTopicUsed: o.onTopicUsed,
        log: this.log,
      },
      this.#offsets,
    );
    this.#delivery = delivery;
    const context: SinkTaskContext = {
      connector: o.connector,
      taskId: o.taskId,
      offset: (offsets) => {
        this.#offsets.requestSeeks(offsets);
        this.#wake?.();
      },
      requestCommit: () => {
        this.#commitRequested = true;
        this.#wake?.();
      },
      errantRecordReporter: delivery.errantRecordReporter(),
      assignment: () => this.#consumer.assignment,
      buffersAcrossPuts: true,
    };
    await o.task.start(o.taskConfig, context);
  }

  /** Runs `step` after every step already queued (see #lock). */
  #exclusive<T>(step: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(step);
    this.#lock = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /**
   * Connect's onPartitionsRevoked for a planned rebalance (a task added or removed, a worker
   * joining or leaving): before the consumer rejoins, what was put is written (preCommit) and its
   * offsets committed while this member's generation is still valid, and nothing more is
   * delivered until the new assignment arrives. The broker completes the join only after every
   * member joined, so the partitions' next owners start after what was written here. A rejoin
   * caused by our own commit or consume() goes ahead at once: the step that made that call holds
   * the lock, and what it wrote is in the commit it is making.
   */
  #beforeRejoin(proceed: () => void, ownCall: boolean): void {
    this.#holdDelivery = true;
    if (ownCall || this.#broken) {
      proceed();
      return;
    }
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      proceed();
    };
    const timer = setTimeout(() => {
      this.log.warn(
        { waitedMs: REJOIN_FLUSH_MAX_MS },
        'rejoining the group before what was put could be committed; those records may be delivered again',
      );
      finish();
    }, REJOIN_FLUSH_MAX_MS);
    this.#exclusive(() => this.#commit())
      .catch((error: unknown) => this.log.warn({ err: error }, 'commit before rejoining the group failed'))
      .finally(finish);
  }

  /** The consumer or its stream failed for good: the loop rebuilds it (see #rebuildConsumer). */
  #onConsumerFailure(error: unknown): void {
    if (!this.running || this.#broken) {
      this.log.debug({ err: error }, 'error from a consumer no longer in use');
      return;
    }
    this.log.error({ err: error }, 'sink consumer failed; rebuilding it');
    this.#broken = { error };
    this.#wake?.();
    this.#interrupt?.();
  }

  /**
   * Replaces a failed consumer by a new member of the group, with back-off; after
   * REBUILD_ATTEMPTS the task fails with the last error as its trace. The status says RESTARTING
   * meanwhile and RUNNING (or PAUSED) once the new consumer joined. What the task was given is
   * written first (preCommit), so records read again by the new consumer are recognised as put
   * (the offsets kept) on the partitions it gets back; the others go to their new owner from the
   * last commit, as after any failure.
   */
  async #rebuildConsumer(): Promise<void> {
    this.report('RESTARTING');
    await this.#offsets.flushTask();
    let backoff = REBUILD_BACKOFF_MS.first;
    for (let attempt = 1; this.running; attempt++) {
      await this.#consumer.teardown();
      if (!this.running) return;
      this.#broken = undefined;
      this.#holdDelivery = false;
      this.#ahead = undefined;
      this.#redeliver = undefined;
      this.#consumer.recreate();
      try {
        await this.#consumer.subscribe(await this.#consumer.existingTopics());
        if (this.#broken) throw (this.#broken as { error: unknown }).error;
        this.log.info({ attempt }, 'sink consumer rebuilt');
        this.report(this.paused ? 'PAUSED' : 'RUNNING');
        return;
      } catch (error) {
        if (attempt >= REBUILD_ATTEMPTS) {
          throw new Error(`The sink consumer could not rejoin its group after ${attempt} attempts`, {
            cause: error,
          });
        }
        this.log.warn(
          { err: error, attempt, backoffMs: backoff },
          'rebuilding the sink consumer failed; retrying',
        );
        this.#broken = { error };
        await this.#sleep(backoff);
        backoff = Math.min(backoff * 2, REBUILD_BACKOFF_MS.max);
      }
    }
  }

  /** A wait that stop() ends early. */
  async #sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#interrupt = resolve;
      setTimeout(resolve, ms);
    });
    this.#interrupt = undefined;
  }

  /**
   * Applies SinkTaskContext.offset() rewinds. The client's stream cannot seek, so: commit what
   * was put (as at any commit), commit the requested offsets to the group, and replace the stream
   * by one reading from the committed offsets. The new stream is opened before the old one is
   * closed, so the consumer keeps its topics and does not rejoin the group; buffered messages are
   * dropped and read again from the committed positions.
   */
  async #rewind(): Promise<void> {
    const seeks = this.#offsets.takeSeeks(this.#consumer.assignedKeys());
    if (seeks.length === 0 || !this.#consumer.active || !this.#consumer.streaming) return;
    await this.#commit();
    try {
      await this.#consumer.commit(
        seeks.map(({ topicPartition, offset }) => ({ ...topicPartition, offset, leaderEpoch: -1 })),
      );
    } catch (error) {
      this.log.warn({ err: error }, 'rewind: committing the requested offsets failed; not rewinding');
      return;
    }
    this.#offsets.rewound(seeks);
    // Read again from the committed offsets, as the buffered messages are.
    this.#ahead = undefined;
    this.#redeliver = undefined;
    this.log.info(
      { offsets: seeks.map((s) => `${topicPartitionKey(s.topicPartition)}@${s.offset}`) },
      'rewinding partitions',
    );
    await this.#consumer.reopenStream();
  }

  async #applyAssignments(): Promise<void> {
    for (
      let change = this.#consumer.nextAssignmentChange();
      change;
      change = this.#consumer.nextAssignmentChange()
    ) {
      const { lost, added } = change;
      if (lost.length) {
        try {
          await this.#o.task.close?.(lost);
        } catch (error) {
          // The partitions are gone either way; their new owner re-reads what was not committed.
          this.log.warn({ err: error }, 'close of revoked partitions failed');
        }
        const lostKeys = new Set(lost.map(topicPartitionKey));
        this.#offsets.forget(lostKeys);
        this.#consumer.dropBuffered(lostKeys);
        const delivery = this.#delivery as SinkDelivery;
        if (this.#ahead) this.#ahead = delivery.without(this.#ahead, lostKeys);
        if (this.#redeliver) {
          this.#redeliver = { ...this.#redeliver, batch: delivery.without(this.#redeliver.batch, lostKeys) };
        }
      }
      if (added.length) await this.#open(added);
    }
  }

  /**
   * open() of new partitions, retried with back-off. The loop applies assignments before it
   * delivers, so nothing is delivered until open() succeeded: a task that resumes from offsets of
   * its own (the JDBC sink's exactly-once table) must rewind first. After OPEN_ATTEMPTS the task
   * fails, as in Connect.
   */
  async #open(partitions: TopicPartition[]): Promise<void> {
    let backoff = OPEN_BACKOFF_MS.first;
    for (let attempt = 1; ; attempt++) {
      // Partitions revoked meanwhile are the next owner's to open.
      const still = partitions.filter((tp) => this.#consumer.inLatestAssignment(topicPartitionKey(tp)));
      if (still.length === 0 || !this.running) return;
      try {
        await this.#o.task.open?.(still);
        return;
      } catch (error) {
        if (!this.running) return;
        if (attempt >= OPEN_ATTEMPTS) throw error;
        this.log.warn(
          { err: error, attempt, partitions: still.map(topicPartitionKey), backoffMs: backoff },
          'open of assigned partitions failed; holding delivery and retrying',
        );
        await this.#sleep(backoff);
        backoff = Math.min(backoff * 2, OPEN_BACKOFF_MS.max);
      }
    }
  }

  protected async execute(): Promise<void> {
    const o = this.#o;
    const delivery = this.#delivery as SinkDelivery;
    const consumer = this.#consumer;
    const maxBatch = this.#maxBatch;
    let lastCommit = Date.now();
    let lastTopicCheck = 0;
    while (this.running) {
      if (this.#broken) {
        await this.#exclusive(() => this.#rebuildConsumer());
        continue;
      }
      if (Date.now() - lastTopicCheck >= TOPIC_CHECK_INTERVAL_MS) {
        lastTopicCheck = Date.now();
        await this.#exclusive(() => this.#checkTopics());
      }
      const deliverable = () =>
        !this.paused &&
        !this.#holdDelivery &&
        (this.#redeliver
          ? Date.now() >= this.#redeliver.at
          : this.#ahead !== undefined || consumer.buffered > 0);
      if (!deliverable() && !this.#commitRequested && !consumer.hasAssignmentChanges && !this.#broken) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          setTimeout(
            resolve,
            // Paused or held, a redelivery waits like anything else (no wake-up every millisecond).
            this.#redeliver && !this.paused && !this.#holdDelivery
              ? Math.max(1, this.#redeliver.at - Date.now())
              : delivery.owesIdlePut && !this.#holdDelivery
                ? IDLE_PUT_MS
                : Math.max(
                    50,
                    Math.min(TOPIC_CHECK_INTERVAL_MS, o.offsetCommitIntervalMs - (Date.now() - lastCommit)),
                  ),
          );
        });
        this.#wake = undefined;
      }
      if (!this.running || this.#broken) continue;
      await this.#exclusive(async () => {
        await this.#applyAssignments();
        if (this.#offsets.hasSeeks) await this.#rewind();
        if (deliverable()) {
          await this.#deliver(delivery, maxBatch, lastCommit);
        } else if (
          !this.paused &&
          !this.#holdDelivery &&
          delivery.owesIdlePut &&
          consumer.buffered === 0 &&
          !this.#ahead &&
          !this.#redeliver
        ) {
          // Nothing more arrived: a task that buffers across puts writes now.
          await delivery.idlePut();
        }
        if (this.#commitRequested || Date.now() - lastCommit >= o.offsetCommitIntervalMs) {
          this.#commitRequested = false;
          lastCommit = Date.now();
          // A revocation that came during put(): those partitions' offsets are not ours to commit.
          await this.#applyAssignments();
          await this.#commit();
        }
      });
    }
    await consumer.closeStream();
  }

  /**
   * Puts the next batch and, while put() waits on its write, converts the one after it (the
   * conversion's CPU overlaps the database's round trip; Connect converts after put() returns).
   * Nothing of the batch converted ahead reaches the task, nor are its offsets recorded, before
   * its own put(): a put() that fails leaves it uncommitted. A put() that throws a
   * RetriableException keeps its batch for redelivery, first, as Connect does; any other error
   * fails the task.
   */
  async #deliver(delivery: SinkDelivery, maxBatch: number, lastCommit: number): Promise<void> {
    const consumer = this.#consumer;
    const assigned = consumer.assignedKeys();
    let batch: ConvertedBatch;
    if (this.#redeliver) {
      batch = this.#redeliver.batch;
      this.#redeliver = undefined;
    } else {
      const ahead = this.#ahead;
      this.#ahead = undefined;
      if (ahead === undefined) {
        batch = await delivery.convert(consumer.take(maxBatch), assigned);
      } else if (ahead.messages.length < maxBatch && consumer.buffered > 0) {
        // More arrived while the previous put() wrote: a full batch, as without the overlap.
        const more = await delivery.convert(consumer.take(maxBatch - ahead.messages.length), assigned, ahead);
        batch = joinBatches(ahead, more);
      } else {
        batch = ahead;
      }
    }
    // Settled into a value: a rejection must not go unhandled while the next batch converts.
    const putting = delivery.put(batch).then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    let aheadFailure: { error: unknown } | undefined;
    if (this.#ahead === undefined && consumer.buffered > 0) {
      try {
        this.#ahead = await delivery.convert(consumer.take(maxBatch), assigned, batch, CONVERT_SLICE);
      } catch (error) {
        // errors.tolerance=none: fails the task, after the put in flight settled.
        aheadFailure = { error };
      }
    }
    const failed = await putting;
    if (failed) {
      if (!isRetriableError(failed.error)) {
        this.#ahead = undefined;
        throw failed.error;
      }
      const waitMs = Math.max(
        50,
        Math.min(TOPIC_CHECK_INTERVAL_MS, this.#o.offsetCommitIntervalMs - (Date.now() - lastCommit)),
      );
      this.log.error(
        { err: failed.error, records: batch.records.length, retryInMs: waitMs },
        'RetriableException from put(); the same records will be put again',
      );
      this.#redeliver = { batch, at: Date.now() + waitMs };
    }
    if (aheadFailure) throw aheadFailure.error;
  }

  /**
   * Subscribes to the topics that exist now when they changed. What was put is committed first:
   * the new subscription makes the consumer rejoin its group. A broker that does not answer is
   * not the task's failure: the consumer reports its own (see #onConsumerFailure).
   */
  async #checkTopics(): Promise<void> {
    let topics: string[];
    try {
      topics = await this.#consumer.existingTopics();
    } catch (error) {
      this.log.warn({ err: error }, 'listing topics failed; keeping the current subscription');
      return;
    }
    if (this.#consumer.subscribedTo(topics)) return;
    this.log.info({ topics }, 'subscribing');
    await this.#commit();
    try {
      await this.#consumer.subscribe(topics);
    } catch (error) {
      // The join ran out of retries (a coordinator still loading, a broker gone): rebuild.
      this.#consumer.subscriptionFailed(error);
    }
  }

  async #commit(): Promise<void> {
    if (!this.#consumer.active) return;
    await this.#offsets.commit((offsets) => this.#consumer.commit(offsets));
  }

  protected async releaseAfterFailure(): Promise<void> {
    // A failed task consumes nothing more: its partitions go to the connector's other tasks.
    await this.#consumer.leaveGroup();
  }

  protected onPause(): void {
    this.#consumer.pause();
  }

  protected onResume(): void {
    this.#consumer.resume();
    this.#wake?.();
  }

  protected async finish(wasRunning: boolean): Promise<void> {
    this.#wake?.();
    this.#interrupt?.();
    let finished = true;
    const done = this.done;
    if (done) {
      let timer: NodeJS.Timeout | undefined;
      finished = await Promise.race([
        done.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), STOP_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
      if (!finished) {
        // Still in put() or open() (e.g. waiting on a database lock): leave the group now, so
        // the partitions' new owner gets them instead of waiting for this task.
        this.log.warn(
          { graceMs: STOP_GRACE_MS },
          'sink task still busy while stopping; leaving the consumer group first',
        );
        await this.#consumer.leaveGroup();
        await done;
      }
    }
    if (wasRunning && finished && !this.#consumer.leftGroup && !this.#broken) {
      // Everything handed to put() gets one last chance to be committed.
      await this.#exclusive(() => this.#commit()).catch(() => {});
    }
  }

  protected async close(): Promise<void> {
    await this.#consumer.leaveGroup();
    await this.#dlqProducer?.close().catch(() => {});
    await this.#consumer.closeAdmin();
  }
}

/** Two converted batches of the same partitions, in order, as one. */
function joinBatches(first: ConvertedBatch, second: ConvertedBatch): ConvertedBatch {
  if (second.messages.length === 0) return first;
  return {
    messages: first.messages.concat(second.messages),
    records: first.records.concat(second.records),
    next: new Map([...first.next, ...second.next]),
  };
}
