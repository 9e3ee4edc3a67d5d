import {
  type Admin,
  type ClientSettings,
  createAdmin,
  createConsumer,
  createProducer,
  FetchIsolationLevels,
  type KafkaProducer,
  type Message,
  type MessagesStream,
  MessagesStreamModes,
  type RawConsumer,
  setBeforeRejoin,
} from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { ErrantRecordReporter, SinkTask, SinkTaskContext } from '../api/connector.js';
import { type SinkRecord, type TopicPartition, topicPartitionKey } from '../api/records.js';
import type { TransformationChain } from '../transforms/transformation-chain.js';
import type { RecordConverter } from './converter-contract.js';
import {
  type ConsumedRecordContext,
  DeadLetterQueueReporter,
  type ErrorHandlingConfig,
  ToleranceOperator,
} from './error-handling.js';
import type { StatusReporter } from './task-status.js';
import type { TaskMetrics } from './worker-metrics.js';

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
/** Closing a broken consumer may wait on a broker that is gone: it gets this long. */
const TEARDOWN_MS = 5000;

type SchemaAndValue = ReturnType<RecordConverter['toConnectData']>;
type RawMessage = Message<Buffer | undefined, Buffer | undefined, string, Buffer>;
type OffsetMap = Map<string, { topicPartition: TopicPartition; offset: bigint }>;

export interface SinkTaskRunnerOptions {
  connector: string;
  taskId: number;
  task: SinkTask;
  taskConfig: Record<string, string>;
  topics: string[];
  topicsRegex: string | undefined;
  client: ClientSettings;
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
}

/**
 * Runs one sink task: consumes its share of the topics in the connector's consumer group
 * (`connect-<name>`), converts, calls put(), and commits offsets only for what the task says is
 * durable, so a crash re-delivers instead of losing (at-least-once, as in Connect).
 */
export class WorkerSinkTask {
  readonly #o: SinkTaskRunnerOptions;
  readonly #log: Logger;
  #consumer: RawConsumer | undefined;
  #dlqProducer: KafkaProducer | undefined;
  #buffer: RawMessage[] = [];
  #wake: (() => void) | undefined;
  #running = false;
  #paused = false;
  #commitRequested = false;
  #current: OffsetMap = new Map();
  #lastCommitted = new Map<string, bigint>();
  #assignment: TopicPartition[] = [];
  #done: Promise<void> | undefined;
  #tolerance: ToleranceOperator | undefined;
  #admin: Admin | undefined;
  #stream: MessagesStream<Buffer | undefined, Buffer | undefined, string, Buffer> | undefined;
  #topics: string[] = [];
  /** Rewinds asked for through SinkTaskContext.offset(), applied by the loop before the next put. */
  #pendingSeeks: OffsetMap = new Map();
  /**
   * Assignments the client reported, applied (close()/open()) by the loop between deliveries, so
   * that a revocation never runs while put() is busy with the partition.
   */
  #assignments: { topic: string; partitions: number[] }[][] = [];
  #streamToken: symbol | undefined;
  #topicsSeen = new Set<string>();
  /** The consumed message behind each record put, for the errant record reporter. */
  #messageOf = new WeakMap<SinkRecord, RawMessage>();
  /** Records were put since the last empty put(). */
  #owesIdlePut = false;
  #errantReporting = false;
  /** Partitions of the latest assignment the client reported (the open() retries stop for the others). */
  #latestAssignment = new Set<string>();
  /** Ends a back-off wait early (stop()). */
  #interrupt: (() => void) | undefined;
  #leftGroup = false;
  /** Records of the current re-read dropped so far (see #skipDelivered). */
  #reread = 0;
  /**
   * Serializes what touches the task and the offsets: the loop's steps (open/close, put, commit),
   * the flush before a group rejoin, and the last commit on stop. The task is never called twice
   * at once, and a commit never runs in the middle of a put().
   */
  #lock: Promise<void> = Promise.resolve();
  /** Our own calls that may make the consumer join (commit retries, consume()) in flight. */
  #selfJoin = 0;
  /**
   * Set when the consumer is about to rejoin its group: nothing is delivered until the new
   * assignment arrived, so no record of a partition about to move is written after the commit.
   */
  #holdDelivery = false;
  /** The consumer (or its stream) failed for good: the loop rebuilds it. */
  #broken: { error: unknown } | undefined;

  constructor(options: SinkTaskRunnerOptions) {
    this.#o = options;
    this.#log = options.logger.child({ connector: options.connector, task: options.taskId });
  }

  /** Starts the task; resolves once it runs (or rejects when start failed). */
  async start(initiallyPaused: boolean): Promise<void> {
    const o = this.#o;
    this.#paused = initiallyPaused;
    if (o.errors.dlqTopic) {
      this.#dlqProducer = createProducer({
        ...o.client,
        clientId: `${o.client.clientId}-dlq`,
        autocreateTopics: true,
      });
    }
    this.#tolerance = new ToleranceOperator(
      o.errors,
      this.#log,
      this.#dlqProducer
        ? new DeadLetterQueueReporter(this.#dlqProducer, o.errors, o.connector, o.taskId)
        : undefined,
    );
    this.#admin = createAdmin({
      ...o.client,
      clientId: `${o.client.clientId}-${o.connector}-${o.taskId}-admin`,
    });
    this.#consumer = this.#createConsumer();
    const errantRecordReporter = this.#errantRecordReporter();
    this.#errantReporting = errantRecordReporter !== undefined;
    const context: SinkTaskContext = {
      connector: o.connector,
      taskId: o.taskId,
      offset: (offsets) => {
        for (const [key, entry] of offsets) this.#pendingSeeks.set(key, entry);
        this.#wake?.();
      },
      requestCommit: () => {
        this.#commitRequested = true;
        this.#wake?.();
      },
      errantRecordReporter,
      assignment: () => [...this.#assignment],
      buffersAcrossPuts: true,
    };
    await o.task.start(o.taskConfig, context);
    this.#running = true;
    o.report(this.#paused ? 'PAUSED' : 'RUNNING');
    this.#done = this.#loop().catch(async (error: unknown) => {
      this.#log.error({ err: error }, 'sink task failed');
      o.report('FAILED', error);
      this.#running = false;
      // A failed task consumes nothing more: its partitions go to the connector's other tasks.
      await this.#leaveGroup();
    });
  }

  /**
   * A consumer in the connector's group, with its assignments fed to the loop, the flush before
   * each rejoin (Connect's onPartitionsRevoked), and an 'error' listener: a consumer whose group
   * rejoin ran out of retries emits 'error', which unheard would end the worker process; heard,
   * it leaves a member that no longer takes part in the group, so the loop rebuilds it.
   */
  #createConsumer(): RawConsumer {
    const o = this.#o;
    const consumer = createConsumer({
      ...o.client,
      clientId: `${o.client.clientId}-${o.connector}-${o.taskId}`,
      groupId: `connect-${o.connector}`,
      ...(o.isolationLevel
        ? {
            isolationLevel:
              o.isolationLevel === 'read_committed'
                ? FetchIsolationLevels.READ_COMMITTED
                : FetchIsolationLevels.READ_UNCOMMITTED,
          }
        : {}),
      maxWaitTime: 500,
      // Smaller per-partition slices keep every partition moving and measured faster than one
      // partition filling the whole fetch (docs/decisions/kafka-client.md).
      maxBytes: 10 * 1024 * 1024,
      maxBytesPerPartition: 1024 * 1024,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      rebalanceTimeout: 30_000,
    });
    consumer.on(
      'consumer:group:join',
      (payload: { assignments?: { topic: string; partitions: number[] }[] }) => {
        // A consumer replaced after a failure may still report; only the current one counts.
        if (consumer !== this.#consumer) return;
        const assignments = payload.assignments ?? [];
        this.#latestAssignment = new Set(
          assignments.flatMap((a) =>
            a.partitions.map((partition) => topicPartitionKey({ topic: a.topic, partition })),
          ),
        );
        this.#assignments.push(assignments);
        // The loop applies this assignment (close()/open()) before it delivers anything again.
        this.#holdDelivery = false;
        this.#wake?.();
      },
    );
    consumer.on('error', (error: unknown) => this.#onConsumerFailure(consumer, error));
    setBeforeRejoin(consumer, (proceed) => this.#beforeRejoin(consumer, proceed));
    return consumer;
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

  /** Our own call that may make the consumer join: the rejoin it causes waits for nothing of ours. */
  async #joining<T>(call: () => Promise<T>): Promise<T> {
    this.#selfJoin++;
    try {
      return await call();
    } finally {
      this.#selfJoin--;
    }
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
  #beforeRejoin(consumer: RawConsumer, proceed: () => void): void {
    if (consumer !== this.#consumer || this.#selfJoin > 0 || this.#broken) {
      if (consumer === this.#consumer) this.#holdDelivery = true;
      proceed();
      return;
    }
    this.#holdDelivery = true;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      proceed();
    };
    const timer = setTimeout(() => {
      this.#log.warn(
        { waitedMs: REJOIN_FLUSH_MAX_MS },
        'rejoining the group before what was put could be committed; those records may be delivered again',
      );
      finish();
    }, REJOIN_FLUSH_MAX_MS);
    this.#exclusive(() => this.#commit())
      .catch((error: unknown) => this.#log.warn({ err: error }, 'commit before rejoining the group failed'))
      .finally(finish);
  }

  /** The consumer or its stream failed for good: the loop rebuilds it (see #rebuildConsumer). */
  #onConsumerFailure(consumer: RawConsumer, error: unknown): void {
    if (consumer !== this.#consumer || !this.#running || this.#broken) {
      this.#log.debug({ err: error }, 'error from a consumer no longer in use');
      return;
    }
    this.#log.error({ err: error }, 'sink consumer failed; rebuilding it');
    this.#broken = { error };
    this.#wake?.();
    this.#interrupt?.();
  }

  /**
   * Replaces a failed consumer by a new member of the group, with back-off; after
   * REBUILD_ATTEMPTS the task fails with the last error as its trace. The status says RESTARTING
   * meanwhile and RUNNING (or PAUSED) once the new consumer joined. What the task was given is
   * written first (preCommit), so records read again by the new consumer are recognised as put
   * (#current, kept) on the partitions it gets back; the others go to their new owner from the
   * last commit, as after any failure.
   */
  async #rebuildConsumer(): Promise<void> {
    const o = this.#o;
    o.report('RESTARTING');
    if (this.#current.size > 0 && o.task.preCommit) await o.task.preCommit(new Map(this.#current));
    let backoff = REBUILD_BACKOFF_MS.first;
    for (let attempt = 1; this.#running; attempt++) {
      await this.#teardownConsumer();
      if (!this.#running) return;
      this.#broken = undefined;
      this.#holdDelivery = false;
      this.#buffer = [];
      this.#consumer = this.#createConsumer();
      this.#leftGroup = false;
      try {
        this.#topics = [];
        await this.#subscribe(await this.#existingTopics());
        if (this.#broken) throw (this.#broken as { error: unknown }).error;
        this.#log.info({ attempt }, 'sink consumer rebuilt');
        o.report(this.#paused ? 'PAUSED' : 'RUNNING');
        return;
      } catch (error) {
        if (attempt >= REBUILD_ATTEMPTS) {
          throw new Error(`The sink consumer could not rejoin its group after ${attempt} attempts`, {
            cause: error,
          });
        }
        this.#log.warn(
          { err: error, attempt, backoffMs: backoff },
          'rebuilding the sink consumer failed; retrying',
        );
        this.#broken = { error };
        await this.#sleep(backoff);
        backoff = Math.min(backoff * 2, REBUILD_BACKOFF_MS.max);
      }
    }
  }

  /** Closes the current consumer and its stream, giving up after TEARDOWN_MS (broker gone). */
  async #teardownConsumer(): Promise<void> {
    const consumer = this.#consumer;
    const stream = this.#stream;
    this.#streamToken = undefined;
    this.#stream = undefined;
    const bounded = (work: Promise<unknown>) =>
      Promise.race([
        work.catch(() => {}),
        new Promise((resolve) => setTimeout(resolve, TEARDOWN_MS).unref()),
      ]);
    if (stream) await bounded(stream.close());
    if (consumer) {
      await bounded(new Promise<void>((resolve) => consumer.close(true, () => resolve())));
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
   * As in Connect, a task gets a reporter when errors are tolerated or a dead letter queue is set;
   * a reported record goes through the same policy as a conversion error (stage TASK_PUT): with
   * errors.tolerance=none it fails the task, with all it is logged and sent to the DLQ.
   */
  #errantRecordReporter(): ErrantRecordReporter | undefined {
    const o = this.#o;
    if (o.errors.tolerance !== 'all' && !o.errors.dlqTopic) return undefined;
    return {
      report: async (record, error) => {
        const message = this.#messageOf.get(record);
        const context: ConsumedRecordContext = message
          ? consumedContext(message)
          : {
              // A record the task made itself: serialized again with the connector's converters.
              topic: record.topic,
              partition: record.kafkaPartition,
              offset: record.kafkaOffset,
              key: o.keyConverter.fromConnectData(record.topic, record.keySchema, record.key) ?? undefined,
              value:
                o.valueConverter.fromConnectData(record.topic, record.valueSchema, record.value) ?? undefined,
              headers: new Map(),
              timestamp: BigInt(record.timestamp ?? -1),
            };
        await (this.#tolerance as ToleranceOperator).execute(
          'TASK_PUT',
          () => {
            throw error;
          },
          context,
          () => false,
        );
        o.metrics.recordsSkipped.inc();
      },
    };
  }

  /**
   * (Re)subscribes to the topics that exist now. Like Connect's sink consumer, a task whose
   * topics do not exist yet waits for them instead of failing.
   */
  async #subscribe(topics: string[]): Promise<void> {
    this.#streamToken = undefined;
    await this.#stream?.close().catch(() => {});
    this.#stream = undefined;
    this.#topics = topics;
    if (topics.length === 0) return;
    this.#stream = await this.#openStream(topics);
  }

  /** A stream from the group's committed offsets; from this call on, older streams' messages are ignored. */
  async #openStream(
    topics: string[],
  ): Promise<MessagesStream<Buffer | undefined, Buffer | undefined, string, Buffer>> {
    const o = this.#o;
    const token = Symbol('stream');
    this.#streamToken = token;
    const consumer = this.#consumer as RawConsumer;
    const stream = await this.#joining(() =>
      consumer.consume({
        topics,
        mode: MessagesStreamModes.COMMITTED,
        // Connect's sink consumers start from the beginning when the group has no offset yet.
        fallbackMode: 'earliest',
        autocommit: false,
      }),
    );
    stream.on('data', (message: RawMessage) => {
      if (token !== this.#streamToken) return;
      this.#buffer.push(message);
      if (this.#buffer.length >= (o.maxBatch ?? 3000) * 2) stream.pause();
      this.#wake?.();
    });
    // A stream that failed is destroyed and reads nothing more: rebuild the consumer.
    stream.on('error', (error: unknown) => {
      if (token === this.#streamToken) this.#onConsumerFailure(consumer, error);
      else this.#log.debug({ err: error }, 'a replaced consumer stream failed');
    });
    if (this.#paused) stream.pause();
    return stream;
  }

  /**
   * Applies SinkTaskContext.offset() rewinds. The client's stream cannot seek, so: commit what
   * was put (as at any commit), commit the requested offsets to the group, and replace the stream
   * by one reading from the committed offsets. The new stream is opened before the old one is
   * closed, so the consumer keeps its topics and does not rejoin the group; buffered messages are
   * dropped and read again from the committed positions.
   */
  async #rewind(): Promise<void> {
    const assigned = new Set(this.#assignment.map(topicPartitionKey));
    const seeks = [...this.#pendingSeeks.values()].filter((s) =>
      assigned.has(topicPartitionKey(s.topicPartition)),
    );
    this.#pendingSeeks.clear();
    const consumer = this.#consumer;
    if (seeks.length === 0 || !consumer || !this.#stream) return;
    await this.#commit();
    try {
      await this.#joining(() =>
        consumer.commit({
          offsets: seeks.map(({ topicPartition, offset }) => ({
            ...topicPartition,
            offset,
            leaderEpoch: -1,
          })),
        }),
      );
    } catch (error) {
      this.#log.warn({ err: error }, 'rewind: committing the requested offsets failed; not rewinding');
      return;
    }
    for (const seek of seeks) {
      const key = topicPartitionKey(seek.topicPartition);
      this.#current.set(key, seek);
      this.#lastCommitted.set(key, seek.offset);
    }
    this.#log.info(
      { offsets: seeks.map((s) => `${topicPartitionKey(s.topicPartition)}@${s.offset}`) },
      'rewinding partitions',
    );
    await this.#reopenStream();
  }

  /**
   * Replaces the stream by one reading from the committed offsets, opened before the old one is
   * closed so the consumer keeps its topics; buffered messages are dropped and read again.
   */
  async #reopenStream(): Promise<void> {
    const old = this.#stream;
    if (!old) return;
    const opening = this.#openStream(this.#topics);
    this.#buffer = [];
    this.#stream = await opening;
    await old.close().catch(() => {});
  }

  /** The configured topics (or topics.regex matches) that exist in the cluster now, sorted. */
  async #existingTopics(): Promise<string[]> {
    const admin = this.#admin as Admin;
    const all = await admin.listTopics({ includeInternals: false });
    const wanted = this.#o.topicsRegex
      ? all.filter((t) => new RegExp(`^(?:${this.#o.topicsRegex})$`).test(t))
      : this.#o.topics.filter((t) => all.includes(t));
    return wanted.sort();
  }

  async #applyAssignments(): Promise<void> {
    for (let next = this.#assignments.shift(); next; next = this.#assignments.shift()) {
      await this.#onAssignment(next);
    }
  }

  async #onAssignment(assignments: { topic: string; partitions: number[] }[]): Promise<void> {
    const next = assignments.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition })));
    const nextKeys = new Set(next.map(topicPartitionKey));
    const lost = this.#assignment.filter((tp) => !nextKeys.has(topicPartitionKey(tp)));
    const oldKeys = new Set(this.#assignment.map(topicPartitionKey));
    const added = next.filter((tp) => !oldKeys.has(topicPartitionKey(tp)));
    this.#assignment = next;
    if (lost.length || added.length) {
      this.#log.info(
        { revoked: lost.map(topicPartitionKey), assigned: added.map(topicPartitionKey) },
        'partition assignment changed',
      );
    }
    if (lost.length) {
      try {
        await this.#o.task.close?.(lost);
      } catch (error) {
        // The partitions are gone either way; their new owner re-reads what was not committed.
        this.#log.warn({ err: error }, 'close of revoked partitions failed');
      }
      const lostKeys = new Set(lost.map(topicPartitionKey));
      for (const key of lostKeys) this.#current.delete(key);
      // Read but not delivered: the new owner reads them again. Delivered after close(), they
      // would be written past records the task dropped on close(), and those would be lost.
      this.#buffer = this.#buffer.filter((m) => !lostKeys.has(topicPartitionKey(m)));
      // The stream pauses when the buffer is full (as it fills while delivery is held for a
      // rejoin): emptied here, nothing else would resume it, and the kept partitions would stall.
      if (!this.#paused && this.#buffer.length < (this.#o.maxBatch ?? 3000)) this.#stream?.resume();
    }
    if (added.length) await this.#open(added);
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
      const still = partitions.filter((tp) => this.#latestAssignment.has(topicPartitionKey(tp)));
      if (still.length === 0 || !this.#running) return;
      try {
        await this.#o.task.open?.(still);
        return;
      } catch (error) {
        if (!this.#running) return;
        if (attempt >= OPEN_ATTEMPTS) throw error;
        this.#log.warn(
          { err: error, attempt, partitions: still.map(topicPartitionKey), backoffMs: backoff },
          'open of assigned partitions failed; holding delivery and retrying',
        );
        await new Promise<void>((resolve) => {
          this.#interrupt = resolve;
          setTimeout(resolve, backoff);
        });
        this.#interrupt = undefined;
        backoff = Math.min(backoff * 2, OPEN_BACKOFF_MS.max);
      }
    }
  }

  /**
   * Leaves the consumer group and closes the consumer, once; offsets can no longer be committed.
   * leaveGroup() comes first because it ends the client's membership: close() alone does not, and
   * a rejoin in progress (the group rebalancing as a thawed zombie comes back) then goes on over
   * closed connections, fails, and emits 'error', which unheard ends the worker process.
   */
  async #leaveGroup(): Promise<void> {
    const consumer = this.#consumer;
    if (!consumer || this.#leftGroup) return;
    this.#leftGroup = true;
    this.#streamToken = undefined;
    await this.#stream?.close().catch(() => {});
    const settle = (what: string, resolve: () => void) => (error?: unknown) => {
      if (error) this.#log.warn({ err: error }, `${what} failed`);
      resolve();
    };
    await new Promise<void>((resolve) =>
      consumer.leaveGroup(true, settle('leaving the consumer group', resolve)),
    );
    await new Promise<void>((resolve) => consumer.close(true, settle('closing the consumer', resolve)));
  }

  async #loop(): Promise<void> {
    const o = this.#o;
    const maxBatch = o.maxBatch ?? 3000;
    let lastCommit = Date.now();
    let lastTopicCheck = 0;
    while (this.#running) {
      if (this.#broken) {
        await this.#exclusive(() => this.#rebuildConsumer());
        continue;
      }
      if (Date.now() - lastTopicCheck >= TOPIC_CHECK_INTERVAL_MS) {
        lastTopicCheck = Date.now();
        await this.#exclusive(() => this.#checkTopics());
      }
      const deliverable = () => !this.#paused && !this.#holdDelivery && this.#buffer.length > 0;
      if (!deliverable() && !this.#commitRequested && this.#assignments.length === 0 && !this.#broken) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          setTimeout(
            resolve,
            this.#owesIdlePut && !this.#holdDelivery
              ? IDLE_PUT_MS
              : Math.max(
                  50,
                  Math.min(TOPIC_CHECK_INTERVAL_MS, o.offsetCommitIntervalMs - (Date.now() - lastCommit)),
                ),
          );
        });
        this.#wake = undefined;
      }
      if (!this.#running || this.#broken) continue;
      await this.#exclusive(async () => {
        await this.#applyAssignments();
        if (this.#pendingSeeks.size > 0) await this.#rewind();
        if (deliverable()) {
          const batch = this.#buffer.splice(0, maxBatch);
          if (this.#buffer.length < maxBatch) this.#stream?.resume();
          await this.#deliver(batch);
        } else if (!this.#paused && !this.#holdDelivery && this.#owesIdlePut && this.#buffer.length === 0) {
          // Nothing more arrived: a task that buffers across puts writes now.
          this.#owesIdlePut = false;
          await o.task.put([]);
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
    await this.#stream?.close().catch(() => {});
  }

  /**
   * Subscribes to the topics that exist now when they changed. What was put is committed first:
   * the new subscription makes the consumer rejoin its group. A broker that does not answer is
   * not the task's failure: the consumer reports its own (see #onConsumerFailure).
   */
  async #checkTopics(): Promise<void> {
    let topics: string[];
    try {
      topics = await this.#existingTopics();
    } catch (error) {
      this.#log.warn({ err: error }, 'listing topics failed; keeping the current subscription');
      return;
    }
    if (topics.join(',') === this.#topics.join(',')) return;
    this.#log.info({ topics }, 'subscribing');
    await this.#commit();
    try {
      await this.#subscribe(topics);
    } catch (error) {
      // The join ran out of retries (a coordinator still loading, a broker gone): rebuild.
      this.#onConsumerFailure(this.#consumer as RawConsumer, error);
    }
  }

  /**
   * Drops messages of partitions no longer assigned, and at offsets already handed to put(). The
   * client's stream goes back to the group's committed offsets whenever the consumer rejoins the
   * group, even when it keeps its partitions (a thawed zombie's consumer coming back makes every
   * member rejoin): without this, what was put since the last commit would be put again, in the
   * same batch as the first copy. A rewind (SinkTaskContext.offset()) and a revoked partition
   * reset the position, so records read again after those pass.
   */
  #skipDelivered(batch: RawMessage[]): RawMessage[] {
    const next = new Map<string, bigint>();
    const assigned = new Set(this.#assignment.map(topicPartitionKey));
    let skipped = 0;
    const fresh = batch.filter((message) => {
      const key = topicPartitionKey(message);
      // A fetch that was under way when the partition was revoked.
      if (!assigned.has(key)) return false;
      const expected = next.get(key) ?? this.#current.get(key)?.offset;
      if (expected !== undefined && message.offset < expected) {
        skipped++;
        return false;
      }
      next.set(key, message.offset + 1n);
      return true;
    });
    // One line per re-read, when it is over, not one per batch.
    this.#reread += skipped;
    if (this.#reread > 0 && fresh.length > 0) {
      this.#log.info(
        { skipped: this.#reread },
        'dropped records read again after a rejoin; they were put already',
      );
      this.#reread = 0;
    }
    return fresh;
  }

  async #deliver(messages: RawMessage[]): Promise<void> {
    const o = this.#o;
    const tolerance = this.#tolerance as ToleranceOperator;
    const batch = this.#skipDelivered(messages);
    const records: SinkRecord[] = [];
    for (const message of batch) {
      // Converters are synchronous and rarely fail: convert directly, and go through the
      // tolerance operator (async: logging, DLQ) only for a record that failed.
      let key: SchemaAndValue | undefined;
      let value: SchemaAndValue | undefined;
      let failedStage: 'KEY_CONVERTER' | 'VALUE_CONVERTER' = 'KEY_CONVERTER';
      let failure: unknown;
      try {
        key = o.keyConverter.toConnectData(message.topic, message.key ?? null);
        failedStage = 'VALUE_CONVERTER';
        value = o.valueConverter.toConnectData(message.topic, message.value ?? null);
      } catch (error) {
        failure = error;
      }
      if (key === undefined || value === undefined) {
        const context = consumedContext(message);
        await tolerance.execute(
          failedStage,
          () => {
            throw failure;
          },
          context,
        );
        o.metrics.recordsSkipped.inc();
        continue;
      }
      let record: SinkRecord | null = {
        topic: message.topic,
        kafkaPartition: message.partition,
        kafkaOffset: message.offset,
        keySchema: key.schema ?? undefined,
        key: key.value,
        valueSchema: value.schema ?? undefined,
        value: value.value,
        timestamp: message.timestamp >= 0n ? Number(message.timestamp) : undefined,
        headers:
          message.headers.size === 0 ? [] : [...message.headers].map(([k, v]) => ({ key: k, value: v })),
        originalTopic: message.topic,
        originalKafkaPartition: message.partition,
        originalKafkaOffset: message.offset,
      };
      const chain = o.transformations;
      if (chain && !chain.isEmpty) {
        const input: SinkRecord = record;
        const transformed = await tolerance.execute(
          'TRANSFORMATION',
          () => chain.apply(input),
          consumedContext(message),
          // A transformation's failure is about the record: trying again gives the same answer.
          () => false,
        );
        if (!transformed.ok) {
          o.metrics.recordsSkipped.inc();
          continue;
        }
        // A transformation dropped it (Filter): handled, its offset counts as delivered.
        if (transformed.value === null) continue;
        record = transformed.value;
      }
      if (this.#errantReporting) this.#messageOf.set(record, message);
      records.push(record);
    }
    if (records.length > 0) {
      const started = performance.now();
      this.#log.debug({ records: records.length }, 'put');
      await o.task.put(records);
      this.#owesIdlePut = true;
      o.metrics.putLatency.observe((performance.now() - started) / 1000);
    }
    o.metrics.recordsIn.inc(batch.length);
    // Skipped records count as handled: their offsets may be committed too.
    for (const message of batch) {
      const tp = { topic: message.topic, partition: message.partition };
      this.#current.set(topicPartitionKey(tp), { topicPartition: tp, offset: message.offset + 1n });
      if (!this.#topicsSeen.has(message.topic)) {
        this.#topicsSeen.add(message.topic);
        o.onTopicUsed(message.topic);
      }
    }
  }

  async #commit(): Promise<void> {
    const consumer = this.#consumer;
    if (!consumer || this.#current.size === 0) return;
    const o = this.#o;
    const snapshot: OffsetMap = new Map(this.#current);
    let committable: OffsetMap;
    try {
      committable = o.task.preCommit ? await o.task.preCommit(snapshot) : snapshot;
    } catch (error) {
      // The task could not make what it was given durable (a buffered write failed): it fails.
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
      await this.#joining(() => consumer.commit({ offsets }));
      for (const o2 of offsets) this.#lastCommitted.set(topicPartitionKey(o2), o2.offset);
      o.metrics.commitLatency.observe((performance.now() - started) / 1000);
    } catch (error) {
      // A rebalance took partitions away: their new owner re-reads from the last commit.
      this.#log.warn(
        { err: error },
        'offset commit failed; records since the last commit may be re-delivered',
      );
    }
  }

  pause(): void {
    this.#paused = true;
    this.#stream?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#stream?.resume();
    this.#wake?.();
  }

  async stop(): Promise<void> {
    const wasRunning = this.#running;
    this.#running = false;
    this.#wake?.();
    this.#interrupt?.();
    let finished = true;
    if (this.#done) {
      let timer: NodeJS.Timeout | undefined;
      finished = await Promise.race([
        this.#done.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), STOP_GRACE_MS);
        }),
      ]);
      clearTimeout(timer);
      if (!finished) {
        // Still in put() or open() (e.g. waiting on a database lock): leave the group now, so
        // the partitions' new owner gets them instead of waiting for this task.
        this.#log.warn(
          { graceMs: STOP_GRACE_MS },
          'sink task still busy while stopping; leaving the consumer group first',
        );
        await this.#leaveGroup();
        await this.#done;
      }
    }
    if (wasRunning && finished && !this.#leftGroup && !this.#broken) {
      // Everything handed to put() gets one last chance to be committed.
      await this.#exclusive(() => this.#commit()).catch(() => {});
    }
    try {
      await this.#o.task.stop();
    } catch (error) {
      this.#log.warn({ err: error }, 'task stop failed');
    }
    await this.#leaveGroup();
    await this.#dlqProducer?.close().catch(() => {});
    await this.#admin?.close().catch(() => {});
  }
}

/** What the error reporters (log, DLQ headers) tell about a consumed record. */
function consumedContext(message: RawMessage): ConsumedRecordContext {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    key: message.key,
    value: message.value,
    headers: message.headers,
    timestamp: message.timestamp,
  };
}
