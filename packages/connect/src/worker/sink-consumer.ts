import {
  type Admin,
  type ClientSettings,
  FetchIsolationLevels,
  type KafkaClients,
  type MessagesStream,
  MessagesStreamModes,
  type RawConsumer,
  setBeforeRejoin,
} from '@msa-sync/kafka';
import type { Logger } from 'pino';
import { type TopicPartition, topicPartitionKey } from '../api/records.js';
import { SINK_CONSUMER_DEFAULTS } from './sink-consumer-config.js';
import type { RawMessage } from './sink-delivery.js';
import type { CommittedOffset } from './sink-offset-commit.js';

/** Closing a broken consumer may wait on a broker that is gone: it gets this long. */
const TEARDOWN_MS = 5000;

type RawStream = MessagesStream<Buffer | undefined, Buffer | undefined, string, Buffer>;

export interface SinkConsumerOptions {
  connector: string;
  taskId: number;
  client: ClientSettings;
  clients: KafkaClients;
  topics: string[];
  topicsRegex: string | undefined;
  /** `consumer.override.isolation.level`; unset keeps the client's default (read_committed). */
  isolationLevel?: 'read_committed' | 'read_uncommitted' | undefined;
  /** `consumer.override.auto.offset.reset`: where a partition without a committed offset starts. */
  fallbackMode?: 'earliest' | 'latest' | 'fail' | undefined;
  consumerOverrides?: Record<string, unknown> | undefined;
  adminOverrides?: Record<string, unknown> | undefined;
  /** Most records handed to one put(); the stream pauses at twice as many buffered. */
  maxBatch: number;
  log: Logger;
  /** Messages arrived. */
  onMessages(): void;
  /** The group reported a new assignment: the task applies it before it delivers anything again. */
  onAssigned(): void;
  /**
   * The consumer is about to rejoin its group and waits for `proceed`; `ownCall` when our own
   * commit or consume() made it rejoin (that step holds the task, and what it wrote is in it).
   */
  beforeRejoin(proceed: () => void, ownCall: boolean): void;
  /** The current consumer or its stream failed for good. */
  onFailure(error: unknown): void;
}

/**
 * A sink task's member of the connector's consumer group (`connect-<name>`), as the consumer side
 * of Apache's WorkerSinkTask: the client (rebuilt after a failure), its subscription to the topics
 * that exist, the stream's messages buffered for delivery, and the assignments the group reports,
 * queued until the task applies them between deliveries.
 */
export class SinkConsumer {
  readonly #o: SinkConsumerOptions;
  #consumer: RawConsumer | undefined;
  #admin: Admin | undefined;
  #stream: RawStream | undefined;
  #streamToken: symbol | undefined;
  #topics: string[] = [];
  #buffer: RawMessage[] = [];
  #paused = false;
  #leftGroup = false;
  /** Our own calls that may make the consumer join (commit retries, consume()) in flight. */
  #selfJoin = 0;
  /** The partitions the task applied (opened) last. */
  #assignment: TopicPartition[] = [];
  /**
   * Assignments the client reported, applied (close()/open()) by the task between deliveries, so
   * that a revocation never runs while put() is busy with the partition.
   */
  #assignments: { topic: string; partitions: number[] }[][] = [];
  /** Partitions of the latest assignment the client reported (the open() retries stop for the others). */
  #latestAssignment = new Set<string>();

  constructor(options: SinkConsumerOptions) {
    this.#o = options;
  }

  /** Builds the admin client (topic listing) and the first consumer. */
  start(paused: boolean): void {
    const o = this.#o;
    this.#paused = paused;
    this.#admin = o.clients.createAdmin({
      ...o.client,
      clientId: `${o.client.clientId}-${o.connector}-${o.taskId}-admin`,
      ...o.adminOverrides,
    });
    this.#consumer = this.#createConsumer();
  }

  /**
   * A consumer in the connector's group, with its assignments queued for the task, the flush before
   * each rejoin (Connect's onPartitionsRevoked), and an 'error' listener: a consumer whose group
   * rejoin ran out of retries emits 'error', which unheard would end the worker process; heard,
   * it leaves a member that no longer takes part in the group, so the task rebuilds it.
   */
  #createConsumer(): RawConsumer {
    const o = this.#o;
    const consumer = o.clients.createConsumer({
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
      ...SINK_CONSUMER_DEFAULTS,
      ...o.consumerOverrides,
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
        o.onAssigned();
      },
    );
    consumer.on('error', (error: unknown) => this.#failed(consumer, error));
    setBeforeRejoin(consumer, (proceed) => {
      if (consumer !== this.#consumer) {
        proceed();
        return;
      }
      o.beforeRejoin(proceed, this.#selfJoin > 0);
    });
    return consumer;
  }

  #failed(consumer: RawConsumer, error: unknown): void {
    if (consumer !== this.#consumer) {
      this.#o.log.debug({ err: error }, 'error from a consumer no longer in use');
      return;
    }
    this.#o.onFailure(error);
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

  // ---- the buffer -------------------------------------------------------------------------

  get buffered(): number {
    return this.#buffer.length;
  }

  /** Up to `max` buffered messages, oldest first; the stream resumes once the buffer has room. */
  take(max: number): RawMessage[] {
    const batch = this.#buffer.splice(0, max);
    if (this.#buffer.length < max) this.#stream?.resume();
    return batch;
  }

  pause(): void {
    this.#paused = true;
    this.#stream?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#stream?.resume();
  }

  // ---- the assignment ---------------------------------------------------------------------

  get assignment(): TopicPartition[] {
    return [...this.#assignment];
  }

  assignedKeys(): Set<string> {
    return new Set(this.#assignment.map(topicPartitionKey));
  }

  /** Whether the latest assignment the group reported has this partition. */
  inLatestAssignment(key: string): boolean {
    return this.#latestAssignment.has(key);
  }

  get hasAssignmentChanges(): boolean {
    return this.#assignments.length > 0;
  }

  /**
   * The next reported assignment as a change from the applied one (which it becomes); undefined
   * when none is queued. Buffered messages of lost partitions are dropped: their new owner reads
   * them again. Delivered after close(), they would be written past records the task dropped on
   * close(), and those would be lost.
   */
  nextAssignmentChange(): { lost: TopicPartition[]; added: TopicPartition[] } | undefined {
    const assignments = this.#assignments.shift();
    if (!assignments) return undefined;
    const next = assignments.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition })));
    const nextKeys = new Set(next.map(topicPartitionKey));
    const lost = this.#assignment.filter((tp) => !nextKeys.has(topicPartitionKey(tp)));
    const oldKeys = new Set(this.#assignment.map(topicPartitionKey));
    const added = next.filter((tp) => !oldKeys.has(topicPartitionKey(tp)));
    this.#assignment = next;
    if (lost.length || added.length) {
      this.#o.log.info(
        { revoked: lost.map(topicPartitionKey), assigned: added.map(topicPartitionKey) },
        'partition assignment changed',
      );
    }
    return { lost, added };
  }

  /** Drops the buffered messages of these (revoked) partitions. */
  dropBuffered(keys: ReadonlySet<string>): void {
    this.#buffer = this.#buffer.filter((m) => !keys.has(topicPartitionKey(m)));
    // The stream pauses when the buffer is full (as it fills while delivery is held for a
    // rejoin): emptied here, nothing else would resume it, and the kept partitions would stall.
    if (!this.#paused && this.#buffer.length < this.#o.maxBatch) this.#stream?.resume();
  }

  // ---- topics and the stream --------------------------------------------------------------

  /** The configured topics (or topics.regex matches) that exist in the cluster now, sorted. */
  async existingTopics(): Promise<string[]> {
    const admin = this.#admin as Admin;
    const all = await admin.listTopics({ includeInternals: false });
    const wanted = this.#o.topicsRegex
      ? all.filter((t) => new RegExp(`^(?:${this.#o.topicsRegex})$`).test(t))
      : this.#o.topics.filter((t) => all.includes(t));
    return wanted.sort();
  }

  subscribedTo(topics: string[]): boolean {
    return topics.join(',') === this.#topics.join(',');
  }

  /**
   * (Re)subscribes to these topics. Like Connect's sink consumer, a task whose topics do not exist
   * yet waits for them instead of failing.
   */
  async subscribe(topics: string[]): Promise<void> {
    this.#streamToken = undefined;
    await this.#stream?.close().catch(() => {});
    this.#stream = undefined;
    this.#topics = topics;
    if (topics.length === 0) return;
    this.#stream = await this.#openStream(topics);
  }

  get streaming(): boolean {
    return this.#stream !== undefined;
  }

  /** A stream from the group's committed offsets; from this call on, older streams' messages are ignored. */
  async #openStream(topics: string[]): Promise<RawStream> {
    const o = this.#o;
    const token = Symbol('stream');
    this.#streamToken = token;
    const consumer = this.#consumer as RawConsumer;
    const stream = await this.#joining(() =>
      consumer.consume({
        topics,
        mode: MessagesStreamModes.COMMITTED,
        // Connect's sink consumers start from the beginning when the group has no offset yet.
        fallbackMode: o.fallbackMode ?? 'earliest',
        autocommit: false,
      }),
    );
    stream.on('data', (message: RawMessage) => {
      if (token !== this.#streamToken) return;
      this.#buffer.push(message);
      if (this.#buffer.length >= o.maxBatch * 2) stream.pause();
      o.onMessages();
    });
    // A stream that failed is destroyed and reads nothing more: rebuild the consumer.
    stream.on('error', (error: unknown) => {
      if (token === this.#streamToken) this.#failed(consumer, error);
      else o.log.debug({ err: error }, 'a replaced consumer stream failed');
    });
    if (this.#paused) stream.pause();
    return stream;
  }

  /**
   * Replaces the stream by one reading from the committed offsets, opened before the old one is
   * closed so the consumer keeps its topics and does not rejoin the group; buffered messages are
   * dropped and read again.
   */
  async reopenStream(): Promise<void> {
    const old = this.#stream;
    if (!old) return;
    const opening = this.#openStream(this.#topics);
    this.#buffer = [];
    this.#stream = await opening;
    await old.close().catch(() => {});
  }

  /** The subscription failed for good (a join out of retries): as if the consumer had failed. */
  subscriptionFailed(error: unknown): void {
    this.#failed(this.#consumer as RawConsumer, error);
  }

  // ---- the group --------------------------------------------------------------------------

  get active(): boolean {
    return this.#consumer !== undefined;
  }

  get leftGroup(): boolean {
    return this.#leftGroup;
  }

  /** Commits offsets to the group. */
  async commit(offsets: CommittedOffset[]): Promise<void> {
    const consumer = this.#consumer as RawConsumer;
    await this.#joining(() => consumer.commit({ offsets }));
  }

  /** Closes the current consumer and its stream, giving up after TEARDOWN_MS (broker gone). */
  async teardown(): Promise<void> {
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

  /** A new member of the group in place of the torn-down one, with nothing buffered or subscribed. */
  recreate(): void {
    this.#buffer = [];
    this.#consumer = this.#createConsumer();
    this.#leftGroup = false;
    this.#topics = [];
  }

  /**
   * Leaves the consumer group and closes the consumer, once; offsets can no longer be committed.
   * leaveGroup() comes first because it ends the client's membership: close() alone does not, and
   * a rejoin in progress (the group rebalancing as a thawed zombie comes back) then goes on over
   * closed connections, fails, and emits 'error', which unheard ends the worker process.
   */
  async leaveGroup(): Promise<void> {
    const consumer = this.#consumer;
    if (!consumer || this.#leftGroup) return;
    this.#leftGroup = true;
    this.#streamToken = undefined;
    await this.#stream?.close().catch(() => {});
    const settle = (what: string, resolve: () => void) => (error?: unknown) => {
      if (error) this.#o.log.warn({ err: error }, `${what} failed`);
      resolve();
    };
    await new Promise<void>((resolve) =>
      consumer.leaveGroup(true, settle('leaving the consumer group', resolve)),
    );
    await new Promise<void>((resolve) => consumer.close(true, settle('closing the consumer', resolve)));
  }

  /** Closes the stream (the loop ended). */
  async closeStream(): Promise<void> {
    await this.#stream?.close().catch(() => {});
  }

  async closeAdmin(): Promise<void> {
    await this.#admin?.close().catch(() => {});
  }
}
