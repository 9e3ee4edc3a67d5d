import { type Admin, ConfigResourceTypes, type KafkaProducer, type OutgoingMessage } from '@msa-sync/kafka';
import type { Logger } from 'pino';
import type { SourceTask } from '../api/connector.js';
import type { SourceRecord } from '../api/records.js';
import type { ConnectorOffsetBackingStore, OffsetEntry } from '../storage/connector-offset-store.js';
import { offsetKey } from '../storage/offset-store.js';
import type { TaskMetrics } from './worker-metrics.js';

/** Tries of the offset flush on stop before its offsets are given up. */
const FINAL_FLUSH_ATTEMPTS = 3;

/** Apache's producer default max.request.size: the most one produce request carries. */
export const MAX_REQUEST_BYTES = 1_048_576;
/** A v2 record batch's header (offset, length, epoch, magic, CRC, ... record count). */
const BATCH_OVERHEAD_BYTES = 61;
/** The most a v2 record adds to its key and value: length, attributes, deltas, lengths as varints. */
const RECORD_OVERHEAD_BYTES = 36;
/** The most a header adds to its key and value: their lengths as varints. */
const HEADER_OVERHEAD_BYTES = 10;
/** How long a topic whose limit could not be read is sent under the default before asking again. */
const LIMIT_RETRY_MS = 10_000;

/**
 * The largest record batch each topic accepts (its max.message.bytes, which defaults to the
 * broker's message.max.bytes). Loaded once per topic before a poll's records are split, then read
 * synchronously.
 */
export interface MessageSizeLimits {
  load(topics: Iterable<string>): Promise<void>;
  limitOf(topic: string): number;
}

/** Every topic under Apache's default max.request.size (tests; no admin client). */
export const DEFAULT_SIZE_LIMITS: MessageSizeLimits = {
  load: async () => {},
  limitOf: () => MAX_REQUEST_BYTES,
};

/**
 * One record larger than its topic accepts, as Apache's RecordTooLargeException: it can be split
 * no further, so the task fails with this rather than with the broker's MESSAGE_TOO_LARGE.
 */
export class RecordTooLargeError extends Error {
  override readonly name = 'RecordTooLargeException';
  constructor(topic: string, bytes: number, limit: number) {
    super(
      `A record for topic '${topic}' is ${bytes} bytes when serialized, which is larger than ${limit}, ` +
        `the most one produce request to it may carry (the smaller of the producer's max.request.size ` +
        `and the topic's max.message.bytes)`,
    );
  }
}

/** An upper bound of the bytes one message adds to an uncompressed record batch. */
export function estimatedRecordBytes(message: OutgoingMessage): number {
  let bytes = RECORD_OVERHEAD_BYTES + (message.key?.length ?? 0) + (message.value?.length ?? 0);
  const headers = message.headers;
  if (headers) {
    const entries = headers instanceof Map ? headers : Object.entries(headers);
    for (const [key, value] of entries) {
      bytes += HEADER_OVERHEAD_BYTES + Buffer.byteLength(key) + (value?.length ?? 0);
    }
  }
  return bytes;
}

/**
 * A poll's messages as consecutive groups, each small enough for one produce request: the
 * client sends one send() as one request with one batch per partition, and the broker refuses a
 * batch over the topic's max.message.bytes (MESSAGE_TOO_LARGE) instead of splitting it as
 * Apache's producer does. Bounding a group's total bounds each of its partition batches. Order is
 * kept, so each partition's records stay in order across the groups. Usually one group: the
 * messages array itself, not copied.
 */
export function splitUnderLimit(messages: OutgoingMessage[], limits: MessageSizeLimits): OutgoingMessage[][] {
  const groups: OutgoingMessage[][] = [];
  let start = 0;
  let bytes = BATCH_OVERHEAD_BYTES;
  let limit = MAX_REQUEST_BYTES;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as OutgoingMessage;
    const size = estimatedRecordBytes(message);
    const topicLimit = Math.min(MAX_REQUEST_BYTES, limits.limitOf(message.topic));
    if (BATCH_OVERHEAD_BYTES + size > topicLimit)
      throw new RecordTooLargeError(message.topic, size, topicLimit);
    const groupLimit = Math.min(limit, topicLimit);
    if (i > start && bytes + size > groupLimit) {
      groups.push(messages.slice(start, i));
      start = i;
      bytes = BATCH_OVERHEAD_BYTES;
      limit = topicLimit;
    } else {
      limit = groupLimit;
    }
    bytes += size;
  }
  if (start === 0) return messages.length === 0 ? [] : [messages];
  groups.push(messages.slice(start));
  return groups;
}

/**
 * Reads each topic's max.message.bytes with the admin client, once. Only topics that exist are
 * described: one unknown topic fails a whole DescribeConfigs request, and the client retries that
 * error for about a second before it gives up, so asking for a topic the producer has not created
 * yet held the task's first send back that long (and made a connector's other topics fall back to
 * the default with it). A topic not there yet is sent under the default (the producer creates it
 * with the broker's message.max.bytes) and asked again at the next load; a failed read is asked
 * again after a while.
 */
export class TopicMessageSizeLimits implements MessageSizeLimits {
  readonly #admin: () => Pick<Admin, 'listTopics' | 'describeConfigs'>;
  readonly #log: Logger;
  readonly #limits = new Map<string, { limit: number; until: number }>();

  constructor(admin: () => Pick<Admin, 'listTopics' | 'describeConfigs'>, log: Logger) {
    this.#admin = admin;
    this.#log = log;
  }

  async load(topics: Iterable<string>): Promise<void> {
    const now = Date.now();
    const missing: string[] = [];
    for (const topic of topics) {
      const known = this.#limits.get(topic);
      if ((!known || known.until <= now) && !missing.includes(topic)) missing.push(topic);
    }
    if (missing.length === 0) return;
    const found = new Map<string, number>();
    let absent = new Set<string>();
    try {
      const admin = this.#admin();
      const existing = new Set(await admin.listTopics({ includeInternals: true }));
      absent = new Set(missing.filter((topic) => !existing.has(topic)));
      const present = missing.filter((topic) => existing.has(topic));
      if (present.length > 0) {
        const described = await admin.describeConfigs({
          resources: present.map((resourceName) => ({
            resourceType: ConfigResourceTypes.TOPIC,
            resourceName,
            configurationKeys: ['max.message.bytes'],
          })),
          includeSynonyms: false,
        });
        for (const resource of described) {
          const value = Number(resource.configs.find((c) => c.name === 'max.message.bytes')?.value);
          if (Number.isSafeInteger(value) && value > 0) {
            found.set(resource.resourceName, value);
          }
        }
      }
    } catch (error) {
      // A topic deleted in between fails the whole request; all of them are asked again later.
      this.#log.debug({ err: error, topics: missing }, 'could not read max.message.bytes; using the default');
    }
    for (const topic of missing) {
      const limit = found.get(topic);
      this.#limits.set(
        topic,
        limit !== undefined
          ? { limit, until: Number.POSITIVE_INFINITY }
          : { limit: MAX_REQUEST_BYTES, until: absent.has(topic) ? now : now + LIMIT_RETRY_MS },
      );
    }
  }

  limitOf(topic: string): number {
    return this.#limits.get(topic)?.limit ?? MAX_REQUEST_BYTES;
  }
}

/**
 * How a source task's converted records and their offsets leave the worker: at least once (a plain
 * idempotent producer, offsets flushed on an interval) or exactly once (transactions holding the
 * records and their offsets, see exactly-once-source.ts). As Apache's AbstractWorkerSourceTask
 * and its two subclasses, the poll loop is the same for both.
 */
export interface SourceRecordDelivery {
  /**
   * Sends one poll's converted records; `records` are all it polled (dropped ones move offsets
   * too). It may return before the broker acknowledged them (the work is then in flight, see
   * {@link drain}); it throws the failure of earlier work in flight.
   */
  send(messages: OutgoingMessage[], records: SourceRecord[]): Promise<void>;
  /** After each poll, an empty one too (the interval transaction boundary). */
  afterPoll(): Promise<void>;
  /** Waits for the work in flight; throws its failure. Before the loop ends and the task commits. */
  drain(): Promise<void>;
  /** Aborted once work in flight failed: the poll under way may end early, the task fails. */
  readonly failed?: AbortSignal;
  /** The task is about to wait while paused: nothing may hang open meanwhile. */
  beforePause(): Promise<void>;
  /** The loop (re)starts, after start or a pause: the interval boundary counts from now. */
  startInterval(): void;
  /** offset.flush.interval.ms passed: writes the offsets of acknowledged records. */
  flush(): Promise<void>;
  /** On stop, after the loop ended: the last commit. */
  finish(): Promise<void>;
  /** After the task failed: nothing unfinished may become visible. */
  abandon(): Promise<void>;
  close(): Promise<void>;
}

export interface SourceDeliveryContext {
  connector: string;
  task: SourceTask;
  offsets: ConnectorOffsetBackingStore;
  metrics: TaskMetrics;
  log: Logger;
  /** What one produce request may carry, per topic; default Apache's max.request.size for all. */
  sizeLimits?: MessageSizeLimits;
}

/**
 * The latest offset each source partition of these records reaches, into `into`. A connector
 * usually hands every record of a partition the same partition object: its key is made once.
 */
export function latestOffsets(
  connector: string,
  records: SourceRecord[],
  into: Map<string, OffsetEntry>,
): Map<string, OffsetEntry> {
  let partition: Record<string, unknown> | undefined;
  let key = '';
  for (const record of records) {
    if (record.sourcePartition !== partition) {
      partition = record.sourcePartition;
      key = offsetKey(connector, partition);
    }
    into.set(key, { partition, offset: record.sourceOffset });
  }
  return into;
}

/** The topics of these messages. */
export function topicsOf(messages: OutgoingMessage[]): Set<string> {
  const topics = new Set<string>();
  for (const message of messages) topics.add(message.topic);
  return topics;
}

/**
 * At least once: records go out through the idempotent producer (acks=all); the offsets of
 * acknowledged records are written to the offsets topic every offset.flush.interval.ms and on
 * stop, so a restart resumes after the last flushed record and may send a few again.
 */
export class AtLeastOnceSourceDelivery implements SourceRecordDelivery {
  readonly #c: SourceDeliveryContext;
  readonly #producer: KafkaProducer;
  /** Offsets of records the broker acknowledged but not yet written to the offsets topic. */
  #pending = new Map<string, OffsetEntry>();

  constructor(context: SourceDeliveryContext, producer: KafkaProducer) {
    this.#c = context;
    this.#producer = producer;
  }

  async send(messages: OutgoingMessage[], records: SourceRecord[]): Promise<void> {
    if (messages.length > 0) {
      const limits = this.#c.sizeLimits ?? DEFAULT_SIZE_LIMITS;
      await limits.load(topicsOf(messages));
      for (const group of splitUnderLimit(messages, limits)) await this.#producer.send({ messages: group });
    }
    // Only acknowledged records move the offsets forward.
    latestOffsets(this.#c.connector, records, this.#pending);
  }

  async afterPoll(): Promise<void> {}
  async drain(): Promise<void> {}
  async beforePause(): Promise<void> {}
  startInterval(): void {}

  /**
   * Writes the offsets of acknowledged records. They leave #pending only once written: an offset
   * dropped before a failed write would make the next run of the task start before rows it
   * already sent, and send them again. An entry that moved on during the write stays pending.
   */
  async flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    const snapshot = new Map(this.#pending);
    const started = performance.now();
    await this.#c.offsets.set(this.#c.connector, [...snapshot.values()]);
    for (const [key, entry] of snapshot) {
      if (this.#pending.get(key) === entry) this.#pending.delete(key);
    }
    this.#c.metrics.commitLatency.observe((performance.now() - started) / 1000);
    await this.#c.task.commit?.();
  }

  /** Connect commits on stop: the task's next run starts after every acknowledged record. */
  async finish(): Promise<void> {
    for (let attempt = 1; attempt <= FINAL_FLUSH_ATTEMPTS; attempt++) {
      try {
        await this.flush();
        return;
      } catch (error) {
        this.#c.log.warn(
          { err: error, attempt, attempts: FINAL_FLUSH_ATTEMPTS },
          attempt < FINAL_FLUSH_ATTEMPTS
            ? 'final offset flush failed; retrying'
            : 'final offset flush failed; the next run may send these records again',
        );
        if (attempt < FINAL_FLUSH_ATTEMPTS) await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }

  async abandon(): Promise<void> {}

  async close(): Promise<void> {
    await this.#producer.close().catch(() => {});
  }
}
